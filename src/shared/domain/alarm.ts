import { z } from 'zod';
import { brokerUrlSchema } from './broker';

/**
 * Alarms (警情): what AI boxes, devices, apps and video platforms report, normalised to one shape whatever the input
 * (HTTP webhook with a per-source field mapping, MQTT, WVP, Hikvision callbacks), deduplicated by source and the
 * source's own id, stored locally first (SQLite, the picture on disk) and handled by the operators
 * (接警 accept / 消警 dismiss with a reason), every step an append-only record.
 */

/** Where an alarm comes from, as the seed's list separates them: 应用报警, 设备报警, 智能报警, 其他. */
export const ALARM_CATEGORIES = ['app', 'device', 'ai', 'other'] as const;
export const alarmCategorySchema = z.enum(ALARM_CATEGORIES);
export type AlarmCategory = z.infer<typeof alarmCategorySchema>;

/**
 * The coal-mine alarm kinds the lab and the AI boxes of the region report (code → what the operator reads). Unknown
 * codes are kept as they come (kind = the code, kindName = the source's own name if it has one).
 */
export const ALARM_KINDS = {
  'off-post': '离岗',
  'asleep-on-post': '睡岗',
  overcrowding: '超员',
  intrusion: '人员闯入',
  'belt-crossing': '人员穿越皮带',
  'belt-deviation': '皮带跑偏',
  'large-coal': '大块煤',
  'air-doors-open': '风门两道同时打开',
  'smoke-fire': '烟火',
  'no-helmet': '未戴安全帽',
  'device-fault': '设备报警',
  'one-key': '一键报警',
} as const satisfies Record<string, string>;
export type KnownAlarmKind = keyof typeof ALARM_KINDS;

/** 1 一般 (general) … 4 特别重大 (most severe), as the regional tiers are counted. */
export const alarmLevelSchema = z.number().int().min(1).max(4);

/** A detection box in the picture, as fractions of its width and height (0..1), whatever the source's units. */
export const alarmBoxSchema = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    w: z.number().min(0).max(1),
    h: z.number().min(0).max(1),
    label: z.string().max(64).nullable(),
    score: z.number().min(0).max(1).nullable(),
  })
  .strict();
export type AlarmBox = z.infer<typeof alarmBoxSchema>;

/** new → accepted (接警) → dismissed (消警); new → dismissed. */
export const alarmStateSchema = z.enum(['new', 'accepted', 'dismissed']);
export type AlarmState = z.infer<typeof alarmStateSchema>;

/** An alarm as an input hands it over, before it is stored (the receiver fills receivedAt). */
export const alarmInputSchema = z
  .object({
    /** The configured input it came through (its id in the settings). */
    sourceId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
    /** The source's own id of this alarm: a repeated push with the same id is the same alarm (deduplicated). */
    externalId: z.string().min(1).max(128),
    category: alarmCategorySchema,
    /** A code of ALARM_KINDS, or the source's own code. */
    kind: z.string().min(1).max(64),
    /** What the source calls it, when it names it (kept for unknown kinds). */
    kindName: z.string().max(64).nullable(),
    level: alarmLevelSchema,
    /** The channel (catalogue id) it concerns, when the source names one we can map. */
    channelId: z.string().max(128).nullable(),
    /** The source's device or channel id as sent (GB/T 28181 20 digits, box serial …). */
    deviceId: z.string().max(128).nullable(),
    /** Who or what reported it (the box, an app user). */
    reporter: z.string().max(64).nullable(),
    /** The time the source says it happened (its own clock). */
    occurredAt: z.number().int(),
    score: z.number().min(0).max(1).nullable(),
    boxes: z.array(alarmBoxSchema).max(50),
    description: z.string().max(500).nullable(),
  })
  .strict();
export type AlarmInput = z.infer<typeof alarmInputSchema>;

export const alarmSchema = alarmInputSchema
  .extend({
    id: z.string(),
    /** When this console received it (its own clock). */
    receivedAt: z.number().int(),
    /** receivedAt − occurredAt: the source's clock skew plus the delivery time (shown when large). */
    skewMs: z.number().int(),
    /** Mine and county of the channel, when linked. */
    mineId: z.string().nullable(),
    mineName: z.string().nullable(),
    county: z.string().nullable(),
    /** Whether channelId names a channel of the catalogue (unknown ids are kept, marked unlinked). */
    linked: z.boolean(),
    /** The picture, stored locally. */
    picture: z.object({ mimeType: z.string(), bytes: z.number().int().nonnegative() }).strict().nullable(),
    state: alarmStateSchema,
    /** The last handling step. */
    handledBy: z.string().nullable(),
    handledAt: z.number().nullable(),
    dismissReason: z.string().nullable(),
  })
  .strict();
