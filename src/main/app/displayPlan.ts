/**
 * Which windows the Electron host shows on which displays, as pure functions (no `electron` import,
 * unit-tested): the console on the primary display shows monitor 1; every other display gets a
 * frameless full-screen wall window for monitor 2, 3, … in reading order (left to right, then top
 * to bottom). `wallWindows.ts` applies the plan and follows display changes.
 */

import { MAX_MONITORS } from '../../shared/domain/wall';

/** Monitor 1 is the console's; every other monitor can have a wall window. */
export const MAX_WALL_WINDOWS = MAX_MONITORS - 1;

export type Rect = { x: number; y: number; width: number; height: number };
/** The part of Electron's `Display` the plan reads. */
export type DisplayInfo = { readonly id: number; readonly bounds: Rect; readonly workArea: Rect };

export type WallWindowPlan = {
  /** Identity across display changes: `display:<id>`, or `virtual:<monitor>` for an extra window of the override. */
  key: string;
  /** Monitor of the wall this window shows (2..16). */
  monitor: number;
  bounds: Rect;
  /** Frameless full screen on its own display; false for an override window placed on the primary display. */
  fullscreen: boolean;
};

export type DisplayPlan = {
  /** Where the console window opens: centred in the primary display's work area. */
  console: Rect;
  walls: WallWindowPlan[];
  /** Monitors the wall needs: the console's plus one per wall window. */
  monitors: number;
};

export const CONSOLE_SIZE = { width: 1600, height: 900 } as const;
/** Size of an override window that has no display of its own (testing on one screen). */
const VIRTUAL_SIZE = { width: 960, height: 540 } as const;
const VIRTUAL_STEP = 48;

/**
 * The plan for these displays. `override` (MDC_WALL_WINDOWS / --wall-windows) asks for exactly that
 * many wall windows: the displays first, then ordinary windows cascaded on the primary display.
 */
export function planDisplays(displays: readonly DisplayInfo[], primaryId: number, override: number | null = null): DisplayPlan {
  const primary = displays.find((d) => d.id === primaryId) ?? displays[0];
  if (!primary) return { console: { x: 0, y: 0, ...CONSOLE_SIZE }, walls: [], monitors: 1 };
  const others = readingOrder(displays.filter((d) => d !== primary));
  const count = Math.min(MAX_WALL_WINDOWS, override ?? others.length);
  const walls: WallWindowPlan[] = [];
  for (let i = 0; i < count; i++) {
    const monitor = i + 2;
    const display = others[i];
    walls.push(
      display
        ? { key: `display:${display.id}`, monitor, bounds: { ...display.bounds }, fullscreen: true }
        : { key: `virtual:${monitor}`, monitor, bounds: cascade(primary.workArea, i - others.length), fullscreen: false },
    );
  }
  return { console: centred(primary.workArea, CONSOLE_SIZE), walls, monitors: 1 + walls.length };
}

/**
 * Displays in reading order: rows from top to bottom (a display joins the row above when its
 * vertical centre lies above that row's bottom edge, so screens of different heights or offsets side
 * by side form one row), left to right within a row.
 */
export function readingOrder<D extends DisplayInfo>(displays: readonly D[]): D[] {
  const byTop = [...displays].sort((a, b) => a.bounds.y - b.bounds.y || a.bounds.x - b.bounds.x || a.id - b.id);
  const rows: { bottom: number; members: D[] }[] = [];
  for (const d of byTop) {
    const row = rows.at(-1);
    if (row && d.bounds.y + d.bounds.height / 2 < row.bottom) {
      row.members.push(d);
      row.bottom = Math.max(row.bottom, d.bounds.y + d.bounds.height);
    } else rows.push({ bottom: d.bounds.y + d.bounds.height, members: [d] });
  }
  return rows.flatMap((row) => row.members.sort((a, b) => a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y || a.id - b.id));
}

function centred(area: Rect, size: { width: number; height: number }): Rect {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return { x: area.x + Math.floor((area.width - width) / 2), y: area.y + Math.floor((area.height - height) / 2), width, height };
}

function cascade(area: Rect, index: number): Rect {
  const width = Math.min(VIRTUAL_SIZE.width, area.width);
  const height = Math.min(VIRTUAL_SIZE.height, area.height);
  const offset = VIRTUAL_STEP * (index + 1);
  return { x: area.x + Math.min(offset, area.width - width), y: area.y + Math.min(offset, area.height - height), width, height };
}

export type WallWindowChanges = {
  /** Windows to close: their display is gone, or they are rebuilt (new bounds, new monitor number). */
  close: string[];
  /** Windows to create. */
  open: WallWindowPlan[];
};

/**
 * From the wall windows open now to the plan. A window is rebuilt, not changed in place, when its
 * display moved or changed size (leaving and re-entering full screen to move it is racy on every
 * platform) or when it must show another monitor (the renderer picks its monitor once, at load, and a
 * URL differing only in the fragment would not reload the page). An override window keeps wherever
 * the user put it.
 */
export function reconcileWallWindows(open: readonly WallWindowPlan[], plans: readonly WallWindowPlan[]): WallWindowChanges {
  const current = new Map(open.map((w) => [w.key, w]));
  const wanted = new Set(plans.map((p) => p.key));
  const changes: WallWindowChanges = { close: open.filter((w) => !wanted.has(w.key)).map((w) => w.key), open: [] };
  for (const plan of plans) {
    const now = current.get(plan.key);
    const same = now !== undefined && now.monitor === plan.monitor && now.fullscreen === plan.fullscreen && (!plan.fullscreen || sameRect(now.bounds, plan.bounds));
    if (same) continue;
    if (now) changes.close.push(plan.key);
    changes.open.push(plan);
  }
  return changes;
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/**
 * The override for testing where Electron exists on a one-screen machine: `--wall-windows=N` wins
 * over `MDC_WALL_WINDOWS=N`; N from 0 to 15 (0: no wall windows even with several displays).
 */
export function wallWindowsOverride(cli: string | null | undefined, env: string | null | undefined): { count: number | null; warning: string | null } {
  for (const [source, raw] of [
    ['--wall-windows', cli],
    ['MDC_WALL_WINDOWS', env],
  ] as const) {
    if (raw === null || raw === undefined || raw.trim() === '') continue;
    const value = raw.trim();
    if (/^\d{1,2}$/.test(value) && Number(value) <= MAX_WALL_WINDOWS) return { count: Number(value), warning: null };
    return { count: null, warning: `${source}=${value.slice(0, 20)} ignored: expected a whole number from 0 to ${MAX_WALL_WINDOWS}` };
  }
  return { count: null, warning: null };
}
