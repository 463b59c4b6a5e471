import { z } from 'zod';
import { brokerPasswordInputSchema, brokerUrlSchema, brokerUsernameSchema } from './broker';

/**
 * Mobile units with GPS (单兵 body-worn terminals, 车载 vehicle units, 移动app phones, 无人机 drones): their live
 * positions on the map and their tracks of the past 24 hours. Positions arrive from the field over MQTT (the
 * feed is configured in settings; its password lives in the SecretStore as `gps:password`).
 */

export const gpsUnitKindSchema = z.enum(['app', 'soldier', 'vehicle', 'drone']);
export type GpsUnitKind = z.infer<typeof gpsUnitKindSchema>;

/** One position report. Coordinates are WGS84. */
export const gpsFixSchema = z
  .object({
    unitId: z.string().min(1).max(64),
    /** When the unit measured it (ms since epoch). */
    at: z.number().int(),
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    /** Metres above the ellipsoid, when the unit reports it. */
    alt: z.number().min(-1000).max(20000).nullable(),
    /** m/s */
    speed: z.number().min(0).max(500).nullable(),
    /** Degrees clockwise from north. */
    heading: z.number().min(0).max(360).nullable(),
  })
  .strict();
export type GpsFix = z.infer<typeof gpsFixSchema>;

export const gpsUnitSchema = z
  .object({
    id: z.string().min(1).max(64),
    kind: gpsUnitKindSchema,
    name: z.string().max(100),
    /** The mine it belongs to, when the feed says so. */
    mineId: z.string().max(64).nullable(),
    /** A number to call (会商), when the feed says so. */
    phone: z.string().max(32).nullable(),
    /** Its own video as a catalogue channel (body camera, dash camera, drone camera), when linked. */
    channelId: z.string().max(200).nullable(),
    last: gpsFixSchema.nullable(),
    /** A fix within the last 2 minutes. */
    online: z.boolean(),
  })
  .strict();
export type GpsUnit = z.infer<typeof gpsUnitSchema>;

/** A unit is online while its newest fix is younger than this. */
export const GPS_ONLINE_MS = 120_000;
/** Tracks can be asked for the past 24 hours; positions are kept 7 days. */
export const GPS_TRACK_WINDOW_MS = 24 * 3600_000;
/** A track reply is thinned (evenly, first and last kept) to at most this many fixes. */
export const GPS_TRACK_MAX_FIXES = 20_000;

export const gpsTrackQuerySchema = z
  .object({ unitId: z.string().min(1).max(64), from: z.number().int(), to: z.number().int() })
  .strict()
  .refine((q) => q.to > q.from, { message: '结束时间须晚于开始时间', path: ['to'] })
  .refine((q) => q.to - q.from <= GPS_TRACK_WINDOW_MS, { message: '一次最多查询 24 小时的轨迹', path: ['from'] });
export type GpsTrackQuery = z.infer<typeof gpsTrackQuerySchema>;

export const gpsTrackSchema = z
  .object({ unitId: z.string(), fixes: z.array(gpsFixSchema), thinned: z.boolean() })
  .strict();
export type GpsTrack = z.infer<typeof gpsTrackSchema>;

/** The MQTT position feed. */
export const gpsFeedConfigSchema = z
  .object({
    enabled: z.boolean(),
    url: brokerUrlSchema,
    username: brokerUsernameSchema,
    /** Subscription filter, e.g. `gps/#`; the unit id is the payload's `id`. */
    topic: z.string().min(1).max(128),
  })
  .strict();
export type GpsFeedConfig = z.infer<typeof gpsFeedConfigSchema>;

export const DEFAULT_GPS_FEED: GpsFeedConfig = { enabled: false, url: 'mqtt://127.0.0.1:1883', username: null, topic: 'gps/#' };
export const GPS_PASSWORD_KEY = 'gps:password';

export const saveGpsFeedSchema = gpsFeedConfigSchema.extend({ password: brokerPasswordInputSchema }).strict();
export type SaveGpsFeed = z.infer<typeof saveGpsFeedSchema>;

export const gpsFeedStatusSchema = z
  .object({
    state: z.enum(['disabled', 'connecting', 'online', 'error']),
    lastError: z.string().nullable(),
    /** Reports stored since start, and refused (malformed) ones. */
    received: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
    units: z.number().int().nonnegative(),
  })
  .strict();
export type GpsFeedStatus = z.infer<typeof gpsFeedStatusSchema>;

/**
 * The report a unit (or its platform) publishes, as JSON: `{"id","kind","name","lon","lat","alt","speed",
 * "heading","time","phone","mineId","channelId"}`; `time` is epoch ms or seconds or ISO 8601; only id, lon and lat
 * are required. `kind` also takes the Chinese names (移动app, 单兵, 车载, 无人机).
 */
export const GPS_KIND_ALIASES: Readonly<Record<string, GpsUnitKind>> = {
  app: 'app',
  移动app: 'app',
  APP: 'app',
  soldier: 'soldier',
  单兵: 'soldier',
  vehicle: 'vehicle',
  车载: 'vehicle',
  drone: 'drone',
  无人机: 'drone',
  uav: 'drone',
};
