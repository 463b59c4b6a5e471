import { mapMarkSchema, mapOptionsSchema, saveMapMarkInputSchema } from '../domain/map';
import { gpsFeedStatusSchema, gpsFixSchema, gpsTrackQuerySchema, gpsTrackSchema, gpsUnitSchema, saveGpsFeedSchema } from '../domain/gps';
import { z } from 'zod';
import { catalogueSchema, backendStatusSchema, streamKindSchema } from '../domain/catalogue';
import { streamSourceSchema } from '../domain/stream';
import { settingsSchema, saveBackendInputSchema } from '../domain/settings';
import { auditEntrySchema } from '../domain/audit';
import { MAX_RECORDING_CHUNK_BYTES, MAX_SNAPSHOT_BYTES, recordingEntrySchema, snapshotEntrySchema } from '../domain/mediaLibrary';
import { ptzCommandSchema, ptzPresetSchema } from '../domain/ptz';
import { downloadStateSchema, playbackSessionSchema, recordSpanSchema, recordWindowSchema } from '../domain/playback';
import { channelIdSchema, wallCommandResultSchema, wallCommandSchema, wallStateSchema } from '../domain/wall';
import {
  callQuerySchema,
  callRecordSchema,
  callRecordingEntrySchema,
  callReportSchema,
  contactGroupSchema,
  contactSchema,
  MAX_CALL_RECORDING_CHUNK_BYTES,
  MAX_EXPORT_RECORDINGS,
  presenceSnapshotSchema,
  saveSipAccountInputSchema,
  sipAccountIdSchema,
  sipCredentialsSchema,
} from '../domain/telephony';
import {
  broadcastClipSchema,
  broadcastDueSchema,
  broadcastGroupSchema,
  broadcastQuerySchema,
  broadcastRecordSchema,
  broadcastScheduleSchema,
  deliverySchema,
  finishBroadcastInputSchema,
  reportDeliveryInputSchema,
  rtpRouteSchema,
  saveScheduleInputSchema,
  startBroadcastInputSchema,
  ttsInputSchema,
  uploadClipInputSchema,
} from '../domain/broadcast';
import {
  addAlarmStepInputSchema,
  alarmEventSchema,
  alarmOptionsSchema,
  alarmQuerySchema,
  alarmSchema,
  alarmStatusSchema,
  alarmStepSchema,
  saveAlarmInputSchema,
  seatRoleSchema,
} from '../domain/alarm';
import { saveSyncSchema, syncStatusSchema } from '../domain/sync';
import {
  createTaskInputSchema,
  taskDetailSchema,
  taskQuerySchema,
  taskSchema,
  transitionTaskInputSchema,
  updateTaskInputSchema,
} from '../domain/task';
import {
  eventDetailSchema,
  eventQuerySchema,
  eventSchema,
  exportEventsInputSchema,
  exportEventsOutputSchema,
  importEventsInputSchema,
  importEventsOutputSchema,
  renderEventReportInputSchema,
  renderedReportSchema,
  reportTemplateSchema,
  saveEventInputSchema,
  saveReportTemplateInputSchema,
} from '../domain/event';
import { REQUEST_NAMES, EVENT_NAMES, isRequestName, isEventName, type RequestName, type EventName } from './names';

/**
 * The one host contract. Every request the renderer can make of the Node side and every
 * event it can subscribe to is listed here, with the schema that both sides parse against.
 * Hosts (Electron IPC, web WebSocket) and clients are generated from these two tables.
 */
const empty = z.object({}).strict();
const byId = z.object({ id: z.string().max(100) }).strict();
/** The next piece (seq from 0) of an audio recording; on disk before the reply. */
const audioPieceInput = z
  .object({
    recordingId: z.string().max(100),
    seq: z.number().int().nonnegative(),
    dataBase64: z.string().max(Math.ceil((MAX_CALL_RECORDING_CHUNK_BYTES * 4) / 3) + 4),
  })
  .strict();
const audioMimeType = z.string().regex(/^audio\/[\w.+-]+(;.{0,80})?$/);
const audioData = z.object({ mimeType: z.string(), dataBase64: z.string() });

