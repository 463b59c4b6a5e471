// @vitest-environment node
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MpegRelay, RelayCloseCode, RelaySourceError, type RelayStatus } from './mpegRelay';
import { startsWithSequenceHeader, TS_PACKET_SIZE } from './tsPackets';

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
    expect(() => relay.issueTicket('rtmp://10.0.0.1/live')).toThrow(/not supported/);
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
