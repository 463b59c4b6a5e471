import { z } from 'zod';
import { brokerPasswordInputSchema, brokerUrlSchema, brokerUsernameSchema } from './broker';

/**
 * Seat sync (席位同步): every console (seat) of the centre publishes what it records (alarms, handling steps …) to
 * the centre's MQTT broker and applies the other seats' records, so that the seats converge; offline it keeps
 * working and publishes the backlog when the broker is back.
 */

/** Topic prefix: plain levels, no wildcards (`mdc`, `centre-1/mdc`). */
export const syncTopicPrefixSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, '主题前缀只能包含字母、数字、_、-，以 / 分级');

export const syncConfigSchema = z
  .object({
    enabled: z.boolean(),
    /** The centre's broker, without credentials (the password is in the SecretStore as `sync:password`). */
    url: brokerUrlSchema,
    username: brokerUsernameSchema,
    topicPrefix: syncTopicPrefixSchema,
  })
  .strict();
export type SyncConfig = z.infer<typeof syncConfigSchema>;

export const DEFAULT_SYNC_CONFIG: SyncConfig = { enabled: false, url: 'mqtt://127.0.0.1:1883', username: null, topicPrefix: 'mdc' };

/** The SecretStore key of the broker password. */
export const SYNC_PASSWORD_KEY = 'sync:password';

/** What `saveSync` takes: the config, plus the password when it is new or replaced (omitted: kept; null: removed). */
export const saveSyncSchema = syncConfigSchema.extend({ password: brokerPasswordInputSchema }).strict();
export type SaveSync = z.infer<typeof saveSyncSchema>;

export const syncStateSchema = z.enum(['disabled', 'connecting', 'online', 'offline', 'error']);
export type SyncState = z.infer<typeof syncStateSchema>;

export const syncStatusSchema = z
  .object({
    state: syncStateSchema,
    /** Records stored here and not yet acknowledged by the broker. */
    backlog: z.number().int().nonnegative(),
    lastError: z.string().nullable(),
    /** This seat's stable id (per data folder). */
    seatId: z.string(),
    /** Records the broker acknowledged since start. */
    published: z.number().int().nonnegative(),
    /** Other seats' records applied here since start. */
    applied: z.number().int().nonnegative(),
  })
  .strict();
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** The version of the message on the wire (`v`): a seat drops (logs, acknowledges) messages of other versions. */
export const SYNC_MESSAGE_VERSION = 1;
