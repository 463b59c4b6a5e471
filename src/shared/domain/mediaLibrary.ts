import { z } from 'zod';

/** Snapshots and local recordings taken from wall tiles; files in the data folder, indexed in SQLite. */
export const snapshotEntrySchema = z
  .object({
    id: z.string(),
    channelId: z.string(),
    channelName: z.string(),
    takenAt: z.number(),
    path: z.string(),
    bytes: z.number().int().nonnegative(),
    width: z.number().int().nonnegative(),
    height: z.number().int().nonnegative(),
  })
  .strict();
export type SnapshotEntry = z.infer<typeof snapshotEntrySchema>;

export const recordingEntrySchema = z
  .object({
    id: z.string(),
    channelId: z.string(),
    channelName: z.string(),
    startedAt: z.number(),
    /** null while still recording. */
    endedAt: z.number().nullable(),
    path: z.string(),
    mimeType: z.string(),
    bytes: z.number().int().nonnegative(),
  })
  .strict();
export type RecordingEntry = z.infer<typeof recordingEntrySchema>;

/** Biggest PNG a snapshot may carry (base64 grows it by a third on the wire). */
export const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;
/** Biggest piece of a recording sent in one call. */
export const MAX_RECORDING_CHUNK_BYTES = 2 * 1024 * 1024;
