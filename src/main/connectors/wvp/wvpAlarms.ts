import type { AlarmCategory } from '../../../shared/domain/alarm';
import { alarmInputSchema } from '../../../shared/domain/alarm';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { MappedPush } from '../../alarms/fieldMapping';
import type { WvpClient } from './wvpClient';
import type { WvpPaths } from './wvpVersion';
import { fetchAllPages, parsePage } from './wvpCatalogue';
import { fromWvpTime, toWvpTime } from './wvpTime';

/**
 * The GB/T 28181 alarms a WVP-GB28181-pro server collected from its devices (报警订阅), as its alarm list returns
 * them (`DeviceAlarm`: id, deviceId, channelId, alarmPriority, alarmMethod, alarmTime, alarmDescription,
 * longitude, latitude, alarmType, createTime; 2.6-era builds spell the priority `alarmPriorit`).
 */
export type WvpAlarm = {
  /** WVP's database id; null when the build does not send one. */
  id: string | null;
  deviceId: string;
  channelId: string | null;
  /** GB AlarmPriority 1..4 (1 is the most severe); null when absent or not a number. */
  priority: number | null;
  /** GB AlarmMethod as sent: one digit, or several run together ("12": phone and device). */
  method: string;
  /** GB AlarmType (Info/AlarmType) as sent, when the device names one. */
  type: string | null;
  /** alarmTime (the device's clock), else createTime (WVP's), as epoch ms; null when neither reads. */
  time: number | null;
  /** alarmTime as WVP sends it (part of the external id). */
  timeText: string | null;
  description: string | null;
  longitude: number | null;
  latitude: number | null;
};

/** At most this many alarms of one window (a long outage's backlog): the newest pages are read first by WVP. */
export const MAX_WVP_ALARMS = 5_000;
const PAGE = 200;

