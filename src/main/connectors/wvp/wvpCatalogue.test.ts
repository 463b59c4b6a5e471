import { afterEach, describe, expect, it } from 'vitest';
import { channelSchema, mineSchema } from '../../../shared/domain/catalogue';
import { WvpClient } from './wvpClient';
import { WVP_PATHS } from './wvpVersion';
import {
  categoryFromName,
  countyFromCode,
  fetchAllPages,
  fetchWvpCatalogue,
  parseChannel,
  parseDevice,
  splitLocalId,
  toConsoleCatalogue,
} from './wvpCatalogue';
import { loginReply, ok, startFakeWvp, type FakeWvp } from './fakeWvp.testkit';

let server: FakeWvp | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const DISTRICT_CODES = ['140403', '140404', '140423', '140431', '130102'];
const NAMES = ['1号主井口', '副井口全景', '3102采煤工作面', '中央变电所', '东翼辅助运输大巷', '调度室大屏', '球机01', '井底车场(东)'];

/** WVP 2.7 Device as /api/device/query/devices returns it. */
function device(i: number) {
  const code = DISTRICT_CODES[i % DISTRICT_CODES.length]!;
  return {
    id: i + 1,
    deviceId: `${code}00111180${String(i).padStart(6, '0')}`,
    name: `长治第${i + 1}煤矿NVR`,
    manufacturer: 'Hikvision',
    model: 'DS-9632N-I8',
    firmware: 'V4.61.025',
    transport: 'UDP',
    streamMode: 'TCP-PASSIVE',
    ip: `10.20.${i}.2`,
    port: 5060,
    hostAddress: `10.20.${i}.2:5060`,
    onLine: i !== 19,
    registerTime: '2026-11-20 08:00:00',
    keepaliveTime: '2026-11-24 05:50:00',
    channelCount: 500,
    expires: 3600,
    charset: 'GB2312',
    subscribeCycleForCatalog: 0,
    mediaServerId: 'auto',
    geoCoordSys: 'WGS84',
  };
}

/** WVP 2.7 DeviceChannel: `deviceId` is the channel's own GB id. */
function channel(d: number, c: number) {
  const dev = device(d);
  return {
    id: d * 1000 + c,
    deviceId: `${dev.deviceId.slice(0, 10)}132${String(d).padStart(2, '0')}${String(c).padStart(5, '0')}`,
    name: `${NAMES[c % NAMES.length]}-${c}`,
    manufacturer: 'Hikvision',
    model: 'IP Camera',
    owner: 'Owner',
    civilCode: dev.deviceId.slice(0, 6),
    block: null,
    address: 'Address',
    parental: 0,
    parentId: dev.deviceId,
    safetyWay: 0,
    registerWay: 1,
    secrecy: 0,
    ipAddress: null,
    port: 0,
    password: null,
    status: c % 10 === 0 ? 'OFF' : 'ON',
    longitude: c % 2 ? 113.1 + d / 100 : 0,
    latitude: c % 2 ? 36.2 : 0,
    ptzType: (c % 4) + 1,
    hasAudio: false,
    streamId: null,
    createTime: '2026-11-20 08:00:01',
    updateTime: '2026-11-24 05:50:00',
  };
}

const DEVICES = Array.from({ length: 20 }, (_, i) => device(i));

function page<T>(list: T[], query: URLSearchParams) {
  const p = Number(query.get('page'));
  const n = Number(query.get('count'));
  return ok({ total: list.length, list: list.slice((p - 1) * n, p * n), pageNum: p, pageSize: n, size: Math.min(n, list.length), pages: Math.ceil(list.length / n) });
}

