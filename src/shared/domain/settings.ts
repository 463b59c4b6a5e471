import { DEFAULT_MAP_OPTIONS, mapOptionsSchema } from './map';
import { DEFAULT_GPS_FEED, gpsFeedConfigSchema } from './gps';
import { z } from 'zod';
import { backendSecretSchema } from './secret';
import { alarmInputConfigSchema, alarmOptionsSchema, DEFAULT_ALARM_OPTIONS, seatRoleSchema } from './alarm';
import { sipAccountSchema } from './telephony';
import { DEFAULT_SYNC_CONFIG, syncConfigSchema } from './sync';

export { backendSecretSchema };

export const janusBackendConfigSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
  kind: z.literal('janus'),
  name: z.string().min(1).max(64),
  enabled: z.boolean(),
  /** Janus WebSocket API, e.g. ws://198.18.0.1:8188 */
  url: z.string().url().refine((u) => /^wss?:\/\//.test(u), 'must be ws:// or wss://'),
});
export type JanusBackendConfig = z.infer<typeof janusBackendConfigSchema>;

const backendIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);

/**
 * A CA certificate (PEM, one or more) the console trusts for this backend's HTTPS, for private-network
 * platforms whose certificates no public CA signed. Certificates are public; no private key may be pasted here.
 */
export const caCertPemSchema = z
  .string()
  .max(32_768)
  .refine((s) => /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(s), 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)')
  .refine((s) => !/PRIVATE KEY-----/.test(s), 'must not contain a private key');

/** WVP-GB28181-pro (REST API, e.g. http://wvp.example:18080). The password lives in the SecretStore. */
export const wvpBackendConfigSchema = z.object({
  id: backendIdSchema,
  kind: z.literal('wvp'),
  name: z.string().min(1).max(64),
  enabled: z.boolean(),
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be http:// or https://'),
  username: z.string().min(1).max(64),
  caCertPem: caCertPemSchema.optional(),
});
export type WvpBackendConfig = z.infer<typeof wvpBackendConfigSchema>;

/** Hikvision ISC / HikCentral artemis OpenAPI (https://host[:port]). The appSecret lives in the SecretStore. */
export const hikvisionBackendConfigSchema = z.object({
  id: backendIdSchema,
  kind: z.literal('hikvision'),
  name: z.string().min(1).max(64),
  enabled: z.boolean(),
  url: z.string().url().refine((u) => /^https:\/\//.test(u), 'must be https://'),
  appKey: z.string().regex(/^[\x21-\x7e]{1,64}$/, 'must be 1-64 printable ASCII characters'),
  caCertPem: caCertPemSchema.optional(),
});
export type HikvisionBackendConfig = z.infer<typeof hikvisionBackendConfigSchema>;

/**
 * A stream proxy a ZLMediaKit backend keeps pulling (addStreamProxy): `app`/`stream` name it, `url` is the rtsp://
 * source, without credentials (settings are not secret storage; a camera that needs them is proxied by ZLMediaKit's
 * own configuration until per-proxy secrets exist).
 */
export const zlmProxySchema = z.object({
  app: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ . -'),
  stream: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 _ . -'),
  url: z
    .string()
    .max(1024)
    .refine((u) => /^rtsps?:\/\/[^\s]+$/.test(u), 'must be rtsp:// or rtsps://')
    // Settings are a plain file: a camera password in a proxy URL would sit there in clear text.
    .refine((u) => !/^rtsps?:\/\/[^/@\s]*@/.test(u), '代理地址不能包含用户名和密码（设置文件不保存密码）'),
});
export type ZlmProxy = z.infer<typeof zlmProxySchema>;

/** ZLMediaKit's HTTP API and media port (http(s)://host[:port]). The API `secret` lives in the SecretStore. */
export const zlmBackendConfigSchema = z.object({
  id: backendIdSchema,
  kind: z.literal('zlm'),
  name: z.string().min(1).max(64),
  enabled: z.boolean(),
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be http:// or https://'),
  caCertPem: caCertPemSchema.optional(),
  /** The server's UTC offset: its MP4 file and folder names are in its local time. Default +08:00. */
  utcOffset: z.string().regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'must look like +08:00').optional(),
  /** ZLMediaKit's `record.fileSecond` (length of one MP4 file). Default 3600. */
  recordFileSeconds: z.number().int().min(10).max(86_400).optional(),
  /** Where ZLMediaKit's HTTP server serves the MP4 recordings (its default http root: /record). */
  recordPathPrefix: z.string().regex(/^(\/[A-Za-z0-9_.~-]+)*\/?$/, 'must be a path like /record').optional(),
  /** Play FLV over WebSocket (ws(s)://.../x.live.flv) instead of HTTP. */
  flvOverWebSocket: z.boolean().optional(),
  proxies: z.array(zlmProxySchema).max(200).optional(),
});
export type ZlmBackendConfig = z.infer<typeof zlmBackendConfigSchema>;

