import { z } from 'zod';
import { callOutcomeSchema, contactGroupSchema, contactRoleSchema, type ContactGroup } from './telephony';

/**
 * Emergency broadcast (应急广播): endpoints (IP speakers, alarm columns, cameras with a speaker, phones) that the
 * console calls over SIP (they answer by themselves), groups of them, audio clips (text-to-speech made offline,
 * uploaded files converted by ffmpeg), schedules (定时广播) and records (广播记录) with a result per endpoint and
 * the audio that went out. The calls run in the renderer's SIP stack (like telephone dispatch); the Node side
 * keeps the records, the clips and the schedules.
 */

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/**
 * Broadcast endpoints are directory entries (通讯录: IP speakers, alarm columns, cameras with a speaker, phones), so
 * they have the directory's live status; a broadcast group (广播分组) is a group of them, shaped like a call group.
 */
export const broadcastGroupSchema = contactGroupSchema;
export type BroadcastGroup = ContactGroup;

/** Codecs an RTP speaker takes (Janus AudioBridge's RTP forwarders: G.711 μ-law/A-law or Opus). */
export const RTP_CODECS = ['pcmu', 'pcma', 'opus'] as const;
export const rtpCodecSchema = z.enum(RTP_CODECS);
export type RtpCodec = z.infer<typeof rtpCodecSchema>;

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * How a broadcast endpoint that takes plain RTP (an IP speaker without SIP, unicast or multicast) is reached: a Janus
 * backend's AudioBridge forwards the broadcast to host:port in the speaker's codec. A directory entry with a route
 * is broadcast to this way instead of by a SIP call.
 */
export const rtpRouteSchema = z
  .object({
    contactId: idSchema,
    /** A Janus backend of the settings. */
    backendId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
    /** Unicast or multicast IPv4 address, as Janus sees it. */
    host: z.string().regex(ipv4, '请填写 IPv4 地址（单播或组播）'),
    port: z.number().int().min(1024).max(65534),
    codec: rtpCodecSchema,
  })
  .strict();
export type RtpRoute = z.infer<typeof rtpRouteSchema>;

/** Longest text for text-to-speech (about two minutes of speech). */
export const MAX_TTS_CHARS = 500;
/** Biggest audio file that may be uploaded. */
export const MAX_CLIP_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Longest clip (after conversion). */
export const MAX_CLIP_SECONDS = 600;

/** A clip as stored: always Ogg Opus, mono 48 kHz (what WebRTC sends; AudioBridge's play_file takes it too). */
export const broadcastClipSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['tts', 'file']),
    /** The spoken text of a TTS clip. */
    text: z.string().nullable(),
    /** The uploaded file's name. */
    sourceName: z.string().nullable(),
    durationMs: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    mimeType: z.string(),
    createdAt: z.number(),
  })
  .strict();
export type BroadcastClip = z.infer<typeof broadcastClipSchema>;

export const ttsInputSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, '请输入要播报的文字')
      .max(MAX_TTS_CHARS, `文字过长（最多 ${MAX_TTS_CHARS} 字）`),
    name: z.string().trim().max(64).optional(),
    /** Speaking rate, words per minute (espeak-ng -s). */
    rate: z.number().int().min(80).max(260).optional(),
  })
  .strict();
export type TtsInput = z.infer<typeof ttsInputSchema>;

export const uploadClipInputSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    fileName: z.string().max(255),
    dataBase64: z.string().min(1, '文件是空的').max(Math.ceil((MAX_CLIP_UPLOAD_BYTES * 4) / 3) + 4, '文件过大（最大 10 MB）'),
  })
  .strict();
export type UploadClipInput = z.infer<typeof uploadClipInputSchema>;

/** What goes out: the live microphone (实时喊话) or a clip repeated N times. */
export const broadcastSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('live') }).strict(),
  z.object({ kind: z.literal('clip'), clipId: z.string().max(64), repeat: z.number().int().min(1).max(10) }).strict(),
]);
export type BroadcastSource = z.infer<typeof broadcastSourceSchema>;

export const startBroadcastInputSchema = z
  .object({
    /** Chosen by the renderer (UUID). */
    id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    groupId: idSchema,
    source: broadcastSourceSchema,
    /** The schedule that fired it, if any. */
    scheduleId: idSchema.nullable(),
    /** The firing's time: one firing starts one broadcast, however many consoles heard it. */
    dueAt: z.number().int().nullable().optional(),
  })
  .strict();
export type StartBroadcastInput = z.infer<typeof startBroadcastInputSchema>;

