import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared/contract/rpc';
import { channelSchema } from '../../../shared/domain/catalogue';
import { HikvisionBackend, toArtemisTime } from './hikvisionBackend';
import type { LoopbackListener } from '../../services/loopbackServer';
import { APP_KEY, APP_SECRET, sendJson, startFakeArtemis } from './fakeArtemis.testkit';

const CAM_PTZ = 'a1b2c3d4e5f600000002';
const CAM_FIXED = 'a1b2c3d4e5f600000001';

type Reply = { status?: number; body: unknown };
type Seen = { path: string; body: Record<string, unknown> };
let gateway: LoopbackListener;
let origin: string;
let route: (path: string, body: Record<string, unknown>) => Reply | undefined = () => undefined;
const seen: Seen[] = [];
const backends: HikvisionBackend[] = [];

const okData = (data: unknown): Reply => ({ body: { code: '0', msg: 'success', data } });

/** Recorded ISC 1.x camera entries (numbers as strings where the platform sends them so). */
const CAMERAS = [
  { cameraIndexCode: CAM_FIXED, cameraName: '主井口东侧', cameraType: '0', channelNo: '1', status: 1, regionIndexCode: 'root000000', gbIndexCode: null, installLocation: '主井井口房', longitude: '113.106888', latitude: '36.190941' },
  { cameraIndexCode: CAM_PTZ, cameraName: '中央变电所快球', cameraType: '2', channelNo: '2', status: 1, regionIndexCode: 'root000000', gbIndexCode: '14040300001310000002', installLocation: null, longitude: null, latitude: null },
];

const defaults = (path: string, body: Record<string, unknown>): Reply | undefined => {
  if (path === '/artemis/api/resource/v1/cameras') return okData({ total: CAMERAS.length, pageNo: body.pageNo, pageSize: body.pageSize, list: CAMERAS });
  if (path === '/artemis/api/video/v2/cameras/previewURLs') {
    if (body.protocol === 'hls') return okData({ url: `http://isc.example:83/openUrl/hlsT${String(body.streamType)}/live.m3u8` });
    if (body.protocol === 'rtsp') return okData({ url: `rtsp://isc.example:554/openUrl/rtspT${String(body.streamType)}` });
  }
  if (path === '/artemis/api/video/v1/ptzs/controlling') return okData(null);
  return undefined;
};

beforeAll(async () => {
  gateway = await startFakeArtemis(
    ({ path, body }, res) => {
      const reply = route(path, body) ?? defaults(path, body) ?? { status: 404, body: { code: '0x02404001', msg: 'api not found' } };
      sendJson(res, reply.status ?? 200, reply.body);
    },
    ({ path, body }) => seen.push({ path, body }),
  );
  origin = gateway.origin;
});
afterAll(() => gateway.close());
afterEach(() => {
  seen.length = 0;
  route = () => undefined;
  for (const b of backends.splice(0)) b.dispose();
});

function backend(secret: string | null = APP_SECRET, url = origin): HikvisionBackend {
  const b = new HikvisionBackend(
    { id: 'hik1', kind: 'hikvision', name: '海康综合安防', enabled: true, url, appKey: APP_KEY },
    { appSecret: () => secret, warn: () => undefined, timeoutMs: 2_000 },
  );
  backends.push(b);
  return b;
}

async function failure(p: Promise<unknown>): Promise<ConsoleError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConsoleError);
  expect((err as Error).message).not.toContain(APP_SECRET);
  return err as ConsoleError;
}