export type Alarm = z.infer<typeof alarmSchema>;

export const alarmQuerySchema = z
  .object({
    category: alarmCategorySchema.optional(),
    kind: z.string().max(64).optional(),
    mineId: z.string().max(64).optional(),
    county: z.string().max(32).optional(),
    minLevel: alarmLevelSchema.optional(),
    state: alarmStateSchema.optional(),
    from: z.number().optional(),
    to: z.number().optional(),
    /** Full text: kind name, description, reporter, device, mine (Chinese by characters and pairs). */
    text: z.string().max(64).optional(),
    /** Keyset paging: the last row of the previous page (newest first). */
    before: z.object({ receivedAt: z.number(), id: z.string() }).strict().optional(),
    limit: z.number().int().min(1).max(500),
  })
  .strict();
export type AlarmQuery = z.infer<typeof alarmQuerySchema>;

/** Longest picture an alarm may carry (base64 in a push, or fetched from its URL). */
export const MAX_ALARM_PICTURE_BYTES = 4 * 1024 * 1024;

/** A dot path into a pushed JSON body: `data.alarm.type`, `objects[0].score`. */
const jsonPathSchema = z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*|\[\d{1,4}\])*$/, '字段路径格式：a.b[0].c');

/** How a pushed body's time reads. `local`: `2026-11-24 12:00:00` in the console's time zone (boxes often send this). */
export const timeFormatSchema = z.enum(['epoch-ms', 'epoch-s', 'iso', 'local']);

/**
 * Where an input's fields are in what a source pushes (per source: every box vendor has its own shape). Paths name
 * the fields; maps translate the source's codes into ours.
 */
export const alarmMappingSchema = z
  .object({
    /** Where the alarms are when one push carries several (Hikvision `params.events`); absent: the body is one. */
    items: jsonPathSchema.optional(),
    externalId: jsonPathSchema,
    kind: jsonPathSchema,
    /** Source code → one of ALARM_KINDS (or kept as it is). */
    kindMap: z.record(z.string().max(64), z.string().max(64)).default({}),
    kindName: jsonPathSchema.optional(),
    category: alarmCategorySchema.default('ai'),
    level: jsonPathSchema.optional(),
    levelMap: z.record(z.string().max(32), alarmLevelSchema).default({}),
    defaultLevel: alarmLevelSchema.default(2),
    /** The channel or device id as the source sends it (matched against the catalogue's ids and GB ids). */
    channel: jsonPathSchema.optional(),
    reporter: jsonPathSchema.optional(),
    time: jsonPathSchema,
    timeFormat: timeFormatSchema.default('epoch-ms'),
    score: jsonPathSchema.optional(),
    /** 1 when the source sends 0..1, 100 when it sends percent. */
    scoreScale: z.union([z.literal(1), z.literal(100)]).default(1),
    /** An array of boxes; each box's fields are read with `boxFields`. */
    boxes: jsonPathSchema.optional(),
    boxFields: z
      .object({
        /** `xywh`: left, top, width, height; `xyxy`: left, top, right, bottom. */
        layout: z.enum(['xywh', 'xyxy']).default('xywh'),
        keys: z.tuple([z.string().max(32), z.string().max(32), z.string().max(32), z.string().max(32)]).default(['x', 'y', 'w', 'h']),
        label: z.string().max(32).optional(),
        score: z.string().max(32).optional(),
        /** Pixel coordinates: the picture's size is read from these paths (else boxes are fractions already). */
        imageWidth: jsonPathSchema.optional(),
        imageHeight: jsonPathSchema.optional(),
      })
      .strict()
      .default({ layout: 'xywh', keys: ['x', 'y', 'w', 'h'] }),
    /** base64, a data: URL, or an http(s) URL of the picture. */
    picture: jsonPathSchema.optional(),
    description: jsonPathSchema.optional(),
  })
  .strict();
export type AlarmMapping = z.infer<typeof alarmMappingSchema>;

const inputIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, '标识：小写字母、数字和 -，最多 32 个');
/** A shared secret an input uses (webhook token, MQTT password): sent once with a save, kept in the SecretStore. */
export const alarmInputSecretSchema = z.string().min(1).max(256);

/** An AI box, app gateway or platform that POSTs to the console's receiver at `/alarms/<id>` (token: SecretStore). */
export const webhookAlarmInputSchema = z
  .object({
    id: inputIdSchema,
    kind: z.literal('webhook'),
    name: z.string().trim().min(1).max(64),
    enabled: z.boolean(),
    mapping: alarmMappingSchema,
  })
  .strict();

