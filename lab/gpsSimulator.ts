/**
 * The lab's GPS units (一张图): six moving terminals near the lab's four mines that publish their position to the
 * lab broker on `gps/<id>` once a second, as the console's GPS feed expects it (src/main/gps/gpsReport.ts). Their
 * paths are pure functions of time (`position(unit, t)`), so any past moment is known too: `backfill(hours)`
 * publishes each unit's buffered history of the past hours at 10 s steps, the way a terminal uploads what it kept
 * while out of coverage.
 *
 * - 2 单兵 (body-worn terminals) walking a loop around their mine's industrial square, ~1.4 m/s
 * - 2 车载 (vehicles) driving between two mines along a few waypoints and back, ~12 m/s
 * - 1 移动app (a phone) walking around its mine, ~1.1 m/s
 * - 1 无人机 (drone) circling over its mine 120 m above the ground, ~8 m/s
 *
 * Each unit's phone is its mine's dispatch room in the lab PBX (8001…: auto answer), so 会商 from the map rings.
 */
import { readFileSync } from 'node:fs';
import { connectAsync, type MqttClient } from 'mqtt';
import type { GpsUnitKind } from '../src/shared/domain/gps';
import { buildPhones } from './pbx/phones';

/** The lab's four mines (as in channels.ts) with their place (WGS84). */
const MINE_IDS = ['M1228', 'M3707', 'M0430', 'M0218'] as const;
export type LabMineId = (typeof MINE_IDS)[number];

/** Height of the Shangdang basin's ground above the ellipsoid near the lab mines (approximate, 900–1000 m). */
export const LAB_GROUND_ALT_M = 930;
export const DRONE_HEIGHT_M = 120;
/** Topic prefix: each unit publishes on `gps/<id>`; the console subscribes to `gps/#`. */
export const LAB_GPS_TOPIC = 'gps/#';
/** Steps of the backfilled history. */
export const BACKFILL_STEP_MS = 10_000;
/** Reports per message of a backfill (one hour at 10 s steps): a terminal uploads its buffer in pieces. */
const BACKFILL_CHUNK = 360;

const M_PER_DEG_LAT = 111_320;

export type LonLat = readonly [lon: number, lat: number];

/** A unit's way: a closed loop of points in metres east/north of its mine (walks, flights), or a road between two mines. */
type Path =
  | { kind: 'loop'; around: LabMineId; points: readonly (readonly [east: number, north: number])[] }
  | { kind: 'circle'; around: LabMineId; radiusM: number }
  | { kind: 'road'; from: LabMineId; to: LabMineId; bends: readonly (readonly [along: number, side: number])[] };

export type LabGpsUnit = {
  id: string;
  kind: GpsUnitKind;
  name: string;
  mineId: LabMineId;
  phone: string;
  /** m/s along its path. */
  speed: number;
  path: Path;
  /** Seconds into the path at t = 0 (so units sharing a shape are not in step). */
  offsetS: number;
};

export type LabGpsPosition = { lon: number; lat: number; alt: number; speed: number; heading: number };

let mineCache: Map<LabMineId, LonLat> | null = null;

/** The lab mines' places from the bundled mine list. */
export function labMinePlaces(): Map<LabMineId, LonLat> {
  if (mineCache) return mineCache;
  const file = new URL('../assets/data/changzhi-coal-mines.json', import.meta.url);
  const mines = (JSON.parse(readFileSync(file, 'utf8')) as { mines: { id: string; location: [number, number] }[] }).mines;
  mineCache = new Map(
    MINE_IDS.map((id) => {
      const m = mines.find((x) => x.id === id);
      if (!m) throw new Error(`lab mine ${id} is not in changzhi-coal-mines.json`);
      return [id, [m.location[0], m.location[1]] as const];
    }),
  );
  return mineCache;
}

function dispatchPhone(mineId: LabMineId): string {
  const phone = buildPhones().find((p) => p.role === 'dispatch' && p.mineId === mineId && p.answer === 'auto');
  if (!phone) throw new Error(`no auto-answer dispatch phone for ${mineId} in the lab PBX`);
  return phone.number;
}

let unitCache: LabGpsUnit[] | null = null;

