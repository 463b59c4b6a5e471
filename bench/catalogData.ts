/**
 * The 10,000-channel catalogue of `npm run bench:catalog`, served the way a WVP-GB28181-pro 2.7 server serves it:
 * 100 GB devices (one NVR/platform per mine) of 100 channels each, behind md5 login, paged by `page`/`count`.
 *
 * The 40 real Changzhi mines of assets/data/changzhi-coal-mines.json (names and counties from Global Energy Monitor)
 * come first; 60 more mines with made-up names (`SYNTHETIC`, township names + 煤业) fill the counties, so the tree has
 * 100 mines as the dispatch hall has. Channel names are point names as mines label them,
 * each containing a point-category keyword (附件三) where a real one would; a few name nothing (大门, 球机) and fall
 * into 00 未分类. Everything is deterministic (no randomness), so every run serves byte-identical pages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DISTRICTS } from '../src/shared/domain/referenceData';
import { fakeJwt, loginReply, ok, startFakeWvp, type FakeReply, type FakeWvp } from '../src/main/connectors/wvp/fakeWvp.testkit';

export type BenchMine = { deviceId: string; name: string; shortName: string; county: string; online: boolean };
export type BenchData = { mines: BenchMine[]; channels: BenchChannel[] };
export type BenchChannel = { deviceId: string; channelId: string; name: string; county: string; online: boolean; ptzType: number };

type GemMine = { name: string; short_name: string; county_adcode: string };

/** Synthetic mines (not real names) that fill the coal counties up to 100 mines; county by adcode. */
const SYNTHETIC: readonly [string, string][] = [
  ['140405', '西贾'], ['140405', '上村'], ['140405', '吾元'], ['140405', '张店'], ['140405', '渔泽'], ['140405', '丰宜'], ['140405', '路村'],
  ['140428', '南漳'], ['140428', '鲍店'], ['140428', '色头'], ['140428', '石哲'], ['140428', '岚水'], ['140428', '宋村'], ['140428', '常张'],
  ['140404', '荫城'], ['140404', '八义'], ['140404', '西火'], ['140404', '南宋'], ['140404', '东和'], ['140404', '贾掌'], ['140404', '苏店'],
  ['140423', '下良'], ['140423', '王桥'], ['140423', '善福'], ['140423', '古韩'], ['140423', '王村'], ['140423', '西营'], ['140423', '虒亭'],
  ['140431', '郭道'], ['140431', '王和'], ['140431', '李元'], ['140431', '法中'], ['140431', '韩洪'], ['140431', '交口'], ['140431', '聪子峪'],
  ['140429', '故城'], ['140429', '丰州'], ['140429', '监漳'], ['140429', '韩北'], ['140429', '蟠龙'], ['140429', '洪水'],
  ['140403', '老顶山'], ['140403', '马厂'], ['140403', '西白兔'], ['140403', '黄碾'], ['140403', '堠北庄'],
  ['140406', '店上'], ['140406', '辛安泉'], ['140406', '合室'], ['140406', '黄牛蹄'], ['140406', '翟店'],
  ['140427', '晋庄'], ['140427', '百尺'], ['140427', '龙泉'], ['140427', '集店'], ['140427', '树掌'],
  ['140426', '上遥'], ['140430', '漳源'], ['140425', '石城'], ['140405', '李高'],
];