describe('HikvisionBackend (recorded real-shaped artemis responses)', () => {
  it('lists cameras as channels and plays RTSP through the relay (FLV remux or MPEG-1) or the platform’s HLS', async () => {
    const b = await backend();
    const { channels } = await b.fetchCatalogue();
    expect(b.health()).toEqual({ state: 'online', message: null });
    expect(channels.map((c) => c.id)).toEqual([`hik1:${CAM_FIXED}`, `hik1:${CAM_PTZ}`]);
    for (const c of channels) expect(channelSchema.safeParse(c).success).toBe(true);
    expect(channels[1]).toMatchObject({ streams: ['flv', 'jsmpeg-ws', 'hls'], ptz: true, substream: true });
    expect(await b.play(CAM_FIXED, 'flv', 'main')).toEqual({ kind: 'flv-relay', sourceUrl: 'rtsp://isc.example:554/openUrl/rtspT0' });
    expect(await b.play(CAM_FIXED, 'jsmpeg-ws', 'sub')).toEqual({ kind: 'jsmpeg-ws', sourceUrl: 'rtsp://isc.example:554/openUrl/rtspT1' });
    expect(await b.play(CAM_FIXED, 'hls', 'sub')).toEqual({ kind: 'hls', url: 'http://isc.example:83/openUrl/hlsT1/live.m3u8' });
    expect(b.mediaOrigins()).toEqual(['http://isc.example:83']);
    expect(seen.filter((s) => s.path.endsWith('previewURLs')).map((s) => s.body)).toEqual([
      { cameraIndexCode: CAM_FIXED, streamType: 0, protocol: 'rtsp', transmode: 1 },
      { cameraIndexCode: CAM_FIXED, streamType: 1, protocol: 'rtsp', transmode: 1 },
      { cameraIndexCode: CAM_FIXED, streamType: 1, protocol: 'hls', transmode: 1 },
    ]);
    await expect(b.play(CAM_FIXED, 'janus-webrtc', 'main')).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('drives PTZ with start/stop commands and reads presets (none where the API is missing)', async () => {
    const b = backend();
    await b.fetchCatalogue();
    await b.ptz(CAM_PTZ, { op: 'move', pan: -0.5, tilt: 0, zoom: 0 });
    await b.ptz(CAM_PTZ, { op: 'stop' });
    expect(seen.filter((s) => s.path.endsWith('controlling')).map((s) => [s.body.command, s.body.action])).toEqual([
      ['LEFT', 0],
      ['LEFT', 1],
    ]);
    await expect(b.ptz(CAM_FIXED, { op: 'stop' })).rejects.toMatchObject({ code: 'unsupported' });
    expect(await b.ptzPresets(CAM_PTZ)).toEqual([]);
    route = (path) =>
      path === '/artemis/api/video/v1/presets/searches'
        ? okData({ total: 2, list: [{ presetPointIndex: '2', presetPointName: '主井口' }, { presetPointIndex: 1, presetPointName: '' }] })
        : undefined;
    expect(await b.ptzPresets(CAM_PTZ)).toEqual([
      { preset: 1, name: '预置点 1' },
      { preset: 2, name: '主井口' },
    ]);
  });

  it('maps playbackURLs segments of both locations (1 device, 0 center → cloud) in +08:00', async () => {
    const from = Date.UTC(2026, 10, 24, 2, 0); // 10:00 in Changzhi
    const to = Date.UTC(2026, 10, 24, 4, 0);
    route = (path, body) => {
      if (path !== '/artemis/api/video/v2/cameras/playbackURLs') return undefined;
      if (body.recordLocation === '1') {
        return okData({
          list: [
            { lockType: 0, beginTime: '2026-11-24T09:30:00.000+08:00', endTime: '2026-11-24T10:40:00.000+08:00', size: 1_073_741_824 },
            { lockType: 0, beginTime: '2026-11-24T11:10:00.000+08:00', endTime: '2026-11-24T12:30:00.000+08:00', size: 1_073_741_824 },
          ],
          uuid: 'e33421g1109046a79b6280bafb6fa5a7',
          url: 'rtsp://isc.example:554/openUrl/pbDevice',
        });
      }
      return { body: { code: '0x01b01303', msg: '中心存储未配置录像计划', data: null } };
    };
    const b = backend();
    await b.fetchCatalogue();
    expect(await b.queryRecords(CAM_FIXED, from, to)).toEqual([
      { start: Date.UTC(2026, 10, 24, 1, 30), end: Date.UTC(2026, 10, 24, 2, 40), source: 'device', file: null },
      { start: Date.UTC(2026, 10, 24, 3, 10), end: Date.UTC(2026, 10, 24, 4, 30), source: 'device', file: null },
    ]);
    const q = seen.find((s) => s.body.recordLocation === '1')!;
    expect(q.body).toMatchObject({ cameraIndexCode: CAM_FIXED, protocol: 'rtsp', beginTime: '2026-11-24T10:00:00.000+08:00', endTime: '2026-11-24T12:00:00.000+08:00' });
    expect(toArtemisTime(Date.UTC(2026, 0, 1, 16, 0))).toBe('2026-01-02T00:00:00.000+08:00');

    route = (path, body) =>
      path === '/artemis/api/video/v2/cameras/playbackURLs' && body.recordLocation === '0'
        ? okData({ list: [{ beginTime: '2026-11-24T10:05:00.000+08:00', endTime: '2026-11-24T10:35:00.000+08:00' }], url: 'rtsp://isc.example:554/openUrl/pbCenter' })
        : okData({ list: [], url: null });
    expect(await b.queryRecords(CAM_FIXED, from, to)).toEqual([{ start: Date.UTC(2026, 10, 24, 2, 5), end: Date.UTC(2026, 10, 24, 2, 35), source: 'cloud', file: null }]);
  });

  it('plays back through the relay and refuses seek/speed/pause with a clear message', async () => {
    route = (path) => (path === '/artemis/api/video/v2/cameras/playbackURLs' ? okData({ list: [], url: 'rtsp://isc.example:554/openUrl/pbDevice' }) : undefined);
    const b = backend();
    await b.fetchCatalogue();
    const { target, control } = await b.openPlaybackStream(CAM_FIXED, Date.UTC(2026, 10, 24, 2), Date.UTC(2026, 10, 24, 3), 'device');
    expect(target).toEqual({ kind: 'flv-relay', sourceUrl: 'rtsp://isc.example:554/openUrl/pbDevice' });
    for (const p of [control.seek(Date.UTC(2026, 10, 24, 2, 30)), control.speed(2), control.pause()]) {
      const err = await failure(p);
      expect(err.code).toBe('unsupported');
      expect(err.message).toContain('不支持');
    }
    await expect(control.stop()).resolves.toBeUndefined();
    route = (path) => (path === '/artemis/api/video/v2/cameras/playbackURLs' ? okData({ list: [], url: '' }) : undefined);
    expect((await failure(b.openPlaybackStream(CAM_FIXED, Date.UTC(2026, 10, 24, 2), Date.UTC(2026, 10, 24, 3), 'cloud'))).code).toBe('not-found');
  });

  it('reports a wrong appSecret, a missing one, a closed port and a vanished camera clearly', async () => {
    const wrong = backend('not-the-secret');
    expect((await failure(wrong.fetchCatalogue())).code).toBe('unauthorized');
    expect(wrong.health().state).toBe('offline');
    expect(wrong.health().message).toContain('appKey/appSecret');
    expect(wrong.health().message).not.toContain('not-the-secret');
    const none = backend(null);
    await failure(none.fetchCatalogue());
    expect(none.health().message).toContain('尚未设置 appSecret');

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = backend(APP_SECRET, `http://127.0.0.1:${port}`);
    expect((await failure(down.fetchCatalogue())).code).toBe('unavailable');
    expect(down.health().message).toMatch(/无法连接海康平台/);

    const b = backend();
    await b.fetchCatalogue();
    expect((await failure(b.play('no-such-camera', 'flv', 'main'))).code).toBe('not-found');
    route = (path) => (path.endsWith('previewURLs') ? { body: { code: '0x00052102', msg: '监控点不存在', data: null } } : undefined);
    const err = await failure(b.play(CAM_FIXED, 'flv', 'main'));
    expect(err.code).toBe('not-found');
    expect(err.message).toContain('主井口东侧');
    expect((await failure(b.play(CAM_FIXED, 'flv', 'main'))).code).toBe('not-found');
  });
});
