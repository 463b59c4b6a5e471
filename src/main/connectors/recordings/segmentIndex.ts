import { z } from 'zod';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { RecordSegment } from '../videoBackend';

/**
 * A recording server's segment index: `GET <indexUrl>?from=<ms>&to=<ms>` answers
 * `{"segments":[{"start":ms,"end":ms,"url":"…/x.ts","container":"mpegts"|"mp4"}]}` with the recorded files of one
 * camera overlapping the window (what an NVR that writes segment files serves; the lab's recorder speaks it).
 * Relative segment URLs resolve against the index URL.
 */
const indexReplySchema = z.object({
  segments: z
    .array(
      z.object({
        start: z.number().int(),
        end: z.number().int(),
        url: z.string().min(1).max(1000),
        container: z.enum(['mpegts', 'mp4']),
      }),
    )
    .max(20_000),
});

export type SegmentIndexOptions = { timeoutMs?: number; label: string };

export async function querySegmentIndex(indexUrl: string, from: number, to: number, options: SegmentIndexOptions): Promise<RecordSegment[]> {
  const url = new URL(indexUrl);
  url.searchParams.set('from', String(Math.floor(from)));
  url.searchParams.set('to', String(Math.ceil(to)));
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? '超时' : err instanceof Error ? err.message : String(err);
    throw new ConsoleError('unavailable', `${options.label}录像服务无法访问 (${reason})`);
  }
  if (!res.ok) throw new ConsoleError('unavailable', `${options.label}录像服务返回 HTTP ${res.status}`);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ConsoleError('unavailable', `${options.label}录像服务返回的不是 JSON`);
  }
  const parsed = indexReplySchema.safeParse(body);
  if (!parsed.success) throw new ConsoleError('unavailable', `${options.label}录像列表格式不正确`);
  return parsed.data.segments
    .filter((s) => s.end > s.start && s.end > from && s.start < to)
    .map((s) => ({ start: s.start, end: s.end, source: 'device' as const, file: { url: new URL(s.url, url).href, container: s.container } }))
    .sort((a, b) => a.start - b.start);
}
