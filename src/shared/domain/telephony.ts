import { z } from 'zod';
import { backendSecretSchema } from './secret';

/**
 * Telephone dispatch (电话调度): SIP accounts, the directory (通讯录) with live status, custom groups,
 * call records and call recordings. The SIP stack runs in the renderer (sip.js over WebSocket); the Node side
 * keeps the records (SQLite), the secrets and the PBX's registration/dialog view for presence.
 */

/** A dialable number: digits, `*`, `#`, `+`, or a SIP user part (letters, digits, . _ - +). */
export const phoneNumberSchema = z.string().regex(/^[A-Za-z0-9*#+._-]{1,64}$/, '号码只能包含数字、字母和 * # + . _ -');

export const sipAccountIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);

/** One SIP account of this console (a dispatcher's seat). The password lives in the SecretStore. */
export const sipAccountSchema = z.object({
  id: sipAccountIdSchema,
  name: z.string().min(1).max(64),
  enabled: z.boolean(),
  /** The PBX's SIP-over-WebSocket URL (RFC 7118), e.g. wss://pbx.example:8443 */
  wsUrl: z.string().url().refine((u) => /^wss?:\/\//.test(u), 'must be ws:// or wss://'),
  /** SIP domain (the host part of our AOR), e.g. 127.0.0.1 or pbx.example */
  domain: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name or IPv4 address'),
  /** Our user part (extension), also the digest user name. */
  user: phoneNumberSchema,
  /** Digest realm; default: the domain. */
  realm: z.string().min(1).max(253).optional(),
  displayName: z.string().min(1).max(64),
  /**
   * Kamailio JSON-RPC over HTTP (jsonrpcs + xhttp), e.g. http://127.0.0.1:8088/RPC: registrations (ul.dump) and
   * dialogs (dlg.list) give the directory's live status. Without it, status comes only from this console's calls.
   */
  presenceUrl: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be http:// or https://')
    .optional(),
});
export type SipAccount = z.infer<typeof sipAccountSchema>;

export const saveSipAccountInputSchema = sipAccountSchema.extend({ password: backendSecretSchema.optional() }).strict();
export type SaveSipAccountInput = z.infer<typeof saveSipAccountInputSchema>;

export function sipSecretKey(accountId: string): string {
  return `sip:${accountId}:password`;
}

/** What the renderer's SIP stack needs to register: never the password, only HA1 = MD5(user:realm:password). */
export const sipCredentialsSchema = z
  .object({
    accountId: sipAccountIdSchema,
    wsUrl: z.string(),
    domain: z.string(),
    user: z.string(),
    realm: z.string(),
    displayName: z.string(),
    ha1: z.string().regex(/^[0-9a-f]{32}$/),
  })
  .strict();
export type SipCredentials = z.infer<typeof sipCredentialsSchema>;

/** Roles in the directory, in the order the tree lists them under a unit. */
/** speaker: IP speaker / 广播音柱; column: alarm column (报警柱); ipc: camera with a speaker. */
export const CONTACT_ROLES = ['dispatch', 'leader', 'duty', 'safety', 'rescue', 'speaker', 'column', 'ipc', 'other'] as const;
export const contactRoleSchema = z.enum(CONTACT_ROLES);
export type ContactRole = z.infer<typeof contactRoleSchema>;

/**
 * One entry of the directory. Placement in the organisation tree: 中心 (county and mine null) → 区县 → 煤矿.
 * `org` names the unit inside it (调度室, 安监科 …).
 */
export const contactSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    name: z.string().min(1).max(64),
    number: phoneNumberSchema,
    role: contactRoleSchema,
    org: z.string().max(64),
    /** County adcode (6 digits, as in the video catalogue) or its name. */
    county: z.string().max(32).nullable(),
    mineId: z.string().max(64).nullable(),
    mineName: z.string().max(64).nullable(),
  })
  .strict();
export type Contact = z.infer<typeof contactSchema>;

/** A custom group (自定义组) for group calls (all at once) and roll-call (点名, one after another). */
export const contactGroupSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    name: z.string().min(1).max(64),
    /** Contact ids, in roll-call order. */
    memberIds: z.array(z.string().max(64)).min(1).max(200),
  })
  .strict();
export type ContactGroup = z.infer<typeof contactGroupSchema>;

/** Seed colours: 空闲 grey, 异常 red (not registered / unreachable), 工作 green (in a call). */
export const presenceStateSchema = z.enum(['idle', 'busy', 'offline']);
export type PresenceState = z.infer<typeof presenceStateSchema>;

