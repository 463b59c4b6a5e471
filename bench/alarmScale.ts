/**
 * A month of a region's alarms at scale for the list and search figures of `npm run bench:alarms`: a hundred mines
 * of thirteen counties, ten cameras each, the coal-mine kinds weighted as the region's boxes report them (belts,
 * helmets and posts often; fire and one-key rarely), 5 % from devices the catalogue does not know, levels mostly
 * low, states as a duty hall leaves them (older alarms handled, the last day's partly new). Written through
 * AlarmStore.ingestMany in batches, as a burst would be, with a seeded generator so every run is the same data.
 */
import { ALARM_KINDS, type AlarmInput, type AlarmQuery } from '../src/shared/domain/alarm';
import type { AlarmStore, IngestContext } from '../src/main/alarms/alarmStore';
import type { Db } from '../src/main/services/store';

const DAYS = 30;
export const SCALE_END = Date.UTC(2026, 10, 24, 4, 0, 0);
const SCALE_START = SCALE_END - DAYS * 86_400_000;

const COUNTIES = ['140403', '140404', '140405', '140406', '140423', '140425', '140426', '140427', '140428', '140429', '140430', '140431', '140481'];
const NAME1 = ['王庄', '常村', '漳村', '五阳', '石圪节', '司马', '余吾', '屯留', '高河', '李村', '古城', '郭庄', '慈林山', '安泽', '潞宁', '新良友', '霍尔辛赫', '赵庄', '东周窑', '南耀', '北岭', '西山', '黄岩', '银宇', '三元'];
const MINES = Array.from({ length: 100 }, (_, i) => ({
  id: `m${String(i + 1).padStart(3, '0')}`,
  name: `${NAME1[i % NAME1.length]}${i >= NAME1.length ? (['一', '二', '三'][Math.floor(i / NAME1.length) - 1] ?? '') : ''}煤矿`,
  county: COUNTIES[i % COUNTIES.length]!,
}));
const DEVICES = MINES.flatMap((m, mi) =>
  Array.from({ length: 10 }, (_, k) => ({ mine: m, gbId: `${m.county}00001320${String(mi * 10 + k).padStart(6, '0')}` })),
);
const PLACES = ['主斜井皮带机头', '副斜井井口', '综采工作面', '井下中央变电所', '主运输大巷', '井底车场', '回风巷', '掘进工作面', '副井口', '调度室'];
const KINDS = Object.keys(ALARM_KINDS) as (keyof typeof ALARM_KINDS)[];
const KIND_WEIGHTS: [keyof typeof ALARM_KINDS, number][] = KINDS.map((k) => [
  k,
  k === 'belt-crossing' || k === 'no-helmet' || k === 'off-post' ? 6 : k === 'one-key' || k === 'smoke-fire' ? 1 : 3,
]);
const SOURCES = ['hik-box', 'wvp', 'mqtt-ai', 'app', 'webhook-2'];

