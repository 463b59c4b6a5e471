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

export const streamSourceSchema = z.discriminatedUnion('kind', [janusWebrtcSourceSchema, jsmpegSourceSchema]);
export type StreamSource = z.infer<typeof streamSourceSchema>;
