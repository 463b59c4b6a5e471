import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Channel } from '../../shared/domain/catalogue';
import {
  MAX_MONITORS,
  PRESET_LAYOUTS,
  monitorSchema,
  tourRunSchema,
  tourSchema,
  type Layout,
  type Monitor,
  type Tour,
  type TourRun,
  type WallCommand,
  type WallCommandResult,
  type WallState,
  type WallTile,
} from '../../shared/domain/wall';
import { ConsoleError } from '../../shared/contract/rpc';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import type { Db } from '../services/store';
import { resolveTour } from './tourQuery';

/** What the wall needs of the catalogue: the channels as they are now. */
export type WallCatalogue = { channels(): readonly Channel[] };

export type WallServiceOptions = {
  now?: () => number;
  warn?: (message: string) => void;
};

/** Persisted part of the wall (scenes live in their own table). */
const storedWallSchema = z.object({
  monitors: z.array(monitorSchema).min(1).max(MAX_MONITORS),
  tours: z.array(tourSchema),
  runs: z.array(tourRunSchema),
});
type StoredWall = z.infer<typeof storedWallSchema>;

const sceneBodySchema = z.object({ monitors: z.array(monitorSchema).min(1), runs: z.array(tourRunSchema) });

const emptyTile = (): WallTile => ({ channelId: null, profile: 'auto', generation: 0 });

export function newMonitor(id: number, layout: Layout = PRESET_LAYOUTS['4']): Monitor {
  return { id, name: `监视器 ${id}`, layout, tiles: layout.cells.map(emptyTile) };
}

const bad = (message: string) => new ConsoleError('bad-request', message);

/** When a tour step could not be saved (database busy or gone), the next try. */
export const TICK_RETRY_MS = 5_000;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The video wall's single source of truth: every window renders `state()` and changes it only with
 * `command()`. Runs tours (轮巡) on a timer, saves and recalls scenes, and commits every change to
 * SQLite before it is announced.
 */
export class WallService implements Disposable {
  private wall: StoredWall;
  /** Starts at the clock so a restarted host never announces a version older than one a window already has. */
  private version: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly changed = new Emitter<WallState>();
  readonly onDidChange = this.changed.event;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;

  constructor(
    private readonly db: Db,
    private readonly catalogue: WallCatalogue,
    options: WallServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.warn = options.warn ?? (() => undefined);
    this.version = this.now();
    this.wall = this.load();
    // Tours resume after a restart with a fresh dwell, never in a burst of missed steps.
    const at = this.now();
    this.wall.runs = this.wall.runs.map((r) => (r.paused ? r : { ...r, nextAt: at + this.dwellMs(r) }));
    this.schedule();
  }

  state(): WallState {
    return { version: this.version, ...structuredClone(this.wall), scenes: this.sceneSummaries() };
  }

