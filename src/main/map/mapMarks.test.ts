import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { AuditLog } from '../services/auditLog';
import { SettingsService } from '../services/settingsService';
import { openStore, type Db } from '../services/store';
import { createMapService } from './mapHandlers';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-map-'));
  dirs.push(dataDir);
  const db = openStore({ dataDir });
  dbs.push(db);
  let clock = 1_700_000_000_000;
  const audit = new AuditLog(db);
  const settings = new SettingsService(db, () => undefined);
  const map = createMapService({ db, settings, audit, actor: 'op', now: () => clock });
  return { db, dataDir, audit, settings, map, tick: (ms: number) => (clock += ms) };
}

describe('map marks', () => {
  it('creates, updates, lists and deletes marks, each stored and audited', async () => {
    const { map, audit, tick } = setup();
    const a = await map.handlers.saveMapMark({ name: ' 集合点 ', note: '', lon: 112.96, lat: 36.49 });
    expect(a).toMatchObject({ name: '集合点', note: '', lon: 112.96, lat: 36.49, createdAt: a.updatedAt });
    tick(1000);
    const b = await map.handlers.saveMapMark({ name: '救援队驻地', note: '东门', lon: 112.97, lat: 36.36 });
    tick(1000);
    const moved = await map.handlers.saveMapMark({ id: a.id, name: '新集合点', note: '北侧', lon: 112.95, lat: 36.5 });
    expect(moved).toMatchObject({ id: a.id, name: '新集合点', note: '北侧', lon: 112.95, createdAt: a.createdAt, updatedAt: a.createdAt + 2000 });
    expect((await map.handlers.listMapMarks({})).map((m) => m.name)).toEqual(['新集合点', '救援队驻地']);
    expect(await map.handlers.deleteMapMark({ id: b.id })).toBeNull();
    // Deleting twice is fine (and audited once).
    await map.handlers.deleteMapMark({ id: b.id });
    expect((await map.handlers.listMapMarks({})).map((m) => m.id)).toEqual([a.id]);
    expect(audit.list(10).map((e) => e.action)).toEqual(['map.mark.delete', 'map.mark.update', 'map.mark.create', 'map.mark.create']);
  });

  it('refuses an unknown id and out-of-range coordinates', async () => {
    const { map } = setup();
    await expect(map.handlers.saveMapMark({ id: 'nope', name: 'x', note: '', lon: 1, lat: 1 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(map.handlers.saveMapMark({ name: 'x', note: '', lon: 181, lat: 1 })).rejects.toThrow();
    await expect(map.handlers.saveMapMark({ name: '  ', note: '', lon: 1, lat: 1 })).rejects.toThrow();
    expect(await map.handlers.listMapMarks({})).toEqual([]);
  });

  it('marks survive a restart', async () => {
    const { map, dataDir, db } = setup();
    const a = await map.handlers.saveMapMark({ name: '指挥部', note: '', lon: 113, lat: 36.2 });
    db.close();
    dbs.splice(dbs.indexOf(db), 1);
    const again = openStore({ dataDir });
    dbs.push(again);
    const map2 = createMapService({ db: again, settings: new SettingsService(again, () => undefined), audit: new AuditLog(again), actor: 'op' });
    expect(await map2.handlers.listMapMarks({})).toEqual([a]);
  });

  it('saveMapOptions stores settings.map and returns the settings', async () => {
    const { map, settings } = setup();
    const options = {
      imagery: [{ id: 'img', name: '影像', type: 'satellite' as const, source: { kind: 'xyz' as const, url: 'http://tiles.lan:8080/{z}/{x}/{y}.png' }, maximumLevel: 18 }],
      activeImageryId: 'img',
      terrainUrl: 'http://terrain.lan/dem',
    };
    const next = await map.handlers.saveMapOptions(options);
    expect(next.map).toEqual(options);
    expect(settings.get().map).toEqual(options);
    expect(settings.get().gpsFeed).toEqual(DEFAULT_SETTINGS.gpsFeed);
  });
});
