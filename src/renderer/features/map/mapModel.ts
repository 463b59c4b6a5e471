import type { Alarm } from '../../../shared/domain/alarm';
import type { Catalogue, Channel, Mine } from '../../../shared/domain/catalogue';
import { EVENT_TYPES, type ConsoleEvent } from '../../../shared/domain/event';
import type { GpsUnit, GpsUnitKind } from '../../../shared/domain/gps';
import type { MapMark } from '../../../shared/domain/map';
import { POINT_CATEGORIES } from '../../../shared/domain/referenceData';
import type { MapPoint } from './engine/pointLayer';

/** The map's layers, in drawing and legend order. */
export const LAYER_NAMES = ['mines', 'cameras', 'units', 'alarms', 'events', 'marks'] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

/** 框选/圈选 result groups by type (the seed's list) and what each holds. */
export const SELECTION_TYPES = ['app', 'soldier', 'vehicle', 'camera', 'drone'] as const;
export type SelectionType = (typeof SELECTION_TYPES)[number];

export const UNIT_COLORS: Record<GpsUnitKind, string> = { app: '#13c2c2', soldier: '#2f54eb', vehicle: '#722ed1', drone: '#fa8c16' };
const OFFLINE = '#8c8c8c';
const LEVEL_HEX: Record<number, string> = { 1: '#1677ff', 2: '#fadb14', 3: '#fa8c16', 4: '#f5222d' };

export type MineStatus = { mine: Mine; total: number; online: number; openAlarms: number; maxLevel: number; status: 'alarm' | 'degraded' | 'ok' | 'empty' };

export const MINE_STATUS_COLORS: Record<MineStatus['status'], string> = { alarm: '#f5222d', degraded: '#faad14', ok: '#52c41a', empty: OFFLINE };

/** A mine's state from its channels (online ratio) and its open (unhandled) alarms. */
export function mineStatuses(catalogue: Pick<Catalogue, 'mines' | 'channels'>, openAlarms: readonly Alarm[]): Map<string, MineStatus> {
  const out = new Map<string, MineStatus>();
  for (const mine of catalogue.mines) out.set(mine.id, { mine, total: 0, online: 0, openAlarms: 0, maxLevel: 0, status: 'empty' });
  for (const ch of catalogue.channels) {
    const s = ch.mineId ? out.get(ch.mineId) : undefined;
    if (!s) continue;
    s.total++;
    if (ch.online) s.online++;
  }
  for (const a of openAlarms) {
    const s = a.mineId ? out.get(a.mineId) : undefined;
    if (!s || a.state !== 'new') continue;
    s.openAlarms++;
    s.maxLevel = Math.max(s.maxLevel, a.level);
  }
  for (const s of out.values())
    s.status = s.openAlarms > 0 ? 'alarm' : s.total === 0 ? 'empty' : s.online / s.total < 0.9 ? 'degraded' : 'ok';
  return out;
}

export function minePoints(statuses: ReadonlyMap<string, MineStatus>): MapPoint[] {
  const out: MapPoint[] = [];
  for (const s of statuses.values()) {
    if (!s.mine.location) continue;
    out.push({
      id: s.mine.id,
      lon: s.mine.location[0],
      lat: s.mine.location[1],
      color: MINE_STATUS_COLORS[s.status],
      // Larger than an alarm's point, so the state's ring shows around an alarm drawn on the mine.
      size: 20,
      outline: '#ffffff',
      label: s.mine.shortName || s.mine.name,
    });
  }
  return out;
}

const UNDERGROUND = new Set(POINT_CATEGORIES.filter((c) => c.location === 'underground').map((c) => c.code));

/** Cameras with a place: surface cyan, underground violet, offline grey. */
export function cameraPoints(channels: readonly Channel[]): MapPoint[] {
  const out: MapPoint[] = [];
  for (const ch of channels) {
    if (!ch.location) continue;
    out.push({
      id: ch.id,
      lon: ch.location[0],
      lat: ch.location[1],
      color: !ch.online ? OFFLINE : UNDERGROUND.has(ch.categoryCode) ? '#b37feb' : '#36cfc9',
      size: 8,
    });
  }
  return out;
}

export function unitPoints(units: readonly GpsUnit[]): MapPoint[] {
  const out: MapPoint[] = [];
  for (const u of units) {
    if (!u.last) continue;
    out.push({
      id: u.id,
      lon: u.last.lon,
      lat: u.last.lat,
      // Drawn on the ground: reported heights are above the ellipsoid and the globe has no terrain by default.
      color: u.online ? UNIT_COLORS[u.kind] : OFFLINE,
      size: 12,
      outline: '#ffffff',
      label: u.name || u.id,
    });
  }
  return out;
}