/** A broker topic the console subscribes to (QoS 1, persistent session); the password is in the SecretStore. */
export const mqttAlarmInputSchema = z
  .object({
    id: inputIdSchema,
    kind: z.literal('mqtt'),
    name: z.string().trim().min(1).max(64),
    enabled: z.boolean(),
    url: brokerUrlSchema,
    username: z.string().max(64).nullable(),
    topics: z.array(z.string().min(1).max(200)).min(1).max(16),
    mapping: alarmMappingSchema,
  })
  .strict();

/**
 * Alarms a WVP-GB28181-pro backend of the settings collected from its GB/T 28181 devices (报警订阅), polled from its
 * alarm list (its SSE push is gone from current versions). GB fields are read by the connector, no mapping needed.
 */
export const wvpAlarmInputSchema = z
  .object({
    id: inputIdSchema,
    kind: z.literal('wvp'),
    name: z.string().trim().min(1).max(64),
    enabled: z.boolean(),
    /** A backend of kind 'wvp' in the settings. */
    backendId: z.string().min(1).max(32),
    pollSeconds: z.number().int().min(2).max(300),
  })
  .strict();

/**
 * Hikvision ISC / HikCentral event subscription: the console subscribes the platform (a backend of kind 'hikvision')
 * to `eventTypes` with `callbackBase` + `/alarms/<id>?token=…` as the destination; the platform then POSTs
 * OnEventNotify batches to the webhook receiver, read with `mapping` (items at `params.events`).
 */
export const hikvisionAlarmInputSchema = z
  .object({
    id: inputIdSchema,
    kind: z.literal('hikvision'),
    name: z.string().trim().min(1).max(64),
    enabled: z.boolean(),
    backendId: z.string().min(1).max(32),
    eventTypes: z.array(z.number().int().positive()).min(1).max(64),
    /** How the platform reaches this console's receiver, e.g. http://198.51.100.20:18090 (no path). */
    callbackBase: z.string().regex(/^https?:\/\/[^\s/?#]+$/, '应为 http://本机地址:端口（不含路径）'),
    mapping: alarmMappingSchema,
  })
  .strict();

export const alarmInputConfigSchema = z.discriminatedUnion('kind', [webhookAlarmInputSchema, mqttAlarmInputSchema, wvpAlarmInputSchema, hikvisionAlarmInputSchema]);
export type AlarmInputConfig = z.infer<typeof alarmInputConfigSchema>;

/** What `saveAlarmInput` takes: the input, plus its secret when it is new or replaced (omitted: the stored one stays). */
export const saveAlarmInputSchema = z.discriminatedUnion('kind', [
  webhookAlarmInputSchema.extend({ secret: alarmInputSecretSchema.nullable().optional() }).strict(),
  mqttAlarmInputSchema.extend({ secret: alarmInputSecretSchema.nullable().optional() }).strict(),
  wvpAlarmInputSchema.extend({ secret: z.null().optional() }).strict(),
  /** The secret is the callback token the platform puts in the destination URL. */
  hikvisionAlarmInputSchema.extend({ secret: alarmInputSecretSchema.nullable().optional() }).strict(),
]);
export type SaveAlarmInput = z.infer<typeof saveAlarmInputSchema>;

/** The SecretStore key of an input's secret (webhook token or MQTT password). */
export function alarmInputSecretKey(id: string): string {
  return `alarm:${id}:secret`;
}

/** Where AI boxes reach the console, and what a new alarm does to the operator's screens. */
export const alarmOptionsSchema = z
  .object({
    /** The webhook receiver: 0.0.0.0 on the site network, 127.0.0.1 when only this machine posts; port 0 = any free. */
    receiver: z
      .object({
        host: z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, '应为 IPv4 地址，如 0.0.0.0'),
        port: z.number().int().min(0).max(65_535),
      })
      .strict(),
    /** From this level up, a new alarm pops up with its picture. */
    popupMinLevel: alarmLevelSchema,
    /** The pop-up plays the alarm sound. */
    sound: z.boolean(),
    /** From this level up, a linked channel opens on the wall at `wallTarget` (null: not at all). */
    wallMinLevel: alarmLevelSchema,
    /** Monitor as the wall counts them (from 1), tile from 0 (row by row). */
    wallTarget: z.object({ monitor: z.number().int().min(1).max(16), tile: z.number().int().min(0).max(63) }).strict().nullable(),
    /** 分级预警: from this level up a government seat must confirm receipt and review the handling. */
    reviewMinLevel: alarmLevelSchema.default(3),
  })
  .strict();
export type AlarmOptions = z.infer<typeof alarmOptionsSchema>;

export const DEFAULT_ALARM_OPTIONS: AlarmOptions = {
  receiver: { host: '127.0.0.1', port: 18_090 },
  popupMinLevel: 2,
  sound: true,
  wallMinLevel: 3,
  wallTarget: null,
  reviewMinLevel: 3,
};

/** How one input is doing now (shown in the settings and the alarm page's header). */
export const alarmInputStatusSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['webhook', 'mqtt', 'wvp', 'hikvision']),
    state: z.enum(['listening', 'connecting', 'connected', 'offline', 'error', 'disabled']),
    received: z.number().int().nonnegative(),
    refused: z.number().int().nonnegative(),
    lastError: z.string().nullable(),
  })
  .strict();
