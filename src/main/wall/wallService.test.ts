import { channel } from './channelFixture.test-support';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Channel } from '../../shared/domain/catalogue';
import { ConsoleError } from '../../shared/contract/rpc';
import { PRESET_LAYOUTS, mergeCells, wallStateSchema, type Tour, type WallCommand, type WallState } from '../../shared/domain/wall';
import { openStore, type Db } from '../services/store';
import { TICK_RETRY_MS, WallService } from './wallService';

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);


/** Six cameras of mine A (lab:5 offline), two of mine B in another county. */
const CATALOGUE: Channel[] = [
  channel('lab:1'),
  channel('lab:2', { categoryCode: '05' }),
  channel('lab:3'),
  channel('lab:4', { categoryCode: '05' }),
  channel('lab:5', { online: false }),
  channel('lab:6'),
  channel('lab:7', { countyCode: '140425', mineId: 'mine-b' }),
  channel('lab:8', { countyCode: '140425', mineId: 'mine-b', categoryCode: '05' }),
];

const listTour = (id: string, channelIds: string[], dwellSeconds = 10): Tour => ({ id, name: `轮巡 ${id}`, dwellSeconds, source: { kind: 'list', channelIds } });
const mineTour: Tour = {
  id: 'mine-a',
  name: '一矿全部',
  dwellSeconds: 10,
  source: { kind: 'query', countyCode: null, mineId: 'mine-a', categoryCode: null, onlineOnly: false },
};

const dirs: string[] = [];
const services: WallService[] = [];
const dbs: Db[] = [];

type Harness = {
  dir: string;
  db: Db;
  wall: WallService;
  channels: Channel[];
  warnings: string[];
  /** Every state announced by onDidChange, in order. */
  changes: WallState[];
  run(cmd: WallCommand): WallState;
  /** A new WallService on the same database (the old one disposed), as after a restart. */
  restart(options?: { reopenDb?: boolean }): WallService;
};

function harness(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-wall-'))): Harness {
  if (!dirs.includes(dir)) dirs.push(dir);
  const h = {
    dir,
    db: openStore({ dataDir: dir }),
    channels: [...CATALOGUE],
    warnings: [] as string[],
    changes: [] as WallState[],
  } as Harness;
  dbs.push(h.db);
  const make = () => {
    const wall = new WallService(h.db, { channels: () => h.channels }, { warn: (m) => h.warnings.push(m) });
    services.push(wall);
    wall.onDidChange((s) => h.changes.push(s));
    return wall;
  };
  h.wall = make();
  h.run = (cmd) => h.wall.command(cmd).state;
  h.restart = ({ reopenDb = false } = {}) => {
    h.wall.dispose();
    if (reopenDb) {
      h.db.close();
      h.db = openStore({ dataDir: dir });
      dbs.push(h.db);
    }
    h.wall = make();
    return h.wall;
  };
  return h;
}

/** The ConsoleError code a call fails with (or a note that it did not fail that way). */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof ConsoleError ? err.code : `not a ConsoleError: ${String(err)}`;
  }
  return 'did not throw';
}

const ids = (s: WallState, monitor = 1) => s.monitors.find((m) => m.id === monitor)!.tiles.map((t) => t.channelId);
const gens = (s: WallState, monitor = 1) => s.monitors.find((m) => m.id === monitor)!.tiles.map((t) => t.generation);
const visibleIds = (s: WallState, monitor = 1) => {
  const m = s.monitors.find((x) => x.id === monitor)!;
  return m.tiles.slice(0, m.layout.cells.length).map((t) => t.channelId);
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  for (const s of services.splice(0)) s.dispose();
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  vi.useRealTimers();
});

