/**
 * ZLMediaKit's MP4 recordings as console segments. ZLMediaKit writes `<record root>/<app>/<stream>/<YYYY-MM-DD>/
 * <HH-MM-SS>[-N].mp4` (date and time of the file's start, in the server's local time) and `getMP4RecordFile`
 * lists one day's file names only: no durations. Durations are therefore approximated here:
 *  - a file ends where the next one starts when that start is within `fileSeconds` (+30 s: ZLMediaKit's
 *    record.fileSecond; it cuts a new file at the first key frame after fileSecond seconds while the stream lasts,
 *    so such files are back to back);
 *  - otherwise (a gap follows: the stream stopped, or this is the last file) it is taken to last `fileSeconds`,
 *    capped by the query window's end and the current time. A file of a stream that stopped early is thus shown
 *    longer than it is; the player reaches its real end sooner and moves on to the next segment.
 * Files still being written are hidden by ZLMediaKit (a leading '.') until closed, so the last minutes of a live
 * recording are not listed.
 */

export type ZlmRecordFile = { date: string; file: string; start: number };

/** `+08:00` -> minutes east of UTC. */
export function offsetMinutes(utcOffset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset);
  if (!m) return 8 * 60;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

/** The server-local date (YYYY-MM-DD) of epoch `ms`. */
export function serverDate(ms: number, offsetMin: number): string {
  return new Date(ms + offsetMin * 60_000).toISOString().slice(0, 10);
}

/** Server-local dates whose files may overlap [from, to): the day before `from` too when a file may reach into it. */
export function daysToQuery(from: number, to: number, offsetMin: number, fileSeconds: number, maxDays = 32): string[] {
  const days: string[] = [];
  const first = Date.parse(`${serverDate(from - fileSeconds * 1000, offsetMin)}T00:00:00Z`);
  const last = serverDate(Math.max(from, to - 1), offsetMin);
  for (let t = first; days.length < maxDays; t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    days.push(d);
    if (d >= last) break;
  }
  return days;
}

/** `14-05-00.mp4` / `14-05-00-3.mp4` of day `date` -> its start (epoch ms); null for other names. */
export function parseRecordFile(date: string, file: string, offsetMin: number): ZlmRecordFile | null {
  const m = /^(\d{2})-(\d{2})-(\d{2})(?:-\d+)?\.mp4$/.exec(file);
  if (!m || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || mi > 59 || s > 59) return null;
  const utc = Date.parse(`${date}T${m[1]}:${m[2]}:${m[3]}Z`);
  if (!Number.isFinite(utc)) return null;
  return { date, file, start: utc - offsetMin * 60_000 };
}

/** Files (any order) -> [start, end) spans per the approximation above, sorted by start. */
export function fileSpans(files: ZlmRecordFile[], fileSeconds: number, cap: number): (ZlmRecordFile & { end: number })[] {
  const sorted = [...files].sort((a, b) => a.start - b.start || a.file.localeCompare(b.file));
  const full = fileSeconds * 1000;
  const slack = 30_000;
  const out: (ZlmRecordFile & { end: number })[] = [];
  sorted.forEach((f, i) => {
    const next = sorted[i + 1];
    const contiguous = next !== undefined && next.start > f.start && next.start - f.start <= full + slack;
    const end = Math.min(contiguous ? next.start : f.start + full, Math.max(cap, f.start + 1_000));
    if (end > f.start) out.push({ ...f, end });
  });
  return out;
}
