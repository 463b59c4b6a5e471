import { z } from 'zod';

/**
 * What the renderer needs to play one channel. The player registry picks the player class
 * from `kind`; everything else is transport detail that only that player reads.
 */
export const janusWebrtcSourceSchema = z.object({
  kind: z.literal('janus-webrtc'),
  /** Main-side stream session, released with `closeStream`. */
  sessionId: z.string(),
  channelId: z.string(),
  /** Janus WebSocket URL, e.g. ws://198.18.0.1:8188. */
  server: z.string().url(),
  mountpointId: z.number().int().nonnegative(),
  iceServers: z.array(z.object({ urls: z.union([z.string(), z.array(z.string())]) })),
});
export type JanusWebrtcSource = z.infer<typeof janusWebrtcSourceSchema>;

export const jsmpegSourceSchema = z.object({
  kind: z.literal('jsmpeg-ws'),
  sessionId: z.string(),
  channelId: z.string(),
  /** WebSocket URL of the main-side relay, carrying a one-off ticket. */
  url: z.string().url(),
});
export type JsmpegSource = z.infer<typeof jsmpegSourceSchema>;

/** FLV over http(s):// or ws(s):// (WVP/ZLMediaKit flv, ws_flv, or the console relay's remux), for an MSE player. */
export const flvSourceSchema = z.object({
  kind: z.literal('flv'),
  sessionId: z.string(),
  channelId: z.string(),
  url: z
    .string()
    .url()
    .refine((u) => /^(https?|wss?):\/\//i.test(u), 'FLV URL must be http(s):// or ws(s)://'),
  /** A live stream (low-latency, chase the live edge) rather than a recording. */
  live: z.boolean(),
});
export type FlvSource = z.infer<typeof flvSourceSchema>;

/** An HLS playlist (.m3u8) over http(s). */
export const hlsSourceSchema = z.object({
  kind: z.literal('hls'),
  sessionId: z.string(),
  channelId: z.string(),
  url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'HLS URL must be http(s)://'),
});
export type HlsSource = z.infer<typeof hlsSourceSchema>;

export const streamSourceSchema = z.discriminatedUnion('kind', [janusWebrtcSourceSchema, jsmpegSourceSchema, flvSourceSchema, hlsSourceSchema]);
export type StreamSource = z.infer<typeof streamSourceSchema>;