describe('WallService: monitors and tiles', () => {
  it('starts with one monitor in the 4-split, empty tiles, no tours, runs or scenes', () => {
    const { wall, warnings } = harness();
    const s = wall.state();
    expect(wallStateSchema.safeParse(s).success).toBe(true);
    // Versions start at the clock, so a restarted host never announces one older than a window holds.
    expect(s.version).toBe(T0);
    expect(s.monitors).toHaveLength(1);
    expect(s.monitors[0]).toMatchObject({ id: 1, layout: PRESET_LAYOUTS['4'] });
    expect(s.monitors[0]!.tiles).toEqual(Array.from({ length: 4 }, () => ({ channelId: null, profile: 'auto', generation: 0 })));
    expect([s.tours, s.runs, s.scenes]).toEqual([[], [], []]);
    expect(warnings).toEqual([]);
  });

  it('ensureMonitors adds the missing monitors in order and never removes any', () => {
    const h = harness();
    h.run({ op: 'open', monitor: 1, tile: 0, channelId: 'lab:1' });
    let s = h.run({ op: 'ensureMonitors', count: 3 });
    expect(s.monitors.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(s.monitors[2]!.name).toBe('监视器 3');
    expect(ids(s)).toEqual(['lab:1', null, null, null]);
    s = h.run({ op: 'ensureMonitors', count: 1 });
    expect(s.monitors.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(ids(s)).toEqual(['lab:1', null, null, null]);
  });

  it('open puts a channel on a tile and bumps its generation; re-opening the same channel bumps it again', () => {
    const h = harness();
    let s = h.run({ op: 'open', monitor: 1, tile: 2, channelId: 'lab:1' });
    expect(ids(s)).toEqual([null, null, 'lab:1', null]);
    expect(gens(s)).toEqual([0, 0, 1, 0]);
    s = h.run({ op: 'open', monitor: 1, tile: 2, channelId: 'lab:1' });
    expect(gens(s)[2]).toBe(2);
    s = h.run({ op: 'open', monitor: 1, tile: 2, channelId: 'lab:2' });
    expect(s.monitors[0]!.tiles[2]).toEqual({ channelId: 'lab:2', profile: 'auto', generation: 3 });
  });

  it('fill takes the free visible tiles in order, skips channels already shown and duplicates, and counts what did not fit', () => {
    const h = harness();
    h.run({ op: 'open', monitor: 1, tile: 1, channelId: 'lab:9' });
    const r = h.wall.command({ op: 'fill', monitor: 1, channelIds: ['lab:1', 'lab:9', 'lab:2', 'lab:1', 'lab:3', 'lab:4', 'lab:4', 'lab:5'] });
    expect(ids(r.state)).toEqual(['lab:1', 'lab:9', 'lab:2', 'lab:3']);
    expect(gens(r.state)).toEqual([1, 1, 1, 1]);
    expect(r.skipped).toBe(2); // lab:4 and lab:5; the duplicates and lab:9 (shown) are not "did not fit"
    const full = h.wall.command({ op: 'fill', monitor: 1, channelIds: ['lab:1', 'lab:6'] });
    expect(full.skipped).toBe(1);
    expect(ids(full.state)).toEqual(['lab:1', 'lab:9', 'lab:2', 'lab:3']);
    expect(gens(full.state)).toEqual([1, 1, 1, 1]);
  });

  it('fill never writes into tiles hidden by the layout', () => {
    const h = harness();
    h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['1'] });
    const r = h.wall.command({ op: 'fill', monitor: 1, channelIds: ['lab:1', 'lab:2'] });
    expect(ids(r.state)).toEqual(['lab:1', null, null, null]);
    expect(r.skipped).toBe(1);
  });

  it('swap exchanges two tiles on one monitor and across monitors, each slot past both generations', () => {
    const h = harness();
    h.run({ op: 'ensureMonitors', count: 2 });
    h.run({ op: 'open', monitor: 1, tile: 0, channelId: 'lab:1' });
    h.run({ op: 'open', monitor: 1, tile: 0, channelId: 'lab:1' }); // generation 2
    h.run({ op: 'open', monitor: 1, tile: 3, channelId: 'lab:2' }); // generation 1
    let s = h.run({ op: 'swap', from: { monitor: 1, tile: 0 }, to: { monitor: 1, tile: 3 } });
    expect(ids(s)).toEqual(['lab:2', null, null, 'lab:1']);
    expect(gens(s)).toEqual([3, 0, 0, 3]);
    // Across monitors, also with an empty tile (a move).
    s = h.run({ op: 'swap', from: { monitor: 1, tile: 3 }, to: { monitor: 2, tile: 1 } });
    expect(ids(s, 1)).toEqual(['lab:2', null, null, null]);
    expect(ids(s, 2)).toEqual([null, 'lab:1', null, null]);
    expect(gens(s, 2)[1]).toBeGreaterThan(3);
    expect(failure(() => h.wall.command({ op: 'swap', from: { monitor: 1, tile: 0 }, to: { monitor: 3, tile: 0 } }))).toBe('bad-request');
  });

  it('close empties a tile; clear empties every tile of the monitor (hidden ones too) and no other monitor', () => {
    const h = harness();
    h.run({ op: 'ensureMonitors', count: 2 });
    h.run({ op: 'fill', monitor: 1, channelIds: ['lab:1', 'lab:2', 'lab:3', 'lab:4'] });
    h.run({ op: 'open', monitor: 2, tile: 0, channelId: 'lab:7' });
    let s = h.run({ op: 'close', monitor: 1, tile: 1 });
    expect(ids(s)).toEqual(['lab:1', null, 'lab:3', 'lab:4']);
    h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['1'] });
    s = h.run({ op: 'clear', monitor: 1 });
    expect(ids(s)).toEqual([null, null, null, null]);
    expect(ids(s, 2)).toEqual(['lab:7', null, null, null]);
  });

  it('setProfile changes the stream profile and reopens; reopen only bumps the generation', () => {
    const h = harness();
    h.run({ op: 'open', monitor: 1, tile: 0, channelId: 'lab:1' });
    let s = h.run({ op: 'setProfile', monitor: 1, tile: 0, profile: 'sub' });
    expect(s.monitors[0]!.tiles[0]).toEqual({ channelId: 'lab:1', profile: 'sub', generation: 2 });
    s = h.run({ op: 'reopen', monitor: 1, tile: 0 });
    expect(s.monitors[0]!.tiles[0]).toEqual({ channelId: 'lab:1', profile: 'sub', generation: 3 });
  });

  it('switching layout keeps the tiles that stay visible, hides the rest with their channels and restores them when switching back', () => {
    const h = harness();
    h.run({ op: 'fill', monitor: 1, channelIds: ['lab:1', 'lab:2', 'lab:3', 'lab:4'] });
    const before = h.wall.state().monitors[0]!.tiles;
    let s = h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['1'] });
    expect(s.monitors[0]!.layout).toEqual(PRESET_LAYOUTS['1']);
    expect(s.monitors[0]!.tiles).toEqual(before); // tile 0 unchanged (same generation), 1-3 kept hidden
    s = h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['9'] });
    expect(ids(s)).toEqual(['lab:1', 'lab:2', 'lab:3', 'lab:4', null, null, null, null, null]);
    expect(gens(s)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);
    s = h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['4'] });
    expect(s.monitors[0]!.tiles.slice(0, 4)).toEqual(before);
    // A merged custom layout is accepted like a preset.
    const custom = mergeCells(PRESET_LAYOUTS['9'], [0, 1, 3, 4])!;
    s = h.run({ op: 'setLayout', monitor: 1, layout: custom });
    expect(s.monitors[0]!.layout).toEqual(custom);
    expect(visibleIds(s)).toEqual(['lab:1', 'lab:2', 'lab:3', 'lab:4', null, null]);
  });

  it('refuses commands on tiles outside the layout and on missing monitors as bad-request, changing nothing', () => {
    const h = harness();
    h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['1'] });
    const version = h.wall.state().version;
    const refused: WallCommand[] = [
      { op: 'open', monitor: 1, tile: 1, channelId: 'lab:1' },
      { op: 'open', monitor: 1, tile: 63, channelId: 'lab:1' },
      { op: 'close', monitor: 1, tile: 3 },
      { op: 'setProfile', monitor: 1, tile: 2, profile: 'main' },
      { op: 'reopen', monitor: 1, tile: 1 },
      { op: 'swap', from: { monitor: 1, tile: 0 }, to: { monitor: 1, tile: 1 } },
      { op: 'open', monitor: 2, tile: 0, channelId: 'lab:1' },
      { op: 'fill', monitor: 5, channelIds: ['lab:1'] },
      { op: 'clear', monitor: 2 },
      { op: 'setLayout', monitor: 2, layout: PRESET_LAYOUTS['4'] },
    ];
    for (const cmd of refused) expect(failure(() => h.wall.command(cmd)), JSON.stringify(cmd)).toBe('bad-request');
    h.run({ op: 'saveTour', tour: listTour('t', ['lab:1']) });
    expect(failure(() => h.wall.command({ op: 'startTour', tourId: 't', monitor: 1, tile: 2 }))).toBe('bad-request');
    expect(h.wall.state().version).toBe(version + 1);
    expect(ids(h.wall.state())).toEqual([null, null, null, null]);
  });

  it('returns copies: changing a returned state changes nothing inside', () => {
    const { wall } = harness();
    const s = wall.state();
    s.monitors[0]!.tiles[0]!.channelId = 'hacked';
    s.monitors.push({ ...s.monitors[0]!, id: 2 });
    expect(wall.state().monitors).toHaveLength(1);
    expect(wall.state().monitors[0]!.tiles[0]!.channelId).toBeNull();
  });
});

