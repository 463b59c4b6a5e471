/**
 * The lab's alarm generator: pushes alarms shaped like those the region's AI boxes, mine monitoring systems and the
 * miners' phone app send (one vendor JSON format, Chinese vendor style), of the coal-mine kinds that fit each lab
 * channel's place, with a real picture of that channel's scene. Over HTTP to the console's webhook receiver, or
 * through any `publish` callback (an MQTT client), at a steady rate or as a burst.
 */
import { seededRng, type Rng } from './seededRng';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALARM_KINDS, alarmMappingSchema, type AlarmCategory, type AlarmMapping, type KnownAlarmKind } from '../src/shared/domain/alarm';
import { vendorBoxMapping } from '../src/shared/domain/vendorBoxMapping';
import type { WebhookSource } from '../src/main/alarms/webhookServer';
import { ALARM_PICTURE_HEIGHT, ALARM_PICTURE_WIDTH, ensureAlarmPictures, type Mark, type Rect, type Scene } from './alarmPictures';
import { buildChannels, makeGbId, type ChannelDef } from './channels';

/** What the generator needs of a lab channel. */
export type LabAlarmChannel = Pick<ChannelDef, 'gbId' | 'name' | 'county' | 'mineId' | 'category' | 'place' | 'picture'>;

/** A detection box as the boxes send it: pixel corners, confidence in percent. */
export type VendorObject = { x1: number; y1: number; x2: number; y2: number; label: string; conf: number };

/** One push, as a box (or the monitoring system, or the app gateway) sends it. */
export type LabAlarmPush = {
  alarmId: string;
  eventType: string;
  eventName: string;
  deviceSn: string;
  channelCode: string;
  channelName: string;
  /** `2026-11-24 12:00:00`, the sender's local time. */
  alarmTime: string;
  /** 低 / 中 / 高 / 紧急. */
  level: string;
  confidence?: number;
  imageWidth?: number;
  imageHeight?: number;
  objects?: VendorObject[];
  /** base64 JPEG. */
  image?: string;
  remark: string;
  /** App pushes: who pressed 一键报警. */
  userName?: string;
  userPhone?: string;
};

export type LabAlarmCategory = Extract<AlarmCategory, 'ai' | 'device' | 'app'>;

/** The vendor's level words. */
const LEVEL_WORDS = ['低', '中', '高', '紧急'] as const;

/** The console's webhook source ids for the lab's three senders (one mapping each: the category is per source). */
export const LAB_ALARM_SOURCE_IDS: Record<LabAlarmCategory, string> = { ai: 'lab-ai', device: 'lab-device', app: 'lab-app' };

type RemarkContext = { place: string; rng: Rng; people: number };
type KindSpec = {
  /** The vendor's event code. */
  code: string;
  category: LabAlarmCategory;
  level: 1 | 2 | 3 | 4;
  /** Labels of the scene targets its detection boxes frame (none: no boxes). */
  targets: readonly TargetLabel[];
  remark: (c: RemarkContext) => string;
};

const PUMP_FAULTS = ['1#主排水泵电机绕组温度 {n}℃，超过报警值 120℃', '水仓水位 {n} m，超过高水位报警线', '2#主排水泵出口压力低，疑似断流'];
const SUBSTATION_FAULTS = ['2#变压器高压侧过流保护动作，跳闸', '高爆开关漏电保护动作（{n} mA）', '1#馈电开关绝缘电阻低于 {n} kΩ'];
const ONE_KEY_WORDS = ['有人受伤，请求支援', '顶板掉渣，请求撤人', '巷道积水上涨，请求排水', '设备起火，请求处理'];
const PEOPLE = ['王建国', '李志强', '张海军', '刘卫东', '郭俊峰', '陈晓明', '杨永刚', '赵国庆', '申晋生', '牛红伟'];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const fill = (rng: Rng, text: string, lo: number, hi: number): string => text.replace('{n}', String(between(rng, lo, hi)));