export const requestContract = {
  getAppInfo: {
    input: empty,
    output: z.object({
      name: z.string(),
      version: z.string(),
      host: z.enum(['electron', 'web']),
      startedAt: z.number(),
      dataDir: z.string(),
      /** How secrets (backend passwords) are kept: OS keychain (Electron) or a 0600 file (web host: warn). */
      secretProtection: z.enum(['os-keychain', 'file-0600']),
    }),
    timeoutMs: 5_000,
  },
  getCatalogue: { input: empty, output: catalogueSchema, timeoutMs: 10_000 },
  refreshCatalogue: { input: empty, output: catalogueSchema, timeoutMs: 30_000 },
  openStream: {
    input: z
      .object({
        channelId: z.string().min(1).max(200),
        /** Transports the renderer can play, in its order of preference. */
        accept: z.array(streamKindSchema).min(1).max(8),
        /** Main or sub stream where the backend offers both (the renderer picks by tile size); default main. */
        profile: z.enum(['main', 'sub']).optional(),
      })
      .strict(),
    output: streamSourceSchema,
    timeoutMs: 15_000,
  },
  closeStream: { input: z.object({ sessionId: z.string().min(1).max(100) }).strict(), output: z.null(), timeoutMs: 5_000 },
  getSettings: { input: empty, output: settingsSchema, timeoutMs: 5_000 },
  /** The config, with the backend's password/appSecret for WVP and Hikvision (kept in the SecretStore, never echoed). */
  saveBackend: { input: saveBackendInputSchema, output: settingsSchema, timeoutMs: 5_000 },
  removeBackend: { input: z.object({ id: z.string().min(1).max(32) }).strict(), output: settingsSchema, timeoutMs: 5_000 },
  listAudit: {
    input: z.object({ limit: z.number().int().min(1).max(1000) }).strict(),
    output: z.array(auditEntrySchema),
    timeoutMs: 5_000,
  },
  /** A user action the renderer wants on record (who opened which channel, etc.). */
  recordAction: {
    input: z
      .object({
        action: z.string().regex(/^[a-z][a-zA-Z0-9.]{1,63}$/),
        target: z.string().max(200).nullable(),
      })
      .strict(),
    output: z.null(),
    timeoutMs: 5_000,
  },
  /** Renderer errors land in the main log (the renderer has no file access). */
  reportClientError: {
    input: z.object({ message: z.string().max(4000), context: z.string().max(200) }).strict(),
    output: z.null(),
    timeoutMs: 5_000,
  },
  /** The whole wall (monitors, layouts, tiles, tours, scenes); the Node side is its only owner. */
  getWall: { input: empty, output: wallStateSchema, timeoutMs: 5_000 },
  wallCommand: { input: wallCommandSchema, output: wallCommandResultSchema, timeoutMs: 5_000 },
  ptz: { input: z.object({ channelId: channelIdSchema, command: ptzCommandSchema }).strict(), output: z.null(), timeoutMs: 5_000 },
  listPtzPresets: { input: z.object({ channelId: channelIdSchema }).strict(), output: z.array(ptzPresetSchema), timeoutMs: 5_000 },
  saveSnapshot: {
    input: z
      .object({
        channelId: channelIdSchema,
        takenAt: z.number(),
        /** PNG, base64 (no data: prefix), channel name and time already drawn in. */
        pngBase64: z.string().min(8).max(Math.ceil((MAX_SNAPSHOT_BYTES * 4) / 3) + 4),
      })
      .strict(),
    output: snapshotEntrySchema,
    timeoutMs: 15_000,
  },
  listSnapshots: { input: z.object({ limit: z.number().int().min(1).max(1000) }).strict(), output: z.array(snapshotEntrySchema), timeoutMs: 5_000 },
  readSnapshot: { input: z.object({ id: z.string().max(100) }).strict(), output: z.object({ pngBase64: z.string() }), timeoutMs: 10_000 },
  startRecording: {
    input: z.object({ channelId: channelIdSchema, mimeType: z.string().regex(/^video\/[\w.+-]+(;.{0,80})?$/) }).strict(),
    output: recordingEntrySchema,
    timeoutMs: 5_000,
  },
  /** Appends the next piece (in order: `seq` starts at 0) of a recording; written to disk before the reply. */
  appendRecording: {
    input: z
      .object({
        recordingId: z.string().max(100),
        seq: z.number().int().nonnegative(),
        dataBase64: z.string().max(Math.ceil((MAX_RECORDING_CHUNK_BYTES * 4) / 3) + 4),
      })
      .strict(),
    output: z.object({ bytes: z.number().int().nonnegative() }),
    timeoutMs: 10_000,
  },
  stopRecording: { input: z.object({ recordingId: z.string().max(100) }).strict(), output: recordingEntrySchema, timeoutMs: 10_000 },
  listRecordings: { input: z.object({ limit: z.number().int().min(1).max(1000) }).strict(), output: z.array(recordingEntrySchema), timeoutMs: 5_000 },
  /** The last `seconds` of a channel again, where its source keeps them (relay sources); paced in real time. */
  openReplay: {
    input: z.object({ channelId: channelIdSchema, seconds: z.number().int().min(5).max(120) }).strict(),
    output: streamSourceSchema,
    timeoutMs: 15_000,
  },
  /** Recorded spans (device and cloud, merged where continuous) of a channel overlapping [from, to). */
  queryRecords: { input: recordWindowSchema, output: z.object({ spans: z.array(recordSpanSchema) }), timeoutMs: 20_000 },
  /** Plays a channel's recordings of [from, to); released with closeStream. */
  openPlayback: { input: recordWindowSchema, output: playbackSessionSchema, timeoutMs: 20_000 },
  /** Pause, resume, seek (wall-clock ms) or speed of a backend-paced playback ('server' control). */
  playbackControl: {
    input: z
      .object({ sessionId: z.string().max(100), op: z.enum(['pause', 'resume', 'seek', 'speed']), value: z.number().optional() })
      .strict(),
    output: z.null(),
    timeoutMs: 10_000,
  },
  /** Downloads [from, to) of a channel's recordings into the media library (one MP4); progress as onDownloadProgress. */
  startDownload: { input: recordWindowSchema, output: downloadStateSchema, timeoutMs: 20_000 },
  cancelDownload: { input: z.object({ downloadId: z.string().max(100) }).strict(), output: downloadStateSchema, timeoutMs: 5_000 },
  listDownloads: { input: empty, output: z.array(downloadStateSchema), timeoutMs: 5_000 },

  // ── Telephone dispatch (电话调度) ──
  /** A SIP account, with its password once (kept in the SecretStore, never echoed). */
  saveSipAccount: { input: saveSipAccountInputSchema, output: settingsSchema, timeoutMs: 5_000 },
  removeSipAccount: { input: z.object({ id: sipAccountIdSchema }).strict(), output: settingsSchema, timeoutMs: 5_000 },
  /** What the renderer's SIP stack registers with: HA1, never the password. */
  getSipCredentials: { input: z.object({ accountId: sipAccountIdSchema }).strict(), output: sipCredentialsSchema, timeoutMs: 5_000 },
  listContacts: { input: empty, output: z.array(contactSchema), timeoutMs: 5_000 },
  saveContact: { input: contactSchema, output: contactSchema, timeoutMs: 5_000 },
  deleteContact: { input: z.object({ id: z.string().max(64) }).strict(), output: z.null(), timeoutMs: 5_000 },
  /** Adds or replaces by id (replace: the whole directory becomes these). */
  importContacts: {
    input: z.object({ contacts: z.array(contactSchema).max(5000), replace: z.boolean() }).strict(),
    output: z.object({ count: z.number().int().nonnegative() }),
    timeoutMs: 20_000,
  },
  listGroups: { input: empty, output: z.array(contactGroupSchema), timeoutMs: 5_000 },
  saveGroup: { input: contactGroupSchema, output: contactGroupSchema, timeoutMs: 5_000 },
  deleteGroup: { input: z.object({ id: z.string().max(64) }).strict(), output: z.null(), timeoutMs: 5_000 },
  /** The PBX's view of who is registered and who is in a call (polled by the Node side). */
  getPresence: { input: empty, output: presenceSnapshotSchema, timeoutMs: 5_000 },
  /** Every step of a call, written to SQLite before the reply (an ended record never reopens). */
  reportCall: { input: callReportSchema, output: callRecordSchema, timeoutMs: 5_000 },
  listCalls: { input: callQuerySchema, output: z.array(callRecordSchema), timeoutMs: 10_000 },
  /** Starts the recording of a call (both directions mixed by the renderer). */
  startCallRecording: {
    input: z.object({ callId: z.string().max(64), mimeType: audioMimeType }).strict(),
    output: callRecordingEntrySchema,
    timeoutMs: 5_000,
  },
  appendCallRecording: { input: audioPieceInput, output: z.object({ bytes: z.number().int().nonnegative() }), timeoutMs: 10_000 },
  stopCallRecording: { input: z.object({ recordingId: z.string().max(100) }).strict(), output: callRecordingEntrySchema, timeoutMs: 10_000 },
  readCallRecording: { input: byId, output: audioData, timeoutMs: 20_000 },
  /** Zips recordings into the media library's exports folder; the zip also comes back for a browser download. */
  exportCallRecordings: {
    input: z.object({ ids: z.array(z.string().max(100)).min(1).max(MAX_EXPORT_RECORDINGS) }).strict(),
    output: z.object({ path: z.string(), fileName: z.string(), bytes: z.number().int().nonnegative(), zipBase64: z.string() }),
    timeoutMs: 60_000,
  },

  // ── Emergency broadcast (应急广播) ──
  listBroadcastGroups: { input: empty, output: z.array(broadcastGroupSchema), timeoutMs: 5_000 },
  saveBroadcastGroup: { input: broadcastGroupSchema, output: broadcastGroupSchema, timeoutMs: 5_000 },
  deleteBroadcastGroup: { input: byId, output: z.null(), timeoutMs: 5_000 },
  listClips: { input: empty, output: z.array(broadcastClipSchema), timeoutMs: 5_000 },
  /** Mandarin text-to-speech, offline (espeak-ng), stored as a clip. */
  synthesizeClip: { input: ttsInputSchema, output: broadcastClipSchema, timeoutMs: 60_000 },
  /** An uploaded audio file, converted by ffmpeg, stored as a clip. */
  uploadClip: { input: uploadClipInputSchema, output: broadcastClipSchema, timeoutMs: 120_000 },
  readClip: { input: byId, output: audioData, timeoutMs: 20_000 },
  deleteClip: { input: byId, output: z.null(), timeoutMs: 5_000 },
  /** Opens a broadcast record with one pending delivery per group member (written before the reply). */
  startBroadcast: { input: startBroadcastInputSchema, output: broadcastRecordSchema, timeoutMs: 5_000 },
  reportDelivery: { input: reportDeliveryInputSchema, output: deliverySchema, timeoutMs: 5_000 },
  finishBroadcast: { input: finishBroadcastInputSchema, output: broadcastRecordSchema, timeoutMs: 5_000 },
  listBroadcasts: { input: broadcastQuerySchema, output: z.array(broadcastRecordSchema), timeoutMs: 10_000 },
  /** What went out, recorded by the console (pieces like call recordings). */
  startBroadcastRecording: {
    input: z.object({ broadcastId: z.string().max(64), mimeType: audioMimeType }).strict(),
    output: z.object({ id: z.string() }),
    timeoutMs: 5_000,
  },
  appendBroadcastRecording: { input: audioPieceInput, output: z.object({ bytes: z.number().int().nonnegative() }), timeoutMs: 10_000 },
  stopBroadcastRecording: { input: z.object({ recordingId: z.string().max(100) }).strict(), output: z.null(), timeoutMs: 10_000 },
  readBroadcastRecording: { input: byId, output: audioData, timeoutMs: 20_000 },
  listSchedules: { input: empty, output: z.array(broadcastScheduleSchema), timeoutMs: 5_000 },
  saveSchedule: { input: saveScheduleInputSchema, output: broadcastScheduleSchema, timeoutMs: 5_000 },
  cancelSchedule: { input: byId, output: broadcastScheduleSchema, timeoutMs: 5_000 },
  /** Directory entries reached by a Janus AudioBridge RTP forward instead of a SIP call. */
  listRtpRoutes: { input: empty, output: z.array(rtpRouteSchema), timeoutMs: 5_000 },
  saveRtpRoute: { input: rtpRouteSchema, output: rtpRouteSchema, timeoutMs: 5_000 },
  /** By contact id. */
  deleteRtpRoute: { input: byId, output: z.null(), timeoutMs: 5_000 },

  // ── Alarms (警情) ──
  /** The webhook receiver's address and each input's state and counts. */
  getAlarmStatus: { input: empty, output: alarmStatusSchema, timeoutMs: 5_000 },
  saveAlarmInput: { input: saveAlarmInputSchema, output: settingsSchema, timeoutMs: 10_000 },
  removeAlarmInput: { input: byId, output: settingsSchema, timeoutMs: 10_000 },
  saveAlarmOptions: { input: alarmOptionsSchema, output: settingsSchema, timeoutMs: 10_000 },
  listAlarms: { input: alarmQuerySchema, output: z.array(alarmSchema), timeoutMs: 10_000 },
  getAlarm: { input: byId, output: z.object({ alarm: alarmSchema, steps: z.array(alarmStepSchema) }), timeoutMs: 5_000 },
  readAlarmPicture: { input: byId, output: z.object({ mimeType: z.string(), dataBase64: z.string() }), timeoutMs: 10_000 },
  /** 接警 */
  acceptAlarm: { input: byId, output: alarmSchema, timeoutMs: 5_000 },
  /** Who sits at this console (政府 or 企业): which workflow steps it takes. */
  saveSeatRole: { input: z.object({ role: seatRoleSchema }).strict(), output: settingsSchema, timeoutMs: 5_000 },
  /** 确认收到 / 审核 (government seats) or 处置反馈 (enterprise seats): an append-only step; the state is unchanged. */
  addAlarmStep: { input: addAlarmStepInputSchema, output: z.object({ alarm: alarmSchema, steps: z.array(alarmStepSchema) }), timeoutMs: 5_000 },
  /** 消警, with a reason (1–200 characters). */
  dismissAlarm: { input: z.object({ id: z.string().max(100), reason: z.string().max(200) }).strict(), output: alarmSchema, timeoutMs: 5_000 },

  // ── Tasks (任务管理) ──
  /** Keyset-paged, filtered; overdue is computed at read time. */
  listTasks: { input: taskQuerySchema, output: z.array(taskSchema), timeoutMs: 10_000 },
  /** The task with its history (every change, append-only). */
  getTask: { input: byId, output: taskDetailSchema, timeoutMs: 5_000 },
  /** Stored (with its history row and sync record) before the reply; a repeated id returns the stored task. */
  createTask: { input: createTaskInputSchema, output: taskSchema, timeoutMs: 5_000 },
  updateTask: { input: updateTaskInputSchema, output: taskSchema, timeoutMs: 5_000 },
  /** 接收, 开始处理, 完成, 退回, 撤销, with an optional note. */
  transitionTask: { input: transitionTaskInputSchema, output: taskSchema, timeoutMs: 5_000 },

  // ── Seat sync (席位同步) ──
  /** The connection to the centre's broker, the records waiting to be sent, this seat's id. */
  getSyncStatus: { input: empty, output: syncStatusSchema, timeoutMs: 5_000 },
  /** The broker settings, plus the password when new or replaced (null removes it); replies once applied. */
  saveSync: { input: saveSyncSchema, output: settingsSchema, timeoutMs: 10_000 },

  // ── Events (事件管理) ──
  /** Keyset-paged (newest occurredAt first), filtered by type, level, mine, state, time and text. */
  listEvents: { input: eventQuerySchema, output: z.array(eventSchema), timeoutMs: 10_000 },
  /** The event with its history (every change, append-only, with who, seat and when). */
  getEvent: { input: byId, output: eventDetailSchema, timeoutMs: 5_000 },
  /** Without id (or an unknown one) a new event, else its new fields; stored with its history row before the reply. */
  saveEvent: { input: saveEventInputSchema, output: eventSchema, timeoutMs: 5_000 },
  /** 结束 (处置中 → 已结束), with an optional note. */
  closeEvent: { input: z.object({ id: z.string().max(64), note: z.string().max(500).nullable().optional() }).strict(), output: eventSchema, timeoutMs: 5_000 },
  /** The filtered list as CSV (UTF-8 with BOM) or xlsx, written to the exports folder and sent back as base64. */
  exportEvents: { input: exportEventsInputSchema, output: exportEventsOutputSchema, timeoutMs: 60_000 },
  /** Rows checked one by one (errors by row number); unless dryRun, the valid ones created in one transaction. */
  importEvents: { input: importEventsInputSchema, output: importEventsOutputSchema, timeoutMs: 60_000 },
  /** 快报 templates: the built-in one first. */
  listReportTemplates: { input: empty, output: z.array(reportTemplateSchema), timeoutMs: 5_000 },
  saveReportTemplate: { input: saveReportTemplateInputSchema, output: reportTemplateSchema, timeoutMs: 5_000 },
  deleteReportTemplate: { input: byId, output: z.null(), timeoutMs: 5_000 },
  /** A 快报 of an event from a stored template or a body being edited (placeholders replaced on the Node side). */
  renderEventReport: { input: renderEventReportInputSchema, output: renderedReportSchema, timeoutMs: 5_000 },

  // ── Map (一张图) ──
  /** The private network's imagery layers and terrain server; replies once the CSP allows their origins. */
  saveMapOptions: { input: mapOptionsSchema, output: settingsSchema, timeoutMs: 5_000 },
  listMapMarks: { input: empty, output: z.array(mapMarkSchema), timeoutMs: 5_000 },
  /** Stored before the reply. */
  saveMapMark: { input: saveMapMarkInputSchema, output: mapMarkSchema, timeoutMs: 5_000 },
  deleteMapMark: { input: byId, output: z.null(), timeoutMs: 5_000 },

  // ── GPS units (单兵、车载、移动app、无人机) ──
  /** Every known unit with its newest fix. */
  listGpsUnits: { input: empty, output: z.array(gpsUnitSchema), timeoutMs: 5_000 },
  /** A unit's positions in [from, to] (at most 24 h), oldest first. */
  queryGpsTrack: { input: gpsTrackQuerySchema, output: gpsTrackSchema, timeoutMs: 15_000 },
  getGpsFeedStatus: { input: empty, output: gpsFeedStatusSchema, timeoutMs: 5_000 },
  /** The MQTT position feed, plus the password when new or replaced (null removes it); replies once applied. */
  saveGpsFeed: { input: saveGpsFeedSchema, output: settingsSchema, timeoutMs: 10_000 },
} as const;

