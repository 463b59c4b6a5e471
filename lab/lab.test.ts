// @vitest-environment node
/**
 * End-to-end test of the video lab (needs root, janus, ffmpeg; about 45 s): start, list mountpoints (main
 * and sub streams) over the Janus WebSocket, receive MPEG-TS, read the clock barcode through an MPEG-1
 * re-encode, drive the PTZ camera over ISAPI and watch its picture move, read the catalogue through the
 * console's Janus backend, kill and restart Janus, stop cleanly. The tests share one lab and run in order.
 */
import { spawn, execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSubstreamMetadata, parseChannelMetadata } from '../src/main/connectors/janus/channelMetadata';
import { JanusStreamingBackend } from '../src/main/connectors/janus/janusStreamingBackend';
import { parsePresetList } from '../src/main/connectors/ptz/isapiPtz';
import { mergeSpans } from '../src/shared/domain/playback';
import { clockLatencyMs, readClock } from './clockBarcode';
import { listMountpoints, waitForMedia, type StreamingMountpoint } from './janusChecks';
import { DEFAULT_RUN_DIR, startLab, type Lab, type LabJson } from './lab';
import type { PtzStateJson } from './ptzCamera';

const RUN_DIR = join(DEFAULT_RUN_DIR, 'vitest');
const execFileAsync = promisify(execFile);
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

const GRAB_W = 160;
const GRAB_H = 90;

/**
 * One decoded frame (gray, 160x90) from a camera's MPEG-TS output, `skip` frames after the decoder's first
 * (a joining decoder starts at the next keyframe, the first frames carry the probing backlog).
 */