describe('WallService: tours', () => {
  it('a tile tour over a list shows one channel per dwell and wraps around', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('gate', ['lab:3', 'lab:1', 'gone:1', 'lab:7']) });
    let s = h.run({ op: 'startTour', tourId: 'gate', monitor: 1, tile: 1 });
    expect(s.runs).toEqual([{ tourId: 'gate', monitor: 1, tile: 1, step: 0, steps: 3, paused: false, nextAt: T0 + 10_000 }]);
    expect(ids(s)).toEqual([null, 'lab:3', null, null]);
    const seen: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(10_000);
      s = h.wall.state();
      seen.push(ids(s)[1]!);
    }
    expect(seen).toEqual(['lab:1', 'lab:7', 'lab:3', 'lab:1']);
    expect(s.runs[0]).toMatchObject({ step: 1, nextAt: T0 + 50_000 });
    expect(gens(s)[1]).toBe(5);
  });

  it('does not step before the dwell is over', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('gate', ['lab:1', 'lab:2'], 30) });
    h.run({ op: 'startTour', tourId: 'gate', monitor: 1, tile: 0 });
    const count = h.changes.length;
    vi.advanceTimersByTime(29_999);
    expect(h.changes.length).toBe(count);
    vi.advanceTimersByTime(1);
    expect(h.changes.length).toBe(count + 1);
    expect(ids(h.wall.state())[0]).toBe('lab:2');
  });

  it('a monitor tour over a query shows pages of as many channels as the layout has cells', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: mineTour });
    let s = h.run({ op: 'startTour', tourId: 'mine-a', monitor: 1, tile: null });
    expect(s.runs[0]).toMatchObject({ tile: null, step: 0, steps: 2 });
    expect(ids(s)).toEqual(['lab:1', 'lab:2', 'lab:3', 'lab:4']);
    vi.advanceTimersByTime(10_000);
    s = h.wall.state();
    expect(ids(s)).toEqual(['lab:5', 'lab:6', null, null]);
    vi.advanceTimersByTime(10_000);
    expect(ids(h.wall.state())).toEqual(['lab:1', 'lab:2', 'lab:3', 'lab:4']);
  });

  it('a query tour filters by county, category and online state, and picks up catalogue changes at the next step', () => {
    const h = harness();
    h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['1'] });
    const tour: Tour = {
      id: 'belts',
      name: '皮带',
      dwellSeconds: 5,
      source: { kind: 'query', countyCode: '140404', mineId: null, categoryCode: '05', onlineOnly: true },
    };
    h.run({ op: 'saveTour', tour });
    let s = h.run({ op: 'startTour', tourId: 'belts', monitor: 1, tile: null });
    expect(s.runs[0]!.steps).toBe(2);
    expect(ids(s)[0]).toBe('lab:2');
    h.channels.push(channel('lab:9', { categoryCode: '05' }), channel('lab:10', { categoryCode: '05', online: false }));
    h.channels = h.channels.map((c) => (c.id === 'lab:2' ? { ...c, online: false } : c));
    vi.advanceTimersByTime(5_000);
    s = h.wall.state();
    expect(s.runs[0]!.steps).toBe(2); // lab:4 and lab:9
    expect(ids(s)[0]).toBe('lab:9');
  });

  it('pause stops the steps, resume starts a fresh dwell, next and previous step at once and wrap', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('t', ['lab:1', 'lab:2', 'lab:3']) });
    h.run({ op: 'startTour', tourId: 't', monitor: 1, tile: 0 });
    let s = h.run({ op: 'tourControl', monitor: 1, tile: 0, action: 'pause' });
    expect(s.runs[0]).toMatchObject({ paused: true, nextAt: null });
    vi.advanceTimersByTime(600_000);
    expect(ids(h.wall.state())[0]).toBe('lab:1');
    s = h.run({ op: 'tourControl', monitor: 1, tile: 0, action: 'previous' });
    expect(s.runs[0]).toMatchObject({ step: 2, paused: true, nextAt: null });
    expect(ids(s)[0]).toBe('lab:3');
    s = h.run({ op: 'tourControl', monitor: 1, tile: 0, action: 'next' });
    expect(ids(s)[0]).toBe('lab:1');
    s = h.run({ op: 'tourControl', monitor: 1, tile: 0, action: 'next' });
    expect(ids(s)[0]).toBe('lab:2');
    s = h.run({ op: 'tourControl', monitor: 1, tile: 0, action: 'resume' });
    const resumedAt = Date.now();
    expect(s.runs[0]).toMatchObject({ paused: false, nextAt: resumedAt + 10_000 });
    vi.advanceTimersByTime(4_000);
    s = h.run({ op: 'tourControl', monitor: 1, tile: 0, action: 'next' });
    expect(ids(s)[0]).toBe('lab:3');
    expect(s.runs[0]!.nextAt).toBe(resumedAt + 14_000); // next restarts the dwell
    vi.advanceTimersByTime(9_999);
    expect(ids(h.wall.state())[0]).toBe('lab:3');
    vi.advanceTimersByTime(1);
    expect(ids(h.wall.state())[0]).toBe('lab:1');
    s = h.run({ op: 'tourControl', monitor: 1, tile: 0, action: 'stop' });
    expect(s.runs).toEqual([]);
    expect(ids(s)[0]).toBe('lab:1'); // the last channel stays
    vi.advanceTimersByTime(60_000);
    expect(ids(h.wall.state())[0]).toBe('lab:1');
    expect(failure(() => h.wall.command({ op: 'tourControl', monitor: 1, tile: 0, action: 'next' }))).toBe('not-found');
    expect(failure(() => h.wall.command({ op: 'tourControl', monitor: 1, tile: null, action: 'pause' }))).toBe('not-found');
  });

  it('a monitor tour can be stepped back from its first page', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: mineTour });
    h.run({ op: 'startTour', tourId: 'mine-a', monitor: 1, tile: null });
    const s = h.run({ op: 'tourControl', monitor: 1, tile: null, action: 'previous' });
    expect(s.runs[0]).toMatchObject({ step: 1, steps: 2 });
    expect(ids(s)).toEqual(['lab:5', 'lab:6', null, null]);
  });

  it('a tour with nothing to show keeps running and can be stepped either way without failing', () => {
    const h = harness();
    const none: Tour = { ...mineTour, id: 'none', source: { kind: 'query', countyCode: '149999', mineId: null, categoryCode: null, onlineOnly: false } };
    h.run({ op: 'saveTour', tour: none });
    for (const tile of [null, 0] as const) {
      h.run({ op: 'startTour', tourId: 'none', monitor: 1, tile });
      for (const action of ['previous', 'previous', 'next'] as const) {
        const s = h.run({ op: 'tourControl', monitor: 1, tile, action });
        expect(s.runs[0]).toMatchObject({ step: 0, steps: 0 });
      }
      vi.advanceTimersByTime(30_000);
      expect(h.wall.state().runs[0]).toMatchObject({ step: 0, steps: 0 });
    }
    expect(h.warnings).toEqual([]);
  });

  it('a manual open, close, swap or fill stops exactly the runs it touches', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:1', 'lab:2']) });
    h.run({ op: 'saveTour', tour: listTour('b', ['lab:3', 'lab:4']) });
    h.run({ op: 'saveTour', tour: mineTour });
    const runsOn = () => h.wall.state().runs.map((r) => `${r.monitor}/${r.tile ?? '*'}`);

    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    h.run({ op: 'startTour', tourId: 'b', monitor: 1, tile: 1 });
    h.run({ op: 'open', monitor: 1, tile: 2, channelId: 'lab:7' });
    expect(runsOn()).toEqual(['1/0', '1/1']);
    h.run({ op: 'open', monitor: 1, tile: 1, channelId: 'lab:8' });
    expect(runsOn()).toEqual(['1/0']);
    // fill leaves a tile tour's tile alone (not free) and keeps the tour running.
    const filled = h.wall.command({ op: 'fill', monitor: 1, channelIds: ['lab:5', 'lab:6'] });
    expect(runsOn()).toEqual(['1/0']);
    expect(ids(filled.state)).toEqual(['lab:1', 'lab:8', 'lab:7', 'lab:5']);
    expect(filled.skipped).toBe(1);
    h.run({ op: 'close', monitor: 1, tile: 0 });
    expect(runsOn()).toEqual([]);

    // A monitor tour is touched by anything on any of its tiles.
    h.run({ op: 'startTour', tourId: 'mine-a', monitor: 1, tile: null });
    h.run({ op: 'close', monitor: 1, tile: 3 });
    expect(runsOn()).toEqual([]);
    h.run({ op: 'startTour', tourId: 'mine-a', monitor: 1, tile: null });
    h.run({ op: 'fill', monitor: 1, channelIds: ['lab:7'] });
    expect(runsOn()).toEqual([]);

    // swap stops the runs at both ends, on either monitor.
    h.run({ op: 'ensureMonitors', count: 2 });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    h.run({ op: 'startTour', tourId: 'b', monitor: 2, tile: 3 });
    h.run({ op: 'startTour', tourId: 'b', monitor: 2, tile: 2 });
    h.run({ op: 'swap', from: { monitor: 1, tile: 0 }, to: { monitor: 2, tile: 3 } });
    expect(runsOn()).toEqual(['2/2']);
    // setProfile and reopen are not manual content changes.
    h.run({ op: 'setProfile', monitor: 2, tile: 2, profile: 'sub' });
    h.run({ op: 'reopen', monitor: 2, tile: 2 });
    expect(runsOn()).toEqual(['2/2']);
    h.run({ op: 'clear', monitor: 2 });
    expect(runsOn()).toEqual([]);
  });

  it('a monitor tour replaces the tile tours of its monitor and a tile tour replaces the monitor tour', () => {
    const h = harness();
    h.run({ op: 'ensureMonitors', count: 2 });
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:1', 'lab:2']) });
    h.run({ op: 'saveTour', tour: mineTour });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 1 });
    h.run({ op: 'startTour', tourId: 'a', monitor: 2, tile: 0 });
    let s = h.run({ op: 'startTour', tourId: 'mine-a', monitor: 1, tile: null });
    expect(s.runs.map((r) => [r.monitor, r.tile])).toEqual([
      [2, 0],
      [1, null],
    ]);
    s = h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 3 });
    expect(s.runs.map((r) => [r.monitor, r.tile])).toEqual([
      [2, 0],
      [1, 3],
    ]);
    // The same tile again: one run, started afresh.
    s = h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 3 });
    expect(s.runs.filter((r) => r.monitor === 1)).toHaveLength(1);
    expect(failure(() => h.wall.command({ op: 'startTour', tourId: 'nope', monitor: 1, tile: 0 }))).toBe('not-found');
  });

  it('a monitor tour re-pages after setLayout; tile tours on tiles the layout hides end', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: mineTour });
    h.run({ op: 'startTour', tourId: 'mine-a', monitor: 1, tile: null });
    vi.advanceTimersByTime(10_000); // page 2 of 2
    let s = h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['9'] });
    expect(s.runs[0]).toMatchObject({ steps: 1, step: 0 });
    expect(visibleIds(s)).toEqual(['lab:1', 'lab:2', 'lab:3', 'lab:4', 'lab:5', 'lab:6', null, null, null]);
    s = h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['1'] });
    expect(s.runs[0]!.steps).toBe(6);
    expect(visibleIds(s)).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    s = h.wall.state();
    expect(visibleIds(s)).toEqual([s.runs[0]!.step === 1 ? 'lab:2' : 'unexpected']);

    h.run({ op: 'tourControl', monitor: 1, tile: null, action: 'stop' });
    h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['4'] });
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:7', 'lab:8']) });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 3 });
    s = h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['1'] });
    expect(s.runs.map((r) => r.tile)).toEqual([0]);
  });

  it('saving a running tour applies the new version at once; deleting it ends its runs', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:1', 'lab:2']) });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    let s = h.run({ op: 'saveTour', tour: listTour('a', ['lab:7', 'lab:8', 'lab:6']) });
    expect(s.tours).toHaveLength(1);
    expect(s.runs[0]!.steps).toBe(3);
    expect(ids(s)[0]).toBe('lab:7');
    s = h.run({ op: 'deleteTour', tourId: 'a' });
    expect([s.tours, s.runs]).toEqual([[], []]);
    expect(ids(s)[0]).toBe('lab:7');
    vi.advanceTimersByTime(60_000);
    expect(h.wall.state().version).toBe(s.version);
  });

  it('runs survive a restart with a fresh dwell, without a burst of the steps missed meanwhile', () => {
    const h = harness();
    h.run({ op: 'ensureMonitors', count: 2 });
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:1', 'lab:2', 'lab:3', 'lab:4']) });
    h.run({ op: 'saveTour', tour: listTour('b', ['lab:7', 'lab:8'], 20) });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    h.run({ op: 'startTour', tourId: 'b', monitor: 2, tile: 1 });
    h.run({ op: 'tourControl', monitor: 2, tile: 1, action: 'pause' });
    vi.advanceTimersByTime(15_000); // one step of 'a'
    expect(h.wall.state().runs[0]!.step).toBe(1);

    h.wall.dispose();
    vi.setSystemTime(Date.now() + 3_600_000); // an hour of downtime
    const restartAt = Date.now();
    h.restart({ reopenDb: true });
    const s = h.wall.state();
    expect(s.runs).toEqual([
      { tourId: 'a', monitor: 1, tile: 0, step: 1, steps: 4, paused: false, nextAt: restartAt + 10_000 },
      { tourId: 'b', monitor: 2, tile: 1, step: 0, steps: 2, paused: true, nextAt: null },
    ]);
    expect(ids(s)[0]).toBe('lab:2');
    const before = h.changes.length;
    vi.advanceTimersByTime(9_999);
    expect(h.changes.length).toBe(before);
    vi.advanceTimersByTime(1);
    expect(h.changes.length).toBe(before + 1);
    expect(ids(h.wall.state())[0]).toBe('lab:3');
    expect(h.wall.state().runs[1]).toMatchObject({ paused: true, step: 0 });
  });

  it('stops stepping when disposed', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:1', 'lab:2']) });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    h.wall.dispose();
    const count = h.changes.length;
    vi.advanceTimersByTime(60_000);
    expect(h.changes.length).toBe(count);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a tour step that cannot be saved is reported and retried later, not in a loop', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:1', 'lab:2']) });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    const version = h.wall.state().version;
    h.db.exec("CREATE TRIGGER wall_full BEFORE UPDATE ON wall_state BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    vi.advanceTimersByTime(10_000);
    expect(h.warnings).toEqual(['tour step not saved: disk full']);
    vi.advanceTimersByTime(TICK_RETRY_MS * 3);
    expect(h.warnings).toHaveLength(4);
    expect(h.wall.state().version).toBe(version);
    expect(ids(h.wall.state())[0]).toBe('lab:1');
    h.db.exec('DROP TRIGGER wall_full');
    vi.advanceTimersByTime(TICK_RETRY_MS);
    expect(h.wall.state().version).toBe(version + 1);
    expect(ids(h.wall.state())[0]).toBe('lab:2');
    expect(h.warnings).toHaveLength(4);
  });
});

