import type { AlarmMapping } from '../../../shared/domain/alarm';
import { vendorBoxMapping, type MappingSpec } from '../../../shared/domain/vendorBoxMapping';

export type MappingPresetKey = 'generic' | 'vendor-box' | 'hikvision-event';

export type MappingPreset = {
  key: MappingPresetKey;
  /** What the operator picks (zh-CN; these are product names and shapes, shown as they are in both languages). */
  label: string;
  mapping: MappingSpec;
};

/**
 * Our own documented push shape (what we ask integrators to send):
 * `{ id, kind (an ALARM_KINDS code), level 1–4, channelId, time (epoch ms), score 0..1,
 *    boxes: [{ x, y, w, h (fractions), label?, score? }], picture (base64 or data:/http(s) URL), description }`.
 */
const generic: MappingSpec = {
  externalId: 'id',
  kind: 'kind',
  category: 'ai',
  level: 'level',
  defaultLevel: 2,
  channel: 'channelId',
  time: 'time',
  timeFormat: 'epoch-ms',
  score: 'score',
  scoreScale: 1,
  boxes: 'boxes',
  boxFields: { layout: 'xywh', keys: ['x', 'y', 'w', 'h'], label: 'label', score: 'score' },
  picture: 'picture',
  description: 'description',
};

/** The common AI box shape (see vendorBoxMapping), with the event codes such boxes usually send, level 1–4. */
const vendorBox: MappingSpec = vendorBoxMapping({
  kindMap: {
    LEAVE_POST: 'off-post',
    SLEEP_POST: 'asleep-on-post',
    OVERCROWD: 'overcrowding',
    INTRUSION: 'intrusion',
    BELT_CROSS: 'belt-crossing',
    BELT_DEVIATION: 'belt-deviation',
    LARGE_COAL: 'large-coal',
    AIR_DOORS_OPEN: 'air-doors-open',
    SMOKE_FIRE: 'smoke-fire',
    NO_HELMET: 'no-helmet',
    DEVICE_FAULT: 'device-fault',
    ONE_KEY: 'one-key',
  },
  category: 'ai',
  defaultLevel: 2,
});

/**
 * A Hikvision ISC (artemis) event subscription callback: each `params.events[]` item of an `OnEventNotify` POST
 * (fields as in /work/shared/research/backends.md: eventId, eventType, happenTime, srcIndex, srcName, data): `{ eventId, eventType (number), srcIndex (camera index code), srcName, srcType,
 * happenTime (ISO with offset), status, data: {…} }`.
 * NEEDS SITE VERIFICATION: the event type codes below are the common ISC ones as remembered (131329 视频丢失,
 * 131331 移动侦测, 131585 越界侦测, 131588 区域入侵, 131603 离岗检测 …); the platform's own event type list and what
 * `data` carries (pictures are usually URLs inside type-specific `data` fields) differ by ISC version — check them on
 * the site's platform and add `picture`/`boxes` paths there.
 */
const hikvisionEvent: MappingSpec = {
  // An OnEventNotify POST carries a batch: `{method: "OnEventNotify", params: {ability, events: [...]}}`.
  items: 'params.events',
  externalId: 'eventId',
  kind: 'eventType',
  kindMap: {
    '131585': 'intrusion',
    '131588': 'intrusion',
    '131603': 'off-post',
    '131329': 'device-fault',
  },
  category: 'ai',
  defaultLevel: 2,
  channel: 'srcIndex',
  reporter: 'srcName',
  time: 'happenTime',
  timeFormat: 'iso',
};

export const MAPPING_PRESETS: readonly MappingPreset[] = [
  { key: 'generic', label: '通用格式（本系统文档）', mapping: generic },
  { key: 'vendor-box', label: '国产 AI 盒子（常见格式）', mapping: vendorBox },
  { key: 'hikvision-event', label: '海康 ISC 事件订阅（需现场核对）', mapping: hikvisionEvent },
];

export function presetOf(key: string): MappingPreset | undefined {
  return MAPPING_PRESETS.find((p) => p.key === key);
}

/** A mapping as the form's JSON text (two-space indent). */
export function mappingToJson(mapping: MappingSpec | AlarmMapping): string {
  return JSON.stringify(mapping, null, 2);
}

export type MappingJsonResult = { ok: true; value: unknown } | { ok: false; message: string; line: number | null; column: number | null };

/**
 * The mapping text as JSON, or where it stops being JSON (1-based line and column, from the parser's character
 * position when it names one). The content is checked later by the save's schema.
 */
export function parseMappingJson(text: string): MappingJsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    if (lineCol) return { ok: false, message, line: Number(lineCol[1]), column: Number(lineCol[2]) };
    const pos = /position (\d+)/.exec(message);
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const lines = before.split('\n');
      return { ok: false, message, line: lines.length, column: lines[lines.length - 1]!.length + 1 };
    }
    // "Unexpected end of JSON input": it stops at the end.
    if (/end of JSON/i.test(message)) {
      const lines = text.split('\n');
      return { ok: false, message, line: lines.length, column: lines[lines.length - 1]!.length + 1 };
    }
    return { ok: false, message, line: null, column: null };
  }
}