export const presenceSnapshotSchema = z
  .object({
    at: z.number(),
    /** Whether the PBX answered the last poll; when false, `reason` says why and `states` are the last known. */
    available: z.boolean(),
    reason: z.string().nullable(),
    /** By number (user part). Numbers not listed are not registered. */
    states: z.record(z.string(), presenceStateSchema),
  })
  .strict();
export type PresenceSnapshot = z.infer<typeof presenceSnapshotSchema>;

export const callDirectionSchema = z.enum(['out', 'in']);
/** single: one party; group: all ring at once; rollcall: one after another; consult: a leg of a consultation; broadcast: a leg of an emergency broadcast (groupId: the broadcast). */
export const callKindSchema = z.enum(['single', 'group', 'rollcall', 'consult', 'broadcast']);
export type CallKind = z.infer<typeof callKindSchema>;
/** The record's life: calling/ringing → established → ended; any → ended. */
export const callRecordStateSchema = z.enum(['calling', 'ringing', 'established', 'ended']);
export type CallRecordState = z.infer<typeof callRecordStateSchema>;
/**
 * How an ended call ended. answered: established and hung up by either side; missed: incoming not answered;
 * rejected: declined (by us or the far end); busy; no-answer: nobody answered in time; not-found: no such number;
 * failed: PBX or network error before answer; cancelled: we hung up before answer; dropped: lost while established
 * (media or signalling failed); interrupted: the console stopped (closed at the next start).
 */
export const callOutcomeSchema = z.enum(['answered', 'missed', 'rejected', 'busy', 'no-answer', 'not-found', 'failed', 'cancelled', 'dropped', 'interrupted']);
export type CallOutcome = z.infer<typeof callOutcomeSchema>;

const partySchema = z.object({ number: z.string().max(64), name: z.string().max(64).nullable() }).strict();

/** What the renderer reports at every step of a call (the same id each time; written before it is acknowledged). */
export const callReportSchema = z
  .object({
    /** Chosen by the renderer (UUID). */
    id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    accountId: sipAccountIdSchema,
    direction: callDirectionSchema,
    kind: callKindSchema,
    /** Group of a group call or roll-call; consultation id for consult legs. */
    groupId: z.string().max(64).nullable(),
    caller: partySchema,
    callee: partySchema,
    mineId: z.string().max(64).nullable(),
    state: callRecordStateSchema,
    startedAt: z.number(),
    answeredAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    outcome: callOutcomeSchema.nullable(),
    /** SIP status or error text of a failure, for the history (e.g. "486 Busy Here"). */
    reason: z.string().max(200).nullable(),
  })
  .strict();
export type CallReport = z.infer<typeof callReportSchema>;

export const callRecordSchema = callReportSchema
  .extend({
    /** The call's recording, once one was started. */
    recordingId: z.string().nullable(),
    recordingBytes: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type CallRecord = z.infer<typeof callRecordSchema>;

export const callQuerySchema = z
  .object({
    /** Matches caller number or name (substring). */
    caller: z.string().max(64).optional(),
    /** Matches callee number or name (substring). */
    callee: z.string().max(64).optional(),
    /** Matches either party's number or name. */
    party: z.string().max(64).optional(),
    direction: callDirectionSchema.optional(),
    kind: callKindSchema.optional(),
    /** 'missed' lists missed incoming calls; 'answered' established ones; 'unanswered' every ended call never established. */
    result: z.enum(['answered', 'missed', 'unanswered']).optional(),
    from: z.number().optional(),
    to: z.number().optional(),
    /** Only calls that have a recording. */
    recorded: z.boolean().optional(),
    limit: z.number().int().min(1).max(1000),
  })
  .strict();
export type CallQuery = z.infer<typeof callQuerySchema>;

/** Biggest piece of a call recording sent in one request. */
export const MAX_CALL_RECORDING_CHUNK_BYTES = 1024 * 1024;
/** Biggest recording `readCallRecording` returns in one piece (opus at 32 kbit/s: about 2 hours). */
export const MAX_CALL_RECORDING_READ_BYTES = 32 * 1024 * 1024;
/** Most recordings one zip may hold. */
export const MAX_EXPORT_RECORDINGS = 200;

export const callRecordingEntrySchema = z
  .object({
    id: z.string(),
    callId: z.string(),
    startedAt: z.number(),
    endedAt: z.number().nullable(),
    mimeType: z.string(),
    bytes: z.number().int().nonnegative(),
    path: z.string(),
  })
  .strict();
export type CallRecordingEntry = z.infer<typeof callRecordingEntrySchema>;