export const eventContract = {
  onCatalogueChanged: catalogueSchema,
  onBackendStatus: backendStatusSchema,
  onWallChanged: wallStateSchema,
  onDownloadProgress: downloadStateSchema,
  onPresence: presenceSnapshotSchema,
  /** A scheduled broadcast's time came (the console window's broadcast engine plays it). */
  onBroadcastDue: broadcastDueSchema,
  /** An alarm arrived or was handled. */
  onAlarm: alarmEventSchema,
  /** The alarm inputs' state changed. */
  onAlarmStatus: alarmStatusSchema,
  /** Seat sync's state or backlog changed. */
  onSyncStatus: syncStatusSchema,
  /** New positions, batched (at most one push a second); a unit seen for the first time comes whole. */
  onGpsFixes: z.object({ fixes: z.array(gpsFixSchema), units: z.array(gpsUnitSchema) }).strict(),
  onGpsFeedStatus: gpsFeedStatusSchema,
} as const;

export type RequestContract = typeof requestContract;
export type EventContract = typeof eventContract;

// The schema-free name lists (names.ts) must name exactly the tables' keys: a mismatch fails type-checking.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const requestNamesMatch: Same<RequestName, keyof RequestContract> = true;
const eventNamesMatch: Same<EventName, keyof EventContract> = true;
void requestNamesMatch;
void eventNamesMatch;

export { REQUEST_NAMES, EVENT_NAMES, isRequestName, isEventName };
export type { RequestName, EventName };

export type RequestInput<K extends RequestName> = z.input<RequestContract[K]['input']>;
export type RequestOutput<K extends RequestName> = z.output<RequestContract[K]['output']>;
export type EventPayload<E extends EventName> = z.output<EventContract[E]>;

export type Disposable = { dispose(): void };

/** What the renderer sees: one method per request, one `onX(listener)` per event. */
export type ConsoleApi = {
  readonly [K in RequestName]: (input: RequestInput<K>) => Promise<RequestOutput<K>>;
} & {
  readonly [E in EventName]: (listener: (payload: EventPayload<E>) => void) => Disposable;
};

/** What a host implements: the same requests, with the already-parsed input. */
export type ConsoleHandlers = {
  readonly [K in RequestName]: (input: z.output<RequestContract[K]['input']>) => Promise<RequestOutput<K>>;
};