describe('WallService: scenes', () => {
  it('saves a scene (the same name replaces it) and recalls monitors, layouts, tiles and runs', () => {
    const h = harness();
    h.run({ op: 'ensureMonitors', count: 2 });
    h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['9'] });
    h.run({ op: 'fill', monitor: 1, channelIds: ['lab:1', 'lab:2', 'lab:3'] });
    h.run({ op: 'setProfile', monitor: 1, tile: 1, profile: 'main' });
    h.run({ op: 'saveTour', tour: listTour('b', ['lab:7', 'lab:8']) });
    h.run({ op: 'startTour', tourId: 'b', monitor: 2, tile: 0 });
    let s = h.run({ op: 'saveScene', name: '早班' });
    expect(s.scenes).toEqual([{ id: expect.any(String), name: '早班', savedAt: T0, monitors: 2 }]);
    const sceneId = s.scenes[0]!.id;
    const saved = structuredClone(s);

    vi.advanceTimersByTime(1_000);
    h.run({ op: 'open', monitor: 1, tile: 5, channelId: 'lab:6' });
    s = h.run({ op: 'saveScene', name: '早班' }); // same name: replaces
    expect(s.scenes).toEqual([{ id: sceneId, name: '早班', savedAt: T0 + 1_000, monitors: 2 }]);
    s = h.run({ op: 'saveScene', name: '夜班' });
    expect(s.scenes.map((x) => x.name).sort()).toEqual(['夜班', '早班']);

    // Change everything, then recall.
    h.run({ op: 'tourControl', monitor: 2, tile: 0, action: 'stop' });
    h.run({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['1'] });
    h.run({ op: 'clear', monitor: 1 });
    h.run({ op: 'open', monitor: 1, tile: 0, channelId: 'lab:8' });
    h.run({ op: 'open', monitor: 2, tile: 3, channelId: 'lab:5' });
    const current = h.wall.state();
    const recallAt = Date.now();
    s = h.run({ op: 'recallScene', sceneId });
    expect(s.monitors.map((m) => m.layout)).toEqual([PRESET_LAYOUTS['9'], PRESET_LAYOUTS['4']]);
    expect(visibleIds(s, 1)).toEqual(['lab:1', 'lab:2', 'lab:3', null, null, 'lab:6', null, null, null]);
    expect(s.monitors[0]!.tiles[1]!.profile).toBe('main');
    expect(ids(s, 2)).toEqual([saved.monitors[1]!.tiles[0]!.channelId, null, null, null]);
    expect(s.runs).toEqual([{ ...saved.runs[0]!, nextAt: recallAt + 10_000 }]);
    // Every recalled tile reopens: its generation is past both the scene's and the slot's before.
    for (const m of s.monitors)
      for (const [i, t] of m.tiles.entries()) {
        const was = current.monitors.find((x) => x.id === m.id)!.tiles[i]?.generation ?? 0;
        expect(t.generation, `${m.id}/${i}`).toBeGreaterThan(was);
      }
    // The recalled run steps on.
    vi.advanceTimersByTime(10_000);
    expect(ids(h.wall.state(), 2)[0]).toBe('lab:8');
  });

  it('recall leaves monitors the scene does not have, and drops runs of tours deleted since', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:1', 'lab:2']) });
    h.run({ op: 'startTour', tourId: 'a', monitor: 1, tile: 0 });
    const sceneId = h.run({ op: 'saveScene', name: 'one' }).scenes[0]!.id;
    h.run({ op: 'ensureMonitors', count: 2 });
    h.run({ op: 'open', monitor: 2, tile: 0, channelId: 'lab:7' });
    h.run({ op: 'deleteTour', tourId: 'a' });
    const s = h.run({ op: 'recallScene', sceneId });
    expect(s.monitors.map((m) => m.id)).toEqual([1, 2]);
    expect(ids(s, 1)[0]).toBe('lab:1');
    expect(ids(s, 2)[0]).toBe('lab:7');
    expect(s.runs).toEqual([]);
  });

  it('deletes scenes; recalling a missing scene is not-found, a corrupted one internal', () => {
    const h = harness();
    const sceneId = h.run({ op: 'saveScene', name: 'x' }).scenes[0]!.id;
    let s = h.run({ op: 'deleteScene', sceneId });
    expect(s.scenes).toEqual([]);
    expect(failure(() => h.wall.command({ op: 'recallScene', sceneId }))).toBe('not-found');
    h.db.prepare("INSERT INTO wall_scenes(id, name, saved_at, scene) VALUES ('bad', 'broken', 1, '{not json')").run();
    h.db.prepare("INSERT INTO wall_scenes(id, name, saved_at, scene) VALUES ('bad2', 'broken2', 1, '{\"monitors\":[]}')").run();
    s = h.wall.state();
    expect(s.scenes.map((x) => [x.id, x.monitors])).toEqual([
      ['bad', 0],
      ['bad2', 0],
    ]);
    expect(failure(() => h.wall.command({ op: 'recallScene', sceneId: 'bad' }))).toBe('internal');
    expect(failure(() => h.wall.command({ op: 'recallScene', sceneId: 'bad2' }))).toBe('internal');
  });
});

