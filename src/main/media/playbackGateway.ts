import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { listenOnLoopback, type LoopbackListener } from '../services/loopbackServer';
import type { Disposable } from '../../shared/lifecycle';
import type { TimelinePiece } from '../../shared/domain/playback';
import { redactUrls } from './ffmpegArgs';
import { buildVodPlaylist, type VodSegment } from './vodPlaylist';

/** A playback ticket nobody touched for this long is dropped. */
const TICKET_IDLE_MS = 6 * 3600_000;
const UPSTREAM_TIMEOUT_MS = 15_000;

type Ticket = { token: string; segments: VodSegment[]; playlist: string; touched: number; children: Set<ChildProcess> };

export type GatewayLog = (level: 'info' | 'warn', message: string) => void;

/**
 * Serves recorded video to the console's players and its downloader on 127.0.0.1: each playback session gets a
 * one-off token; `/pb/<token>/index.m3u8` is an HLS VOD playlist over the session's recorded files and
 * `/pb/<token>/seg/<n>.ts` one file, fetched from the backend (its headers and private CA applied here, never in
 * the renderer) and passed through, or remuxed from MP4 to MPEG-TS by ffmpeg (copy, no transcoding).
 * Answers carry `Access-Control-Allow-Origin: *`: the token in the path is the credential.
 */
export class PlaybackGateway implements Disposable {
  private listener: LoopbackListener | null = null;
  private readonly tickets = new Map<string, Ticket>();
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: GatewayLog,
    private readonly ffmpegPath = 'ffmpeg',
  ) {}

  async start(): Promise<void> {
    this.listener = await listenOnLoopback(createServer((req, res) => this.onRequest(req, res)));
    this.sweepTimer = setInterval(() => this.sweep(), 60_000);
    this.sweepTimer.unref();
  }

  /** `http://127.0.0.1:PORT` (for the Content-Security-Policy's connect-src); empty before start(). */
  get origin(): string {
    return this.listener?.origin ?? '';
  }

  /** A playlist URL over `segments` (sorted, not overlapping), each segment's own URL, and the session's timeline. */
  open(segments: readonly VodSegment[]): { token: string; url: string; segmentUrls: string[]; timeline: TimelinePiece[] } {
    if (!this.listener) throw new Error('playback gateway not started');
    const token = randomBytes(18).toString('base64url');
    const { playlist, timeline } = buildVodPlaylist(segments);
    this.tickets.set(token, { token, segments: [...segments], playlist, touched: Date.now(), children: new Set() });
    const base = `${this.origin}/pb/${token}`;
    return { token, url: `${base}/index.m3u8`, segmentUrls: segments.map((_, i) => `${base}/seg/${i}.ts`), timeline };
  }

  revoke(token: string): void {
    const t = this.tickets.get(token);
    if (!t) return;
    this.tickets.delete(token);
    for (const c of t.children) c.kill('SIGKILL');
  }

  get size(): number {
    return this.tickets.size;
  }

  dispose(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const token of [...this.tickets.keys()]) this.revoke(token);
    void this.listener?.close();
    this.listener = null;
  }

  private sweep(): void {
    const cutoff = Date.now() - TICKET_IDLE_MS;
    for (const t of this.tickets.values()) if (t.touched < cutoff && t.children.size === 0) this.revoke(t.token);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('cache-control', 'no-store');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'GET', 'access-control-allow-headers': 'range' });
      res.end();
      return;
    }
    const m = /^\/pb\/([\w-]{20,40})\/(index\.m3u8|seg\/(\d{1,6})\.ts)$/.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const ticket = m ? this.tickets.get(m[1] ?? '') : undefined;
    if (!m || !ticket || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('no such playback session');
      return;
    }
    ticket.touched = Date.now();
    if (m[2] === 'index.m3u8') {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.end(ticket.playlist);
      return;
    }
    const segment = ticket.segments[Number(m[3])];
    if (!segment) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('no such segment');
      return;
    }
    if (segment.file.container === 'mpegts') this.passThrough(segment, res);
    else this.remux(ticket, segment, res);
  }

  /** Streams an MPEG-TS file from the backend as it comes. */
  private passThrough(segment: VodSegment, res: ServerResponse): void {
    const { file } = segment;
    let url: URL;
    try {
      url = new URL(file.url);
    } catch {
      res.writeHead(502).end();
      return;
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = request(
      url,
      { method: 'GET', headers: file.headers ?? {}, timeout: UPSTREAM_TIMEOUT_MS, ...(file.caCertPem ? { ca: file.caCertPem } : {}) },
      (up) => {
        if ((up.statusCode ?? 500) >= 400) {
          this.log('warn', `recorded segment ${redactUrls(url.origin + url.pathname)}: HTTP ${up.statusCode}`);
          up.resume();
          res.writeHead(up.statusCode === 404 ? 404 : 502).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'video/mp2t', ...(up.headers['content-length'] ? { 'content-length': up.headers['content-length'] } : {}) });
        up.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', (err) => {
      this.log('warn', `recorded segment ${redactUrls(url.origin + url.pathname)}: ${err.message}`);
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    upstream.end();
  }

  /** MP4 recordings (ZLMediaKit, WVP cloud records) become MPEG-TS on the fly, copying the streams. */
  private remux(ticket: Ticket, segment: VodSegment, res: ServerResponse): void {
    const headers = Object.entries(segment.file.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...(headers ? ['-headers', headers] : []), '-i', segment.file.url, '-map', '0:v:0', '-map', '0:a?', '-c', 'copy', '-f', 'mpegts', 'pipe:1'];
    const child = spawn(this.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    ticket.children.add(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    res.writeHead(200, { 'content-type': 'video/mp2t' });
    child.stdout.pipe(res);
    child.on('close', (code) => {
      ticket.children.delete(child);
      if (code !== 0 && code !== null) this.log('warn', `remux of a recorded MP4 failed: ${redactUrls(stderr.trim()).slice(0, 300)}`);
      res.end();
    });
    res.on('close', () => child.kill('SIGKILL'));
  }
}
