import { GPS_ONLINE_MS, GPS_TRACK_MAX_FIXES, type GpsFix, type GpsTrack, type GpsTrackQuery, type GpsUnit, type GpsUnitKind } from '../../shared/domain/gps';
import type { Db } from '../services/store';
import { GpsReportError, type GpsReport } from './gpsReport';

type UnitRow = {
  id: string;
  kind: GpsUnitKind;
  name: string;
  mine_id: string | null;
  phone: string | null;
  channel_id: string | null;
  last_at: number | null;
  last_lon: number | null;
  last_lat: number | null;
  last_alt: number | null;
  last_speed: number | null;
  last_heading: number | null;
};
type FixRow = { at: number; lon: number; lat: number; alt: number | null; speed: number | null; heading: number | null };

export type GpsIngestResult = {
  /** Fixes stored now (repeats of a stored (unit, time) are not). */
  stored: GpsFix[];
  /** Units seen for the first time, or whose kind, name, mine, phone or channel changed. */
  changedUnits: string[];
};

/**
 * GPS units and their positions in SQLite (migration 11). A unit's row carries its newest fix by the unit's own
 * time, so a late upload of buffered history never moves it backwards; fixes are keyed by (unit, time), so a
 * repeated report (a redelivery, an upload sent twice) is stored once.
 */
export class GpsStore {
  private readonly getUnit;
  private readonly insertUnit;
  private readonly updateUnit;
  private readonly insertFix;
  private readonly updateLast;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.getUnit = db.prepare('SELECT * FROM gps_units WHERE id = ?');
    this.insertUnit = db.prepare(
      'INSERT INTO gps_units (id, kind, name, mine_id, phone, channel_id, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateUnit = db.prepare('UPDATE gps_units SET kind = ?, name = ?, mine_id = ?, phone = ?, channel_id = ?, updated_at = ? WHERE id = ?');
    this.insertFix = db.prepare(
      'INSERT OR IGNORE INTO gps_fixes (unit_id, at, lon, lat, alt, speed, heading, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateLast = db.prepare(
      `UPDATE gps_units SET last_at = ?, last_lon = ?, last_lat = ?, last_alt = ?, last_speed = ?, last_heading = ?
       WHERE id = ? AND (last_at IS NULL OR last_at < ?)`,
    );
  }

  /**
   * Stores one payload's reports in one transaction (all or none): each unit created or updated with what the
   * report says, each fix inserted once. A new unit without a kind is refused (GpsReportError).
   */
  ingest(reports: readonly GpsReport[], receivedAt: number = this.now()): GpsIngestResult {
    return this.db.transaction(() => {
      const stored: GpsFix[] = [];
      const changed = new Set<string>();
      for (const { unit, fix } of reports) {
        const row = this.getUnit.get(unit.id) as UnitRow | undefined;
        if (!row) {
          if (!unit.kind) throw new GpsReportError(`新终端缺少 kind，应为移动app、单兵、车载或无人机`);
          this.insertUnit.run(unit.id, unit.kind, unit.name ?? unit.id, unit.mineId ?? null, unit.phone ?? null, unit.channelId ?? null, receivedAt, receivedAt);
          changed.add(unit.id);
        } else {
          const next = {
            kind: unit.kind ?? row.kind,
            name: unit.name ?? row.name,
            mine_id: unit.mineId ?? row.mine_id,
            phone: unit.phone ?? row.phone,
            channel_id: unit.channelId ?? row.channel_id,
          };
          if (next.kind !== row.kind || next.name !== row.name || next.mine_id !== row.mine_id || next.phone !== row.phone || next.channel_id !== row.channel_id) {
            this.updateUnit.run(next.kind, next.name, next.mine_id, next.phone, next.channel_id, receivedAt, unit.id);
            changed.add(unit.id);
          }
        }
        if (this.insertFix.run(fix.unitId, fix.at, fix.lon, fix.lat, fix.alt, fix.speed, fix.heading, receivedAt).changes === 0) continue;
        stored.push(fix);
        this.updateLast.run(fix.at, fix.lon, fix.lat, fix.alt, fix.speed, fix.heading, fix.unitId, fix.at);
      }
      return { stored, changedUnits: [...changed] };
    })();
  }