/** Where an alarm is: its channel's place, else its mine's. */
export function alarmPoints(alarms: readonly Alarm[], channels: ReadonlyMap<string, Channel>, mines: ReadonlyMap<string, Mine>, kindText: (a: Alarm) => string): MapPoint[] {
  const out: MapPoint[] = [];
  for (const a of alarms) {
    const at = (a.channelId ? channels.get(a.channelId)?.location : null) ?? (a.mineId ? mines.get(a.mineId)?.location : null);
    if (!at) continue;
    out.push({ id: a.id, lon: at[0], lat: at[1], color: LEVEL_HEX[a.level] ?? '#f5222d', size: 14, outline: '#ffffff', label: kindText(a) });
  }
  return out;
}

export function eventPoints(events: readonly ConsoleEvent[]): MapPoint[] {
  const out: MapPoint[] = [];
  for (const e of events) {
    if (!e.location) continue;
    out.push({ id: e.id, lon: e.location[0], lat: e.location[1], color: EVENT_TYPES[e.type].color, size: 14, outline: '#000000', label: EVENT_TYPES[e.type].name });
  }
  return out;
}

export function markPoints(marks: readonly MapMark[]): MapPoint[] {
  return marks.map((m) => ({ id: m.id, lon: m.lon, lat: m.lat, color: '#ffd666', size: 11, outline: '#000000', label: m.name }));
}

/** The 36 point categories of a mine with its channel counts (total, online), in category order. */
export function mineCategoryCounts(mineId: string, channels: readonly Channel[]): { code: string; name: string; total: number; online: number }[] {
  const counts = new Map<string, { total: number; online: number }>();
  for (const ch of channels) {
    if (ch.mineId !== mineId) continue;
    const c = counts.get(ch.categoryCode) ?? { total: 0, online: 0 };
    c.total++;
    if (ch.online) c.online++;
    counts.set(ch.categoryCode, c);
  }
  return POINT_CATEGORIES.map((c) => ({ code: c.code, name: c.name, ...(counts.get(c.code) ?? { total: 0, online: 0 }) }));
}

export type GroupedSelection = {
  byType: Record<SelectionType, { id: string; name: string; online: boolean; channelId: string | null; phone: string | null }[]>;
  mines: string[];
  alarms: string[];
  events: string[];
  marks: string[];
  /** Channels 实时预览 opens: selected cameras first, then the units' own video. */
  channelIds: string[];
  /** Numbers 发起会商 calls: the units' phones. */
  phones: { number: string; name: string }[];
};

/** A box or circle selection's result, grouped by type (移动app、单兵、车载、摄像头、无人机) and by function. */
export function groupSelection(
  picked: ReadonlyMap<string, readonly MapPoint[]>,
  channels: ReadonlyMap<string, Channel>,
  units: ReadonlyMap<string, GpsUnit>,
): GroupedSelection {
  const byType: GroupedSelection['byType'] = { app: [], soldier: [], vehicle: [], camera: [], drone: [] };
  const ids = (layer: LayerName) => (picked.get(layer) ?? []).map((p) => p.id);
  for (const id of ids('cameras')) {
    const ch = channels.get(id);
    if (ch) byType.camera.push({ id, name: ch.name, online: ch.online, channelId: ch.id, phone: null });
  }
  for (const id of ids('units')) {
    const u = units.get(id);
    if (u) byType[u.kind].push({ id, name: u.name || u.id, online: u.online, channelId: u.channelId, phone: u.phone });
  }
  const channelIds = [...byType.camera.map((c) => c.id), ...(['soldier', 'vehicle', 'drone', 'app'] as const).flatMap((k) => byType[k].flatMap((u) => (u.channelId ? [u.channelId] : [])))];
  const phones = (['soldier', 'vehicle', 'app', 'drone'] as const).flatMap((k) => byType[k].flatMap((u) => (u.phone ? [{ number: u.phone, name: u.name }] : [])));
  return { byType, mines: ids('mines'), alarms: ids('alarms'), events: ids('events'), marks: ids('marks'), channelIds: [...new Set(channelIds)], phones };
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (mean Earth radius; the circle selection's test). */
export function haversineMetres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The mine nearest to a place, if one lies within `maxMetres` (a new event placed on the map belongs to it). */
export function nearestMine(mines: readonly Mine[], at: readonly [number, number], maxMetres: number): Mine | null {
  let best: Mine | null = null;
  let bestDistance = maxMetres;
  for (const m of mines) {
    if (!m.location) continue;
    const d = haversineMetres({ lon: at[0], lat: at[1] }, { lon: m.location[0], lat: m.location[1] });
    if (d <= bestDistance) {
      best = m;
      bestDistance = d;
    }
  }
  return best;
}