/** The six lab units, in a stable order. */
export function labGpsUnits(): LabGpsUnit[] {
  unitCache ??= [
    {
      id: 'lab-sb-01',
      kind: 'soldier',
      name: '五阳矿救护队员1',
      mineId: 'M1228',
      phone: dispatchPhone('M1228'),
      speed: 1.4,
      path: { kind: 'loop', around: 'M1228', points: [[-250, -150], [250, -150], [300, 50], [250, 200], [-200, 220], [-300, 30]] },
      offsetS: 0,
    },
    {
      id: 'lab-sb-02',
      kind: 'soldier',
      name: '常村矿安检员',
      mineId: 'M3707',
      phone: dispatchPhone('M3707'),
      speed: 1.4,
      path: { kind: 'loop', around: 'M3707', points: [[-180, -220], [220, -180], [260, 160], [-120, 240]] },
      offsetS: 200,
    },
    {
      id: 'lab-cz-01',
      kind: 'vehicle',
      name: '五阳—常村 救援车',
      mineId: 'M1228',
      phone: dispatchPhone('M1228'),
      speed: 12,
      path: { kind: 'road', from: 'M1228', to: 'M3707', bends: [[0.25, 600], [0.5, -400], [0.8, 300]] },
      offsetS: 0,
    },
    {
      id: 'lab-cz-02',
      kind: 'vehicle',
      name: '赵庄—高河 物资车',
      mineId: 'M0430',
      phone: dispatchPhone('M0430'),
      speed: 12,
      path: { kind: 'road', from: 'M0430', to: 'M0218', bends: [[0.3, -800], [0.6, 500]] },
      offsetS: 900,
    },
    {
      id: 'lab-app-01',
      kind: 'app',
      name: '赵庄矿值班员手机',
      mineId: 'M0430',
      phone: dispatchPhone('M0430'),
      speed: 1.1,
      path: { kind: 'loop', around: 'M0430', points: [[-120, -80], [150, -100], [160, 90], [-100, 120]] },
      offsetS: 50,
    },
    {
      id: 'lab-uav-01',
      kind: 'drone',
      name: '高河矿巡检无人机',
      mineId: 'M0218',
      phone: dispatchPhone('M0218'),
      speed: 8,
      path: { kind: 'circle', around: 'M0218', radiusM: 400 },
      offsetS: 0,
    },
  ];
  return unitCache;
}

/** Metres east/north of `origin` as lon/lat (a local flat approximation: paths span a few km). */
export function offset(origin: LonLat, east: number, north: number): LonLat {
  const lat = origin[1] + north / M_PER_DEG_LAT;
  const lon = origin[0] + east / (M_PER_DEG_LAT * Math.cos((origin[1] * Math.PI) / 180));
  return [lon, lat];
}

/** Great-circle distance in metres. */
export function distanceM(a: LonLat, b: LonLat): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The road's points in metres east/north of its start mine: start, bends (offset sideways), end. */
function roadPoints(path: Extract<Path, { kind: 'road' }>, places: Map<LabMineId, LonLat>): [number, number][] {
  const a = places.get(path.from)!;
  const b = places.get(path.to)!;
  const east = (b[0] - a[0]) * M_PER_DEG_LAT * Math.cos((a[1] * Math.PI) / 180);
  const north = (b[1] - a[1]) * M_PER_DEG_LAT;
  const length = Math.hypot(east, north);
  // Unit vectors along the road and to its left.
  const [ux, uy] = [east / length, north / length];
  const [lx, ly] = [-uy, ux];
  return [[0, 0], ...path.bends.map(([along, side]): [number, number] => [east * along + lx * side, north * along + ly * side]), [east, north]];
}

/** Where a closed polyline (metres) is after `distance` metres along it, and the direction of travel. */
function alongLoop(points: readonly (readonly [number, number])[], distance: number): { x: number; y: number; dx: number; dy: number } {
  const legs = points.map((p, i) => {
    const q = points[(i + 1) % points.length]!;
    return { p, q, length: Math.hypot(q[0] - p[0], q[1] - p[1]) };
  });
  const total = legs.reduce((s, l) => s + l.length, 0);
  let d = ((distance % total) + total) % total;
  for (const leg of legs) {
    if (d <= leg.length) {
      const f = leg.length === 0 ? 0 : d / leg.length;
      return { x: leg.p[0] + (leg.q[0] - leg.p[0]) * f, y: leg.p[1] + (leg.q[1] - leg.p[1]) * f, dx: leg.q[0] - leg.p[0], dy: leg.q[1] - leg.p[1] };
    }
    d -= leg.length;
  }
  const last = legs.at(-1)!;
  return { x: last.q[0], y: last.q[1], dx: last.q[0] - last.p[0], dy: last.q[1] - last.p[1] };
}

/** Degrees clockwise from north of a direction east/north. */
function headingOf(dx: number, dy: number): number {
  const h = Math.round(((Math.atan2(dx, dy) * 180) / Math.PI) * 10) / 10;
  return ((h % 360) + 360) % 360;
}

/** Where `unit` is at time `t` (ms since the epoch): a pure function, the same for the live feed and a backfill. */
export function position(unit: LabGpsUnit, t: number): LabGpsPosition {
  const places = labMinePlaces();
  const s = t / 1000 + unit.offsetS;
  const distance = unit.speed * s;
  const path = unit.path;
  if (path.kind === 'circle') {
    const centre = places.get(path.around)!;
    // Counter-clockwise seen from above: the angle grows from east towards north.
    const angle = distance / path.radiusM;
    const [lon, lat] = offset(centre, path.radiusM * Math.cos(angle), path.radiusM * Math.sin(angle));
    return { lon, lat, alt: LAB_GROUND_ALT_M + DRONE_HEIGHT_M, speed: unit.speed, heading: headingOf(-Math.sin(angle), Math.cos(angle)) };
  }
  // A road is driven there and back: its out-and-back polyline is a closed loop.
  const origin = places.get(path.kind === 'loop' ? path.around : path.from)!;
  const points = path.kind === 'loop' ? path.points : (() => {
    const out = roadPoints(path, places);
    return [...out, ...out.slice(1, -1).reverse()];
  })();
  const at = alongLoop(points, distance);
  const [lon, lat] = offset(origin, at.x, at.y);
  return { lon, lat, alt: LAB_GROUND_ALT_M, speed: unit.speed, heading: headingOf(at.dx, at.dy) };
}