/** One entry of the backend registry. */
export const backendConfigSchema = z.discriminatedUnion('kind', [
  janusBackendConfigSchema,
  wvpBackendConfigSchema,
  hikvisionBackendConfigSchema,
  zlmBackendConfigSchema,
]);
export type BackendConfig = z.infer<typeof backendConfigSchema>;
export type BackendKind = BackendConfig['kind'];

/**
 * What `saveBackend` takes: the config, plus for kinds with credentials optionally the secret. Omitted, the stored
 * secret stays; a new WVP, Hikvision or ZLMediaKit backend needs one.
 */
export const saveBackendInputSchema = z.discriminatedUnion('kind', [
  janusBackendConfigSchema.strict(),
  wvpBackendConfigSchema.extend({ secret: backendSecretSchema.optional() }).strict(),
  hikvisionBackendConfigSchema.extend({ secret: backendSecretSchema.optional() }).strict(),
  zlmBackendConfigSchema.extend({ secret: backendSecretSchema.optional() }).strict(),
]);
export type SaveBackendInput = z.infer<typeof saveBackendInputSchema>;

/** Kinds that need a secret, and the SecretStore key of one backend's secret (password / appSecret / API secret). */
export function backendSecretKey(config: Pick<BackendConfig, 'id' | 'kind'>): string | null {
  switch (config.kind) {
    case 'wvp':
      return `backend:${config.id}:password`;
    case 'hikvision':
      return `backend:${config.id}:appSecret`;
    case 'zlm':
      return `backend:${config.id}:secret`;
    case 'janus':
      return null;
  }
}

export const languageSchema = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof languageSchema>;

export const settingsSchema = z.object({
  language: languageSchema,
  backends: z.array(backendConfigSchema).max(64),
  /** Preferred transport when a channel offers several. */
  preferredStream: z.enum(['auto', 'janus-webrtc', 'jsmpeg-ws']),
  /** SIP accounts for telephone dispatch (passwords in the SecretStore). */
  sipAccounts: z.array(sipAccountSchema).max(8),
  /** Alarm inputs (webhook sources, MQTT subscriptions); their tokens and passwords are in the SecretStore. */
  alarmInputs: z.array(alarmInputConfigSchema).max(32),
  /** The webhook receiver's address and what a new alarm does (pop-up, sound, wall). */
  alarmOptions: alarmOptionsSchema,
  /** Who sits at this console: the regulator (政府: 确认收到, 审核) or a mine (企业: 处置反馈). */
  seatRole: seatRoleSchema,
  /** Seat sync through the centre's broker (its password is in the SecretStore as `sync:password`). */
  sync: syncConfigSchema,
  /** 一张图: the private network's imagery layers and terrain server. */
  map: mapOptionsSchema,
  /** The MQTT feed of GPS units' positions (its password is in the SecretStore as `gps:password`). */
  gpsFeed: gpsFeedConfigSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  language: 'zh-CN',
  backends: [],
  preferredStream: 'auto',
  sipAccounts: [],
  alarmInputs: [],
  alarmOptions: DEFAULT_ALARM_OPTIONS,
  seatRole: 'government',
  sync: DEFAULT_SYNC_CONFIG,
  map: DEFAULT_MAP_OPTIONS,
  gpsFeed: DEFAULT_GPS_FEED,
};