describe('WallService: persistence and change events', () => {
  it('keeps monitors, layouts, tiles, tours and scenes across a restart', () => {
    const h = harness();
    h.run({ op: 'ensureMonitors', count: 3 });
    h.run({ op: 'setLayout', monitor: 2, layout: PRESET_LAYOUTS['16'] });
    h.run({ op: 'fill', monitor: 2, channelIds: ['lab:1', 'lab:2'] });
    h.run({ op: 'setProfile', monitor: 2, tile: 1, profile: 'sub' });
    h.run({ op: 'saveTour', tour: mineTour });
    h.run({ op: 'saveScene', name: '全景' });
    const before = h.wall.state();
    h.restart({ reopenDb: true });
    const after = h.wall.state();
    expect({ ...after, version: 0 }).toEqual({ ...before, version: 0 });
    expect(h.warnings).toEqual([]);
  });

  it('a corrupted stored wall falls back to a fresh wall with a warning, and the next change overwrites it', () => {
    for (const stored of ['{not json', JSON.stringify({ monitors: [], tours: [], runs: [] }), JSON.stringify({ monitors: 'x' })]) {
      const h = harness();
      h.db.prepare('INSERT INTO wall_state(id, state, updated_at) VALUES (1, ?, 0) ON CONFLICT(id) DO UPDATE SET state = excluded.state').run(stored);
      h.restart();
      expect(h.warnings, stored).toHaveLength(1);
      expect(h.warnings[0]).toMatch(/stored wall ignored/);
      const s = h.wall.state();
      expect(s.monitors.map((m) => m.id)).toEqual([1]);
      expect(ids(s)).toEqual([null, null, null, null]);
      h.run({ op: 'open', monitor: 1, tile: 0, channelId: 'lab:1' });
      h.restart();
      expect(h.warnings).toHaveLength(1);
      expect(ids(h.wall.state())[0]).toBe('lab:1');
    }
  });

  it('every change fires onDidChange once with an increasing version equal to the result; failures fire nothing', () => {
    const h = harness();
    h.run({ op: 'saveTour', tour: listTour('a', ['lab:1', 'lab:2']) });
    const results: number[] = [];
    const commands: WallCommand[] = [
      { op: 'ensureMonitors', count: 2 },
      { op: 'open', monitor: 1, tile: 0, channelId: 'lab:1' },
      { op: 'fill', monitor: 2, channelIds: ['lab:2'] },
      { op: 'swap', from: { monitor: 1, tile: 0 }, to: { monitor: 2, tile: 0 } },
      { op: 'startTour', tourId: 'a', monitor: 1, tile: 1 },
      { op: 'saveScene', name: 's' },
      { op: 'close', monitor: 2, tile: 0 },
    ];
    for (const cmd of commands) results.push(h.wall.command(cmd).state.version);
    vi.advanceTimersByTime(20_000); // two tour steps
    const versions = h.changes.map((s) => s.version);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => versions[0]! + i));
    expect(versions[0]).toBeGreaterThanOrEqual(T0 + 1);
    expect(versions).toHaveLength(1 + commands.length + 2);
    expect(versions.slice(1, 1 + commands.length)).toEqual(results);
    for (const s of h.changes) expect(wallStateSchema.safeParse(s).success).toBe(true);
    // The announced state is the state.
    expect(h.changes.at(-1)).toEqual(h.wall.state());

    const count = h.changes.length;
    expect(failure(() => h.wall.command({ op: 'open', monitor: 9, tile: 0, channelId: 'lab:1' }))).toBe('bad-request');
    expect(failure(() => h.wall.command({ op: 'tourControl', monitor: 2, tile: null, action: 'next' }))).toBe('not-found');
    expect(h.changes.length).toBe(count);
    expect(h.wall.state().version).toBe(versions.at(-1));
  });

  it('a listener sees the state already saved', () => {
    const h = harness();
    const stored: (string | null)[] = [];
    h.wall.onDidChange(() => {
      const row = h.db.prepare('SELECT state FROM wall_state WHERE id = 1').get() as { state: string };
      stored.push((JSON.parse(row.state) as { monitors: { tiles: { channelId: string | null }[] }[] }).monitors[0]!.tiles[0]!.channelId);
    });
    h.run({ op: 'open', monitor: 1, tile: 0, channelId: 'lab:3' });
    expect(stored).toEqual(['lab:3']);
  });
});