/** Point names per category code, each containing the category's keyword (what `categoryFromName` reads). */
function pointNames(mine: number): string[] {
  const face = (k: number) => `${1 + ((mine + k) % 4)}${1 + (k % 3)}0${1 + ((mine + 2 * k) % 9)}`;
  const names = [
    '地面工业广场全景', '地面工业广场东门', '主井口', '主井口罐笼', '副井口', '副井口候罐室', '风井口', '调度室', '调度室大屏',
    '队组班前会会议室', '地面出入井通道', '井底车场(东)', '井底车场(西)', '跟班领导井下交接班地点', '东翼辅助运输大巷',
    '西翼辅助运输大巷', '一采区辅助运输巷', '二采区辅助运输巷', `${face(1)}采掘工作面出入口`, `${face(2)}采掘工作面出入口`,
    `${face(1)}回采面回风隅角`, `${face(1)}采煤工作面超前支护范围内`, `${face(1)}采煤工作面机头`, `${face(1)}采煤工作面中部`,
    `${face(1)}采煤工作面机尾`, `${face(1)}采煤工作面支架`, `${face(3)}掘进工作面`, `${face(4)}掘进工作面`, `${face(5)}掘进工作面迎头`,
    '主斜井胶带机机头', '主斜井胶带机机尾', `${face(1)}刮板机机头`, `${face(1)}刮板机机尾`, '采区机电设备硐室', '中央变电所',
    '一采区变电所', '中央水泵房', '一采区水泵房', '井下煤仓上下口', '永久避难硐室', '主井吊装作业点', '大型设备安装回撤点',
    '回风大巷巷道维修点', '探放水钻孔作业点', `${face(3)}井下局部通风机控制点`, '主井提升机房', '副井提升机房', '主通风机房',
    '压风机房', '地面煤仓口', '地面煤仓卸煤口', '地面储煤场', '地面机修车间', '污水处理站', '大门', '球机01', '办公楼前',
  ];
  const out = [...names];
  // The rest: more cameras at the places a mine watches most (faces, belts, roadways), numbered.
  const wing = ['东翼', '西翼', '南翼', '北翼'];
  const repeat = [
    (k: number) => `${face(k)}采煤工作面${1 + (k % 5)}号`,
    (k: number) => `${face(k)}掘进工作面`,
    (k: number) => `${wing[k % 4]}辅助运输大巷${k}号`,
    (k: number) => `${wing[k % 4]}胶带机机头${k}号`,
    (k: number) => `${1 + (k % 3)}采区变电所${k}号`,
    (k: number) => `${1 + (k % 3)}采区水泵房${k}号`,
    (k: number) => `井底车场${k}号`,
  ];
  for (let k = 0; out.length < 100; k++) out.push(repeat[k % repeat.length]!(k + 6));
  return out;
}

const gb = (adcode: string, type: '118' | '132', serial: number) => `${adcode}0000${type}${String(serial).padStart(7, '0')}`;

/** 100 mines × 100 channels; ~3 % of channels and two whole devices offline. */
export function generateCatalogue(): BenchData {
  const file = path.resolve(import.meta.dirname, '../assets/data/changzhi-coal-mines.json');
  const gem = (JSON.parse(fs.readFileSync(file, 'utf8')) as { mines: GemMine[] }).mines;
  const all = [
    ...gem.map((m) => ({ name: m.name, shortName: m.short_name, county: m.county_adcode })),
    ...SYNTHETIC.map(([county, place]) => ({ name: `长治市${place}煤业有限公司`, shortName: `${place}煤业`, county })),
  ].slice(0, 100);
  if (all.length !== 100) throw new Error(`expected 100 mines, have ${all.length}`);
  const known = new Set(DISTRICTS.map((d) => d.adcode));
  const mines: BenchMine[] = [];
  const channels: BenchChannel[] = [];
  all.forEach((m, i) => {
    if (!known.has(m.county)) throw new Error(`${m.name}: ${m.county} is not a Changzhi district`);
    const deviceId = gb(m.county, '118', i + 1);
    const online = i !== 17 && i !== 63;
    mines.push({ deviceId, name: m.name, shortName: m.shortName, county: m.county, online });
    pointNames(i).forEach((name, c) => {
      const serial = i * 100 + c + 1;
      channels.push({ deviceId, channelId: gb(m.county, '132', serial), name, county: m.county, online: (serial * 7919) % 37 !== 0, ptzType: 1 + (serial % 4) });
    });
  });
  return { mines, channels };
}