/** Every coal-mine kind: its vendor code, level and what the box writes about it. */
const KIND_SPECS: Record<KnownAlarmKind, KindSpec> = {
  'off-post': { code: 'LEAVE_POST', category: 'ai', level: 2, targets: ['post_area'], remark: (c) => `${c.place}值班人员离岗超过 ${between(c.rng, 3, 15)} 分钟` },
  'asleep-on-post': { code: 'SLEEP_ON_DUTY', category: 'ai', level: 2, targets: ['person'], remark: (c) => `${c.place}值班人员疑似睡岗，持续 ${between(c.rng, 60, 600)} 秒` },
  overcrowding: {
    code: 'PERSON_OVERLOAD',
    category: 'ai',
    level: 3,
    targets: ['people'],
    remark: (c) => `${c.place}检测到 ${c.people} 人，超过限定人数 ${c.people - between(c.rng, 1, 3)} 人`,
  },
  intrusion: { code: 'AREA_INTRUSION', category: 'ai', level: 3, targets: ['person'], remark: (c) => `${c.place}危险区域有人员闯入` },
  'belt-crossing': { code: 'BELT_CROSSING', category: 'ai', level: 3, targets: ['person'], remark: (c) => `${c.place}有人员穿越运行中的皮带` },
  'belt-deviation': { code: 'BELT_DEVIATION', category: 'ai', level: 2, targets: ['belt'], remark: (c) => `${c.place}皮带跑偏，偏移约 ${between(c.rng, 5, 25)} cm` },
  'large-coal': { code: 'LARGE_COAL', category: 'ai', level: 2, targets: ['coal'], remark: (c) => `${c.place}皮带上发现大块煤，约 ${between(c.rng, 30, 60)} cm` },
  'air-doors-open': {
    code: 'AIR_DOOR_BOTH_OPEN',
    category: 'ai',
    level: 3,
    targets: ['door'],
    remark: (c) => `${c.place}两道风门同时打开，持续 ${between(c.rng, 10, 90)} 秒`,
  },
  'smoke-fire': { code: 'SMOKE_FIRE', category: 'ai', level: 4, targets: ['fire', 'smoke'], remark: (c) => `${c.place}检测到烟雾和明火` },
  'no-helmet': { code: 'NO_HELMET', category: 'ai', level: 1, targets: ['head'], remark: (c) => `${c.place}有人员未佩戴安全帽` },
  'device-fault': {
    code: 'DEVICE_FAULT',
    category: 'device',
    level: 2,
    targets: [],
    remark: (c) => c.place + (c.place.includes('水泵') ? fill(c.rng, pick(c.rng, PUMP_FAULTS), 121, 140) : fill(c.rng, pick(c.rng, SUBSTATION_FAULTS), 30, 90)),
  },
  'one-key': { code: 'ONE_KEY_ALARM', category: 'app', level: 4, targets: [], remark: (c) => `${c.place}一键报警：${pick(c.rng, ONE_KEY_WORDS)}` },
};

/** Kinds by point category code (assets/data/point-categories.json): what a camera at such a place reports. */
const KINDS_BY_CATEGORY: Record<string, readonly KnownAlarmKind[]> = {
  '01': ['smoke-fire'], // 地面工业广场
  '02': ['no-helmet'], // 主井口
  '03': ['no-helmet'], // 副井口
  '04': ['no-helmet'], // 风井口
  '05': ['off-post', 'asleep-on-post'], // 调度室
  '07': ['no-helmet'], // 地面出入井通道
  '08': ['air-doors-open', 'one-key'], // 井底车场
  '12': ['no-helmet', 'overcrowding', 'one-key'], // 采掘工作面出入口
  '15': ['overcrowding', 'one-key'], // 采煤工作面
  '16': ['overcrowding', 'one-key'], // 掘进工作面
  '19': ['intrusion', 'belt-crossing', 'belt-deviation', 'large-coal'], // 主运胶带机机头（尾）
  '21': ['smoke-fire', 'device-fault'], // 中央变电所
  '22': ['device-fault'], // 中央水泵房
  '23': ['intrusion', 'large-coal'], // 煤仓上下口
  '34': ['smoke-fire'], // 地面储煤场
};

export type LabAlarmPlanEntry = { channel: LabAlarmChannel; kinds: readonly KnownAlarmKind[] };

/** The kinds each channel reports (channels whose place reports none are left out). */
export function labAlarmPlan(channels: readonly LabAlarmChannel[], only?: readonly KnownAlarmKind[]): LabAlarmPlanEntry[] {
  return channels
    .map((channel) => ({ channel, kinds: (KINDS_BY_CATEGORY[channel.category] ?? []).filter((k) => only === undefined || only.includes(k)) }))
    .filter((e) => e.kinds.length > 0);
}

