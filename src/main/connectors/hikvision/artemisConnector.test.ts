import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared/contract/rpc';
import { POINT_CATEGORIES } from '../../../shared/domain/referenceData';
import { channelSchema } from '../../../shared/domain/catalogue';
import { ArtemisClient } from './artemisClient';
import {
  ArtemisPtzController,
  artemisPtzSender,
  CATEGORY_KEYWORD_CODES,
  cameraToChannel,
  categoryFromName,
  fetchAllCameras,
  previewUrl,
  type ArtemisPtzRequest,
} from './artemisCatalogue';
import type { LoopbackListener } from '../../services/loopbackServer';
import { APP_KEY, APP_SECRET, sendJson, startFakeArtemis } from './fakeArtemis.testkit';


/** One camera as ISC 1.x returns it from /api/resource/v1/cameras (numbers as strings, many extra fields). */
function recordedCamera(i: number): Record<string, unknown> {
  const names = ['主井口东侧', '1301综采工作面', '中央变电所', '副井口', '办公楼门口'];
  return {
    altitude: null,
    cameraIndexCode: `a1b2c3d4e5f6${String(i).padStart(8, '0')}`,
    cameraName: `${names[i % names.length]}${i}`,
    cameraType: i % 4,
    cameraTypeName: ['枪机', '半球', '快球', '带云台枪机'][i % 4],
    capabilitySet: 'io,event_io,io_vss,vss,record,ptz',
    channelNo: String((i % 64) + 1),
    channelType: 'analog',
    createTime: '2024-03-01T10:20:30.000+08:00',
    encodeDevIndexCode: 'e0d1c2b3a4',
    gbIndexCode: i === 0 ? '14040300001310000001' : null,
    installLocation: i === 0 ? '主井井口房' : null,
    latitude: i === 0 ? '36.190941' : null,
    longitude: i === 0 ? '113.106888' : null,
    pixel: null,
    regionIndexCode: 'root000000',
    status: i === 3 ? 2 : 1,
    statusName: i === 3 ? '离线' : '在线',
    transType: 1,
    treatyType: 'hiksdk_net',
    updateTime: '2024-03-01T10:20:30.000+08:00',
  };
}
const CAMERAS = Array.from({ length: 2500 }, (_, i) => recordedCamera(i));

type Handler = (path: string, body: Record<string, unknown>, res: ServerResponse) => void;

let gateway: LoopbackListener;
let origin: string;
let handler: Handler;
const seen: { path: string; body: Record<string, unknown>; headers: IncomingMessage['headers'] }[] = [];

const pagingHandler: Handler = (path, body, res) => {
  if (path !== '/artemis/api/resource/v1/cameras') return sendJson(res, 404, { code: '0x02404001', msg: 'api not found' });
  const pageNo = Number(body.pageNo);
  const pageSize = Number(body.pageSize);
  const list = CAMERAS.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  sendJson(res, 200, { code: '0', msg: 'success', data: { total: CAMERAS.length, pageNo, pageSize, list } });
};

beforeAll(async () => {
  gateway = await startFakeArtemis(
    ({ path, body }, res) => handler(path, body, res),
    (req) => seen.push(req),
  );
  origin = gateway.origin;
});
afterAll(() => gateway.close());
afterEach(() => {
  seen.length = 0;
});

const client = (over: Partial<ConstructorParameters<typeof ArtemisClient>[0]> = {}): ArtemisClient =>
  new ArtemisClient({ origin, appKey: APP_KEY, appSecret: APP_SECRET, timeoutMs: 2_000, ...over });

async function failure(p: Promise<unknown>): Promise<ConsoleError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as Error).message).not.toContain(APP_SECRET);
    return err as ConsoleError;
  }
  throw new Error('expected a failure');
}

