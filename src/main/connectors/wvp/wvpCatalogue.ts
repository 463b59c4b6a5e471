import type { Channel, Mine } from '../../../shared/domain/catalogue';
import { ConsoleError } from '../../../shared/contract/rpc';
import { DISTRICTS, POINT_CATEGORIES } from '../../../shared/domain/referenceData';
import type { WvpClient } from './wvpClient';
import type { WvpPaths } from './wvpVersion';

/**
 * WVP devices and their channels as the console's mines and channels: one GB device (a mine's NVR or
 * platform) is one mine; channel names choose the point category.
 * Field spellings differ: 2.6 DeviceChannel has `channelId` (and `deviceId` = the parent device) and a
 * numeric `status`; 2.7+ has `deviceId` = the channel's own GB id and `status` "ON"/"OFF"; devices have
 * `onLine` (2.7+, boolean) or `online` (2.6, 0/1).
 */
export type WvpDevice = { deviceId: string; name: string | null; online: boolean };
export type WvpChannel = {
  channelId: string;
  name: string | null;
  online: boolean;
  ptzType: number | null;
  civilCode: string | null;
  longitude: number | null;
  latitude: number | null;
};
export type WvpPage<T> = { total: number; list: T[] };

export const PAGE_SIZE = 500;
/** Upper bound per list (a mine platform with more channels than this is a configuration error). */
export const MAX_ITEMS = 50_000;

const COUNTY_CODES = new Set(DISTRICTS.map((d) => d.adcode));

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}
function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}
export function isOnline(v: unknown): boolean {
  if (v === true || v === 1) return true;
  if (typeof v === 'string') return ['on', '1', 'true', 'online'].includes(v.trim().toLowerCase());
  return false;
}

function record(item: unknown): Record<string, unknown> | null {
  return item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : null;
}

export function parseDevice(item: unknown): WvpDevice | null {
  const r = record(item);
  const deviceId = r ? str(r.deviceId) : null;
  if (!r || !deviceId) return null;
  return { deviceId, name: str(r.name), online: isOnline(r.onLine ?? r.online ?? r.status) };
}

export function parseChannel(item: unknown): WvpChannel | null {
  const r = record(item);
  if (!r) return null;
  const channelId = str(r.channelId) ?? str(r.deviceId) ?? str(r.gbDeviceId);
  if (!channelId) return null;
  return {
    channelId,
    name: str(r.name) ?? str(r.gbName),
    online: isOnline(r.status ?? r.gbStatus),
    ptzType: num(r.ptzType ?? r.gbPtzType),
    civilCode: str(r.civilCode ?? r.gbCivilCode),
    longitude: num(r.longitude ?? r.gbLongitude),
    latitude: num(r.latitude ?? r.gbLatitude),
  };
}

/** `data` of a page answer: {total, list}. */
export function parsePage(data: unknown, what: string): WvpPage<unknown> {
  const r = record(data);
  const total = r ? num(r.total) : null;
  if (!r || total === null || !Array.isArray(r.list)) throw new ConsoleError('internal', `${what}：分页返回格式不正确`);
  return { total, list: r.list as unknown[] };
}

/**
 * All pages (1-based `page`, `count` per page) until `total`, an empty or short page, a page that repeats the
 * previous one (servers that ignore `page`), or `maxItems`.
 */
export async function fetchAllPages<T>(
  fetchPage: (page: number, count: number) => Promise<WvpPage<unknown>>,
  parse: (item: unknown) => T | null,
  keyOf: (item: T) => string,
  { pageSize = PAGE_SIZE, maxItems = MAX_ITEMS, warn = (_m: string) => undefined }: { pageSize?: number; maxItems?: number; warn?: (m: string) => void } = {},
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let previousKeys = '';
  for (let page = 1; out.length < maxItems; page++) {
    const { total, list } = await fetchPage(page, pageSize);
    const items = list.map(parse).filter((x): x is T => x !== null);
    const keys = items.map(keyOf).join('\n');
    if (page > 1 && keys === previousKeys && keys !== '') {
      warn(`page ${page} repeats page ${page - 1}; stopping at ${out.length} of ${total}`);
      break;
    }
    previousKeys = keys;
    for (const item of items) {
      const key = keyOf(item);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(item);
      if (out.length >= maxItems) {
        warn(`more than ${maxItems} entries; the rest is left out`);
        break;
      }
    }
    if (list.length === 0 || list.length < pageSize || page * pageSize >= total) break;
  }
  return out;
}

