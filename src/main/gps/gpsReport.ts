import { GPS_KIND_ALIASES, type GpsFix, type GpsUnitKind } from '../../shared/domain/gps';

/** What one report says about its unit (besides the position). Undefined: the report does not say. */
export type GpsUnitReport = {
  id: string;
  /** Undefined: the report does not say (a known unit keeps its kind; a new one is refused by the store). */
  kind: GpsUnitKind | undefined;
  /** The unit's name when the report carries one. */
  name: string | undefined;
  mineId: string | undefined;
  phone: string | undefined;
  channelId: string | undefined;
};

export type GpsReport = { unit: GpsUnitReport; fix: GpsFix };

/** A report that can never be read; the message names the field and the rule, never the value. */
export class GpsReportError extends Error {}

/** Reports in one payload at most (a unit's buffered history uploaded at once). */
export const MAX_REPORTS_PER_PAYLOAD = 1000;
/** Payloads larger than this are refused unread. */
export const MAX_GPS_PAYLOAD_BYTES = 512 * 1024;
/** A unit's clock may run ahead of ours by this much; further ahead is a wrong clock or unit (seconds for ms). */
const MAX_AHEAD_MS = 10 * 60_000;
/** Between 2000 and 2100: anything else is a unit mistake. */
const MIN_TIME_MS = 946_684_800_000;
const MAX_TIME_MS = 4_102_444_800_000;
/** A number below this is seconds since the epoch (ms values that small are before 1973). */
const SECONDS_BELOW = 100_000_000_000;

export const GPS_KIND_NAMES = '移动app、单兵、车载、无人机（app、soldier、vehicle、drone）';

/**
 * Reads one MQTT payload: a JSON report `{"id","kind","name","lon","lat","alt","speed","heading","time","phone",
 * "mineId","channelId"}` or an array of them. id, lon and lat are required (kind too for a unit not seen before); `time` is epoch ms, epoch seconds
 * or ISO 8601 (missing: `receivedAt`). A report with any bad field refuses the whole payload (it is one upload).
 */
export function parseGpsPayload(payload: Buffer | string, receivedAt: number): GpsReport[] {
  const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (bytes > MAX_GPS_PAYLOAD_BYTES) throw new GpsReportError(`上报过大（${bytes} 字节）`);
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    throw new GpsReportError('上报不是有效的 JSON');
  }
  if (Array.isArray(body)) {
    if (body.length === 0) throw new GpsReportError('上报数组为空');
    if (body.length > MAX_REPORTS_PER_PAYLOAD) throw new GpsReportError(`一次最多上报 ${MAX_REPORTS_PER_PAYLOAD} 个位置（收到 ${body.length} 个）`);
    return body.map((item, i) => {
      try {
        return parseGpsReport(item, receivedAt);
      } catch (err) {
        if (err instanceof GpsReportError) throw new GpsReportError(`第 ${i + 1} 条：${err.message}`);
        throw err;
      }
    });
  }
  return [parseGpsReport(body, receivedAt)];
}

/** One report (already parsed from JSON). */
export function parseGpsReport(body: unknown, receivedAt: number): GpsReport {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new GpsReportError('上报应为 JSON 对象');
  const o = body as Record<string, unknown>;
  const id = text(o, 'id', 64, true);
  const kindText = text(o, 'kind', 32, false);
  const kind = kindText === undefined ? undefined : (GPS_KIND_ALIASES[kindText] ?? GPS_KIND_ALIASES[kindText.toLowerCase()]);
  if (kindText !== undefined && !kind) throw new GpsReportError(`kind 不是已知的终端类型，应为 ${GPS_KIND_NAMES}`);
  const fix: GpsFix = {
    unitId: id,
    at: time(o.time, receivedAt),
    lon: num(o, 'lon', -180, 180, true),
    lat: num(o, 'lat', -90, 90, true),
    alt: num(o, 'alt', -1000, 20000, false),
    speed: num(o, 'speed', 0, 500, false),
    heading: heading(o),
  };
  return {
    unit: {
      id,
      kind,
      name: text(o, 'name', 100, false),
      mineId: text(o, 'mineId', 64, false),
      phone: text(o, 'phone', 32, false),
      channelId: text(o, 'channelId', 200, false),
    },
    fix,
  };
}

function text(o: Record<string, unknown>, field: string, max: number, required: true): string;
function text(o: Record<string, unknown>, field: string, max: number, required: false): string | undefined;
function text(o: Record<string, unknown>, field: string, max: number, required: boolean): string | undefined {
  let v = o[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw new GpsReportError(`缺少 ${field}`);
    return undefined;
  }
  // Numbers are accepted where platforms send ids and phone numbers as such.
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string') throw new GpsReportError(`${field} 应为字符串`);
  const t = v.trim();
  if (t.length === 0) {
    if (required) throw new GpsReportError(`缺少 ${field}`);
    return undefined;
  }
  if (t.length > max) throw new GpsReportError(`${field} 超过 ${max} 个字符`);
  return t;
}

function num(o: Record<string, unknown>, field: string, min: number, max: number, required: true): number;
function num(o: Record<string, unknown>, field: string, min: number, max: number, required: false): number | null;
function num(o: Record<string, unknown>, field: string, min: number, max: number, required: boolean): number | null {
  const v = o[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw new GpsReportError(`缺少 ${field}`);
    return null;
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new GpsReportError(`${field} 应为数字`);
  if (n < min || n > max) throw new GpsReportError(`${field} 超出范围（${min}～${max}）`);
  return n;
}

/** Degrees clockwise from north; 360 is north too, negative headings (-180..0) are turned into 180..360. */
function heading(o: Record<string, unknown>): number | null {
  const h = num(o, 'heading', -360, 360, false);
  return h === null ? null : h < 0 ? h + 360 : h;
}

function time(v: unknown, receivedAt: number): number {
  if (v === undefined || v === null || v === '') return receivedAt;
  let ms: number;
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v))) {
    const n = Number(v);
    ms = n < SECONDS_BELOW ? n * 1000 : n;
  } else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v.trim())) {
    // ISO 8601; without an offset it is the console's local time (where the units are).
    ms = Date.parse(v.trim());
  } else {
    throw new GpsReportError('time 无法识别，应为毫秒或秒时间戳或 ISO 8601 时间');
  }
  if (!Number.isFinite(ms) || ms < MIN_TIME_MS || ms > MAX_TIME_MS) throw new GpsReportError('time 无法识别，应为毫秒或秒时间戳或 ISO 8601 时间');
  if (ms > receivedAt + MAX_AHEAD_MS) throw new GpsReportError('time 比本机时间超前 10 分钟以上（终端时钟有误？）');
  return Math.round(ms);
}