/** Online/total per county as the tree must show them (a channel of an offline device is offline). */
export function expectedCounties(data: BenchData): Map<string, { online: number; total: number }> {
  const deviceOnline = new Map(data.mines.map((m) => [m.deviceId, m.online]));
  const out = new Map<string, { online: number; total: number }>();
  for (const c of data.channels) {
    const e = out.get(c.county) ?? { online: 0, total: 0 };
    e.total++;
    if (c.online && deviceOnline.get(c.deviceId)) e.online++;
    out.set(c.county, e);
  }
  return out;
}

function page<T>(list: readonly T[], query: URLSearchParams): FakeReply {
  const p = Math.max(1, Number(query.get('page')) || 1);
  const n = Math.max(1, Number(query.get('count')) || 15);
  return ok({ total: list.length, list: list.slice((p - 1) * n, p * n), pageNum: p, pageSize: n, size: Math.min(n, list.length), pages: Math.ceil(list.length / n) });
}

/** WVP 2.7's Device and DeviceChannel records (the fields the real server sends, see wvpCatalogue.test.ts). */
function deviceRecord(m: BenchMine, i: number) {
  return {
    id: i + 1, deviceId: m.deviceId, name: m.name, manufacturer: 'Hikvision', model: 'DS-9664N-I8', firmware: 'V4.61.025',
    transport: 'UDP', streamMode: 'TCP-PASSIVE', ip: `10.20.${i}.2`, port: 5060, hostAddress: `10.20.${i}.2:5060`, onLine: m.online,
    registerTime: '2026-11-20 08:00:00', keepaliveTime: '2026-11-24 05:50:00', channelCount: 100, expires: 3600, charset: 'GB2312',
    subscribeCycleForCatalog: 0, mediaServerId: 'auto', geoCoordSys: 'WGS84',
  };
}
function channelRecord(c: BenchChannel, i: number) {
  return {
    id: i + 1, deviceId: c.channelId, name: c.name, manufacturer: 'Hikvision', model: 'IP Camera', owner: 'Owner', civilCode: c.county,
    block: null, address: 'Address', parental: 0, parentId: c.deviceId, safetyWay: 0, registerWay: 1, secrecy: 0, ipAddress: null, port: 0,
    password: null, status: c.online ? 'ON' : 'OFF', longitude: 0, latitude: 0, ptzType: c.ptzType, hasAudio: false, streamId: null,
    createTime: '2026-11-20 08:00:01', updateTime: '2026-11-24 05:50:00',
  };
}

/** A recorded-WVP server (2.7.3) on 127.0.0.1 serving the generated catalogue, with login and version probe. */
export async function startCatalogueWvp(data: BenchData): Promise<FakeWvp> {
  const token = fakeJwt(Math.floor(Date.now() / 1000) + 3600);

  // Records are made per request, so a state changed in `data` shows in the next answer.
  const byDevice = new Map<string, { c: BenchChannel; i: number }[]>();
  data.channels.forEach((c, i) => {
    const list = byDevice.get(c.deviceId) ?? [];
    list.push({ c, i });
    byDevice.set(c.deviceId, list);
  });
  return startFakeWvp((req) => {
    if (req.path === '/api/user/login') return loginReply(token);
    if (req.token !== token) return { status: 401, body: { code: 401, msg: '请登录后重新请求', data: null } };
    if (req.path === '/api/server/system/configInfo') return ok({ serverPort: 18080, version: { version: '2.7.3', GIT_BRANCH: 'master' } });
    if (req.path === '/api/server/version') return ok({ version: '2.7.3' });
    if (req.path === '/api/device/query/devices') return page(data.mines.map(deviceRecord), req.query);
    const m = /^\/api\/device\/query\/devices\/(\d{20})\/channels$/.exec(req.path);
    const list = m ? byDevice.get(m[1]!) : undefined;
    return list ? page(list.map(({ c, i }) => channelRecord(c, i)), req.query) : undefined;
  });
}