type Keyword = { word: string; code: string };
/** Whole category names and their parts of 3+ characters (split at 、，（）及和), longest first. */
const CATEGORY_KEYWORDS: readonly Keyword[] = (() => {
  const words = new Map<string, string>();
  for (const c of POINT_CATEGORIES) {
    const parts = [c.name, ...c.name.split(/[、，,（）()及和]/)].map((p) => p.trim()).filter((p) => p.length >= 3);
    for (const p of parts) if (!words.has(p)) words.set(p, c.code);
  }
  return [...words].map(([word, code]) => ({ word, code })).sort((a, b) => b.word.length - a.word.length);
})();

/** The point category a channel name names (longest keyword wins), else "00". */
export function categoryFromName(name: string): string {
  const n = name.replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）');
  for (const k of CATEGORY_KEYWORDS) if (n.includes(k.word)) return k.code;
  return '00';
}

/** A Changzhi district's adcode from a civil code or GB id (first 6 digits), else null. */
export function countyFromCode(code: string | null): string | null {
  if (!code || !/^\d{6}/.test(code)) return null;
  const c = code.slice(0, 6);
  return COUNTY_CODES.has(c) ? c : null;
}

/** GB ptzType: 1 球机, 2 半球, 3 固定枪机 (no PTZ), 4 遥控枪机; 0/unknown counts as none. */
export function hasPtz(ptzType: number | null): boolean {
  return ptzType === 1 || ptzType === 2 || ptzType === 4;
}

/** The channel's local id (after `<backendId>:`): device and channel GB ids, both needed by every WVP call. */
export function channelLocalId(deviceId: string, channelId: string): string {
  return `${deviceId}/${channelId}`;
}
export function splitLocalId(localId: string): { deviceId: string; channelId: string } | null {
  const i = localId.indexOf('/');
  if (i <= 0 || i === localId.length - 1) return null;
  return { deviceId: localId.slice(0, i), channelId: localId.slice(i + 1) };
}

function location(lon: number | null, lat: number | null): [number, number] | null {
  if (lon === null || lat === null || (lon === 0 && lat === 0)) return null;
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  return [lon, lat];
}

export type WvpDeviceWithChannels = { device: WvpDevice; channels: WvpChannel[] };

export function toConsoleCatalogue(backendId: string, devices: WvpDeviceWithChannels[]): { mines: Mine[]; channels: Channel[]; ptz: Set<string> } {
  const mines: Mine[] = [];
  const channels: Channel[] = [];
  const ptz = new Set<string>();
  for (const { device, channels: list } of devices) {
    const mineId = `${backendId}:${device.deviceId}`;
    const counties = new Map<string, number>();
    const mapped: Channel[] = [];
    for (const ch of list) {
      const countyCode = countyFromCode(ch.civilCode) ?? countyFromCode(ch.channelId);
      if (countyCode) counties.set(countyCode, (counties.get(countyCode) ?? 0) + 1);
      const localId = channelLocalId(device.deviceId, ch.channelId);
      const name = ch.name ?? ch.channelId;
      const canPtz = hasPtz(ch.ptzType);
      if (canPtz) ptz.add(localId);
      mapped.push({
        id: `${backendId}:${localId}`,
        backendId,
        name: name.slice(0, 200),
        gbId: /^\d{20}$/.test(ch.channelId) ? ch.channelId : null,
        countyCode,
        mineId: mineId.slice(0, 64),
        categoryCode: categoryFromName(name),
        place: '',
        location: location(ch.longitude, ch.latitude),
        // A channel of an offline device cannot be played whatever its last status says.
        online: device.online && ch.online,
        streams: [],
        substream: false,
        ptz: canPtz,
      });
    }
    const majority = [...counties].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    const name = (device.name ?? device.deviceId).slice(0, 200);
    mines.push({ id: mineId.slice(0, 64), name, shortName: name.slice(0, 100), countyCode: majority ?? countyFromCode(device.deviceId), location: null });
    channels.push(...mapped);
  }
  return { mines, channels, ptz };
}

/** Every device with all its channels, paged. */
export async function fetchWvpCatalogue(
  client: WvpClient,
  paths: WvpPaths,
  opts: { pageSize?: number; maxItems?: number; warn?: (m: string) => void } = {},
): Promise<WvpDeviceWithChannels[]> {
  const devices = await fetchAllPages(
    async (page, count) => parsePage(await client.request(paths.devices, { query: { page, count } }), 'WVP 设备列表'),
    parseDevice,
    (d) => d.deviceId,
    opts,
  );
  const out: WvpDeviceWithChannels[] = [];
  for (const device of devices) {
    const channels = await fetchAllPages(
      async (page, count) => parsePage(await client.request(paths.channels(device.deviceId), { query: { page, count } }), `WVP 设备 ${device.deviceId} 通道列表`),
      parseChannel,
      (c) => c.channelId,
      opts,
    );
    out.push({ device, channels });
  }
  return out;
}
