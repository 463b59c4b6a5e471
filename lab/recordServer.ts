/**
 * The lab recorder's HTTP side on 127.0.0.1, the segment index the console's recordings connector reads
 * (src/main/connectors/recordings/segmentIndex.ts):
 *   GET /records/<mountpoint>/index?from=<ms>&to=<ms>  → {"segments":[{start,end,url,container:"mpegts"}]}
 *   GET /records/<mountpoint>/<file>.ts                 → the segment (Range requests answered)
 * Overlapping segments (two runs writing the same time) keep the earlier one.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { listenOnLoopback } from '../src/main/services/loopbackServer';
import { listSegments, recordingDir, type RecordedSegment } from './recorder';

export type RecordServer = {
  origin: string;
  /** The index URL of a camera, as written into its channel metadata (`recordIndex.url`). */
  indexUrl(mountpointId: number): string;
  /** Requests served so far, by path (tests check what the console fetched). */
  hits: Map<string, number>;
  close(): Promise<void>;
};

/** Segments (sorted by start) overlapping [from, to); where two overlap, the earlier wins, whatever the window. */
export function segmentsInWindow(all: readonly RecordedSegment[], from: number, to: number): RecordedSegment[] {
  const kept: RecordedSegment[] = [];
  for (const s of all) {
    const last = kept.at(-1);
    if (last && s.start < last.end - 500) continue;
    kept.push(s);
  }
  return kept.filter((s) => s.end > from && s.start < to);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendFile(req: IncomingMessage, res: ServerResponse, path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    sendJson(res, 404, { error: 'no such segment' });
    return;
  }
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  if (range && (range[1] || range[2])) {
    if (range[1]) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(size - 1, Number(range[2]));
    } else {
      start = Math.max(0, size - Number(range[2]));
    }
    if (start > end) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
    res.writeHead(206, { 'content-type': 'video/mp2t', 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' });
  } else {
    res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': size, 'accept-ranges': 'bytes' });
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path, { start, end }).on('error', () => res.destroy()).pipe(res);
}

export async function startRecordServer(root: string, port = 0): Promise<RecordServer> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const m = /^\/records\/(\d{1,6})\/(index|[\w-]+\.ts)$/.exec(url.pathname);
    if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    const dir = recordingDir(root, Number(m[1]));
    if (m[2] === 'index') {
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
        sendJson(res, 400, { error: 'from and to (epoch ms) are required, to > from' });
        return;
      }
      const segments = segmentsInWindow(listSegments(dir), from, to).map((s) => ({ start: s.start, end: s.end, url: s.file, container: 'mpegts' }));
      sendJson(res, 200, { segments });
      return;
    }
    sendFile(req, res, join(dir, m[2] ?? ''));
  });
  const { origin, close } = await listenOnLoopback(server, port);
  return { origin, indexUrl: (mountpointId) => `${origin}/records/${mountpointId}/index`, hits, close };
}