export type AlarmInputStatus = z.infer<typeof alarmInputStatusSchema>;

export const alarmStatusSchema = z
  .object({
    /** The receiver's base URL (`http://host:port`) while it listens; boxes post to `${url}/alarms/<input id>`. */
    receiverUrl: z.string().nullable(),
    receiverError: z.string().nullable(),
    inputs: z.array(alarmInputStatusSchema),
  })
  .strict();
export type AlarmStatus = z.infer<typeof alarmStatusSchema>;

/**
 * What a handling step does. The alarm's state follows 接警 (accept) and 消警 (dismiss); the tiered workflow adds
 * what a government seat does — 确认收到 (receipt) and 审核 (review, with a verdict) — and what an enterprise seat
 * reports — 处置反馈 (feedback: the disposal plan and its result). Every step is an append-only record.
 */
export const ALARM_STEP_ACTIONS = ['accept', 'dismiss', 'receipt', 'review', 'feedback'] as const;
export const alarmStepActionSchema = z.enum(ALARM_STEP_ACTIONS);

/** Who sits at a seat: the regulator's dispatch hall (政府) or a mine's own dispatch room (企业). */
export const seatRoleSchema = z.enum(['government', 'enterprise']);
export type SeatRole = z.infer<typeof seatRoleSchema>;

/** What a review or a feedback step carries besides its text. */
export const alarmStepDetailSchema = z
  .object({
    /** 审核: 通过 (approved) or 退回 (returned: the mine must report again). */
    verdict: z.enum(['approved', 'returned']).optional(),
    /** 处置反馈: 处置方案 and 处置结果. */
    plan: z.string().max(500).optional(),
    result: z.string().max(500).optional(),
  })
  .strict();
export type AlarmStepDetail = z.infer<typeof alarmStepDetailSchema>;

/** A workflow step asked for by an operator (接警 and 消警 have their own requests). */
export const addAlarmStepInputSchema = z.discriminatedUnion('action', [
  z.object({ id: z.string().max(100), action: z.literal('receipt'), text: z.string().max(200).optional() }).strict(),
  z.object({ id: z.string().max(100), action: z.literal('review'), verdict: z.enum(['approved', 'returned']), text: z.string().max(200).optional() }).strict(),
  z
    .object({ id: z.string().max(100), action: z.literal('feedback'), plan: z.string().trim().max(500), result: z.string().trim().max(500) })
    .strict(),
]);
export type AddAlarmStepInput = z.infer<typeof addAlarmStepInputSchema>;

/** One handling step, append-only (who did what when, on which seat). */
export const alarmStepSchema = z
  .object({
    /** The same on every seat (a uuid made where the step was taken). */
    id: z.string(),
    alarmId: z.string(),
    /** This console's order of the steps it holds. */
    seq: z.number().int(),
    action: alarmStepActionSchema,
    actor: z.string(),
    at: z.number(),
    reason: z.string().nullable(),
    /** The seat (console) where it was taken. */
    seatId: z.string().nullable(),
    /** The role of that seat when the step was taken (null: steps from before roles). */
    role: seatRoleSchema.nullable(),
    detail: alarmStepDetailSchema.nullable(),
  })
  .strict();
export type AlarmStep = z.infer<typeof alarmStepSchema>;
export type AlarmStepAction = AlarmStep['action'];

/** The reasons offered for 消警 (dismiss); free text is allowed too. */
export const DISMISS_REASONS = ['误报', '已现场处置', '设备故障', '演练/测试', '重复报警'] as const;

/** What the console is told when an alarm arrives or is handled (by this seat or another). */
export const alarmEventSchema = z.object({ change: z.enum(['new', 'handled']), alarm: alarmSchema }).strict();
export type AlarmEvent = z.infer<typeof alarmEventSchema>;
