import { z } from 'zod';

/** A point category code, "01".."36" (附件三). Unknown categories use "00". */
export const categoryCodeSchema = z.string().regex(/^\d{2}$/);

/** GB/T 28181 20-digit device/channel id. */
export const gbIdSchema = z.string().regex(/^\d{20}$/);

export const lonLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type LonLat = z.infer<typeof lonLatSchema>;

/**
 * 'flv' = H.264 (H.265) in FLV over HTTP(S) or WebSocket, played with MSE (what WVP/ZLMediaKit return as
 * flv / ws_flv, and the console relay's remux); 'hls' = an HLS playlist.
 */
export const streamKindSchema = z.enum(['janus-webrtc', 'jsmpeg-ws', 'flv', 'hls']);
export type StreamKind = z.infer<typeof streamKindSchema>;

/** One camera channel as the console sees it, whatever backend it came from. */
export const channelSchema = z.object({
  /** Console-wide id: `<backendId>:<backend-local id>`. */
  id: z.string().min(1).max(200),
  backendId: z.string().min(1).max(64),
  name: z.string().max(200),
  gbId: gbIdSchema.nullable(),
  countyCode: z.string().regex(/^\d{6}$/).nullable(),
  mineId: z.string().max(64).nullable(),
  categoryCode: categoryCodeSchema,
  place: z.string().max(200),
  location: lonLatSchema.nullable(),
  online: z.boolean(),
  /** Transports this channel can be played with, best first. */
  streams: z.array(streamKindSchema),
  /** The backend offers a lower-resolution sub stream besides the main one (small tiles use it). */
  substream: z.boolean(),
  ptz: z.boolean(),
});
export type Channel = z.infer<typeof channelSchema>;

export const mineSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(200),
  shortName: z.string().max(100),
  countyCode: z.string().regex(/^\d{6}$/).nullable(),
  location: lonLatSchema.nullable(),
});
export type Mine = z.infer<typeof mineSchema>;

export const backendStateSchema = z.enum(['connecting', 'online', 'offline', 'error']);
export type BackendState = z.infer<typeof backendStateSchema>;

export const backendStatusSchema = z.object({
  backendId: z.string(),
  name: z.string(),
  kind: z.string(),
  state: backendStateSchema,
  /** Human-readable reason when not online (already in zh-CN or an error code). */
  message: z.string().nullable(),
  channelCount: z.number().int().nonnegative(),
  updatedAt: z.number(),
});
export type BackendStatus = z.infer<typeof backendStatusSchema>;

export const catalogueSchema = z.object({
  /** Increases with every change; the renderer skips equal versions. */
  version: z.number().int().nonnegative(),
  mines: z.array(mineSchema),
  channels: z.array(channelSchema),
  backends: z.array(backendStatusSchema),
});
export type Catalogue = z.infer<typeof catalogueSchema>;
