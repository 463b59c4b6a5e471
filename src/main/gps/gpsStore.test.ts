import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../shared/contract/dispatcher';
import type { ConsoleHandlers } from '../../shared/contract/consoleApi';
import { GPS_ONLINE_MS, GPS_TRACK_WINDOW_MS, type GpsFix } from '../../shared/domain/gps';
import { openStore, type Db } from '../services/store';
import { GpsReportError, parseGpsReport, type GpsReport } from './gpsReport';
import { GPS_RETENTION_MS, GpsStore, pruneGpsFixes } from './gpsStore';

const T0 = Date.UTC(2025, 5, 1, 0, 0, 0);
const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-gps-store-'));
  dirs.push(dataDir);
  const db = openStore({ dataDir });
  dbs.push(db);
  let now = T0;
  const store = new GpsStore(db, () => now);
  return { db, store, setNow: (t: number) => (now = t) };
}

function report(body: Record<string, unknown>, receivedAt = T0): GpsReport {
  return parseGpsReport({ kind: 'soldier', lon: 112.96, lat: 36.49, ...body }, receivedAt);
}

/** One fix a second for `seconds` seconds from `from`, as one batch of reports. */
function walk(id: string, from: number, seconds: number): GpsReport[] {
  return Array.from({ length: seconds }, (_, i) => report({ id, time: from + i * 1000, lon: 112.9 + i * 1e-5 }, from + seconds * 1000));
}

describe('GPS store', () => {
  it('stores a repeated fix once and keeps the newest fix by the unit time', () => {
    const { store } = setup();
    const first = store.ingest([report({ id: 'sb1', name: '单兵1', time: T0 - 5000, phone: '8001' })], T0);
    expect(first.stored).toHaveLength(1);
    expect(first.changedUnits).toEqual(['sb1']);
    // The same report again (a redelivery): nothing new.
    expect(store.ingest([report({ id: 'sb1', name: '单兵1', time: T0 - 5000, phone: '8001' })], T0)).toEqual({ stored: [], changedUnits: [] });
    // Buffered history arriving late does not move the unit backwards.
    const late = store.ingest([report({ id: 'sb1', time: T0 - 60_000, lon: 100 })], T0);
    expect(late).toEqual({ stored: [expect.objectContaining({ at: T0 - 60_000 })], changedUnits: [] });
    expect(store.unit('sb1')).toMatchObject({ id: 'sb1', kind: 'soldier', name: '单兵1', phone: '8001', mineId: null, last: { at: T0 - 5000, lon: 112.96 }, online: true });
    // A report that omits the name keeps it; one that changes the phone marks the unit changed.
    expect(store.ingest([report({ id: 'sb1', time: T0, phone: '8002' })], T0).changedUnits).toEqual(['sb1']);
    expect(store.unit('sb1')).toMatchObject({ name: '单兵1', phone: '8002', last: { at: T0 } });
  });

  it('names a new unit by its id, refuses a new unit without kind, and a batch is all or nothing', () => {
    const { store } = setup();
    store.ingest([parseGpsReport({ id: 'car-1', kind: '车载', lon: 1, lat: 1, time: T0 }, T0)], T0);
    expect(store.unit('car-1')).toMatchObject({ name: 'car-1', kind: 'vehicle' });
    // Known unit: kind may be omitted.
    expect(store.ingest([parseGpsReport({ id: 'car-1', lon: 1, lat: 2, time: T0 + 1000 }, T0)], T0).stored).toHaveLength(1);
    const batch = [parseGpsReport({ id: 'car-1', lon: 1, lat: 3, time: T0 + 2000 }, T0), parseGpsReport({ id: 'mystery', lon: 1, lat: 1 }, T0)];
    expect(() => store.ingest(batch, T0)).toThrow(GpsReportError);
    expect(store.unit('car-1')?.last?.lat).toBe(2);
    expect(store.unit('mystery')).toBeNull();
  });

  it('online while the newest fix is younger than GPS_ONLINE_MS', () => {
    const { store, setNow } = setup();
    store.ingest([report({ id: 'a', time: T0 })], T0);
    setNow(T0 + GPS_ONLINE_MS - 1);
    expect(store.units().map((u) => u.online)).toEqual([true]);
    setNow(T0 + GPS_ONLINE_MS);
    expect(store.units().map((u) => u.online)).toEqual([false]);
    expect(store.count()).toBe(1);
  });

  it('a track is oldest first, within its window, and thinned evenly keeping the first and last', () => {
    const { store } = setup();
    store.ingest(walk('w', T0, 1000), T0 + 1000_000);
    store.ingest(walk('other', T0, 10), T0 + 10_000);
    const all = store.track({ unitId: 'w', from: T0 + 100_000, to: T0 + 199_000 });
    expect(all.thinned).toBe(false);
    expect(all.fixes.map((f) => f.at)).toEqual(Array.from({ length: 100 }, (_, i) => T0 + (100 + i) * 1000));
    const thin = store.track({ unitId: 'w', from: T0, to: T0 + 999_000 }, 10);
    expect(thin.thinned).toBe(true);
    expect(thin.fixes.map((f: GpsFix) => (f.at - T0) / 1000)).toEqual([0, 111, 222, 333, 444, 555, 666, 777, 888, 999]);
    expect(store.track({ unitId: 'w', from: T0, to: T0 + 999_000 }, 1000).thinned).toBe(false);
    expect(store.track({ unitId: 'nobody', from: T0, to: T0 + 1000 })).toEqual({ unitId: 'nobody', fixes: [], thinned: false });
  });

  it('a track query over more than 24 hours is refused by the contract schema', async () => {
    const { store } = setup();
    const dispatch = createDispatcher({ queryGpsTrack: async (q) => store.track(q) } as Partial<ConsoleHandlers> as ConsoleHandlers, () => undefined);
    const refused = await dispatch('queryGpsTrack', { unitId: 'a', from: T0, to: T0 + GPS_TRACK_WINDOW_MS + 1 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('24 小时') } });
    expect(await dispatch('queryGpsTrack', { unitId: 'a', from: T0, to: T0 + GPS_TRACK_WINDOW_MS })).toMatchObject({ ok: true });
  });

  it('prunes fixes older than the retention in batches, keeping the units and newer fixes', async () => {
    const { store, db } = setup();
    const old = T0 - GPS_RETENTION_MS;
    store.ingest(walk('a', old - 50_000, 50), T0);
    store.ingest(walk('a', T0 - 10_000, 10), T0);
    store.ingest(walk('b', old - 5_000, 5), T0);
    const deleted = await pruneGpsFixes(store, T0 - GPS_RETENTION_MS, { batch: 7 });
    expect(deleted).toBe(55);
    expect((db.prepare('SELECT COUNT(*) AS n FROM gps_fixes').get() as { n: number }).n).toBe(10);
    expect(store.units().map((u) => u.id)).toEqual(['a', 'b']);
    expect(await pruneGpsFixes(store, T0 - GPS_RETENTION_MS)).toBe(0);
  });
});
