import type { BrowserWindow, Display, Screen } from 'electron';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/lifecycle';
import type { ConsoleCore } from '../core';
import type { Logger } from '../services/logger';
import { createWallWindow } from './consoleWindow';
import { planDisplays, reconcileWallWindows, type DisplayInfo, type DisplayPlan, type WallWindowPlan } from './displayPlan';

export type WallWindowsOptions = {
  screen: Screen;
  core: Pick<ConsoleCore, 'dispatch'>;
  preloadPath: string;
  devTools: boolean;
  log: Logger;
  /** Exactly this many wall windows (MDC_WALL_WINDOWS / --wall-windows), or null: one per extra display. */
  override: number | null;
};

/** Display events often come in bursts (docking, a wall controller switching inputs): act once they settle. */
const SETTLE_MS = 300;

/**
 * One wall window per extra display, kept in step with the displays: windows open and close with
 * their displays and are rebuilt when their display changes or the numbering shifts. Monitors are
 * only ever added to the wall (`ensureMonitors`), never removed, so a monitor's content survives its
 * display going away and shows again when it comes back.
 */
export class WallWindows implements Disposable {
  private readonly windows = new Map<string, { win: BrowserWindow; plan: WallWindowPlan }>();
  private readonly owned = new DisposableStore();
  private queue: Promise<void> = Promise.resolve();
  private settle: NodeJS.Timeout | null = null;
  private ensured = 0;

  constructor(private readonly options: WallWindowsOptions) {
    const { screen } = options;
    const onChange = () => this.scheduleSync();
    screen.on('display-added', onChange);
    screen.on('display-removed', onChange);
    screen.on('display-metrics-changed', onChange);
    this.owned.add(
      toDisposable(() => {
        screen.off('display-added', onChange);
        screen.off('display-removed', onChange);
        screen.off('display-metrics-changed', onChange);
        if (this.settle) clearTimeout(this.settle);
        this.settle = null;
        for (const { win } of this.windows.values()) if (!win.isDestroyed()) win.destroy();
        this.windows.clear();
      }),
    );
  }

  /** The plan for the displays as they are now (the console window's bounds included). */
  plan(): DisplayPlan {
    const { screen, override } = this.options;
    return planDisplays(screen.getAllDisplays().map(displayInfo), screen.getPrimaryDisplay().id, override);
  }

  /** Makes the windows match the displays; calls are serialised, so overlapping events never race. */
  sync(): Promise<void> {
    this.queue = this.queue.then(
      () => this.syncNow(),
      () => this.syncNow(),
    );
    return this.queue;
  }

  dispose(): void {
    this.owned.dispose();
  }

  private scheduleSync(): void {
    if (this.owned.isDisposed) return;
    if (this.settle) clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = null;
      this.sync().catch((err: unknown) => this.options.log.error({ err }, 'wall windows not updated'));
    }, SETTLE_MS);
  }

  private async syncNow(): Promise<void> {
    if (this.owned.isDisposed) return;
    const { log, preloadPath, devTools } = this.options;
    const plan = this.plan();
    // The wall first, so a new window finds its monitor.
    await this.ensureMonitors(plan.monitors);
    if (this.owned.isDisposed) return;
    // Windows the user closed (or whose renderer is gone) are opened again.
    for (const [key, { win }] of this.windows) if (win.isDestroyed()) this.windows.delete(key);
    const changes = reconcileWallWindows(
      [...this.windows.values()].map((w) => w.plan),
      plan.walls,
    );
    for (const key of changes.close) {
      const entry = this.windows.get(key);
      this.windows.delete(key);
      if (entry && !entry.win.isDestroyed()) entry.win.destroy();
    }
    for (const next of changes.open) {
      const win = createWallWindow({ plan: next, preloadPath, devTools, log });
      this.windows.set(next.key, { win, plan: next });
      win.on('closed', () => {
        if (this.windows.get(next.key)?.win === win) this.windows.delete(next.key);
      });
    }
    if (changes.open.length + changes.close.length > 0)
      log.info({ walls: plan.walls.map((w) => `${w.monitor}@${w.key}`), monitors: plan.monitors }, 'wall windows updated');
  }

  private async ensureMonitors(count: number): Promise<void> {
    if (count <= this.ensured) return;
    const result = await this.options.core.dispatch('wallCommand', { op: 'ensureMonitors', count });
    if (result.ok) this.ensured = count;
    else this.options.log.error({ count, error: result.error }, 'wall monitors not added');
  }
}

function displayInfo(d: Display): DisplayInfo {
  return { id: d.id, bounds: d.bounds, workArea: d.workArea };
}