  /** Every known unit with its newest fix, by name. */
  units(now: number = this.now()): GpsUnit[] {
    const rows = this.db.prepare('SELECT * FROM gps_units ORDER BY name, id').all() as UnitRow[];
    return rows.map((r) => toUnit(r, now));
  }

  unit(id: string, now: number = this.now()): GpsUnit | null {
    const row = this.getUnit.get(id) as UnitRow | undefined;
    return row ? toUnit(row, now) : null;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM gps_units').get() as { n: number }).n;
  }

  /**
   * A unit's fixes in [from, to], oldest first; more than `max` are thinned evenly (the first and the last kept),
   * read with a cursor so a day of 1 s fixes never sits in memory at once. The window's limit is the schema's.
   */
  track(query: GpsTrackQuery, max: number = GPS_TRACK_MAX_FIXES): GpsTrack {
    const { unitId, from, to } = query;
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM gps_fixes WHERE unit_id = ? AND at BETWEEN ? AND ?').get(unitId, from, to) as { n: number }).n;
    const rows = this.db.prepare('SELECT at, lon, lat, alt, speed, heading FROM gps_fixes WHERE unit_id = ? AND at BETWEEN ? AND ? ORDER BY at');
    const fixes: GpsFix[] = [];
    if (total <= max) {
      for (const r of rows.iterate(unitId, from, to) as IterableIterator<FixRow>) fixes.push(toFix(unitId, r));
      return { unitId, fixes, thinned: false };
    }
    // Pick k·(total−1)/(max−1) for k = 0 … max−1: evenly spread, index 0 and total−1 included.
    let k = 0;
    let next = 0;
    let i = 0;
    for (const r of rows.iterate(unitId, from, to) as IterableIterator<FixRow>) {
      if (i === next) {
        fixes.push(toFix(unitId, r));
        k += 1;
        if (k >= max) break;
        next = Math.round((k * (total - 1)) / (max - 1));
      }
      i += 1;
    }
    return { unitId, fixes, thinned: true };
  }

  /** Ids of every unit (for pruning unit by unit). */
  unitIds(): string[] {
    return (this.db.prepare('SELECT id FROM gps_units ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  }

  /** Deletes up to `limit` of a unit's fixes measured before `before`, oldest first; returns how many. */
  pruneUnit(unitId: string, before: number, limit: number): number {
    return this.db
      .prepare('DELETE FROM gps_fixes WHERE unit_id = ? AND at IN (SELECT at FROM gps_fixes WHERE unit_id = ? AND at < ? ORDER BY at LIMIT ?)')
      .run(unitId, unitId, before, limit).changes;
  }
}

function toFix(unitId: string, r: FixRow): GpsFix {
  return { unitId, at: r.at, lon: r.lon, lat: r.lat, alt: r.alt, speed: r.speed, heading: r.heading };
}

function toUnit(r: UnitRow, now: number): GpsUnit {
  const last: GpsFix | null =
    r.last_at === null || r.last_lon === null || r.last_lat === null
      ? null
      : { unitId: r.id, at: r.last_at, lon: r.last_lon, lat: r.last_lat, alt: r.last_alt, speed: r.last_speed, heading: r.last_heading };
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    mineId: r.mine_id,
    phone: r.phone,
    channelId: r.channel_id,
    last,
    online: last !== null && now - last.at < GPS_ONLINE_MS,
  };
}

/** Positions are kept this long. */
export const GPS_RETENTION_MS = 7 * 24 * 3600_000;
const PRUNE_BATCH = 2000;

/**
 * Deletes every fix measured before `before`, unit by unit in batches of `batch`, yielding to the event loop
 * between batches (a week of 1 s fixes is millions of rows: one DELETE would hold the loop and the database).
 * Stops early once `stopped()` says so. Returns how many were deleted.
 */
export async function pruneGpsFixes(store: GpsStore, before: number, opts: { batch?: number; stopped?: () => boolean } = {}): Promise<number> {
  const batch = opts.batch ?? PRUNE_BATCH;
  let deleted = 0;
  for (const unitId of store.unitIds()) {
    for (;;) {
      if (opts.stopped?.()) return deleted;
      const n = store.pruneUnit(unitId, before, batch);
      deleted += n;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (n < batch) break;
    }
  }
  return deleted;
}
