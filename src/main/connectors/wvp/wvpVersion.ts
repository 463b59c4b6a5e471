import { WvpApiError, type WvpClient } from './wvpClient';
import { ConsoleError } from '../../../shared/contract/rpc';

/**
 * WVP-GB28181-pro's REST paths changed between releases; the connector probes the version once at connect time
 * and keeps one path table.
 *
 * Sources (648540858/wvp-GB28181-pro):
 * - version: `ServerController` (`@RequestMapping("/api/server")`): `GET /system/configInfo` -> SystemConfigInfo
 *   {version: VersionPo{version, GIT_BRANCH, ...}, sip, addOn, serverPort}; `GET /version` -> VersionPo.
 * - 2.6.x PTZ: `PtzController` `@RequestMapping("/api/ptz")`: `POST /control/{deviceId}/{channelId}?command&horizonSpeed&
 *   verticalSpeed&zoomSpeed`, `POST /front_end_command/{deviceId}/{channelId}?cmdCode&parameter1&parameter2&combindCode2`,
 *   `GET /preset/query/{deviceId}/{channelId}` (no add/call/delete endpoints: those go through front_end_command).
 * - 2.7.x and master PTZ: `PtzController` `@RequestMapping("/api/front-end")`: `GET /ptz/{d}/{c}?command&horizonSpeed(0-255)&
 *   verticalSpeed(0-255)&zoomSpeed(0-15)`, `GET /fi/focus/{d}/{c}?command=near|far|stop&speed`, `GET /fi/iris/{d}/{c}?command=in|out|stop&speed`,
 *   `GET /preset/query|add|call|delete/{d}/{c}?presetId` (add/call/delete send GB cmd 0x81/0x82/0x83).
 * - devices, channels, play: `/api/device/query/devices`, `/api/device/query/devices/{deviceId}/channels`,
 *   `/api/play/start|stop/{deviceId}/{channelId}` in all three (see /work/shared/research/backends.md, "WVP-GB28181-pro").
 * - alarms (the GB alarms its devices sent, 报警订阅): 2.6/2.7 `AlarmController` (`@RequestMapping("/api/alarm")`):
 *   `GET /all?page&count&deviceId&channelId&alarmPriority&alarmMethod&alarmType&startTime&endTime` -> PageInfo<DeviceAlarm>
 *   {total, list}; master: `GET /api/alarm/list?page&count&alarmType&beginTime&endTime` (backends.md).
 */
export type WvpFlavour = '2.6' | '2.7' | 'master';

export type WvpPaths = {
  flavour: WvpFlavour;
  devices: string;
  channels: (deviceId: string) => string;
  playStart: (deviceId: string, channelId: string) => string;
  playStop: (deviceId: string, channelId: string) => string;
  /** Pan/tilt/zoom with `command`; 2.6 wants POST. */
  ptz: { method: 'GET' | 'POST'; path: (deviceId: string, channelId: string) => string };
  /** Focus/iris: 2.6 only has the raw GB front-end command; later versions have /fi/focus and /fi/iris. */
  focus: { method: 'GET' | 'POST'; path: (deviceId: string, channelId: string) => string; raw: boolean };
  iris: { method: 'GET' | 'POST'; path: (deviceId: string, channelId: string) => string; raw: boolean };
  presetQuery: (deviceId: string, channelId: string) => string;
  /** null: use the raw front-end command (2.6) with GB cmd codes 0x81 add, 0x82 call, 0x83 delete. */
  preset: { method: 'GET' | 'POST'; path: (action: 'add' | 'call' | 'delete', deviceId: string, channelId: string) => string; raw: boolean };
  /** Device (NVR/camera) recordings: `?startTime&endTime` ('yyyy-MM-dd HH:mm:ss', +08:00) -> {recordList[]}. */
  recordQuery: (deviceId: string, channelId: string) => string;
  /** Backend-paced device playback (GB INVITE s=Playback) and its MANSRTSP controls by stream id. */
  playback: {
    start: (deviceId: string, channelId: string) => string;
    stop: (deviceId: string, channelId: string, stream: string) => string;
    pause: (stream: string) => string;
    resume: (stream: string) => string;
    /** `seconds` from the start of the playback window. */
    seek: (stream: string, seconds: number) => string;
    /** WVP accepts 0.25, 0.5, 1, 2 and 4. */
    speed: (stream: string, speed: number) => string;
  };
  /** ZLMediaKit (cloud) recordings: list `?app&stream&startTime&endTime&page&count`, play path `?recordId`. */
  cloudRecordList: string;
  cloudRecordPlayPath: string;
  /** Media servers online (their stream IPs and HTTP ports: the origins of play URLs). */
  mediaServers: string;
  /**
   * The alarm list (paged `page`, `count`) and its time window's query parameters ('yyyy-MM-dd HH:mm:ss', +08:00,
   * compared with the alarm's alarmTime).
   */
  alarms: { path: string; window: (begin: string, end: string) => Record<string, string> };
};

const seg = (s: string): string => encodeURIComponent(s);
const dc = (prefix: string) => (d: string, c: string): string => `${prefix}/${seg(d)}/${seg(c)}`;

/**
 * Recordings and playback are the same in all three lines: `GBRecordController` (`/api/gb_record/query/{d}/{c}`),
 * `PlaybackController` (`/api/playback`: `GET /start/{d}/{c}?startTime&endTime` -> StreamContent,
 * `/stop/{d}/{c}/{stream}`, `/pause/{streamId}`, `/resume/{streamId}`, `/seek/{streamId}/{seekTime s}`,
 * `/speed/{streamId}/{speed}` with speed in 0.25/0.5/1/2/4), `CloudRecordController` (`/api/cloud/record/list`,
 * `/api/cloud/record/play/path?recordId`) and `MediaServerController` (`/api/server/media_server/online/list`).
 */
