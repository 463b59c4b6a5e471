import { z } from 'zod';

export const janusBackendConfigSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
  kind: z.literal('janus'),
  name: z.string().min(1).max(64),
  enabled: z.boolean(),
  /** Janus WebSocket API, e.g. ws://198.18.0.1:8188 */
  url: z.string().url().refine((u) => /^wss?:\/\//.test(u), 'must be ws:// or wss://'),
});
export type JanusBackendConfig = z.infer<typeof janusBackendConfigSchema>;

/** One entry of the backend registry. Later kinds (wvp, zlm, hik) join this union. */
export const backendConfigSchema = z.discriminatedUnion('kind', [janusBackendConfigSchema]);
export type BackendConfig = z.infer<typeof backendConfigSchema>;

export const languageSchema = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof languageSchema>;

export const settingsSchema = z.object({
  language: languageSchema,
  backends: z.array(backendConfigSchema).max(64),
  /** Preferred transport when a channel offers several. */
  preferredStream: z.enum(['auto', 'janus-webrtc', 'jsmpeg-ws']),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = { language: 'zh-CN', backends: [], preferredStream: 'auto' };