describe('WVP catalogue (recorded WVP responses)', () => {
  it('pages 10,000 channels over 20 devices into mines and channels', async () => {
    const channelLists = DEVICES.map((_, d) => Array.from({ length: 500 }, (_, c) => channel(d, c)));
    server = await startFakeWvp((req) => {
      if (req.path === '/api/user/login') return loginReply('tok');
      if (req.token !== 'tok') return { status: 401, body: { code: 401, msg: '请登录后重新请求', data: null } };
      if (req.path === '/api/device/query/devices') return page(DEVICES, req.query);
      const m = /^\/api\/device\/query\/devices\/(\d+)\/channels$/.exec(req.path);
      const d = m ? DEVICES.findIndex((x) => x.deviceId === m[1]) : -1;
      return d >= 0 ? page(channelLists[d]!, req.query) : undefined;
    });
    const client = new WvpClient({ baseUrl: server.url, username: 'admin', password: 'admin' });
    const raw = await fetchWvpCatalogue(client, WVP_PATHS['2.7'], { pageSize: 120 });
    const { mines, channels, ptz } = toConsoleCatalogue('wvp1', raw);

    expect(mines).toHaveLength(20);
    expect(channels).toHaveLength(10_000);
    expect(new Set(channels.map((c) => c.id)).size).toBe(10_000);
    // 20 devices in 120s: 1 page; 500 channels each in 120s: 5 pages (the last short).
    expect(server.requests.filter((r) => r.path === '/api/device/query/devices')).toHaveLength(1);
    expect(server.requests.filter((r) => r.path.endsWith('/channels'))).toHaveLength(100);
    expect(server.requests.filter((r) => r.path === '/api/user/login')).toHaveLength(1);
    for (const m of mines) expect(mineSchema.safeParse(m).success).toBe(true);
    for (const c of channels.slice(0, 600)) expect(channelSchema.safeParse(c).success).toBe(true);

    const first = channels[1]!;
    expect(first).toMatchObject({
      id: `wvp1:${DEVICES[0]!.deviceId}/${channel(0, 1).deviceId}`,
      backendId: 'wvp1',
      gbId: channel(0, 1).deviceId,
      mineId: `wvp1:${DEVICES[0]!.deviceId}`,
      countyCode: '140403',
      categoryCode: '03', // 副井口全景
      online: true,
      ptz: true, // ptzType 2 半球
      streams: [],
      location: [113.1, 36.2],
    });
    expect(splitLocalId(first.id.slice('wvp1:'.length))).toEqual({ deviceId: DEVICES[0]!.deviceId, channelId: channel(0, 1).deviceId });
    expect(channels[0]).toMatchObject({ categoryCode: '02', online: false, location: null }); // status OFF, 0/0
    expect(channels[2]).toMatchObject({ categoryCode: '15', ptz: false }); // ptzType 3 固定枪机
    expect(channels[6]!.categoryCode).toBe('00'); // 球机01
    expect(ptz.size).toBe(7_500);
    // Device 4 is in 130102 (not Changzhi): no county; device 19 is offline: all its channels too.
    expect(mines[4]!.countyCode).toBeNull();
    expect(channels.filter((c) => c.mineId === mines[4]!.id).every((c) => c.countyCode === null)).toBe(true);
    expect(channels.filter((c) => c.mineId === mines[19]!.id).some((c) => c.online)).toBe(false);
    expect(mines[3]).toMatchObject({ name: '长治第4煤矿NVR', countyCode: '140431' });
  });

  it('stops at a repeated page (a server that ignores `page`) and at total', async () => {
    const list = Array.from({ length: 10 }, (_, c) => channel(0, c));
    const warnings: string[] = [];
    let calls = 0;
    const items = await fetchAllPages(
      () => {
        calls++;
        return Promise.resolve({ total: 1000, list: list.slice(0, 5) });
      },
      parseChannel,
      (c) => c.channelId,
      { pageSize: 5, warn: (m) => warnings.push(m) },
    );
    expect(items).toHaveLength(5);
    expect(calls).toBe(2);
    expect(warnings[0]).toContain('repeats');

    calls = 0;
    const capped = await fetchAllPages(
      (p, n) => {
        calls++;
        return Promise.resolve({ total: 10, list: list.slice((p - 1) * n, p * n) });
      },
      parseChannel,
      (c) => c.channelId,
      { pageSize: 5 },
    );
    expect(capped).toHaveLength(10);
    expect(calls).toBe(2);
  });

  it('reads 2.6.9-shaped devices and channels (online 0/1, channelId, numeric status)', () => {
    expect(parseDevice({ deviceId: '14040400001180000001', name: '屯留煤矿', online: 1 })).toEqual({ deviceId: '14040400001180000001', name: '屯留煤矿', online: true });
    expect(parseDevice({ deviceId: '14040400001180000001', online: 0 })!.online).toBe(false);
    expect(
      parseChannel({ channelId: '14040400001320000007', deviceId: '14040400001180000001', name: '主通风机房', status: 1, ptzType: 3, civilCode: '140404' }),
    ).toMatchObject({ channelId: '14040400001320000007', online: true, ptzType: 3, civilCode: '140404' });
    expect(parseDevice({ name: 'no id' })).toBeNull();
  });
});

describe('WVP channel classification', () => {
  it('picks the longest matching category name', () => {
    expect(categoryFromName('1号主井口')).toBe('02');
    expect(categoryFromName('北翼采煤工作面超前支护范围内')).toBe('14');
    expect(categoryFromName('3102采煤工作面')).toBe('15');
    expect(categoryFromName('中央变电所')).toBe('21');
    expect(categoryFromName('采区水泵房(2)')).toBe('22');
    expect(categoryFromName('地面煤仓卸煤口')).toBe('33');
    expect(categoryFromName('主通风机房')).toBe('30');
    expect(categoryFromName('大门')).toBe('00');
  });

  it('maps civil codes to Changzhi districts only', () => {
    expect(countyFromCode('140403')).toBe('140403');
    expect(countyFromCode('14042900')).toBe('140429');
    expect(countyFromCode('140400')).toBeNull(); // the city itself
    expect(countyFromCode('130102')).toBeNull();
    expect(countyFromCode(null)).toBeNull();
    expect(countyFromCode('abc')).toBeNull();
  });
});
