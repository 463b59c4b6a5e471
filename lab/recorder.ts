/**
 * The lab's recorder, standing for the NVR or media server that keeps a site's recordings: some cameras write
 * their H.264 (copied, no second encode) into MPEG-TS segment files as they run, and a few minutes of older
 * recordings with a gap are made up at start, so a day's timeline has history and a hole in it.
 *
 * On disk, per camera: `<dir>/<base>-NNNNN.ts` segments and `<dir>/<base>.csv`, ffmpeg's segment list
 * (`file,start,end` in seconds, one line per finished segment). `base` is the epoch ms at which that run of
 * segments starts, so a segment's wall-clock time is base + its start. Only finished segments are listed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Segment length: short, so a recording becomes playable a few seconds after it happened. */
export const SEGMENT_SECONDS = 6;
/** Recordings older than this are deleted (the lab runs for hours in development). */
export const RETENTION_MS = 45 * 60_000;

export type RecordedSegment = { start: number; end: number; file: string };

/** The directory of one camera's recordings. */
export function recordingDir(root: string, mountpointId: number): string {
  return join(root, String(mountpointId));
}

function segmentPaths(dir: string, base: number): { list: string; pattern: string } {
  return { list: join(dir, `${base}.csv`), pattern: join(dir, `${base}-%05d.ts`) };
}

/** Output arguments that copy input video stream 0 into segments (for cameras that copy their H.264). */
export function recordOutputArgs(dir: string, base: number): string[] {
  const p = segmentPaths(dir, base);
  return [
    '-map', '0:v:0', '-c', 'copy',
    '-f', 'segment', '-segment_time', String(SEGMENT_SECONDS), '-segment_format', 'mpegts',
    '-segment_list', p.list, '-segment_list_type', 'csv', p.pattern,
  ];
}

/** The same as one output of ffmpeg's tee muxer (for cameras that encode once and tee). */
export function recordTeeOutput(dir: string, base: number): string {
  const p = segmentPaths(dir, base);
  for (const path of [p.list, p.pattern]) if (!/^[\w/.%-]+$/.test(path)) throw new Error(`${path}: unsafe in a tee spec`);
  return `[f=segment:segment_time=${SEGMENT_SECONDS}:segment_format=mpegts:segment_list=${p.list}:segment_list_type=csv]${p.pattern}`;
}

/** Parses one segment list; lines whose file is missing (pruned) are skipped by the caller. */
export function parseSegmentList(text: string, base: number): RecordedSegment[] {
  const out: RecordedSegment[] = [];
  for (const line of text.split('\n')) {
    const [file, s, e] = line.trim().split(',');
    const start = Number(s);
    const end = Number(e);
    if (!file || !/^[\w.-]+\.ts$/.test(file) || !Number.isFinite(start) || !Number.isFinite(end) || end <= start) continue;
    out.push({ file, start: base + Math.round(start * 1000), end: base + Math.round(end * 1000) });
  }
  return out;
}

/** Every finished segment in `dir`, sorted by start. */
export function listSegments(dir: string): RecordedSegment[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const present = new Set(names);
  const out: RecordedSegment[] = [];
  for (const name of names) {
    const m = /^(\d{13})\.csv$/.exec(name);
    if (!m) continue;
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      continue;
    }
    for (const seg of parseSegmentList(text, Number(m[1]))) if (present.has(seg.file)) out.push(seg);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Deletes segments (and emptied lists) that ended before `olderThan`. */
export function pruneRecordings(dir: string, olderThan: number): number {
  let removed = 0;
  for (const seg of listSegments(dir)) {
    if (seg.end >= olderThan) continue;
    rmSync(join(dir, seg.file), { force: true });
    removed += 1;
  }
  for (const name of safeReaddir(dir)) {
    const m = /^(\d{13})\.csv$/.exec(name);
    if (!m) continue;
    const listed = parseSegmentList(readFileSync(join(dir, name), 'utf8'), Number(m[1]));
    const newest = Math.max(Number(m[1]), ...listed.map((s) => s.end));
    if (newest < olderThan) rmSync(join(dir, name), { force: true });
  }
  return removed;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Makes up `seconds` of recording starting at wall-clock `base` from a camera clip (looped, copied): a run of
 * segments exactly like the live ones. Written to a temporary name first, so a half-made run is never listed.
 */
export async function synthesizeRun(dir: string, clip: string, base: number, seconds: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${base}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const p = segmentPaths(tmp, base);
  await run('ffmpeg', [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-stream_loop', '-1', '-i', clip, '-t', String(seconds),
    '-map', '0:v:0', '-c', 'copy',
    '-f', 'segment', '-segment_time', String(SEGMENT_SECONDS), '-segment_format', 'mpegts',
    '-segment_list', p.list, '-segment_list_type', 'csv', p.pattern,
  ]);
  // Segments first, the list last: listSegments only sees a run once its list exists.
  for (const name of readdirSync(tmp).filter((n) => n.endsWith('.ts'))) renameSync(join(tmp, name), join(dir, name));
  renameSync(p.list, join(dir, `${base}.csv`));
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * History of a recorded clip camera, relative to `now`: two 3-minute runs with a 3-minute gap between them,
 * ending 3 minutes before now (the live recording starts at now). A run is skipped where any recording already
 * falls into its window.
 */
export const HISTORY_RUNS = [
  { agoMs: 12 * 60_000, seconds: 180 },
  { agoMs: 6 * 60_000, seconds: 180 },
] as const;

export async function ensureHistory(dir: string, clip: string, now: number): Promise<void> {
  const existing = listSegments(dir);
  for (const h of HISTORY_RUNS) {
    const base = now - h.agoMs;
    // Any recording in that window (an earlier lab run) wins: runs never overlap.
    const taken = existing.some((s) => s.start < base + h.seconds * 1000 && s.end > base);
    if (!taken) await synthesizeRun(dir, clip, base, h.seconds);
  }
}

/** Total bytes of a camera's recordings (for the lab's log line). */
export function recordingBytes(dir: string): number {
  return listSegments(dir).reduce((sum, s) => {
    try {
      return sum + statSync(join(dir, s.file)).size;
    } catch {
      return sum;
    }
  }, 0);
}