const COMMON = {
  devices: '/api/device/query/devices',
  channels: (d: string) => `/api/device/query/devices/${seg(d)}/channels`,
  playStart: dc('/api/play/start'),
  playStop: dc('/api/play/stop'),
  recordQuery: dc('/api/gb_record/query'),
  playback: {
    start: dc('/api/playback/start'),
    stop: (d: string, c: string, stream: string) => `${dc('/api/playback/stop')(d, c)}/${seg(stream)}`,
    pause: (stream: string) => `/api/playback/pause/${seg(stream)}`,
    resume: (stream: string) => `/api/playback/resume/${seg(stream)}`,
    seek: (stream: string, seconds: number) => `/api/playback/seek/${seg(stream)}/${Math.max(0, Math.round(seconds))}`,
    speed: (stream: string, speed: number) => `/api/playback/speed/${seg(stream)}/${speed}`,
  },
  cloudRecordList: '/api/cloud/record/list',
  cloudRecordPlayPath: '/api/cloud/record/play/path',
  mediaServers: '/api/server/media_server/online/list',
};

/** 2.6 and 2.7: `AlarmController.getAll` with startTime/endTime. */
const ALARMS_2_X: WvpPaths['alarms'] = { path: '/api/alarm/all', window: (begin, end) => ({ startTime: begin, endTime: end }) };
/**
 * master: the list moved to `/api/alarm/list` with beginTime/endTime (backends.md). startTime is sent as well: Spring
 * ignores a parameter it does not bind, and a master build still naming it startTime then filters all the same.
 */
const ALARMS_MASTER: WvpPaths['alarms'] = { path: '/api/alarm/list', window: (begin, end) => ({ beginTime: begin, startTime: begin, endTime: end }) };

const RAW_2_6 = { method: 'POST' as const, path: dc('/api/ptz/front_end_command'), raw: true };

/** The front-end (PTZ) controller of 2.7, which master keeps for device-level calls (it adds /api/common/channel/* beside them). */
const FRONT_END_2_7: Pick<WvpPaths, 'ptz' | 'focus' | 'iris' | 'presetQuery' | 'preset'> = {
  ptz: { method: 'GET', path: dc('/api/front-end/ptz') },
  focus: { method: 'GET', path: dc('/api/front-end/fi/focus'), raw: false },
  iris: { method: 'GET', path: dc('/api/front-end/fi/iris'), raw: false },
  presetQuery: dc('/api/front-end/preset/query'),
  preset: { method: 'GET', path: (a, d, c) => dc(`/api/front-end/preset/${a}`)(d, c), raw: false },
};

export const WVP_PATHS: Record<WvpFlavour, WvpPaths> = {
  '2.6': {
    flavour: '2.6',
    ...COMMON,
    ptz: { method: 'POST', path: dc('/api/ptz/control') },
    focus: RAW_2_6,
    iris: RAW_2_6,
    presetQuery: dc('/api/ptz/preset/query'),
    preset: { method: 'POST', path: (_a, d, c) => dc('/api/ptz/front_end_command')(d, c), raw: true },
    alarms: ALARMS_2_X,
  },
  '2.7': {
    flavour: '2.7',
    ...COMMON,
    ...FRONT_END_2_7,
    alarms: ALARMS_2_X,
  },
  master: {
    flavour: 'master',
    ...COMMON,
    ...FRONT_END_2_7,
    alarms: ALARMS_MASTER,
  },
};

/** "2.6.9", "2.7.3-SNAPSHOT", "v2.7.4", "3.0.0" ... -> table; unknown or unparsable -> null. */
export function flavourOf(version: string): WvpFlavour | null {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 2 || (major === 2 && minor < 6)) return null;
  if (major === 2 && minor === 6) return '2.6';
  if (major === 2 && minor === 7) return '2.7';
  return 'master';
}

function versionString(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (!data || typeof data !== 'object') return null;
  // configInfo: {version: {version: "2.7.3"}}; /version: {version: "2.7.3"}
  const v = 'version' in data ? data.version : undefined;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'version' in v && typeof v.version === 'string') return v.version;
  return null;
}

export type WvpVersionInfo = { version: string | null; paths: WvpPaths };

/**
 * Asks the server once: `/api/server/system/configInfo`, then `/api/server/version`. A server that answers
 * neither with a recognisable version gets the 2.7 table (the most deployed line), with version null;
 * credential and network errors propagate.
 */
export async function probeWvpVersion(client: WvpClient): Promise<WvpVersionInfo> {
  for (const path of ['/api/server/system/configInfo', '/api/server/version']) {
    let data: unknown;
    try {
      data = await client.request(path);
    } catch (err) {
      // Missing endpoint, unexpected body or a WVP-level refusal: try the next one. Network and credentials: propagate.
      if (err instanceof WvpApiError || (err instanceof ConsoleError && (err.code === 'not-found' || err.code === 'internal'))) continue;
      throw err;
    }
    const version = versionString(data);
    const flavour = version ? flavourOf(version) : null;
    if (version && flavour) return { version, paths: WVP_PATHS[flavour] };
  }
  return { version: null, paths: WVP_PATHS['2.7'] };
}