function rec(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function coord(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  // WVP stores 0 when the device sent none.
  return Number.isFinite(n) && n !== 0 ? n : null;
}

/** One DeviceAlarm of the list; null when it names no device or no method (nothing to report). */
export function parseWvpAlarm(item: unknown): WvpAlarm | null {
  const r = rec(item);
  if (!r) return null;
  const deviceId = str(r.deviceId);
  const method = str(r.alarmMethod);
  if (!deviceId || !method) return null;
  const priorityText = str(r.alarmPriority ?? r.alarmPriorit);
  const priority = priorityText !== null && /^[1-4]$/.test(priorityText) ? Number(priorityText) : null;
  const timeText = str(r.alarmTime);
  return {
    id: str(r.id),
    deviceId,
    channelId: str(r.channelId),
    priority,
    method,
    type: str(r.alarmType),
    time: fromWvpTime(timeText) ?? fromWvpTime(r.createTime),
    timeText,
    description: str(r.alarmDescription),
    longitude: coord(r.longitude),
    latitude: coord(r.latitude),
  };
}

/**
 * The alarms whose alarmTime lies in [from, to] (WVP's filter, whole seconds, +08:00), every page of the version's
 * alarm list. A WVP without the endpoint (HTTP 404) throws: the input says so instead of polling nothing forever.
 */
export async function fetchWvpAlarms(client: WvpClient, paths: WvpPaths, from: number, to: number, warn: (m: string) => void): Promise<WvpAlarm[]> {
  const window = paths.alarms.window(toWvpTime(from, 'down'), toWvpTime(to, 'up'));
  try {
    return await fetchAllPages(
      async (page, count) => parsePage(await client.request(paths.alarms.path, { query: { ...window, page, count } }), 'WVP 报警列表'),
      parseWvpAlarm,
      (a) => a.id ?? `${a.deviceId}/${a.channelId ?? ''}/${a.timeText ?? ''}/${a.method}/${a.type ?? ''}`,
      { pageSize: PAGE, maxItems: MAX_WVP_ALARMS, warn },
    );
  } catch (err) {
    if (err instanceof ConsoleError && err.code === 'not-found') {
      throw new ConsoleError('unsupported', `该 WVP 版本没有报警列表接口（${paths.alarms.path}）`);
    }
    throw err;
  }
}

/** GB/T 28181 AlarmMethod digits. */
const METHOD_NAMES: Record<string, string> = {
  '1': '电话报警',
  '2': '设备报警',
  '3': '短信报警',
  '4': 'GPS 报警',
  '5': '视频报警',
  '6': '设备故障报警',
  '7': '其他报警',
};

/** AlarmType of a video alarm (method 5), GB/T 28181-2016 A.2.6 / 2022 Info/AlarmType. */
const VIDEO_TYPES: Record<string, string> = {
  '1': '人工视频报警',
  '2': '移动侦测',
  '3': '遗留物检测',
  '4': '物体移除检测',
  '5': '绊线检测',
  '6': '入侵检测',
  '7': '逆行检测',
  '8': '徘徊检测',
  '9': '流量统计',
  '10': '人员密度检测',
  '11': '视频异常检测',
  '12': '快速移动',
};

/** AlarmType of a device alarm (method 2). */
const DEVICE_TYPES: Record<string, string> = {
  '1': '视频丢失报警',
  '2': '设备防拆报警',
  '3': '存储设备磁盘满报警',
  '4': '设备高温报警',
  '5': '设备低温报警',
};

/** AlarmType of a device fault (method 6). */
const FAULT_TYPES: Record<string, string> = {
  '1': '存储设备磁盘故障',
  '2': '存储设备风扇故障',
};

type Classified = { category: AlarmCategory; kind: string; kindName: string | null };

/**
 * AlarmMethod (and AlarmType) -> category and kind. A combined method ("12") is read by its most specific digit:
 * video (5) before device fault (6) and device (2), then phone (1), the rest "other".
 *   5 video: 6 入侵 -> 'intrusion' (人员闯入); other types keep the GB code as `gb-video-<type>` with its Chinese name;
 *   6 device fault, 2 device: 'device-fault' (设备报警), the GB type's name when known;
 *   1 phone: 'gb-phone' (app); 3 SMS, 4 GPS, 7 other: 'gb-sms', 'gb-gps', 'gb-other' (other).
 */
export function classifyGbAlarm(method: string, type: string | null): Classified {
  const has = (d: string): boolean => method.includes(d);
  const typeKey = type !== null && /^\d+$/.test(type) ? String(Number(type)) : type;
  if (has('5')) {
    if (typeKey === '6') return { category: 'ai', kind: 'intrusion', kindName: null };
    if (typeKey !== null && VIDEO_TYPES[typeKey]) return { category: 'ai', kind: `gb-video-${typeKey}`, kindName: VIDEO_TYPES[typeKey] };
    return { category: 'ai', kind: 'gb-video', kindName: METHOD_NAMES['5']! };
  }
  if (has('6')) return { category: 'device', kind: 'device-fault', kindName: (typeKey !== null ? FAULT_TYPES[typeKey] : undefined) ?? METHOD_NAMES['6']! };
  if (has('2')) return { category: 'device', kind: 'device-fault', kindName: (typeKey !== null ? DEVICE_TYPES[typeKey] : undefined) ?? METHOD_NAMES['2']! };
  if (has('1')) return { category: 'app', kind: 'gb-phone', kindName: METHOD_NAMES['1']! };
  if (has('3')) return { category: 'other', kind: 'gb-sms', kindName: METHOD_NAMES['3']! };
  if (has('4')) return { category: 'other', kind: 'gb-gps', kindName: METHOD_NAMES['4']! };
  return { category: 'other', kind: 'gb-other', kindName: METHOD_NAMES['7']! };
}

/**
 * GB/T 28181 AlarmPriority counts the other way from the console's levels: GB 1 is the HIGHEST (一级警情), 4 the
 * lowest; our level 4 (特别重大) is the most severe. So 1 -> 4, 2 -> 3, 3 -> 2, 4 -> 1; absent -> 2 (较大, as the
 * mappings' default).
 */
export function levelOfGbPriority(priority: number | null): 1 | 2 | 3 | 4 {
  if (priority === null || !Number.isInteger(priority) || priority < 1 || priority > 4) return 2;
  return (5 - priority) as 1 | 2 | 3 | 4;
}

/**
 * One WVP alarm as the intake takes it. externalId: WVP's id with the alarmTime (a WVP whose database was reset
 * counts ids from 1 again; the time keeps those apart), or device/channel/time/method/type when there is no id.
 * deviceId: the channel's 20-digit GB id (the ChannelLinker matches it against the catalogue's gbIds), the device's
 * when the alarm names no channel. No picture: GB alarms carry none.
 */
export function wvpAlarmToPush(sourceId: string, alarm: WvpAlarm, now: number = Date.now()): MappedPush {
  const { category, kind, kindName } = classifyGbAlarm(alarm.method, alarm.type);
  const externalId = alarm.id !== null ? `${alarm.id}@${alarm.timeText ?? ''}` : `${alarm.deviceId}/${alarm.channelId ?? ''}/${alarm.timeText ?? ''}/${alarm.method}/${alarm.type ?? ''}`;
  const place = alarm.longitude !== null && alarm.latitude !== null ? `（经度 ${alarm.longitude}，纬度 ${alarm.latitude}）` : '';
  const description = alarm.description ? `${alarm.description}${place}` : place ? place.slice(1, -1) : null;
  const input = alarmInputSchema.parse({
    sourceId,
    externalId: externalId.slice(0, 128),
    category,
    kind,
    kindName,
    level: levelOfGbPriority(alarm.priority),
    channelId: null,
    deviceId: (alarm.channelId ?? alarm.deviceId).slice(0, 128),
    reporter: alarm.deviceId.slice(0, 64),
    occurredAt: alarm.time ?? now,
    score: null,
    boxes: [],
    description: description?.slice(0, 500) ?? null,
  });
  return { input, picture: null };
}