async function grabFrame(mpegtsUrl: string, skip = 6): Promise<Buffer> {
  const dec = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'fatal', '-fflags', 'nobuffer', '-f', 'mpegts',
    '-probesize', '65536', '-analyzeduration', '200000', '-i', `${mpegtsUrl}&localaddr=127.0.0.1`,
    '-vf', `scale=${GRAB_W}:${GRAB_H}`, '-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1',
  ]);
  const size = GRAB_W * GRAB_H;
  let pending = Buffer.alloc(0);
  let seen = 0;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame from ${mpegtsUrl}`)), 10_000);
      dec.stdout.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= size) {
          const frame = Buffer.from(pending.subarray(0, size));
          pending = pending.subarray(size);
          if (seen++ >= skip) {
            clearTimeout(timer);
            resolve(frame);
            return;
          }
        }
      });
    });
  } finally {
    dec.kill('SIGKILL');
  }
}

/** Mean absolute difference of two gray frames, without the OSD bands (clock on top, name and readout below). */
function pictureDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  let n = 0;
  for (let y = 12; y < 78; y++) {
    for (let x = 0; x < GRAB_W; x++) {
      sum += Math.abs((a[y * GRAB_W + x] ?? 0) - (b[y * GRAB_W + x] ?? 0));
      n++;
    }
  }
  return sum / n;
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
}

describe('video lab (real Janus and ffmpeg; needs root and the Debian packages from `npm run setup`)', () => {
  it('can run here', () => expect(canRun, 'run as root with janus and ffmpeg installed').toBe(true));
  let lab: Lab | null = null;

  afterAll(async () => {
    await lab?.stop();
  }, 30_000);

  let startMs = 0;
  let startedAt = 0;
  let latencies: number[] = [];
  const mediaIds = (l: Lab): number[] => l.channels.flatMap((c) => (c.subMountpointId === null ? [c.mountpointId] : [c.mountpointId, c.subMountpointId]));
  const need = (): Lab => {
    if (!lab) throw new Error('the lab did not start');
    return lab;
  };

  it('starts, serves mountpoints (main and sub streams), MPEG-TS and the clock barcode', async () => {
    const t0 = Date.now();
    startedAt = t0;
    // Recordings of earlier test runs would take the made-up history's place: start from none.
    rmSync(join(RUN_DIR, 'records'), { recursive: true, force: true });
    lab = await startLab({ runDir: RUN_DIR });
    startMs = Date.now() - t0;
    expect(lab.janusUrl).toBe('ws://198.18.0.1:8188');
    expect(lab.channels).toHaveLength(16);
    expect(lab.channels.find((c) => c.mountpointId === lab?.clockMountpointId)?.live).toBe(true);
    expect(lab.channels.filter((c) => c.ptz).map((c) => c.mountpointId)).toEqual([116]);
    expect(lab.ptz).toMatchObject({ mountpointId: 116, isapiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/ISAPI\/PTZCtrl\/channels\/1$/) });
    for (const c of lab.channels) expect(c.subMountpointId).toBe(c.live || c.ptz ? null : c.mountpointId + 100);

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
      expect(list).toHaveLength(30);
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
        expect(meta.value.ptz).toBe(ch.ptz);
        expect(meta.value.ptzControl).toEqual(ch.ptz ? { protocol: 'isapi', url: lab?.ptz.isapiUrl } : undefined);
        expect(meta.value.subMountpoint).toBe(ch.subMountpointId ?? undefined);
        expect(meta.value.recordIndex).toEqual(ch.recorded ? { url: `${lab?.records.origin}/records/${ch.mountpointId}/index` } : undefined);
        if (ch.subMountpointId !== null) expect(isSubstreamMetadata(list.find((m) => m.id === ch.subMountpointId)?.metadata)).toBe(true);
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
    latencies = await clockLatencies(clockCh.mpegtsUrl, 10);
    expect(latencies).toHaveLength(10);
    for (const l of latencies) expect(l).toBeGreaterThan(0);
    for (const l of latencies) expect(l).toBeLessThan(3000);
  }, 120_000);

  it('the PTZ camera: ISAPI moves the picture, presets round-trip, a restarted camera keeps its position', async () => {
    const l = need();
    const ptzCh = l.channels.find((c) => c.ptz);
    if (!ptzCh) throw new Error('no PTZ channel');
    const isapi = l.ptz.isapiUrl;
    const state = async (): Promise<PtzStateJson> => (await fetch(l.ptz.stateUrl)).json() as Promise<PtzStateJson>;
    const put = async (path: string, body?: string): Promise<number> => (await fetch(isapi + path, { method: 'PUT', body })).status;
    const ptzData = (pan: number, tilt: number, zoom: number): string => `<PTZData><pan>${pan}</pan><tilt>${tilt}</tilt><zoom>${zoom}</zoom></PTZData>`;
    const settled = (): Promise<PtzStateJson> => until('the camera to apply the PTZ state', state, (s) => s.applied && !s.moving);

    const home = await settled();
    expect(home).toMatchObject({ zoom: 1, focus: 0, iris: 0 });
    expect(home.controlConnections).toBeGreaterThanOrEqual(1);
    const atHome = await grabFrame(ptzCh.mpegtsUrl);

    // Pan right and tilt up for about a second.
    expect(await put('/continuous', ptzData(60, 30, 0))).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await put('/continuous', ptzData(0, 0, 0))).toBe(200);
    const moved = await settled();
    expect(moved.x - home.x).toBeGreaterThan(400);
    expect(home.y - moved.y).toBeGreaterThan(100);
    const afterMove = await grabFrame(ptzCh.mpegtsUrl);
    const again = await grabFrame(ptzCh.mpegtsUrl);
    const moveDiff = pictureDiff(atHome, afterMove);
    const stillDiff = pictureDiff(afterMove, again);
    expect(moveDiff, 'the picture moved with the crop window').toBeGreaterThan(8);
    expect(stillDiff, 'a still camera shows the same picture').toBeLessThan(3);

    // CPU of the PTZ camera's ffmpeg while still (the common case), over 4 s.
    const labJson = (): LabJson => JSON.parse(readFileSync(join(RUN_DIR, 'lab.json'), 'utf8')) as LabJson;
    const camPid = labJson().pids[`cam-${ptzCh.mountpointId}`] ?? 0;
    const t0 = cpuTicks(camPid);
    await new Promise((r) => setTimeout(r, 4000));
    // Clock ticks are 1/100 s: ticks over 4 s / 4 = percent of one core.
    console.log(`PTZ camera ffmpeg CPU (still): ${((cpuTicks(camPid) - t0) / 4).toFixed(1)} % of one core`);

    // Presets: save here, move away (zoom in), recall, delete.
    const preset = 42;
    expect(await put(`/presets/${preset}`, `<PTZPreset><id>${preset}</id><presetName>测试预置点</presetName></PTZPreset>`)).toBe(200);
    const listed = parsePresetList(await (await fetch(`${isapi}/presets`)).text());
    expect(listed).toContainEqual({ preset, name: '测试预置点' });
    expect(await put('/continuous', ptzData(0, 0, 100))).toBe(200);
    await new Promise((r) => setTimeout(r, 700));
    expect(await put('/continuous', ptzData(0, 0, 0))).toBe(200);
    const zoomed = await settled();
    expect(zoomed.zoom).toBeGreaterThan(1.4);
    expect(pictureDiff(afterMove, await grabFrame(ptzCh.mpegtsUrl)), 'zoomed in').toBeGreaterThan(8);
    expect(await put(`/presets/${preset}/goto`)).toBe(200);
    const recalled = await settled();
    expect(recalled).toMatchObject({ x: moved.x, y: moved.y, zoom: moved.zoom });
    expect(pictureDiff(afterMove, await grabFrame(ptzCh.mpegtsUrl)), 'the preset shows the saved picture').toBeLessThan(3);
    expect((await fetch(`${isapi}/presets/${preset}`, { method: 'DELETE' })).status).toBe(200);
    expect(parsePresetList(await (await fetch(`${isapi}/presets`)).text())).not.toContainEqual(expect.objectContaining({ preset }));
    expect(await put(`/presets/${preset}/goto`)).toBe(403);

    // The camera's ffmpeg dies: the supervisor restarts it where the PTZ state is.
    process.kill(camPid, 'SIGKILL');
    const restarted = await until('a new PTZ camera', async () => labJson().pids[`cam-${ptzCh.mountpointId}`] ?? null, (p) => p !== null && p !== camPid);
    expect(alive(restarted ?? 0)).toBe(true);
    const reconnected = await until('the control to reconnect', state, (s) => s.controlConnections > home.controlConnections && s.applied);
    expect(reconnected).toMatchObject({ x: moved.x, y: moved.y, zoom: moved.zoom });
    const afterRestart = await grabFrame(ptzCh.mpegtsUrl);
    expect(pictureDiff(afterMove, afterRestart), 'the restarted camera shows the same place').toBeLessThan(3);
    console.log(`PTZ picture diff: move ${moveDiff.toFixed(1)}, still ${stillDiff.toFixed(1)}, after restart ${pictureDiff(afterMove, afterRestart).toFixed(1)}`);
  }, 120_000);

  it("the console's Janus backend: 16 channels, PTZ only on the PTZ camera, sub streams on the clip cameras", async () => {
    const l = need();
    const warnings: string[] = [];
    const backend = new JanusStreamingBackend({ id: 'lab', kind: 'janus', name: '实验室', enabled: true, url: l.janusUrl }, (m) => warnings.push(m));
    try {
      const { channels } = await backend.fetchCatalogue();
      expect(warnings).toEqual([]);
      expect(channels).toHaveLength(16);
      expect(channels.filter((c) => c.ptz).map((c) => c.id)).toEqual(['lab:116']);
      for (const lc of l.channels) {
        const c = channels.find((x) => x.id === `lab:${lc.mountpointId}`);
        expect(c?.substream, `lab:${lc.mountpointId}`).toBe(lc.subMountpointId !== null);
        expect(c?.online).toBe(true);
      }
      expect(await backend.play('101', 'janus-webrtc', 'sub')).toEqual({ kind: 'janus-webrtc', server: l.janusUrl, mountpointId: 201 });
      expect(await backend.play('101', 'janus-webrtc', 'main')).toMatchObject({ mountpointId: 101 });
      expect(await backend.play('116', 'janus-webrtc', 'sub')).toMatchObject({ mountpointId: 116 });
      expect(await backend.play('101', 'jsmpeg-ws', 'sub')).toEqual({ kind: 'jsmpeg-ws', sourceUrl: 'udp://127.0.0.1:23001' });

      const state = async (): Promise<PtzStateJson> => (await fetch(l.ptz.stateUrl)).json() as Promise<PtzStateJson>;
      await backend.ptz('116', { op: 'move', pan: -0.5, tilt: 0, zoom: 0 });
      expect((await state()).velocity).toMatchObject({ pan: -0.5, tilt: 0, zoom: 0 });
      await backend.ptz('116', { op: 'stop' });
      expect((await state()).velocity).toMatchObject({ pan: 0, tilt: 0, zoom: 0 });
      await backend.ptz('116', { op: 'setPreset', preset: 43, name: '后端预置点' });
      expect(await backend.ptzPresets('116')).toContainEqual({ preset: 43, name: '后端预置点' });
      await backend.ptz('116', { op: 'removePreset', preset: 43 });
      await expect(backend.ptz('116', { op: 'gotoPreset', preset: 43 })).rejects.toMatchObject({ code: 'conflict' });
      await expect(backend.ptz('101', { op: 'stop' })).rejects.toMatchObject({ code: 'unsupported' });
    } finally {
      backend.dispose();
    }
  }, 60_000);

  it('the recorder: made-up history with a gap, live segments, and the clock barcode of a recorded frame matches its index time', async () => {
    const l = need();
    expect(l.channels.filter((c) => c.recorded).map((c) => c.mountpointId)).toEqual(l.records.mountpointIds);
    const backend = new JanusStreamingBackend({ id: 'lab', kind: 'janus', name: '实验室', enabled: true, url: l.janusUrl }, () => undefined);
    try {
      await backend.fetchCatalogue();
      // Live segments are listed once finished (6 s each): wait for two of the clock camera.
      const clock = String(l.clockMountpointId);
      const deadline = Date.now() + 30_000;
      let live = await backend.queryRecords(clock, startedAt, Date.now() + 60_000);
      while (live.length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        live = await backend.queryRecords(clock, startedAt, Date.now() + 60_000);
      }
      expect(live.length).toBeGreaterThanOrEqual(2);
      for (const s of live) expect(s).toMatchObject({ source: 'device', file: { container: 'mpegts' } });
      expect(live[1]?.start).toBe(live[0]?.end); // one run: contiguous

      // The first frame of the second segment shows (barcode) the time the index says it starts.
      const second = live[1];
      if (!second?.file) throw new Error('no second segment');
      const W = 320;
      const H = 180;
      // Asynchronously: the segment comes from the record server in this very process.
      const { stdout: rgba } = await execFileAsync(
        'ffmpeg',
        ['-hide_banner', '-loglevel', 'error', '-i', second.file.url, '-frames:v', '1', '-vf', `scale=${W}:${H}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'],
        { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
      );
      const shown = readClock(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, W * H * 4), W, H);
      expect(shown).not.toBeNull();
      expect(Math.abs(clockLatencyMs(second.start, shown ?? 0))).toBeLessThan(1000);

      // A clip camera with made-up history: two 3-minute runs with a gap, then the live run.
      const hist = await backend.queryRecords('101', startedAt - 13 * 60_000, Date.now());
      const spans = mergeSpans(hist.map((s) => ({ start: s.start, end: s.end, source: s.source })));
      expect(spans.length).toBeGreaterThanOrEqual(3);
      expect(spans[0]!.end - spans[0]!.start).toBeGreaterThan(170_000);
      expect(spans[1]!.start - spans[0]!.end).toBeGreaterThan(170_000);

      // Bad input: a camera that is not recorded, and a channel that does not exist.
      await expect(backend.queryRecords('104', startedAt, Date.now())).rejects.toMatchObject({ code: 'unsupported' });
      await expect(backend.queryRecords('999', startedAt, Date.now())).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      backend.dispose();
    }
  }, 60_000);

  it('survives a Janus kill and stops cleanly', async () => {
    const l = need();
    const labJson = JSON.parse(readFileSync(join(RUN_DIR, 'lab.json'), 'utf8')) as LabJson;
    const cams = Object.entries(labJson.pids)
      .filter(([name]) => name.startsWith('cam-'))
      .map(([, pid]) => pid ?? 0);
    const clip = l.channels.find((c) => !c.live && !c.ptz);
    if (!clip) throw new Error('no clip channel');
    const checkList = (list: StreamingMountpoint[]): void => {
      expect(list).toHaveLength(30);
      for (const ch of l.channels) expect(list.find((m) => m.id === ch.mountpointId)?.description).toBe(ch.name);
    };

    // Janus killed: cameras keep running (ICMP port unreachable must not kill them).
    await l.killJanus();
    await new Promise((r) => setTimeout(r, 1500));
    expect(labJson.pids.janus === null || !alive(labJson.pids.janus ?? 0)).toBe(true);
    expect(cams.every(alive)).toBe(true);
    await firstDatagram(portOf(clip.mpegtsUrl), 3000);

    // Back again with the same mountpoints, fed by the same cameras.
    await l.startJanus();
    checkList(await listMountpoints(l.janusUrl));
    await waitForMedia(l.janusUrl, mediaIds(l), 10_000);
    expect(cams.every(alive)).toBe(true);

    const janusPid = (JSON.parse(readFileSync(join(RUN_DIR, 'lab.json'), 'utf8')) as LabJson).pids.janus;
    await l.stop();
    await l.stop(); // idempotent
    for (const pid of [...cams, janusPid]) expect(pid !== null && pid !== undefined && alive(pid)).toBe(false);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toMatch(/\bmdc-lab\b/);
    expect(() => execFileSync('ip', ['link', 'show', 'mdc0'], { stdio: 'ignore' })).toThrow();
    expect(existsSync(join(RUN_DIR, 'lab.json'))).toBe(false);
    console.log(`lab started in ${startMs} ms; clock latency ${Math.min(...latencies)}..${Math.max(...latencies)} ms`);
  }, 120_000);
});