export function labAlarmCategory(kind: KnownAlarmKind): LabAlarmCategory {
  return KIND_SPECS[kind].category;
}

/** The lab's senders push the common AI box shape, with their own event codes and levels as words. */
const BASE_MAPPING = vendorBoxMapping({
  kindMap: Object.fromEntries(Object.entries(KIND_SPECS).map(([kind, spec]) => [spec.code, kind])),
  levelMap: Object.fromEntries(LEVEL_WORDS.map((word, i) => [word, i + 1])),
});

/** How the console reads each lab sender's pushes (same format; the category is per source, the app names a person). */
export const LAB_ALARM_MAPPINGS: Record<LabAlarmCategory, AlarmMapping> = {
  ai: alarmMappingSchema.parse({ ...BASE_MAPPING, category: 'ai' }),
  device: alarmMappingSchema.parse({ ...BASE_MAPPING, category: 'device' }),
  app: alarmMappingSchema.parse({ ...BASE_MAPPING, category: 'app', reporter: 'userName' }),
};
/** The AI boxes' mapping (source `lab-ai`). */
export const LAB_ALARM_MAPPING: AlarmMapping = LAB_ALARM_MAPPINGS.ai;

/** The three lab senders as webhook sources of the console. */
export function labWebhookSources(token: string | null): WebhookSource[] {
  return (Object.keys(LAB_ALARM_SOURCE_IDS) as LabAlarmCategory[]).map((c) => ({ id: LAB_ALARM_SOURCE_IDS[c], enabled: true, mapping: LAB_ALARM_MAPPINGS[c], token }));
}

/**
 * Where a category's pushes go: `…/alarms/lab-ai` (or lab-device, lab-app) becomes the category's own source; a bare
 * origin gets `/alarms/lab-<category>`; any other URL takes every category (its source's mapping decides).
 */
export function labSourceUrl(url: string, category: LabAlarmCategory): string {
  const id = LAB_ALARM_SOURCE_IDS[category];
  const own = /^(.*\/alarms\/)lab-(?:ai|device|app)(\/?)$/.exec(url);
  if (own) return `${own[1]}${id}${own[2]}`;
  const parsed = new URL(url);
  if (parsed.pathname === '/' && !parsed.search) return `${parsed.origin}/alarms/${id}`;
  return url;
}

// ---------------------------------------------------------------------------------------------- scenes and boxes

type TargetLabel = 'person' | 'people' | 'head' | 'belt' | 'coal' | 'door' | 'fire' | 'smoke' | 'post_area';
/** What the boxes call each target. */
const VENDOR_LABELS: Record<TargetLabel, string> = {
  person: 'person',
  people: 'person',
  head: 'head_no_helmet',
  belt: 'belt_edge',
  coal: 'large_coal',
  door: 'air_door',
  fire: 'fire',
  smoke: 'smoke',
  post_area: 'post_area',
};

type LabScene = { scene: Scene; phone: Scene | null; targets: Map<TargetLabel, Rect[]> };