  command(cmd: WallCommand): WallCommandResult {
    const next = structuredClone(this.wall);
    const skipped = this.apply(next, cmd);
    this.commit(next);
    return { state: this.state(), skipped };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.changed.dispose();
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────────

  private apply(w: StoredWall, cmd: WallCommand): number {
    switch (cmd.op) {
      case 'ensureMonitors':
        for (let id = 1; id <= cmd.count; id++) if (!w.monitors.some((m) => m.id === id)) w.monitors.push(newMonitor(id));
        w.monitors.sort((a, b) => a.id - b.id);
        return 0;
      case 'setLayout': {
        const m = this.monitor(w, cmd.monitor);
        m.layout = cmd.layout;
        while (m.tiles.length < cmd.layout.cells.length) m.tiles.push(emptyTile());
        // A monitor tour re-pages for the new number of cells at its current step.
        const run = w.runs.find((r) => r.monitor === m.id && r.tile === null);
        if (run) this.applyStep(w, run);
        w.runs = w.runs.filter((r) => r.tile === null || r.monitor !== m.id || r.tile < cmd.layout.cells.length);
        return 0;
      }
      case 'open': {
        const m = this.monitor(w, cmd.monitor);
        const tile = this.visibleTile(m, cmd.tile);
        this.stopRunsTouching(w, m.id, cmd.tile);
        tile.channelId = cmd.channelId;
        tile.generation += 1;
        return 0;
      }
      case 'fill': {
        const m = this.monitor(w, cmd.monitor);
        // The monitor's tour owns every tile, so it ends; a tile's own tour keeps its tile (not free).
        w.runs = w.runs.filter((r) => r.monitor !== m.id || r.tile !== null);
        const toured = new Set(w.runs.filter((r) => r.monitor === m.id).map((r) => r.tile));
        const visible = m.tiles.slice(0, m.layout.cells.length);
        const shown = new Set(visible.map((t) => t.channelId).filter((id): id is string => id !== null));
        const queue = cmd.channelIds.filter((id, i) => !shown.has(id) && cmd.channelIds.indexOf(id) === i);
        for (const [index, tile] of visible.entries()) {
          if (queue.length === 0) break;
          if (tile.channelId !== null || toured.has(index)) continue;
          tile.channelId = queue.shift() ?? null;
          tile.generation += 1;
        }
        return queue.length;
      }
      case 'swap': {
        const a = this.monitor(w, cmd.from.monitor);
        const b = this.monitor(w, cmd.to.monitor);
        const ta = this.visibleTile(a, cmd.from.tile);
        const tb = this.visibleTile(b, cmd.to.tile);
        this.stopRunsTouching(w, a.id, cmd.from.tile);
        this.stopRunsTouching(w, b.id, cmd.to.tile);
        // Both slots move past both generations: a slot never returns to an earlier (channel, generation).
        const generation = Math.max(ta.generation, tb.generation) + 1;
        a.tiles[cmd.from.tile] = { ...tb, generation };
        b.tiles[cmd.to.tile] = { ...ta, generation };
        return 0;
      }
      case 'close': {
        const m = this.monitor(w, cmd.monitor);
        const tile = this.visibleTile(m, cmd.tile);
        this.stopRunsTouching(w, m.id, cmd.tile);
        tile.channelId = null;
        return 0;
      }
      case 'clear': {
        const m = this.monitor(w, cmd.monitor);
        w.runs = w.runs.filter((r) => r.monitor !== m.id);
        for (const tile of m.tiles) tile.channelId = null;
        return 0;
      }
      case 'setProfile': {
        const tile = this.visibleTile(this.monitor(w, cmd.monitor), cmd.tile);
        tile.profile = cmd.profile;
        tile.generation += 1;
        return 0;
      }
      case 'reopen': {
        this.visibleTile(this.monitor(w, cmd.monitor), cmd.tile).generation += 1;
        return 0;
      }
      case 'saveTour': {
        w.tours = [...w.tours.filter((t) => t.id !== cmd.tour.id), cmd.tour];
        for (const run of w.runs.filter((r) => r.tourId === cmd.tour.id)) this.applyStep(w, run);
        return 0;
      }
      case 'deleteTour':
        w.tours = w.tours.filter((t) => t.id !== cmd.tourId);
        w.runs = w.runs.filter((r) => r.tourId !== cmd.tourId);
        return 0;
      case 'startTour': {
        const tour = this.tour(w, cmd.tourId);
        const m = this.monitor(w, cmd.monitor);
        if (cmd.tile !== null) this.visibleTile(m, cmd.tile);
        this.stopRunsTouching(w, m.id, cmd.tile);
        const run: TourRun = { tourId: tour.id, monitor: m.id, tile: cmd.tile, step: 0, steps: 0, paused: false, nextAt: null };
        w.runs.push(run);
        this.applyStep(w, run);
        run.nextAt = this.now() + tour.dwellSeconds * 1000;
        return 0;
      }
      case 'tourControl': {
        const run = w.runs.find((r) => r.monitor === cmd.monitor && r.tile === cmd.tile);
        if (!run) throw new ConsoleError('not-found', cmd.tile === null ? `监视器 ${cmd.monitor} 没有在轮巡` : `窗口 ${cmd.tile + 1} 没有在轮巡`);
        const dwell = this.dwellMs(run);
        switch (cmd.action) {
          case 'pause':
            run.paused = true;
            run.nextAt = null;
            break;
          case 'resume':
            run.paused = false;
            run.nextAt = this.now() + dwell;
            break;
          case 'next':
          case 'previous':
            run.step += cmd.action === 'next' ? 1 : -1;
            this.applyStep(w, run);
            if (!run.paused) run.nextAt = this.now() + dwell;
            break;
          case 'stop':
            w.runs = w.runs.filter((r) => r !== run);
            break;
        }
        return 0;
      }
      case 'saveScene': {
        const existing = this.db.prepare('SELECT id FROM wall_scenes WHERE name = ?').get(cmd.name) as { id: string } | undefined;
        const body = JSON.stringify({ monitors: w.monitors, runs: w.runs });
        this.db
          .prepare(
            'INSERT INTO wall_scenes(id, name, saved_at, scene) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET saved_at = excluded.saved_at, scene = excluded.scene',
          )
          .run(existing?.id ?? randomUUID(), cmd.name, this.now(), body);
        return 0;
      }
      case 'recallScene': {
        const row = this.db.prepare('SELECT scene FROM wall_scenes WHERE id = ?').get(cmd.sceneId) as { scene: string } | undefined;
        if (!row) throw new ConsoleError('not-found', '场景不存在');
        const parsed = sceneBodySchema.safeParse(parseJson(row.scene));
        if (!parsed.success) throw new ConsoleError('internal', '场景数据已损坏，无法调用');
        const ids = new Set(parsed.data.monitors.map((m) => m.id));
        // Every recalled tile opens afresh, with a generation past both the scene's and the slot's current one.
        for (const m of parsed.data.monitors) {
          const current = w.monitors.find((x) => x.id === m.id);
          for (const [i, t] of m.tiles.entries()) t.generation = Math.max(t.generation, current?.tiles[i]?.generation ?? 0) + 1;
        }
        w.monitors = [...w.monitors.filter((m) => !ids.has(m.id)), ...parsed.data.monitors].sort((a, b) => a.id - b.id);
        const at = this.now();
        const runs = parsed.data.runs.filter((r) => w.tours.some((t) => t.id === r.tourId));
        w.runs = [...w.runs.filter((r) => !ids.has(r.monitor)), ...runs.map((r) => ({ ...r, nextAt: r.paused ? null : at + this.dwellMs(r, w) }))];
        return 0;
      }
      case 'deleteScene':
        this.db.prepare('DELETE FROM wall_scenes WHERE id = ?').run(cmd.sceneId);
        return 0;
    }
  }

  private monitor(w: StoredWall, id: number): Monitor {
    const m = w.monitors.find((x) => x.id === id);
    if (!m) throw bad(`监视器 ${id} 不存在`);
    return m;
  }

  private visibleTile(m: Monitor, index: number): WallTile {
    if (index >= m.layout.cells.length) throw bad(`监视器 ${m.id} 的当前布局没有窗口 ${index + 1}`);
    while (m.tiles.length <= index) m.tiles.push(emptyTile());
    return m.tiles[index]!;
  }

  private tour(w: StoredWall, id: string): Tour {
    const t = w.tours.find((x) => x.id === id);
    if (!t) throw new ConsoleError('not-found', '轮巡方案不存在');
    return t;
  }

  /** A manual change ends the tours it collides with: the monitor's tour, and the tile's own (all tiles' when tile is null). */
  private stopRunsTouching(w: StoredWall, monitor: number, tile: number | null): void {
    w.runs = w.runs.filter((r) => r.monitor !== monitor || (r.tile !== null && tile !== null && r.tile !== tile));
  }

  private dwellMs(run: TourRun, w: StoredWall = this.wall): number {
    return (w.tours.find((t) => t.id === run.tourId)?.dwellSeconds ?? 10) * 1000;
  }

  /** Puts the run's current step on screen: one channel on its tile, or a page of channels on its monitor. */
  private applyStep(w: StoredWall, run: TourRun): void {
    const tour = w.tours.find((t) => t.id === run.tourId);
    const m = w.monitors.find((x) => x.id === run.monitor);
    if (!tour || !m) return;
    const channels = resolveTour(tour, this.catalogue.channels());
    if (run.tile !== null) {
      run.steps = channels.length;
      if (channels.length === 0) {
        run.step = 0;
        return;
      }
      run.step = ((run.step % channels.length) + channels.length) % channels.length;
      const tile = this.visibleTile(m, run.tile);
      tile.channelId = channels[run.step]!;
      tile.generation += 1;
      return;
    }
    const perPage = m.layout.cells.length;
    const pages = Math.ceil(channels.length / perPage);
    run.steps = pages;
    if (pages === 0) {
      run.step = 0;
      return;
    }
    run.step = ((run.step % pages) + pages) % pages;
    for (let i = 0; i < perPage; i++) {
      const tile = this.visibleTile(m, i);
      tile.channelId = channels[run.step * perPage + i] ?? null;
      tile.generation += 1;
    }
  }

  // ── timer, persistence ──────────────────────────────────────────────────────────────────────

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const due = this.wall.runs.map((r) => r.nextAt).filter((x): x is number => x !== null);
    if (due.length === 0) return;
    const delay = Math.max(0, Math.min(...due) - this.now());
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref?.();
  }

