import { z } from 'zod';
import { lonLatSchema } from './catalogue';

/**
 * Events (事件管理): what the dispatchers record about an accident or a dangerous situation at a mine — type, level,
 * mine, place (text and coordinates), time, description, the alarms, calls and recordings that belong to it — and the
 * 快报 (flash report) composed from it. Stored locally first (SQLite, before the reply); every change is an
 * append-only history row with who, where (seat) and when, and goes to the other seats.
 */

/** The event types, each with the colour the list and the map show it by. */
export const EVENT_TYPES = {
  gas: { name: '瓦斯超限', color: '#fa541c' },
  roof: { name: '顶板事故', color: '#a0722d' },
  water: { name: '水害', color: '#1677ff' },
  fire: { name: '火灾', color: '#f5222d' },
  electromechanical: { name: '机电事故', color: '#722ed1' },
  transport: { name: '运输事故', color: '#13a8a8' },
  casualty: { name: '人员伤亡', color: '#eb2f96' },
  other: { name: '其他', color: '#8c8c8c' },
} as const satisfies Record<string, { name: string; color: string }>;
export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_CODES = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];
export const eventTypeSchema = z.enum(EVENT_TYPE_CODES);

/** 1 一般 … 4 特别重大, as the regional tiers are counted (the same as alarms). */
export const eventLevelSchema = z.number().int().min(1).max(4);
export const EVENT_LEVEL_NAMES: Record<number, string> = { 1: '一般', 2: '较大', 3: '重大', 4: '特别重大' };

/** open 处置中 → closed 已结束. */
export const eventStateSchema = z.enum(['open', 'closed']);
export type EventState = z.infer<typeof eventStateSchema>;
export const EVENT_STATE_NAMES: Record<EventState, string> = { open: '处置中', closed: '已结束' };

export const EVENT_LINK_KINDS = ['alarm', 'call', 'callRecording', 'videoRecording'] as const;
export const eventLinkKindSchema = z.enum(EVENT_LINK_KINDS);
export type EventLinkKind = z.infer<typeof eventLinkKindSchema>;
export const EVENT_LINK_KIND_NAMES: Record<EventLinkKind, string> = { alarm: '报警', call: '通话', callRecording: '通话录音', videoRecording: '视频录像' };

/** Something of the console that belongs to the event, with the label it had when it was linked. */
export const eventLinkSchema = z
  .object({
    kind: eventLinkKindSchema,
    id: z.string().min(1).max(128),
    label: z.string().max(200),
  })
  .strict();
export type EventLink = z.infer<typeof eventLinkSchema>;

export const MAX_EVENT_TEXT = 2000;
export const MAX_EVENT_LINKS = 200;
export const eventIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** The fields an operator edits (new or changed event). */
export const eventFieldsSchema = z
  .object({
    type: eventTypeSchema,
    level: eventLevelSchema,
    /** The mine of the catalogue (null: none, or not in the catalogue). */
    mineId: z.string().max(64).nullable(),
    /** The mine's name when the event was saved (kept when the catalogue is offline). */
    mineName: z.string().max(200).nullable(),
    place: z.string().trim().max(200),
    location: lonLatSchema.nullable(),
    occurredAt: z.number().int(),
    description: z.string().max(MAX_EVENT_TEXT),
    /** 伤亡情况 */
    casualties: z.string().max(MAX_EVENT_TEXT),
    /** 初步原因 */
    cause: z.string().max(MAX_EVENT_TEXT),
    /** 已采取措施 */
    measures: z.string().max(MAX_EVENT_TEXT),
    /** 报告人 */
    reporter: z.string().trim().max(64),
    links: z.array(eventLinkSchema).max(MAX_EVENT_LINKS),
  })
  .strict();
export type EventFields = z.infer<typeof eventFieldsSchema>;
export const EVENT_FIELD_KEYS = Object.keys(eventFieldsSchema.shape) as (keyof EventFields)[];