function hashOf(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** A standing miner (56x160 px): hi-vis body, helmet (or bare head). */
function miner(x: number, y: number, helmet: boolean): { marks: Mark[]; person: Rect; head: Rect } {
  const head = { x: x + 12, y, w: 32, h: 34 };
  const body = { x, y: y + 34, w: 56, h: 126 };
  return {
    marks: [
      { label: 'body', rect: body, color: '0xff8c00' },
      { label: 'head', rect: head, color: helmet ? '0xffd200' : '0xc8966e' },
    ],
    person: { x, y, w: 56, h: 160 },
    head,
  };
}

/** The still a channel's alarms carry: its picture source with what its kinds point at drawn on it. */
function labScene(ch: LabAlarmChannel, kinds: readonly KnownAlarmKind[]): LabScene {
  const h = hashOf(ch.gbId);
  const marks: Mark[] = [];
  const targets = new Map<TargetLabel, Rect[]>();
  const add = (label: TargetLabel, rect: Rect, color: string | null): void => {
    targets.set(label, [...(targets.get(label) ?? []), rect]);
    if (color !== null) marks.push({ label, rect, color });
  };
  if (kinds.some((k) => k === 'belt-deviation' || k === 'large-coal')) {
    add('belt', { x: 0, y: 360, w: 960, h: 90 }, '0x3c3c3c');
    add('coal', { x: 560 + (h % 120), y: 372, w: 104, h: 66 }, '0x0e0e0e');
  }
  if (kinds.includes('air-doors-open')) {
    add('door', { x: 120, y: 150, w: 170, h: 300 }, '0x8a6d3b');
    add('door', { x: 670, y: 150, w: 170, h: 300 }, '0x8a6d3b');
  }
  if (kinds.includes('off-post')) add('post_area', { x: 540, y: 320, w: 320, h: 150 }, '0x4a4036');
  if (kinds.includes('smoke-fire')) {
    const x = 540 + (h % 200);
    add('smoke', { x: x - 30, y: 250, w: 170, h: 120 }, '0x9a9a9a@0.8');
    add('fire', { x, y: 370, w: 110, h: 80 }, '0xff4500');
  }
  const people = kinds.includes('overcrowding') ? 6 : kinds.some((k) => KIND_SPECS[k].targets.some((t) => t === 'person' || t === 'head')) ? 1 : 0;
  const helmet = !kinds.includes('no-helmet');
  for (let i = 0; i < people; i++) {
    const m = miner(60 + i * 140 + ((h >> (i * 3)) % 50), 290 + ((h >> (i * 2)) % 50), helmet);
    marks.push(...m.marks);
    targets.set('people', [...(targets.get('people') ?? []), m.person]);
    if (i === 0) {
      targets.set('person', [m.person]);
      targets.set('head', [m.head]);
    }
  }
  const base = { source: ch.picture, title: ch.place, marks };
  const scene: Scene = { ...base, name: `scene-${ch.gbId}`, width: ALARM_PICTURE_WIDTH, height: ALARM_PICTURE_HEIGHT, caption: ch.name };
  // The app's photo: taken upright on a phone, no OSD, the same place.
  const phone: Scene | null = kinds.includes('one-key') ? { ...base, name: `phone-${ch.gbId}`, width: 480, height: 640, caption: null, marks: [] } : null;
  return { scene, phone, targets };
}

function jitterBox(rng: Rng, r: Rect, label: string): VendorObject {
  // A few pixels of detector wobble, less for small targets (a head).
  const spread = Math.min(5, Math.round(Math.min(r.w, r.h) / 10));
  const j = (): number => between(rng, -spread, spread);
  const x1 = Math.max(0, r.x + j());
  const y1 = Math.max(0, r.y + j());
  const x2 = Math.min(ALARM_PICTURE_WIDTH, r.x + r.w + j());
  const y2 = Math.min(ALARM_PICTURE_HEIGHT, r.y + r.h + j());
  return { x1, y1, x2, y2, label, conf: between(rng, 62, 99) };
}

// ---------------------------------------------------------------------------------------------- the pushes


/** `2026-11-24 12:00:00` in this process's time zone, as the boxes of the region (Asia/Shanghai) send it. */
export function localTimeString(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** One generated alarm: where it goes and what is pushed. */
export type LabAlarm = { kind: KnownAlarmKind; category: LabAlarmCategory; channel: LabAlarmChannel; unlinked: boolean; body: LabAlarmPush };

export type LabAlarmFactory = { plan: LabAlarmPlanEntry[]; next: (now?: number) => LabAlarm };

export type FactoryOptions = {
  /** Only these kinds (default: every kind the channels fit). */
  kinds?: readonly KnownAlarmKind[];
  /** Share (0..1) of alarms sent with a channel code no catalogue knows (they are kept unlinked); default 0. */
  unlinked?: number;
  seed?: number;
  /** Picture cache (default .cache/lab-alarm-pictures). */
  pictureDir?: string;
  log?: (line: string) => void;
};

/** Renders (or reuses) the channels' pictures and returns a source of random, fitting alarms. */
export async function createLabAlarmFactory(channels: readonly LabAlarmChannel[], opts: FactoryOptions = {}): Promise<LabAlarmFactory> {
  const plan = labAlarmPlan(channels, opts.kinds);
  if (plan.length === 0) throw new Error('no lab channel fits the alarm kinds asked for');
  const scenes = new Map(plan.map((e) => [e.channel.gbId, labScene(e.channel, e.kinds)]));
  const all = [...scenes.values()].flatMap((s) => (s.phone ? [s.scene, s.phone] : [s.scene]));
  const jpegs = await ensureAlarmPictures(all, { dir: opts.pictureDir, log: opts.log });
  const base64 = new Map([...jpegs].map(([name, data]) => [name, data.toString('base64')]));
  const rng = seededRng(opts.seed ?? Date.now());
  const pairs = plan.flatMap((e) => e.kinds.map((kind) => ({ channel: e.channel, kind })));
  let serial = 0;
  const next = (now: number = Date.now()): LabAlarm => {
    const { channel, kind } = pick(rng, pairs);
    const unlinked = opts.unlinked !== undefined && rng() < opts.unlinked;
    const s = scenes.get(channel.gbId)!;
    const body = makePush({ channel, kind, scene: s, pictures: base64, rng, now, unlinkedSerial: unlinked ? ++serial : null });
    return { kind, category: KIND_SPECS[kind].category, channel, unlinked, body };
  };
  return { plan, next };
}

function makePush(a: {
  channel: LabAlarmChannel;
  kind: KnownAlarmKind;
  scene: LabScene;
  pictures: Map<string, string>;
  rng: Rng;
  now: number;
  unlinkedSerial: number | null;
}): LabAlarmPush {
  const { channel: ch, kind, rng } = a;
  const spec = KIND_SPECS[kind];
  const rects = spec.targets.flatMap((t) => (a.scene.targets.get(t) ?? []).map((r) => ({ r, label: VENDOR_LABELS[t] })));
  const common = {
    alarmId: randomUUID().replace(/-/g, ''),
    eventType: spec.code,
    eventName: ALARM_KINDS[kind],
    // A code the console does not know: same county and place, a mine serial no lab mine has.
    channelCode: a.unlinkedSerial === null ? ch.gbId : makeGbId(ch.county, 99, ch.category, a.unlinkedSerial % 100),
    channelName: ch.name,
    alarmTime: localTimeString(a.now),
    level: LEVEL_WORDS[spec.level - 1]!,
    remark: spec.remark({ place: ch.place, rng, people: rects.length }),
  };
  switch (spec.category) {
    case 'ai':
      return {
        ...common,
        deviceSn: `BOX-${ch.mineId}-01`,
        confidence: between(rng, 70, 98),
        imageWidth: ALARM_PICTURE_WIDTH,
        imageHeight: ALARM_PICTURE_HEIGHT,
        objects: rects.map(({ r, label }) => jitterBox(rng, r, label)),
        image: a.pictures.get(a.scene.scene.name)!,
      };
    case 'device':
      return { ...common, deviceSn: `KJ95X-${ch.mineId}-${ch.category}` };
    case 'app': {
      const phone = `139${String(between(rng, 0, 99_999_999)).padStart(8, '0')}`;
      // Half the app alarms come with a photo.
      const photo = a.scene.phone && rng() < 0.5 ? a.pictures.get(a.scene.phone.name) : undefined;
      return { ...common, deviceSn: `APP-${phone.slice(-4)}`, userName: pick(rng, PEOPLE), userPhone: phone, ...(photo ? { image: photo } : {}) };
    }
  }
}

// ---------------------------------------------------------------------------------------------- sending

/** What one push got: `ok` is a 2xx (HTTP) or a resolved publish; storedId is the console's id when it answers one. */
export type SendResult = { ok: boolean; status: number; storedId: string | null; duplicate: boolean; error: string | null };

/** POSTs one alarm (or a batch) as the boxes do: JSON, the source token as `Authorization: Bearer`. */
export async function postAlarm(url: string, token: string | null, body: unknown, timeoutMs = 10_000): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let reply: { id?: unknown; duplicate?: unknown; error?: unknown } = {};
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch {
      // not JSON: the status says enough
    }
    const storedId = typeof reply.id === 'string' ? reply.id : null;
    const error = res.ok ? null : typeof reply.error === 'string' ? reply.error : text.slice(0, 200);
    return { ok: res.ok, status: res.status, storedId, duplicate: reply.duplicate === true, error };
  } catch (err) {
    return { ok: false, status: 0, storedId: null, duplicate: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** An alternative transport (an MQTT publisher): resolved means delivered. */
export type Publish = (body: LabAlarmPush, category: LabAlarmCategory) => Promise<void>;

export type SentAlarm = { alarm: LabAlarm; result: SendResult; ms: number };

export type GeneratorOptions = FactoryOptions & {
  channels: readonly LabAlarmChannel[];
  /** Webhook URL (see labSourceUrl) and the sources' token; or `publish`. */
  url?: string;
  token?: string | null;
  publish?: Publish;
  /** Steady mode: alarms per second (default 1); runs `count` alarms, or until `signal` aborts. */
  ratePerSecond?: number;
  count?: number;
  /** Burst mode: this many alarms as fast as `concurrency` (default 8) pushes in flight allow. */
  burst?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onSent?: (sent: SentAlarm) => void;
};

export type GeneratorStats = {
  sent: number;
  ok: number;
  failed: { alarmId: string; status: number; error: string | null }[];
  /** The vendor alarm ids (the console's externalId) that got a 2xx: each must be in the store. */
  okIds: string[];
  /** The console's ids of those alarms, where it answered them. */
  storedIds: string[];
  byKind: Partial<Record<KnownAlarmKind, number>>;
  durationMs: number;
};

/** Steady mode caps what is in flight, so a stalled receiver does not pile up sockets. */
const MAX_STEADY_IN_FLIGHT = 64;

/** Sends alarms at a steady rate (scheduled against the start, so it does not drift) or as one burst. */
export async function runGenerator(opts: GeneratorOptions): Promise<GeneratorStats> {
  const factory = await createLabAlarmFactory(opts.channels, opts);
  const send = transport(opts);
  const stats: GeneratorStats = { sent: 0, ok: 0, failed: [], okIds: [], storedIds: [], byKind: {}, durationMs: 0 };
  const started = performance.now();
  const one = async (): Promise<void> => {
    const alarm = factory.next();
    stats.sent++;
    stats.byKind[alarm.kind] = (stats.byKind[alarm.kind] ?? 0) + 1;
    const t0 = performance.now();
    const result = await send(alarm);
    if (result.ok) {
      stats.ok++;
      stats.okIds.push(alarm.body.alarmId);
      if (result.storedId !== null) stats.storedIds.push(result.storedId);
    } else {
      stats.failed.push({ alarmId: alarm.body.alarmId, status: result.status, error: result.error });
    }
    opts.onSent?.({ alarm, result, ms: Math.round(performance.now() - t0) });
  };

  if (opts.burst !== undefined) {
    let left = opts.burst;
    const worker = async (): Promise<void> => {
      while (left > 0 && !opts.signal?.aborted) {
        left--;
        await one();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
  } else {
    const rate = opts.ratePerSecond ?? 1;
    if (!(rate > 0)) throw new Error('ratePerSecond must be > 0');
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; opts.count === undefined || i < opts.count; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait, undefined, { signal: opts.signal }).catch(() => undefined);
      if (opts.signal?.aborted) break;
      if (inFlight.size >= MAX_STEADY_IN_FLIGHT) await Promise.race(inFlight);
      const p: Promise<void> = one().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }
  stats.durationMs = Math.round(performance.now() - started);
  return stats;
}

function transport(opts: GeneratorOptions): (alarm: LabAlarm) => Promise<SendResult> {
  const publish = opts.publish;
  if (publish) {
    return (alarm) =>
      publish(alarm.body, alarm.category).then(
        (): SendResult => ({ ok: true, status: 0, storedId: null, duplicate: false, error: null }),
        (err: unknown): SendResult => ({ ok: false, status: 0, storedId: null, duplicate: false, error: err instanceof Error ? err.message : String(err) }),
      );
  }
  const url = opts.url;
  if (url === undefined) throw new Error('runGenerator needs a url or a publish callback');
  return (alarm) => postAlarm(labSourceUrl(url, alarm.category), opts.token ?? null, alarm.body);
}

/** The channels of the lab running with this lab.json (by GB id), else every lab channel. */
export function labAlarmChannels(labJsonPath: string): ChannelDef[] {
  const all = buildChannels();
  if (!existsSync(labJsonPath)) return all;
  const running = JSON.parse(readFileSync(labJsonPath, 'utf8')) as { channels?: { gbId?: unknown }[] };
  const ids = new Set((running.channels ?? []).map((c) => c.gbId));
  const matched = all.filter((c) => ids.has(c.gbId));
  return matched.length > 0 ? matched : all;
}
