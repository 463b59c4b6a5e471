import { ALARM_KINDS, alarmInputSchema, type AlarmBox, type AlarmInput, type AlarmMapping } from '../../shared/domain/alarm';

/** What a push becomes: the alarm, and where its picture is (fetched or decoded by the receiver). */
export type MappedPush = { input: AlarmInput; picture: { kind: 'base64'; data: string; mimeType: string | null } | { kind: 'url'; url: string } | null };

/** Why a push cannot be read, for the 4xx reply and the log line (field names, never values). */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

/** Reads one pushed body with a source's mapping into an alarm input (validated), or throws MappingError. */
export function mapPush(sourceId: string, mapping: AlarmMapping, body: unknown, now: number = Date.now()): MappedPush {
  const text = (path: string | undefined): string | null => {
    if (path === undefined) return null;
    const v = readPath(body, path);
    if (v === undefined || v === null || v === '') return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new MappingError(`字段 ${path} 应为文字或数字`);
  };
  const required = (path: string, what: string): string => {
    const v = text(path);
    if (v === null) throw new MappingError(`缺少${what}（${path}）`);
    return v;
  };

  const externalId = required(mapping.externalId, '报警编号');
  const sourceKind = required(mapping.kind, '报警类型');
  const kind = mapping.kindMap[sourceKind] ?? sourceKind;
  const kindName = text(mapping.kindName) ?? (kind in ALARM_KINDS ? null : sourceKind);
  const levelText = text(mapping.level);
  const level = levelText === null ? mapping.defaultLevel : (mapping.levelMap[levelText] ?? numericLevel(levelText) ?? mapping.defaultLevel);
  const occurredAt = readTime(required(mapping.time, '报警时间'), mapping.timeFormat, mapping.time);
  const scoreText = text(mapping.score);
  const score = scoreText === null ? null : clamp01(Number(scoreText) / mapping.scoreScale);
  if (scoreText !== null && score === null) throw new MappingError(`置信度（${mapping.score}）不是数字`);
  const device = text(mapping.channel);

  const candidate = {
    sourceId,
    externalId: externalId.slice(0, 128),
    category: mapping.category,
    kind: kind.slice(0, 64),
    kindName: kindName?.slice(0, 64) ?? null,
    level,
    channelId: null,
    deviceId: device?.slice(0, 128) ?? null,
    reporter: text(mapping.reporter)?.slice(0, 64) ?? null,
    occurredAt: Number.isFinite(occurredAt) ? occurredAt : now,
    score,
    boxes: readBoxes(body, mapping),
    description: text(mapping.description)?.slice(0, 500) ?? null,
  };
  const parsed = alarmInputSchema.safeParse(candidate);
  if (!parsed.success) throw new MappingError(`报警内容无效：${parsed.error.issues.map((i) => i.path.join('.')).join('、')}`);
  return { input: parsed.data, picture: readPicture(text(mapping.picture)) };
}

/** `a.b[0].c` into a parsed JSON value; undefined when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of path.match(/[^.[\]]+/g) ?? []) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(step)) return undefined;
      current = current[Number(step)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

function numericLevel(text: string): number | null {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 4 ? n : null;
}

function clamp01(n: number): number | null {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : null;
}

/** A pushed time as ms since the epoch. `local` is the console's time zone (where the boxes are). */
export function readTime(text: string, format: AlarmMapping['timeFormat'], path: string): number {
  let ms: number;
  switch (format) {
    case 'epoch-ms':
      ms = Number(text);
      break;
    case 'epoch-s':
      ms = Number(text) * 1000;
      break;
    case 'iso':
      ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
      break;
    case 'local': {
      const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text.trim());
      ms = m ? new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), +(m[7] ?? '0').padEnd(3, '0')).getTime() : NaN;
      break;
    }
  }
  // Between 2000 and 2100: anything else is a unit mistake (seconds for ms) or garbage.
  if (!Number.isFinite(ms) || ms < 946_684_800_000 || ms > 4_102_444_800_000) throw new MappingError(`报警时间（${path}）无法识别，应为 ${format}`);
  return Math.round(ms);
}

function readBoxes(body: unknown, mapping: AlarmMapping): AlarmBox[] {
  if (mapping.boxes === undefined) return [];
  const raw = readPath(body, mapping.boxes);
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new MappingError(`检测框（${mapping.boxes}）应为数组`);
  const f = mapping.boxFields;
  const width = f.imageWidth === undefined ? 1 : Number(readPath(body, f.imageWidth));
  const height = f.imageHeight === undefined ? 1 : Number(readPath(body, f.imageHeight));
  if (!(width > 0) || !(height > 0)) throw new MappingError('检测框为像素坐标，但图片宽高缺失或无效');
  return raw.slice(0, 50).map((b: unknown, i) => {
    if (b === null || typeof b !== 'object') throw new MappingError(`检测框 ${i} 不是对象`);
    const o = b as Record<string, unknown>;
    const [a, bb, c, d] = f.keys.map((k) => Number(o[k]));
    if (![a, bb, c, d].every((n) => Number.isFinite(n))) throw new MappingError(`检测框 ${i} 的坐标不是数字`);
    const x = a! / width;
    const y = bb! / height;
    const w = (f.layout === 'xywh' ? c! : c! - a!) / width;
    const h = (f.layout === 'xywh' ? d! : d! - bb!) / height;
    const clampedX = Math.min(1, Math.max(0, x));
    const clampedY = Math.min(1, Math.max(0, y));
    const label = f.label !== undefined && o[f.label] !== undefined ? String(o[f.label]).slice(0, 64) : null;
    const score = f.score !== undefined && o[f.score] !== undefined ? clamp01(Number(o[f.score]) / mapping.scoreScale) : null;
    return {
      x: clampedX,
      y: clampedY,
      w: Math.min(1 - clampedX, Math.max(0, w)),
      h: Math.min(1 - clampedY, Math.max(0, h)),
      label,
      score,
    };
  });
}

function readPicture(value: string | null): MappedPush['picture'] {
  if (value === null) return null;
  if (/^https?:\/\//i.test(value)) return { kind: 'url', url: value };
  const dataUrl = /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s.exec(value);
  if (dataUrl) return { kind: 'base64', data: dataUrl[2]!, mimeType: dataUrl[1]! };
  if (/^[A-Za-z0-9+/=\s]+$/.test(value)) return { kind: 'base64', data: value, mimeType: null };
  throw new MappingError('图片字段既不是 base64 也不是 http(s) 地址');
}
