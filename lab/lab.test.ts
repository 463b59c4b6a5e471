// @vitest-environment node
/**
 * End-to-end test of the video lab (needs root, janus, ffmpeg; about 30 s): start, list mountpoints over
 * the Janus WebSocket, receive MPEG-TS, read the clock barcode through an MPEG-1 re-encode, kill and
 * restart Janus, stop cleanly.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseChannelMetadata } from '../src/main/connectors/janus/channelMetadata';
import { clockLatencyMs, readClock } from './clockBarcode';
import { listMountpoints, waitForMedia, type StreamingMountpoint } from './janusChecks';
import { DEFAULT_RUN_DIR, startLab, type Lab, type LabJson } from './lab';

const RUN_DIR = join(DEFAULT_RUN_DIR, 'vitest');
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/janus') && existsSync('/usr/bin/ffmpeg');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Resolves with the first datagram on 127.0.0.1:port. */
function firstDatagram(port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`no datagram on 127.0.0.1:${port}`));
    }, timeoutMs);
    sock.once('message', (msg) => {
      clearTimeout(timer);
      sock.close();
      resolve(msg);
    });
    sock.bind(port, '127.0.0.1');
  });
}

/**
 * Receives the clock camera's MPEG-TS, re-encodes it to MPEG-1 like the console's jsmpeg relay, decodes
 * that at 320x180 RGBA and returns the latencies read from the barcodes of the first `frames` frames.
 */