/** One endpoint's part in a broadcast. pending → calling → answered → ended; any → ended. */
export const deliveryStateSchema = z.enum(['pending', 'calling', 'answered', 'ended']);
export type DeliveryState = z.infer<typeof deliveryStateSchema>;

export const deliverySchema = z
  .object({
    endpointId: z.string(),
    name: z.string(),
    number: z.string(),
    role: contactRoleSchema,
    mineName: z.string().nullable(),
    state: deliveryStateSchema,
    /** The call behind it (calls table). */
    callId: z.string().nullable(),
    answeredAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    /** answered: the endpoint took the broadcast; otherwise why not (busy, not-found, failed …). */
    outcome: callOutcomeSchema.nullable(),
    reason: z.string().nullable(),
  })
  .strict();
export type Delivery = z.infer<typeof deliverySchema>;

export const reportDeliveryInputSchema = z
  .object({
    broadcastId: z.string().max(64),
    endpointId: z.string().max(64),
    state: deliveryStateSchema,
    callId: z.string().max(64).nullable(),
    answeredAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    outcome: callOutcomeSchema.nullable(),
    reason: z.string().max(200).nullable(),
  })
  .strict();
export type ReportDeliveryInput = z.infer<typeof reportDeliveryInputSchema>;

/** running → completed (played through) | stopped (by the operator) | failed (nobody reached, or an error) | interrupted (console died). */
export const broadcastStateSchema = z.enum(['running', 'completed', 'stopped', 'failed', 'interrupted']);
export type BroadcastState = z.infer<typeof broadcastStateSchema>;

export const broadcastRecordSchema = z
  .object({
    id: z.string(),
    groupId: z.string(),
    groupName: z.string(),
    source: broadcastSourceSchema,
    /** The clip's name and text at the time (it may be deleted later). */
    clipName: z.string().nullable(),
    text: z.string().nullable(),
    scheduleId: z.string().nullable(),
    operator: z.string(),
    state: broadcastStateSchema,
    reason: z.string().nullable(),
    startedAt: z.number(),
    endedAt: z.number().nullable(),
    deliveries: z.array(deliverySchema),
    /** What went out, recorded by the console. */
    recordingId: z.string().nullable(),
    recordingBytes: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type BroadcastRecord = z.infer<typeof broadcastRecordSchema>;

export const finishBroadcastInputSchema = z
  .object({
    broadcastId: z.string().max(64),
    state: z.enum(['completed', 'stopped', 'failed']),
    reason: z.string().max(200).nullable(),
  })
  .strict();

export const broadcastQuerySchema = z
  .object({
    /** Matches group name, clip name, text or an endpoint's name or number. */
    text: z.string().max(64).optional(),
    from: z.number().optional(),
    to: z.number().optional(),
    limit: z.number().int().min(1).max(500),
  })
  .strict();
export type BroadcastQuery = z.infer<typeof broadcastQuerySchema>;

export const scheduleRecurrenceSchema = z.enum(['once', 'daily', 'weekly']);
export type ScheduleRecurrence = z.infer<typeof scheduleRecurrenceSchema>;

export const saveScheduleInputSchema = z
  .object({
    id: idSchema,
    name: z.string().trim().min(1).max(64),
    groupId: idSchema,
    clipId: z.string().max(64),
    repeat: z.number().int().min(1).max(10),
    /** The first (or only) time it plays, ms since the epoch. */
    firstAt: z.number().int(),
    recurrence: scheduleRecurrenceSchema,
  })
  .strict();
export type SaveScheduleInput = z.infer<typeof saveScheduleInputSchema>;

/** active: will fire at nextAt; done: a one-off that fired; cancelled; missed: a one-off whose time passed while no console ran. */
export const scheduleStateSchema = z.enum(['active', 'done', 'cancelled', 'missed']);

export const broadcastScheduleSchema = saveScheduleInputSchema
  .extend({
    state: scheduleStateSchema,
    nextAt: z.number().nullable(),
    lastFiredAt: z.number().nullable(),
    createdAt: z.number(),
  })
  .strict();
export type BroadcastSchedule = z.infer<typeof broadcastScheduleSchema>;

/** A schedule's time came: the console's broadcast engine plays it. */
export const broadcastDueSchema = z
  .object({ scheduleId: z.string(), name: z.string(), groupId: z.string(), clipId: z.string(), repeat: z.number().int(), dueAt: z.number() })
  .strict();
export type BroadcastDue = z.infer<typeof broadcastDueSchema>;