/** mulberry32: consecutive draws independent. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `store` with `total` alarms (received over 30 days up to SCALE_END); returns alarms per second written. */
export function fillAlarms(db: Db, storeAt: (now: () => number) => AlarmStore, total: number, onProgress?: (done: number) => void): number {
  const rnd = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const weighted = <T>(pairs: readonly [T, number][]): T => {
    let r = rnd() * pairs.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of pairs) if ((r -= w) < 0) return v;
    return pairs[pairs.length - 1]![0];
  };
  let seq = 0;
  const make = (): { input: AlarmInput; ctx: IngestContext; receivedAt: number } => {
    const i = seq++;
    const receivedAt = SCALE_START + Math.floor(((i + rnd()) * (SCALE_END - SCALE_START)) / total);
    const kind = weighted(KIND_WEIGHTS);
    const dev = pick(DEVICES);
    const unlinked = rnd() < 0.05;
    const place = pick(PLACES);
    const input: AlarmInput = {
      sourceId: kind === 'one-key' ? 'app' : kind === 'device-fault' ? 'wvp' : pick(SOURCES),
      externalId: `ev-${i.toString(36)}-${Math.floor(rnd() * 1e9).toString(36)}`,
      category: kind === 'one-key' ? 'app' : kind === 'device-fault' ? 'device' : 'ai',
      kind,
      kindName: null,
      level: weighted([
        [1, 50],
        [2, 30],
        [3, 15],
        [4, 5],
      ]),
      channelId: unlinked ? null : `gb:${dev.gbId}`,
      deviceId: unlinked ? `BOX-${Math.floor(rnd() * 9000 + 1000)}-CH${Math.floor(rnd() * 16)}` : dev.gbId,
      reporter: kind === 'one-key' ? pick(['张建国', '李卫东', '王海', '赵志强']) : `AIBOX-${dev.gbId.slice(-4)}`,
      occurredAt: receivedAt - Math.floor(rnd() * 4000) - 200,
      score: kind === 'one-key' ? null : Math.round(rnd() * 50 + 50) / 100,
      boxes: kind === 'one-key' ? [] : [{ x: 0.31, y: 0.22, w: 0.12, h: 0.4, label: 'person', score: 0.87 }],
      description: `${unlinked ? '' : dev.mine.name}${place}检测到${ALARM_KINDS[kind]}，请及时处理`,
    };
    const ctx: IngestContext = {
      link: unlinked ? { mineId: null, mineName: null, county: null, linked: false } : { mineId: dev.mine.id, mineName: dev.mine.name, county: dev.mine.county, linked: true },
      picture: kind === 'one-key' ? null : { path: `alarms/2026112${i % 4}/${i}.jpg`, mimeType: 'image/jpeg', bytes: 80_000 + (i % 40_000) },
    };
    return { input, ctx, receivedAt };
  };
  const BATCH = 5000;
  let ms = 0;
  for (let done = 0; done < total; done += BATCH) {
    const items = Array.from({ length: Math.min(BATCH, total - done) }, make);
    const times = items.map((x) => x.receivedAt);
    let k = 0;
    const t0 = performance.now();
    storeAt(() => times[k++] ?? SCALE_END).ingestMany(items);
    ms += performance.now() - t0;
    onProgress?.(done + items.length);
  }
  // States: older than a day mostly handled, the last day's partly new.
  const dayAgo = SCALE_END - 86_400_000;
  db.exec(`UPDATE alarms SET state = CASE WHEN received_at < ${dayAgo} THEN (CASE WHEN seq % 20 = 0 THEN 'new' WHEN seq % 20 < 5 THEN 'accepted' ELSE 'dismissed' END)
    ELSE (CASE WHEN seq % 5 < 2 THEN 'new' WHEN seq % 5 = 2 THEN 'accepted' ELSE 'dismissed' END) END,
    handled_by = CASE WHEN seq % 20 = 0 THEN NULL ELSE '值班员' END,
    handled_at = CASE WHEN seq % 20 = 0 THEN NULL ELSE received_at + 60000 END,
    dismiss_reason = CASE WHEN seq % 20 >= 5 THEN '误报' ELSE NULL END`);
  return Math.round(total / (ms / 1000));
}

/** The filtered first pages an operator asks for (type, place, level, state, time), 50 rows each. */
export const LIST_CASES: [string, Omit<AlarmQuery, 'limit'>][] = [
  ['all', {}],
  ['state=new', { state: 'new' }],
  ['mine', { mineId: 'm042' }],
  ['county+level>=3', { county: '140423', minLevel: 3 }],
  ['county+level>=4', { county: '140423', minLevel: 4 }],
  ['kind+7 days', { kind: 'belt-deviation', from: SCALE_END - 7 * 86_400_000, to: SCALE_END - 86_400_000 }],
  ['kind+mine+new', { kind: 'large-coal', mineId: 'm042', state: 'new' }],
  ['app+level>=4', { category: 'app', minLevel: 4 }],
  ['level>=4', { minLevel: 4 }],
  ['1 hour window', { from: SCALE_END - 20 * 86_400_000, to: SCALE_END - 20 * 86_400_000 + 3_600_000 }],
];

/** Full-text searches: kinds, places, devices, people, and text with filters. */
export const SEARCH_CASES: [string, Omit<AlarmQuery, 'limit'>][] = [
  ['皮带', { text: '皮带' }],
  ['穿越皮带', { text: '穿越皮带' }],
  ['烟火 (rare)', { text: '烟火' }],
  ['device id prefix', { text: '14042300001320' }],
  ['BOX-12', { text: 'BOX-12' }],
  ['王庄 皮带', { text: '王庄 皮带' }],
  ['皮带 + state=new', { text: '皮带', state: 'new' }],
  ['穿越皮带 + mine', { text: '穿越皮带', mineId: 'm042' }],
  ['张建国 (one-key reporter)', { text: '张建国' }],
];