async function clockLatencies(mpegtsUrl: string, frames: number): Promise<number[]> {
  const W = 320;
  const H = 180;
  const relay = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-fflags', 'nobuffer', '-f', 'mpegts',
    '-probesize', '65536', '-analyzeduration', '200000', '-i', `${mpegtsUrl}&localaddr=127.0.0.1`,
    '-c:v', 'mpeg1video', '-b:v', '1000k', '-bf', '0', '-g', '12', '-f', 'mpegts', 'pipe:1',
  ]);
  const decoder = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-fflags', 'nobuffer', '-f', 'mpegts',
    '-probesize', '32768', '-analyzeduration', '100000', '-i', 'pipe:0',
    '-vf', `scale=${W}:${H}`, '-pix_fmt', 'rgba', '-f', 'rawvideo', 'pipe:1',
  ]);
  relay.stdout.pipe(decoder.stdin);
  decoder.stdin.on('error', () => undefined);
  const size = W * H * 4;
  const results: number[] = [];
  // The first second carries the probing backlog of both ffmpegs.
  let skipUntil = 0;
  let pending = Buffer.alloc(0);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${results.length} clock frames decoded`)), 15_000);
      decoder.stdout.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= size && results.length < frames) {
          const frame = new Uint8ClampedArray(pending.subarray(0, size));
          pending = pending.subarray(size);
          if (skipUntil === 0) skipUntil = Date.now() + 1000;
          if (Date.now() < skipUntil) continue;
          const ms = readClock(frame, W, H);
          if (ms !== null) results.push(clockLatencyMs(Date.now(), ms));
        }
        if (results.length >= frames) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    relay.kill('SIGKILL');
    decoder.kill('SIGKILL');
  }
  return results;
}

describe('video lab (real Janus and ffmpeg; needs root and the Debian packages from `npm run setup`)', () => {
  it('can run here', () => expect(canRun, 'run as root with janus and ffmpeg installed').toBe(true));
  let lab: Lab | null = null;

  afterAll(async () => {
    await lab?.stop();
  }, 30_000);

  it('starts, serves mountpoints and MPEG-TS, survives a Janus kill and stops cleanly', async () => {
    const t0 = Date.now();
    lab = await startLab({ runDir: RUN_DIR });
    const startMs = Date.now() - t0;
    expect(lab.janusUrl).toBe('ws://198.18.0.1:8188');
    expect(lab.channels.length).toBeGreaterThanOrEqual(12);
    expect(lab.channels.find((c) => c.mountpointId === lab?.clockMountpointId)?.live).toBe(true);

    const labJson = JSON.parse(readFileSync(join(RUN_DIR, 'lab.json'), 'utf8')) as LabJson;
    expect(labJson.janusUrl).toBe(lab.janusUrl);
    expect(labJson.channels).toEqual(lab.channels);
    const cams = Object.entries(labJson.pids)
      .filter(([name]) => name.startsWith('cam-'))
      .map(([, pid]) => pid ?? 0);
    expect(cams).toHaveLength(lab.channels.length);
    expect([labJson.pids.janus ?? 0, ...cams].every(alive)).toBe(true);

    // Mountpoints and their metadata, checked with the console's own parser.
    const checkList = (list: StreamingMountpoint[]): void => {
      expect(list.length).toBeGreaterThanOrEqual(12);
      for (const ch of lab?.channels ?? []) {
        const mp = list.find((m) => m.id === ch.mountpointId);
        expect(mp?.description).toBe(ch.name);
        const meta = parseChannelMetadata(mp?.metadata);
        if (!meta.ok) throw new Error(`mountpoint ${ch.mountpointId}: ${meta.reason}`);
        expect(meta.value.gbId).toBe(ch.gbId);
        expect(meta.value.gbId).toMatch(/^\d{20}$/);
        expect(meta.value.name).toBe(ch.name);
        expect(meta.value.county).toBe(ch.county);
        expect(meta.value.category).toBe(ch.category);
        expect(meta.value.mpegts).toBe(ch.mpegtsUrl.split('?')[0]);
      }
    };
    checkList(await listMountpoints(lab.janusUrl));
    const categories = new Set(lab.channels.map((c) => c.category));
    const counties = new Set(lab.channels.map((c) => c.county));
    expect(categories.size).toBeGreaterThanOrEqual(6);
    expect(counties.size).toBeGreaterThanOrEqual(3);

    // MPEG-TS on the host loopback.
    const clip = lab.channels.find((c) => !c.live);
    if (!clip) throw new Error('no clip channel');
    const ts = await firstDatagram(portOf(clip.mpegtsUrl), 5000);
    expect(ts.length % 188).toBe(0);
    expect(ts[0]).toBe(0x47);

    // The clock barcode survives H.264 -> MPEG-1 -> scaling, and the latency is plausible.
    const clockCh = lab.channels.find((c) => c.live);
    if (!clockCh) throw new Error('no clock channel');
    const latencies = await clockLatencies(clockCh.mpegtsUrl, 10);
    expect(latencies).toHaveLength(10);
    for (const l of latencies) expect(l).toBeGreaterThan(0);
    for (const l of latencies) expect(l).toBeLessThan(3000);

    // Janus killed: cameras keep running (ICMP port unreachable must not kill them).
    await lab.killJanus();
    await new Promise((r) => setTimeout(r, 1500));
    expect(labJson.pids.janus === null || !alive(labJson.pids.janus ?? 0)).toBe(true);
    expect(cams.every(alive)).toBe(true);
    await firstDatagram(portOf(clip.mpegtsUrl), 3000);

    // Back again with the same mountpoints, fed by the same cameras.
    await lab.startJanus();
    checkList(await listMountpoints(lab.janusUrl));
    await waitForMedia(lab.janusUrl, lab.channels.map((c) => c.mountpointId), 10_000);
    expect(cams.every(alive)).toBe(true);

    const janusPid = (JSON.parse(readFileSync(join(RUN_DIR, 'lab.json'), 'utf8')) as LabJson).pids.janus;
    await lab.stop();
    await lab.stop(); // idempotent
    for (const pid of [...cams, janusPid]) expect(pid !== null && pid !== undefined && alive(pid)).toBe(false);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toMatch(/\bmdc-lab\b/);
    expect(() => execFileSync('ip', ['link', 'show', 'mdc0'], { stdio: 'ignore' })).toThrow();
    expect(existsSync(join(RUN_DIR, 'lab.json'))).toBe(false);
    console.log(`lab started in ${startMs} ms; clock latency ${Math.min(...latencies)}..${Math.max(...latencies)} ms`);
  }, 120_000);
});
