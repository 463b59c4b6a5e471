// @vitest-environment node
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ConsoleError } from '../../shared/contract/rpc';
import { MpegRelay, RelayCloseCode, RelaySourceError, type RelayStatus } from './mpegRelay';
import { FLV_CODEC_AVC, FLV_TAG_VIDEO, parseFlv, videoTagInfo } from './flvTags';
import { parseTsHeader, startsWithSequenceHeader, TS_PACKET_SIZE } from './tsPackets';

/**
 * Real ffmpeg on both ends: a test pattern encoded as H.264 in MPEG-TS over UDP on 127.0.0.1,
 * relayed into MPEG-1 over WebSocket.
 */

const logs: string[] = [];
const log = (level: string, msg: string, extra?: object) => logs.push(`${level} ${msg} ${JSON.stringify(extra ?? {})}`);

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function startTestSource(port: number): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '12', '-bf', '0',
      '-f', 'mpegts', `udp://127.0.0.1:${port}?pkt_size=1316`,
    ],
    { stdio: 'ignore' },
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

type TestViewer = {
  ws: WebSocket;
  openedAt: number;
  firstHeaderMs: number | null;
  headers: number;
  bytes: number;
  misaligned: number;
  closed: { code: number; reason: string } | null;
};

function connectViewer(url: string): TestViewer {
  const ws = new WebSocket(url);
  const v: TestViewer = { ws, openedAt: performance.now(), firstHeaderMs: null, headers: 0, bytes: 0, misaligned: 0, closed: null };
  ws.on('message', (data: Buffer) => {
    v.bytes += data.length;
    if (data.length % TS_PACKET_SIZE !== 0) v.misaligned++;
    for (let off = 0; off + TS_PACKET_SIZE <= data.length; off += TS_PACKET_SIZE) {
      if (data[off] !== 0x47) v.misaligned++;
      if (startsWithSequenceHeader(data, off)) {
        v.headers++;
        v.firstHeaderMs ??= performance.now() - v.openedAt;
      }
    }
  });
  ws.on('close', (code, reason) => (v.closed = { code, reason: reason.toString() }));
  ws.on('error', () => undefined);
  return v;
}