/** saveEvent: without id a new event; with id, that event's new fields (expectedUpdatedAt: refuse if changed since). */
export const saveEventInputSchema = eventFieldsSchema
  .extend({
    id: eventIdSchema.optional(),
    expectedUpdatedAt: z.number().int().optional(),
  })
  .strict();
export type SaveEventInput = z.infer<typeof saveEventInputSchema>;

export const eventSchema = eventFieldsSchema
  .extend({
    id: eventIdSchema,
    state: eventStateSchema,
    createdAt: z.number().int(),
    createdBy: z.string(),
    updatedAt: z.number().int(),
    updatedBy: z.string(),
    /** The seat of the last change. */
    seatId: z.string(),
    closedAt: z.number().int().nullable(),
    closedBy: z.string().nullable(),
  })
  .strict();
export type ConsoleEvent = z.infer<typeof eventSchema>;

export const eventChangeActionSchema = z.enum(['create', 'update', 'close', 'import']);
export type EventChangeAction = z.infer<typeof eventChangeActionSchema>;
export const EVENT_CHANGE_ACTION_NAMES: Record<EventChangeAction, string> = { create: '新建', update: '修改', close: '结束', import: '导入' };

/** One change of an event: append-only, with who, which seat and when, and each changed field before and after. */
export const eventChangeSchema = z
  .object({
    id: z.string().min(1).max(64),
    eventId: eventIdSchema,
    action: eventChangeActionSchema,
    actor: z.string(),
    seatId: z.string(),
    at: z.number().int(),
    changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }).strict()),
    note: z.string().max(500).nullable(),
  })
  .strict();
export type EventChange = z.infer<typeof eventChangeSchema>;

export const eventDetailSchema = z.object({ event: eventSchema, history: z.array(eventChangeSchema) }).strict();
export type EventDetail = z.infer<typeof eventDetailSchema>;

/** The list's filters (also what an export takes). */
export const eventFilterSchema = z
  .object({
    type: eventTypeSchema.optional(),
    minLevel: eventLevelSchema.optional(),
    mineId: z.string().max(64).optional(),
    state: eventStateSchema.optional(),
    /** On occurredAt: from inclusive, to exclusive. */
    from: z.number().optional(),
    to: z.number().optional(),
    /** Full text: type, mine, place, description, casualties, cause, measures, reporter, link labels. */
    text: z.string().max(64).optional(),
  })
  .strict();
export type EventFilter = z.infer<typeof eventFilterSchema>;

export const eventQuerySchema = eventFilterSchema
  .extend({
    /** Keyset paging: the last row of the previous page (newest occurredAt first). */
    before: z.object({ occurredAt: z.number(), id: z.string() }).strict().optional(),
    limit: z.number().int().min(1).max(500),
  })
  .strict();
export type EventQuery = z.infer<typeof eventQuerySchema>;

export const eventFileFormatSchema = z.enum(['csv', 'xlsx']);
export type EventFileFormat = z.infer<typeof eventFileFormatSchema>;
/** Most events one export or import takes. */
export const MAX_EVENT_FILE_ROWS = 10_000;
/** Biggest file an import takes. */
export const MAX_EVENT_IMPORT_BYTES = 8 * 1024 * 1024;

export const exportEventsInputSchema = z.object({ filter: eventFilterSchema, format: eventFileFormatSchema }).strict();
export const exportEventsOutputSchema = z
  .object({ path: z.string(), fileName: z.string(), count: z.number().int().nonnegative(), bytes: z.number().int().nonnegative(), dataBase64: z.string() })
  .strict();

export const importEventsInputSchema = z
  .object({
    fileName: z.string().max(200),
    format: eventFileFormatSchema,
    dataBase64: z.string().max(Math.ceil((MAX_EVENT_IMPORT_BYTES * 4) / 3) + 4),
    /** Only check the rows, write nothing. */
    dryRun: z.boolean(),
  })
  .strict();