describe('Hikvision artemis connector (recorded artemis responses)', () => {
  it('pages over 2,500 cameras with signed requests and maps them to channels', async () => {
    handler = pagingHandler;
    const cameras = await fetchAllCameras(client(), { pageSize: 1000 });
    expect(cameras).toHaveLength(2500);
    expect(seen.map((s) => s.body)).toEqual([
      { pageNo: 1, pageSize: 1000 },
      { pageNo: 2, pageSize: 1000 },
      { pageNo: 3, pageSize: 1000 },
    ]);
    const h = seen[0]?.headers ?? {};
    expect(h['x-ca-key']).toBe(APP_KEY);
    expect(h['x-ca-signature-headers']).toBe('x-ca-key,x-ca-nonce,x-ca-timestamp');
    expect(h['x-ca-nonce']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h['x-ca-timestamp']).toMatch(/^\d{13}$/);
    expect(h['x-ca-signature']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(new Set(seen.map((s) => s.headers['x-ca-nonce'])).size).toBe(3);

    const channels = cameras.map((c) => cameraToChannel('hik1', c));
    for (const ch of channels.slice(0, 10)) expect(channelSchema.parse(ch)).toEqual(ch);
    expect(channels[0]).toEqual({
      id: 'hik1:a1b2c3d4e5f600000000',
      backendId: 'hik1',
      name: '主井口东侧0',
      gbId: '14040300001310000001',
      countyCode: null,
      mineId: null,
      categoryCode: '02',
      place: '主井井口房',
      location: [113.106888, 36.190941],
      online: true,
      streams: ['jsmpeg-ws'],
      substream: true,
      ptz: false,
    });
    expect(channels.slice(1, 5).map((c) => [c.categoryCode, c.ptz, c.online])).toEqual([
      ['15', false, true], // 1301综采工作面, 半球
      ['21', true, true], // 中央变电所, 快球
      ['03', true, false], // 副井口, 带云台枪机, offline
      ['00', false, true], // 办公楼门口
    ]);
  });

  it('stops when the server repeats a page instead of looping', async () => {
    handler = (_path, body, res) =>
      sendJson(res, 200, { code: '0', msg: 'success', data: { total: 2500, pageNo: body.pageNo, pageSize: 1000, list: CAMERAS.slice(0, 1000) } });
    const err = await failure(fetchAllCameras(client(), { pageSize: 1000 }));
    expect(err.code).toBe('internal');
    expect(err.message).toContain('第 2 页与之前的页重复');
    expect(seen).toHaveLength(2);
  });

  it('caps the number of pages', async () => {
    handler = pagingHandler;
    const err = await failure(fetchAllCameras(client(), { pageSize: 100, maxPages: 3 }));
    expect(err.code).toBe('internal');
    expect(err.message).toContain('3 页后仍未取完');
  });

  it('ends on an empty page even when total overstates the list', async () => {
    handler = (_path, body, res) =>
      sendJson(res, 200, { code: '0', msg: 'success', data: { total: '9999', pageNo: body.pageNo, pageSize: 1000, list: body.pageNo === 1 ? CAMERAS.slice(0, 7) : [] } });
    expect(await fetchAllCameras(client())).toHaveLength(7);
  });

  it('turns a non-"0" code into unavailable with the platform message', async () => {
    handler = (_p, _b, res) => sendJson(res, 200, { code: '0x00052102', msg: '资源不存在', data: null });
    const err = await failure(fetchAllCameras(client()));
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe('海康平台拒绝请求 /api/resource/v1/cameras：0x00052102 资源不存在');
  });

  it('turns HTTP 500 into unavailable', async () => {
    handler = (_p, _b, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body>Internal Server Error</body></html>');
    };
    const err = await failure(fetchAllCameras(client()));
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe('海康平台返回 HTTP 500（/api/resource/v1/cameras）');
  });

  it('turns malformed JSON and a wrong data shape into internal', async () => {
    handler = (_p, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"code":"0","msg":"success","data":{"total":');
    };
    let err = await failure(fetchAllCameras(client()));
    expect(err.code).toBe('internal');
    expect(err.message).toContain('海康平台的应答不是预期的 JSON');

    handler = (_p, _b, res) => sendJson(res, 200, { code: '0', msg: 'success', data: { total: 1, list: [{ cameraName: '无编号' }] } });
    err = await failure(fetchAllCameras(client()));
    expect(err.code).toBe('internal');
    expect(err.message).toContain('应答数据格式不符');
    expect(err.message).toContain('list.0.cameraIndexCode');
  });

  it('times out a platform that does not answer', async () => {
    handler = () => {
      /* never answers */
    };
    const started = Date.now();
    const err = await failure(fetchAllCameras(client({ timeoutMs: 300 })));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('在 300 ms 内未响应');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a connection failure as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failure(fetchAllCameras(client({ origin: `http://127.0.0.1:${port}` })));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain(`无法连接海康平台 http://127.0.0.1:${port}`);
  });

  it('gets an auth error from the fake gateway when the secret is wrong, and never echoes the secret', async () => {
    handler = pagingHandler;
    const err = await failure(fetchAllCameras(client({ appSecret: 'wrong-secret-value' })));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain('0x02401003');
    expect(err.message).not.toContain('wrong-secret-value');
    expect(JSON.stringify(seen)).not.toContain('wrong-secret-value');
  });

  it('treats a gateway auth code in an HTTP 200 reply as unauthorized too', async () => {
    handler = (_p, _b, res) => sendJson(res, 200, { code: '0x02401007', msg: 'appKey not exist' });
    expect((await failure(fetchAllCameras(client()))).code).toBe('unauthorized');
  });

  it('asks for a preview URL', async () => {
    handler = (path, body, res) => {
      expect(path).toBe('/artemis/api/video/v2/cameras/previewURLs');
      expect(body).toEqual({ cameraIndexCode: 'cam1', streamType: 1, protocol: 'rtsp', transmode: 1 });
      sendJson(res, 200, { code: '0', msg: 'success', data: { url: 'rtsp://127.0.0.1:554/openUrl/abcDEF' } });
    };
    expect(await previewUrl(client(), 'cam1', 'rtsp', 1)).toBe('rtsp://127.0.0.1:554/openUrl/abcDEF');
  });

  it('sends PTZ control requests', async () => {
    handler = (_p, _b, res) => sendJson(res, 200, { code: '0', msg: 'success', data: null });
    const ptz = new ArtemisPtzController(artemisPtzSender(client()));
    await ptz.control('cam1', { op: 'move', pan: -0.5, tilt: 0, zoom: 0 });
    await ptz.control('cam1', { op: 'stop' });
    expect(seen.map((s) => [s.path, s.body])).toEqual([
      ['/artemis/api/video/v1/ptzs/controlling', { cameraIndexCode: 'cam1', action: 0, command: 'LEFT', speed: 50 }],
      ['/artemis/api/video/v1/ptzs/controlling', { cameraIndexCode: 'cam1', action: 1, command: 'LEFT', speed: 50 }],
    ]);
  });

  it('rejects an origin that is not http(s)', () => {
    expect(() => new ArtemisClient({ origin: 'ftp://x', appKey: 'k', appSecret: 's' })).toThrow(ConsoleError);
    expect(() => new ArtemisClient({ origin: 'not a url', appKey: 'k', appSecret: 's' })).toThrow(ConsoleError);
  });

  it('passes the response schema through', async () => {
    handler = (_p, _b, res) => sendJson(res, 200, { code: 0, msg: 'success', data: { n: 3 } });
    expect(await client().post('/api/x', {}, z.object({ n: z.number() }))).toEqual({ n: 3 });
  });
});

describe('artemis mapping', () => {
  it('matches point categories by name keywords, longest first', () => {
    const codes = new Set(POINT_CATEGORIES.map((c) => c.code));
    expect(CATEGORY_KEYWORD_CODES.every((c) => codes.has(c))).toBe(true);
    expect(CATEGORY_KEYWORD_CODES).toHaveLength(36);
    for (const c of POINT_CATEGORIES) expect(categoryFromName(`某矿${c.name}1号`)).toBe(c.code);
    expect(
      ['地面煤仓卸煤口', '地面煤仓', '井下煤仓下口', '1302回风隅角', '2号皮带机头', '主扇风机房', '局扇', '东翼辅运大巷', '大门口', 't2处'].map(categoryFromName),
    ).toEqual(['33', '32', '23', '13', '19', '30', '28', '10', '00', '18']);
  });

  it('reads PTZ from the ptz field before cameraType', () => {
    const base = { cameraIndexCode: 'c' };
    const ptz = (extra: Record<string, unknown>): boolean => cameraToChannel('h', { ...base, ...extra } as never).ptz;
    expect([ptz({}), ptz({ cameraType: '2' }), ptz({ cameraType: 3 }), ptz({ cameraType: 0 })]).toEqual([false, true, true, false]);
    expect([ptz({ cameraType: 2, ptz: false }), ptz({ cameraType: 0, ptz: '1' }), ptz({ ptz: 'true' }), ptz({ ptz: 0 })]).toEqual([false, true, true, false]);
    expect(cameraToChannel('h', { cameraIndexCode: 'c', cameraName: '  ' }).name).toBe('c');
  });

  it('maps every PtzCommand to controlling requests, stopping what it started', () => {
    const ptz = new ArtemisPtzController(() => Promise.resolve());
    const r = (action: 0 | 1, command: ArtemisPtzRequest['command'], speed: number, presetIndex?: number): ArtemisPtzRequest => ({
      cameraIndexCode: 'c',
      action,
      command,
      speed,
      ...(presetIndex === undefined ? {} : { presetIndex }),
    });
    expect(ptz.plan('c', { op: 'move', pan: 0.3, tilt: 0.8, zoom: 0 })).toEqual([r(0, 'RIGHT_UP', 80)]);
    expect(ptz.plan('c', { op: 'move', pan: -1, tilt: -0.004, zoom: -0.5 })).toEqual([r(1, 'RIGHT_UP', 50), r(0, 'LEFT_DOWN', 100), r(0, 'ZOOM_OUT', 50)]);
    expect(ptz.plan('c', { op: 'move', pan: 0, tilt: 0, zoom: 0 })).toEqual([r(1, 'LEFT_DOWN', 50), r(1, 'ZOOM_OUT', 50)]);
    expect(ptz.plan('c', { op: 'move', pan: 0, tilt: 0, zoom: 0 })).toEqual([r(1, 'LEFT', 50), r(1, 'ZOOM_IN', 50)]);
    expect(ptz.plan('c', { op: 'move', pan: 0, tilt: 1, zoom: 0.2 })).toEqual([r(0, 'UP', 100), r(0, 'ZOOM_IN', 20)]);
    expect(ptz.plan('c', { op: 'focus', speed: -0.4 })).toEqual([r(0, 'FOCUS_NEAR', 40)]);
    expect(ptz.plan('c', { op: 'focus', speed: 0 })).toEqual([r(1, 'FOCUS_NEAR', 50)]);
    expect(ptz.plan('c', { op: 'iris', speed: 1 })).toEqual([r(0, 'IRIS_ENLARGE', 100)]);
    expect(ptz.plan('c', { op: 'stop' })).toEqual([r(1, 'UP', 50), r(1, 'ZOOM_IN', 50), r(1, 'IRIS_ENLARGE', 50)]);
    expect(ptz.plan('c', { op: 'iris', speed: -0.1 })).toEqual([r(0, 'IRIS_REDUCE', 10)]);
    expect(ptz.plan('c', { op: 'gotoPreset', preset: 7 })).toEqual([r(0, 'GOTO_PRESET', 50, 7)]);
    expect(ptz.plan('c', { op: 'setPreset', preset: 8, name: '井口' })).toEqual([r(0, 'SET_PRESET', 50, 8)]);
    expect(() => ptz.plan('c', { op: 'removePreset', preset: 8 })).toThrow(ConsoleError);
    // Other cameras have their own state.
    expect(ptz.plan('d', { op: 'focus', speed: 1 })).toEqual([{ ...r(0, 'FOCUS_FAR', 100), cameraIndexCode: 'd' }]);
  });
});