function closeViewer(v: TestViewer): Promise<void> {
  if (v.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((r) => {
    v.ws.once('close', () => r());
    v.ws.close();
  });
}

let sourcePort = 0;
let source: ChildProcess | null = null;
let sourceUrl = '';
const relays: MpegRelay[] = [];
const measured: Record<string, number> = {};

beforeAll(async () => {
  sourcePort = await freeUdpPort();
  sourceUrl = `udp://127.0.0.1:${sourcePort}`;
  source = startTestSource(sourcePort);
  await new Promise((r) => setTimeout(r, 300));
});

afterAll(async () => {
  await Promise.all(relays.map((r) => r.dispose()));
  source?.kill('SIGKILL');
  // Figures for the report.
  console.log('relay timings (ms):', JSON.stringify(measured));
});

afterEach(async () => {
  // A unicast UDP port can be read by one process only: each test's relay must be gone before the next.
  await Promise.all(relays.splice(0).map((r) => r.dispose()));
  logs.length = 0;
});

async function newRelay(opts: Partial<ConstructorParameters<typeof MpegRelay>[0]> = {}): Promise<MpegRelay> {
  const relay = new MpegRelay({ log, ...opts });
  relays.push(relay);
  await relay.start();
  return relay;
}

describe('MpegRelay with a real ffmpeg', () => {
  it('gives a cold viewer aligned MPEG-TS with an MPEG-1 sequence header fast, and a warm one at once', async () => {
    const relay = await newRelay({ lingerMs: 2000 });
    const statuses: RelayStatus[] = [];
    const sub = relay.onStatus((s) => statuses.push(s));

    const t1 = relay.issueTicket(sourceUrl);
    expect(t1.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/relay\?ticket=[\w-]{20,}$/);
    const cold = connectViewer(t1.url);
    await waitFor(() => cold.firstHeaderMs !== null, 3000, 'cold sequence header');
    measured.coldFirstHeaderMs = Math.round(cold.firstHeaderMs ?? -1);
    expect(cold.firstHeaderMs).toBeLessThan(2000);

    const warm = connectViewer(relay.issueTicket(sourceUrl).url);
    await waitFor(() => warm.firstHeaderMs !== null, 1000, 'warm sequence header');
    measured.warmFirstHeaderMs = Math.round(warm.firstHeaderMs ?? -1);
    expect(warm.firstHeaderMs).toBeLessThan(300);

    // Both keep receiving; one shared child.
    await new Promise((r) => setTimeout(r, 1000));
    expect(cold.misaligned).toBe(0);
    expect(warm.misaligned).toBe(0);
    expect(cold.headers).toBeGreaterThanOrEqual(2);
    const src = relay.sources();
    expect(src).toHaveLength(1);
    expect(src[0]?.viewers).toBe(2);
    expect(statuses.some((s) => s.state === 'streaming')).toBe(true);

    // A viewer re-opening during the linger also starts at once (warm cache, child still running).
    await closeViewer(cold);
    await closeViewer(warm);
    await new Promise((r) => setTimeout(r, 300));
    const again = connectViewer(relay.issueTicket(sourceUrl).url);
    await waitFor(() => again.firstHeaderMs !== null, 1000, 'linger re-open header');
    measured.reopenDuringLingerMs = Math.round(again.firstHeaderMs ?? -1);
    await closeViewer(again);
    sub.dispose();
  });

  it('stops the child after the linger once viewers leave', async () => {
    const relay = await newRelay({ lingerMs: 500 });
    const v = connectViewer(relay.issueTicket(sourceUrl).url);
    await waitFor(() => v.firstHeaderMs !== null, 3000, 'header');
    const pid = relay.sources()[0]?.pid;
    expect(pid).toBeTypeOf('number');
    await closeViewer(v);
    await new Promise((r) => setTimeout(r, 250));
    expect(isAlive(pid as number)).toBe(true); // still lingering
    await waitFor(() => !isAlive(pid as number), 3000, 'child exit after linger');
    await waitFor(() => relay.sources().length === 0, 1000, 'source forgotten');
  });

  it('restarts ffmpeg when it dies while a viewer is connected', async () => {
    const relay = await newRelay({ channel: { backoffMs: { first: 200, max: 1000 } } });
    const states: string[] = [];
    relay.onStatus((s) => states.push(s.state));
    const v = connectViewer(relay.issueTicket(sourceUrl).url);
    await waitFor(() => v.firstHeaderMs !== null, 3000, 'header');
    const pid1 = relay.sources()[0]?.pid as number;
    process.kill(pid1, 'SIGKILL');
    const headersBefore = v.headers;
    await waitFor(() => {
      const p = relay.sources()[0]?.pid;
      return typeof p === 'number' && p !== pid1;
    }, 3000, 'new child');
    await waitFor(() => v.headers > headersBefore + 1, 3000, 'picture after restart');
    expect(states).toContain('restarting');
    expect(v.closed).toBeNull();
    await closeViewer(v);
  });

  it('refuses bad, reused and expired tickets and wrong paths', async () => {
    const relay = await newRelay({ ticketTtlMs: 200 });
    const bad = connectViewer(relay.issueTicket(sourceUrl).url.replace(/ticket=.*/, 'ticket=nope'));
    await waitFor(() => bad.closed !== null, 2000, 'bad ticket close');
    expect(bad.closed?.code).toBe(RelayCloseCode.badTicket);
    expect(bad.bytes).toBe(0);

    const t = relay.issueTicket(sourceUrl);
    const first = connectViewer(t.url);
    await waitFor(() => first.ws.readyState === WebSocket.OPEN, 2000, 'open');
    const reuse = connectViewer(t.url);
    await waitFor(() => reuse.closed !== null, 2000, 'reused ticket close');
    expect(reuse.closed?.code).toBe(RelayCloseCode.badTicket);

    // Revoking a used ticket closes its viewer.
    relay.revokeTicket(t.ticketId);
    await waitFor(() => first.closed !== null, 2000, 'revoked viewer close');
    expect(first.closed?.code).toBe(RelayCloseCode.revoked);

    const expired = relay.issueTicket(sourceUrl);
    await new Promise((r) => setTimeout(r, 350));
    const late = connectViewer(expired.url);
    await waitFor(() => late.closed !== null, 2000, 'expired ticket close');
    expect(late.closed?.code).toBe(RelayCloseCode.badTicket);

    const wrongPath = new WebSocket(t.url.replace('/relay', '/other'));
    const status = await new Promise<number>((resolve) => {
      wrongPath.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      wrongPath.on('error', () => resolve(-1));
    });
    expect(status).toBe(404);
    expect(logs.join('\n')).not.toContain('ticket=');
  });

  it('rejects unsupported source schemes with a clear error', async () => {
    const relay = await newRelay();
    expect(() => relay.issueTicket('file:///etc/passwd')).toThrow(RelaySourceError);
    expect(() => relay.issueTicket('rtmp://192.0.2.1/live')).toThrow(/not supported/);
    expect(() => relay.issueTicket('not a url')).toThrow(RelaySourceError);
  });

  it('closes viewers with sourceFailed when the source fails repeatedly', async () => {
    const relay = await newRelay({ channel: { backoffMs: { first: 50, max: 100 }, maxFailures: 2 } });
    const states: RelayStatus[] = [];
    relay.onStatus((s) => states.push(s));
    // Nothing listens on port 9 of loopback: RTSP connect is refused at once.
    const v = connectViewer(relay.issueTicket('rtsp://admin:secret@127.0.0.1:9/stream').url);
    await waitFor(() => v.closed !== null, 5000, 'failure close');
    expect(v.closed?.code).toBe(RelayCloseCode.sourceFailed);
    expect(v.closed?.reason).toMatch(/source failed/);
    expect(states.some((s) => s.state === 'failed')).toBe(true);
    expect(logs.join('\n')).not.toContain('secret');
    await waitFor(() => relay.sources().length === 0, 2000, 'failed source forgotten');
  });

  it('dispose kills every child, closes viewers and is idempotent', async () => {
    const relay = await newRelay();
    const port2 = await freeUdpPort();
    const source2 = startTestSource(port2);
    try {
      const a = connectViewer(relay.issueTicket(sourceUrl).url);
      const b = connectViewer(relay.issueTicket(`udp://127.0.0.1:${port2}`).url);
      await waitFor(() => a.firstHeaderMs !== null && b.firstHeaderMs !== null, 4000, 'both streaming');
      const pids = relay.sources().map((s) => s.pid as number);
      expect(pids).toHaveLength(2);
      await Promise.all([relay.dispose(), relay.dispose()]);
      expect(pids.filter(isAlive)).toEqual([]);
      await waitFor(() => a.closed !== null && b.closed !== null, 2000, 'viewers closed');
      expect(relay.sources()).toEqual([]);
      expect(() => relay.issueTicket(sourceUrl)).toThrow(/disposed/);
      await relay.dispose();
    } finally {
      source2.kill('SIGKILL');
    }
  });
});

/** A viewer of a replay ticket: arrival times, the first video packet, PES time stamps and the close. */
type ReplayViewer = TestViewer & {
  openMs: number | null;
  closeMs: number | null;
  arrivals: { ms: number; bytes: number }[];
  firstVideoIsHeader: boolean | null;
  pts: number[];
};

/** PTS (90 kHz) of the video PES starting in the TS packet at `off`, or null. */
function videoPts(data: Buffer, off: number): number | null {
  const h = parseTsHeader(data, off);
  if (!h.payloadUnitStart || h.payloadOffset < 0) return null;
  const p = off + h.payloadOffset;
  if (data[p] !== 0 || data[p + 1] !== 0 || data[p + 2] !== 1) return null;
  const sid = data[p + 3] ?? 0;
  if (sid < 0xe0 || sid > 0xef || ((data[p + 7] ?? 0) & 0x80) === 0) return null;
  const b = (i: number) => data[p + 9 + i] ?? 0;
  return ((b(0) >> 1) & 7) * 2 ** 30 + b(1) * 2 ** 22 + (b(2) >> 1) * 2 ** 15 + b(3) * 2 ** 7 + (b(4) >> 1);
}

function connectReplay(url: string): ReplayViewer {
  const v = connectViewer(url) as ReplayViewer;
  Object.assign(v, { openMs: null, closeMs: null, arrivals: [], firstVideoIsHeader: null, pts: [] });
  v.ws.on('open', () => (v.openMs = performance.now()));
  v.ws.on('close', () => (v.closeMs = performance.now()));
  v.ws.on('message', (data: Buffer) => {
    v.arrivals.push({ ms: performance.now(), bytes: data.length });
    for (let off = 0; off + TS_PACKET_SIZE <= data.length; off += TS_PACKET_SIZE) {
      const pid = parseTsHeader(data, off).pid;
      if (v.firstVideoIsHeader === null && pid !== 0 && pid !== 0x1000 && pid !== 0x11) {
        v.firstVideoIsHeader = startsWithSequenceHeader(data, off);
      }
      const pts = videoPts(data, off);
      if (pts !== null) v.pts.push(pts);
    }
  });
  return v;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return null;
}

describe('instant replay through the relay', () => {
  it('replays the last 5 s at normal speed from a sequence header, then closes normally', async () => {
    const relay = await newRelay({ lingerMs: 2000 });
    const live = connectViewer(relay.issueTicket(sourceUrl).url);
    await waitFor(() => live.firstHeaderMs !== null, 3000, 'live header');
    await waitFor(() => (relay.sources()[0]?.replay.spanMs ?? 0) > 5800, 12_000, 'more than 5.8 s buffered');
    const liveBytesPerSecond = live.bytes / ((performance.now() - live.openedAt) / 1000);

    const ticket = relay.issueReplayTicket(sourceUrl, 5);
    expect(ticket.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/relay\?ticket=[\w-]{20,}$/);
    const replay = connectReplay(ticket.url);
    await waitFor(() => replay.closed !== null, 10_000, 'replay end');

    expect(replay.closed?.code).toBe(1000);
    expect(replay.misaligned).toBe(0);
    expect(replay.firstVideoIsHeader).toBe(true);
    // About 5 s of pictures: the first GOP at or after now - 5 s (GOPs are 0.48 s) up to now.
    const ptsSpan = ((replay.pts.at(-1) ?? 0) - (replay.pts[0] ?? 0)) / 90_000;
    expect(ptsSpan).toBeGreaterThan(4.2);
    expect(ptsSpan).toBeLessThan(5.2);
    expect(replay.headers).toBeGreaterThanOrEqual(8);
    expect(replay.bytes).toBeGreaterThan(liveBytesPerSecond * 5 * 0.6);
    expect(replay.bytes).toBeLessThan(liveBytesPerSecond * 5 * 1.5);
    // … over about 5 s of wall time, evenly: not a burst.
    const wallMs = (replay.closeMs ?? 0) - (replay.openMs ?? 0);
    expect(wallMs).toBeGreaterThan(4000);
    expect(wallMs).toBeLessThan(6500);
    const half = (replay.openMs ?? 0) + wallMs / 2;
    const firstHalf = replay.arrivals.filter((a) => a.ms <= half).reduce((n, a) => n + a.bytes, 0);
    expect(firstHalf / replay.bytes).toBeGreaterThan(0.3);
    expect(firstHalf / replay.bytes).toBeLessThan(0.7);
    measured.replay5sWallMs = Math.round(wallMs);
    measured.replay5sPtsSpanMs = Math.round(ptsSpan * 1000);

    // The live viewer never noticed, and the replay ticket is one-off.
    expect(live.closed).toBeNull();
    const again = connectViewer(ticket.url);
    await waitFor(() => again.closed !== null, 2000, 'reused replay ticket close');
    expect(again.closed?.code).toBe(RelayCloseCode.badTicket);
    await closeViewer(live);
  }, 30_000);

  it('is unsupported when nothing of the source is buffered, before the first viewer and after the linger', async () => {
    const relay = await newRelay({ lingerMs: 400 });
    const never = thrown(() => relay.issueReplayTicket(sourceUrl, 10));
    expect(never).toBeInstanceOf(ConsoleError);
    expect((never as ConsoleError).code).toBe('unsupported');
    expect((never as ConsoleError).message).toMatch(/即时回放/);
    expect(() => relay.issueReplayTicket('file:///etc/passwd', 10)).toThrow(RelaySourceError);

    const live = connectViewer(relay.issueTicket(sourceUrl).url);
    await waitFor(() => live.headers >= 3, 4000, 'a few GOPs');
    await closeViewer(live);
    // Still there during the linger after the last viewer …
    const during = relay.issueReplayTicket(sourceUrl, 10);
    // … and gone with the channel.
    await waitFor(() => relay.sources().length === 0, 4000, 'channel forgotten');
    const after = thrown(() => relay.issueReplayTicket(sourceUrl, 10));
    expect((after as ConsoleError).code).toBe('unsupported');
    // A ticket issued during the linger holds its clip: it still plays.
    const late = connectReplay(during.url);
    await waitFor(() => late.closed !== null, 5000, 'late replay end');
    expect(late.closed?.code).toBe(1000);
    expect(late.firstVideoIsHeader).toBe(true);
    expect(late.headers).toBeGreaterThanOrEqual(2);
  });

  it('keeps the buffer within its byte cap while streaming', async () => {
    const cap = 300_000;
    const relay = await newRelay({ channel: { replayBuffer: { maxAgeMs: 60_000, maxBytes: cap } } });
    const live = connectViewer(relay.issueTicket(sourceUrl).url);
    await waitFor(() => live.firstHeaderMs !== null, 3000, 'live header');
    let peak = 0;
    const until = performance.now() + 4000;
    while (performance.now() < until) {
      peak = Math.max(peak, relay.sources()[0]?.replay.bytes ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(live.bytes).toBeGreaterThan(cap * 1.5); // the source produced well over the cap …
    expect(peak).toBeLessThanOrEqual(cap); // … the buffer never held more
    expect(peak).toBeGreaterThan(cap / 3);
    const replay = connectReplay(relay.issueReplayTicket(sourceUrl, 60).url);
    await waitFor(() => replay.closed !== null, 5000, 'capped replay end');
    expect(replay.firstVideoIsHeader).toBe(true);
    expect(replay.bytes).toBeLessThanOrEqual(cap + 2 * TS_PACKET_SIZE);
    await closeViewer(live);
  });

  it('revoking a replay ticket closes its viewer, and dispose stops a replay in progress', async () => {
    const relay = await newRelay();
    const live = connectViewer(relay.issueTicket(sourceUrl).url);
    await waitFor(() => (relay.sources()[0]?.replay.spanMs ?? 0) > 3000, 8000, '3 s buffered');

    const t1 = relay.issueReplayTicket(sourceUrl, 5);
    const r1 = connectReplay(t1.url);
    await waitFor(() => r1.bytes > 0, 2000, 'replay data');
    relay.revokeTicket(t1.ticketId);
    await waitFor(() => r1.closed !== null, 2000, 'revoked replay close');
    expect(r1.closed?.code).toBe(RelayCloseCode.revoked);

    // An unused replay ticket can be revoked too.
    const unused = relay.issueReplayTicket(sourceUrl, 5);
    relay.revokeTicket(unused.ticketId);
    const r2 = connectViewer(unused.url);
    await waitFor(() => r2.closed !== null, 2000, 'revoked unused close');
    expect(r2.closed?.code).toBe(RelayCloseCode.badTicket);

    const r3 = connectReplay(relay.issueReplayTicket(sourceUrl, 5).url);
    await waitFor(() => r3.bytes > 0, 2000, 'replay data');
    await relay.dispose();
    await waitFor(() => r3.closed !== null && live.closed !== null, 2000, 'closed by dispose');
    expect(r3.closed?.code).toBe(RelayCloseCode.shutdown);
    const bytesAtClose = r3.bytes;
    await new Promise((r) => setTimeout(r, 300));
    expect(r3.bytes).toBe(bytesAtClose);
  });
});

type FlvViewer = { ws: WebSocket; openedAt: number; firstKeyMs: number | null; data: Buffer[]; closed: { code: number } | null };

function connectFlvViewer(url: string): FlvViewer {
  const ws = new WebSocket(url);
  const v: FlvViewer = { ws, openedAt: performance.now(), firstKeyMs: null, data: [], closed: null };
  ws.on('message', (data: Buffer) => {
    v.data.push(data);
    if (v.firstKeyMs === null && parseFlv(Buffer.concat(v.data)).tags.some((t) => t.type === FLV_TAG_VIDEO && videoTagInfo(t.data).keyframe && videoTagInfo(t.data).avcPacketType === 1)) {
      v.firstKeyMs = performance.now() - v.openedAt;
    }
  });
  ws.on('close', (code) => (v.closed = { code }));
  ws.on('error', () => undefined);
  return v;
}

function flvOf(v: FlvViewer) {
  const all = Buffer.concat(v.data);
  const parsed = parseFlv(all);
  const video = parsed.tags.filter((t) => t.type === FLV_TAG_VIDEO);
  return { all, parsed, video, frames: video.filter((t) => videoTagInfo(t.data).avcPacketType === 1) };
}

describe('FLV remux through the relay (H.264 copied, no transcoding)', () => {
  it('sends an FLV stream of AVC video tags starting at a keyframe, shared per source, with ffmpeg copying', async () => {
    const relay = await newRelay({ lingerMs: 1000 });
    const t = relay.issueFlvTicket(sourceUrl);
    expect(t.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/relay\?ticket=[\w-]{20,}$/);
    const cold = connectFlvViewer(t.url);
    await waitFor(() => cold.firstKeyMs !== null, 4000, 'cold FLV keyframe');
    measured.flvColdFirstKeyframeMs = Math.round(cold.firstKeyMs ?? -1);

    const warm = connectFlvViewer(relay.issueFlvTicket(sourceUrl).url);
    await waitFor(() => warm.firstKeyMs !== null, 1000, 'warm FLV keyframe');
    measured.flvWarmFirstKeyframeMs = Math.round(warm.firstKeyMs ?? -1);
    expect(warm.firstKeyMs).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 1500));

    for (const v of [cold, warm]) {
      const { all, parsed, video, frames } = flvOf(v);
      expect(all.subarray(0, 3).toString('latin1')).toBe('FLV');
      expect(parsed.header).toBe(true);
      // Exactly one stream header, an AVC sequence header before the first frame, and the first frame a keyframe.
      expect(all.indexOf('FLV', 3, 'latin1')).toBe(-1);
      expect(video.every((tag) => videoTagInfo(tag.data).codecId === FLV_CODEC_AVC)).toBe(true);
      expect(videoTagInfo(video[0]!.data).avcPacketType).toBe(0);
      expect(videoTagInfo(frames[0]!.data).keyframe).toBe(true);
      // 25 fps source, >= 1.5 s watched: dozens of frames, timestamps never going back.
      expect(frames.length).toBeGreaterThan(30);
      for (let i = 1; i < frames.length; i++) expect(frames[i]!.timestamp).toBeGreaterThanOrEqual(frames[i - 1]!.timestamp);
    }

    const src = relay.sources();
    expect(src).toHaveLength(1);
    expect(src[0]).toMatchObject({ format: 'flv', viewers: 2 });
    // The child copies the H.264: no encoder on its command line.
    const cmdline = readFileSync(`/proc/${src[0]!.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toEqual(expect.arrayContaining(['-c:v', 'copy', '-f', 'flv']));
    expect(cmdline).not.toContain('mpeg1video');
    // Instant replay is for the MPEG-1 channels only.
    expect(() => relay.issueReplayTicket(sourceUrl, 5)).toThrow(ConsoleError);

    const pid = src[0]!.pid as number;
    await closeFlv(cold);
    await closeFlv(warm);
    await waitFor(() => !isAlive(pid), 4000, 'FLV child exit after linger');
  });

  it('keeps a viewer through an ffmpeg restart: no second header, timestamps continue', async () => {
    const relay = await newRelay({ channel: { backoffMs: { first: 200, max: 1000 } } });
    const v = connectFlvViewer(relay.issueFlvTicket(sourceUrl).url);
    await waitFor(() => v.firstKeyMs !== null, 4000, 'FLV keyframe');
    const pid1 = relay.sources()[0]?.pid as number;
    const before = flvOf(v).frames.length;
    process.kill(pid1, 'SIGKILL');
    await waitFor(() => {
      const p = relay.sources()[0]?.pid;
      return typeof p === 'number' && p !== pid1;
    }, 3000, 'new child');
    await waitFor(() => flvOf(v).frames.length > before + 25, 5000, 'frames after restart');
    expect(v.closed).toBeNull();
    const { all, frames } = flvOf(v);
    expect(all.indexOf('FLV', 3, 'latin1')).toBe(-1);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.timestamp).toBeGreaterThanOrEqual(frames[i - 1]!.timestamp);
    await closeFlv(v);
  });
});

function closeFlv(v: FlvViewer): Promise<void> {
  if (v.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((r) => {
    v.ws.once('close', () => r());
    v.ws.close();
  });
}