export const eventImportRowErrorSchema = z.object({ row: z.number().int(), message: z.string() }).strict();
export const importEventsOutputSchema = z
  .object({
    /** Data rows read (the header not counted). */
    rows: z.number().int().nonnegative(),
    /** Valid rows (created unless dryRun). */
    valid: z.number().int().nonnegative(),
    created: z.number().int().nonnegative(),
    /** Row numbers as the spreadsheet shows them (the header is row 1). */
    errors: z.array(eventImportRowErrorSchema),
  })
  .strict();
export type ImportEventsResult = z.infer<typeof importEventsOutputSchema>;

// ── 快报 templates ──

/** The placeholders a template may use, and what each stands for. */
export const REPORT_PLACEHOLDERS = {
  事件编号: 'The event id',
  类型: 'Event type name',
  级别: 'Level name (一般 … 特别重大)',
  状态: '处置中 / 已结束',
  煤矿: 'Mine name',
  地点: 'Place',
  坐标: 'Longitude, latitude',
  发生时间: 'Occurred at (local time)',
  描述: 'Description',
  伤亡情况: 'Casualties',
  初步原因: 'Preliminary cause',
  已采取措施: 'Measures taken',
  报告人: 'Reporter',
  关联报警数: 'Number of linked alarms',
  关联通话数: 'Number of linked calls',
  关联录音数: 'Number of linked call and video recordings',
  关联报警: 'Linked alarms, one per line',
  关联通话: 'Linked calls, one per line',
  报告时间: 'Now (local time)',
  填报单位: 'The console name',
} as const;
export type ReportPlaceholder = keyof typeof REPORT_PLACEHOLDERS;

export const DEFAULT_REPORT_TEMPLATE_ID = 'default-kuaibao';

export const DEFAULT_REPORT_TEMPLATE_BODY = `煤矿安全生产事故快报

报告时间：{{报告时间}}
填报单位：{{填报单位}}

一、事故发生时间：{{发生时间}}
二、事故发生地点：{{煤矿}} {{地点}}（坐标：{{坐标}}）
三、事故单位：{{煤矿}}
四、事故类型：{{类型}}（{{级别}}）
五、事故简要经过：{{描述}}
六、伤亡情况：{{伤亡情况}}
七、初步原因：{{初步原因}}
八、已采取的措施：{{已采取措施}}
九、关联报警 {{关联报警数}} 条，关联通话 {{关联通话数}} 次，关联录音 {{关联录音数}} 段。

报告人：{{报告人}}
`;

export const MAX_TEMPLATE_BODY = 10_000;

export const reportTemplateSchema = z
  .object({
    id: eventIdSchema,
    name: z.string().trim().min(1).max(64),
    body: z.string().max(MAX_TEMPLATE_BODY),
    /** The built-in 快报 template: editable, never deleted. */
    builtin: z.boolean(),
    updatedAt: z.number().int(),
  })
  .strict();
export type ReportTemplate = z.infer<typeof reportTemplateSchema>;

/** Without id: a new template. */
export const saveReportTemplateInputSchema = z
  .object({ id: eventIdSchema.optional(), name: z.string().trim().min(1).max(64), body: z.string().max(MAX_TEMPLATE_BODY) })
  .strict();
export type SaveReportTemplateInput = z.infer<typeof saveReportTemplateInputSchema>;

/** A stored template, or a body being edited (preview before saving). */
export const renderEventReportInputSchema = z
  .object({ eventId: eventIdSchema, templateId: eventIdSchema.optional(), body: z.string().max(MAX_TEMPLATE_BODY).optional() })
  .strict()
  .refine((i) => (i.templateId === undefined) !== (i.body === undefined), { message: '需要模板或模板正文之一' });
export const renderedReportSchema = z
  .object({
    text: z.string(),
    /** Placeholders the body used that are not known (left as written). */
    unknown: z.array(z.string()),
    fileName: z.string(),
  })
  .strict();
export type RenderedReport = z.infer<typeof renderedReportSchema>;

/** What goes to the other seats for each change: the event's full state after it and the change itself. */
export const eventChangeRecordSchema = z.object({ event: eventSchema, change: eventChangeSchema }).strict();
export type EventChangeRecord = z.infer<typeof eventChangeRecordSchema>;