/** The report a unit publishes at `t`, in the feed's JSON (see src/main/gps/gpsReport.ts). */
export function report(unit: LabGpsUnit, t: number): Record<string, unknown> {
  const p = position(unit, t);
  return {
    id: unit.id,
    kind: unit.kind,
    name: unit.name,
    lon: Math.round(p.lon * 1e7) / 1e7,
    lat: Math.round(p.lat * 1e7) / 1e7,
    alt: Math.round(p.alt * 10) / 10,
    speed: p.speed,
    heading: p.heading,
    time: t,
    phone: unit.phone,
    mineId: unit.mineId,
  };
}

export type LabBroker = { url: string; username: string; password: string };

async function connectBroker(broker: LabBroker, clientId: string): Promise<MqttClient> {
  return connectAsync(broker.url, { clientId, username: broker.username, password: broker.password, protocolVersion: 5, reconnectPeriod: 1000, connectTimeout: 5000 });
}

export type GpsSimulator = { stop(): Promise<void> };

/**
 * Publishes every unit's report on `gps/<id>` at each whole second (QoS 1) until stopped. Times are whole seconds,
 * so a report of the live feed and one of a backfill at the same moment are the same (unit, time): stored once.
 */
export async function startGpsSimulator(opts: { broker: LabBroker; log?: (line: string) => void; units?: readonly LabGpsUnit[] }): Promise<GpsSimulator> {
  const units = opts.units ?? labGpsUnits();
  const log = opts.log ?? ((): void => undefined);
  const client = await connectBroker(opts.broker, `mdc-lab-gps-${process.pid}`);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let failures = 0;
  const tick = (): void => {
    if (stopped) return;
    const t = Math.floor(Date.now() / 1000) * 1000;
    for (const unit of units) {
      client.publish(`gps/${unit.id}`, JSON.stringify(report(unit, t)), { qos: 1 }, (err) => {
        // While the broker is away MQTT.js queues; a failure here is worth one line, not one a second.
        if (err && failures++ === 0) log(`gps simulator: publish failed (${err.message}); retrying quietly`);
        if (!err) failures = 0;
      });
    }
    timer = setTimeout(tick, 1000 - (Date.now() % 1000));
  };
  timer = setTimeout(tick, 1000 - (Date.now() % 1000));
  log(`gps simulator: ${units.length} units publishing on gps/<id> once a second`);
  return {
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      // Forced: with the broker away, what MQTT.js still queues is of no use any more.
      await client.endAsync(true);
    },
  };
}

/**
 * Publishes each unit's positions of the past `hours` at 10 s steps (QoS 1, oldest first, one hour per message as
 * an array: a terminal's buffered history), up to `now`. Resolves once the broker acknowledged every message;
 * returns how many reports went out.
 */
export async function backfill(opts: { broker: LabBroker; hours: number; now?: number; units?: readonly LabGpsUnit[]; log?: (line: string) => void }): Promise<number> {
  const units = opts.units ?? labGpsUnits();
  const now = Math.floor((opts.now ?? Date.now()) / BACKFILL_STEP_MS) * BACKFILL_STEP_MS;
  const from = now - Math.round(opts.hours * 3600_000 / BACKFILL_STEP_MS) * BACKFILL_STEP_MS;
  const client = await connectBroker(opts.broker, `mdc-lab-gps-backfill-${process.pid}`);
  let sent = 0;
  try {
    for (const unit of units) {
      const times: number[] = [];
      for (let t = from; t <= now; t += BACKFILL_STEP_MS) times.push(t);
      for (let i = 0; i < times.length; i += BACKFILL_CHUNK) {
        const chunk = times.slice(i, i + BACKFILL_CHUNK).map((t) => report(unit, t));
        await client.publishAsync(`gps/${unit.id}`, JSON.stringify(chunk), { qos: 1 });
        sent += chunk.length;
      }
      opts.log?.(`gps backfill: ${unit.id} ${times.length} positions since ${new Date(from).toISOString()}`);
    }
  } finally {
    await client.endAsync();
  }
  return sent;
}

/** What `--lab-gps <file>` reads (src/main/gps/labGps.ts): the broker and the filter, with the password. */
export type LabGpsFile = { url: string; username: string; password: string; topic: string };

export function labGpsFile(broker: LabBroker): LabGpsFile {
  return { url: broker.url, username: broker.username, password: broker.password, topic: LAB_GPS_TOPIC };
}