  private tick(): void {
    this.timer = null;
    const at = this.now();
    const next = structuredClone(this.wall);
    for (const run of next.runs) {
      if (run.paused || run.nextAt === null || run.nextAt > at) continue;
      run.step += 1;
      this.applyStep(next, run);
      run.nextAt = at + this.dwellMs(run, next);
    }
    try {
      this.commit(next);
    } catch (err) {
      this.warn(`tour step not saved: ${err instanceof Error ? err.message : String(err)}`);
      // The runs are still due: schedule() would fire again at once, in a loop. Try again later.
      this.timer = setTimeout(() => this.tick(), TICK_RETRY_MS);
      this.timer.unref?.();
    }
  }

  private commit(next: StoredWall): void {
    const checked = storedWallSchema.parse(next);
    this.db
      .prepare(
        'INSERT INTO wall_state(id, state, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      )
      .run(JSON.stringify(checked), this.now());
    this.wall = checked;
    this.version += 1;
    this.schedule();
    this.changed.fire(this.state());
  }

  private load(): StoredWall {
    const fresh: StoredWall = { monitors: [newMonitor(1)], tours: [], runs: [] };
    const row = this.db.prepare('SELECT state FROM wall_state WHERE id = 1').get() as { state: string } | undefined;
    if (!row) return fresh;
    try {
      const parsed = storedWallSchema.safeParse(JSON.parse(row.state));
      if (parsed.success) return parsed.data;
      this.warn(`stored wall ignored: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    } catch (err) {
      this.warn(`stored wall ignored: ${err instanceof Error ? err.message : String(err)}`);
    }
    return fresh;
  }

  private sceneSummaries(): WallState['scenes'] {
    const rows = this.db.prepare('SELECT id, name, saved_at, scene FROM wall_scenes ORDER BY name').all() as {
      id: string;
      name: string;
      saved_at: number;
      scene: string;
    }[];
    return rows.map((r) => {
      let monitors = 0;
      try {
        monitors = sceneBodySchema.parse(JSON.parse(r.scene)).monitors.length;
      } catch {
        monitors = 0;
      }
      return { id: r.id, name: r.name, savedAt: r.saved_at, monitors };
    });
  }
}
