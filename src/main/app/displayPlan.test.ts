import { describe, expect, it } from 'vitest';
import { CONSOLE_SIZE, MAX_WALL_WINDOWS, planDisplays, readingOrder, reconcileWallWindows, wallWindowsOverride, type DisplayInfo, type WallWindowPlan } from './displayPlan';

/** A display at (x, y) of the given size; the work area leaves a 40 px task bar at the bottom. */
function display(id: number, x: number, y: number, width = 1920, height = 1080): DisplayInfo {
  return { id, bounds: { x, y, width, height }, workArea: { x, y, width, height: height - 40 } };
}

const summary = (walls: readonly WallWindowPlan[]) => walls.map((w) => `${w.monitor}=${w.key}${w.fullscreen ? '' : ' (window)'}`);

describe('planDisplays', () => {
  it('one display: the console only, centred on it, and one monitor', () => {
    const plan = planDisplays([display(1, 0, 0)], 1);
    expect(plan.walls).toEqual([]);
    expect(plan.monitors).toBe(1);
    expect(plan.console).toEqual({ x: 160, y: 70, ...CONSOLE_SIZE });
  });

  it('gives every other display a full-screen wall window over its whole bounds, monitors 2.. left to right', () => {
    const primary = display(10, 0, 0);
    const right = display(11, 1920, 0);
    const left = display(12, -2560, 0, 2560, 1440);
    const plan = planDisplays([right, primary, left], 10);
    expect(summary(plan.walls)).toEqual(['2=display:12', '3=display:11']);
    expect(plan.walls[0]).toEqual({ key: 'display:12', monitor: 2, bounds: left.bounds, fullscreen: true });
    expect(plan.walls[1]!.bounds).toEqual(right.bounds);
    expect(plan.monitors).toBe(3);
    // The console stays on the primary display, whatever the others are.
    expect(plan.console).toEqual({ x: 160, y: 70, ...CONSOLE_SIZE });
  });

  it('the console follows the primary display, wherever it is, and fits a small one', () => {
    const plan = planDisplays([display(1, 0, 0), display(2, 1920, 0, 1280, 720)], 2);
    expect(plan.console).toEqual({ x: 1920, y: 0, width: 1280, height: 680 });
    expect(summary(plan.walls)).toEqual(['2=display:1']);
  });

  it('numbers a wall of displays in reading order: rows top to bottom, left to right in a row', () => {
    // Console on a desk display below a 3 x 2 wall.
    const desk = display(1, 1920, 2160);
    const wall = [display(26, 3840, 1080), display(21, 0, 0), display(25, 1920, 1080), display(22, 1920, 0), display(24, 0, 1080), display(23, 3840, 0)];
    const plan = planDisplays([desk, ...wall], 1);
    expect(summary(plan.walls)).toEqual(['2=display:21', '3=display:22', '4=display:23', '5=display:24', '6=display:25', '7=display:26']);
  });

  it('keeps displays of different heights side by side in one row', () => {
    const order = readingOrder([display(3, 4480, 0, 1920, 1080), display(2, 1920, 360, 2560, 1440), display(1, 0, 180, 1920, 1080)]);
    expect(order.map((d) => d.id)).toEqual([1, 2, 3]);
  });

  it('is deterministic for identical positions (mirrored displays)', () => {
    const order = readingOrder([display(9, 0, 0), display(4, 0, 0)]);
    expect(order.map((d) => d.id)).toEqual([4, 9]);
  });

  it('never plans more than 15 wall windows (16 monitors)', () => {
    const displays = Array.from({ length: 20 }, (_, i) => display(i + 1, i * 1920, 0));
    const plan = planDisplays(displays, 1);
    expect(plan.walls).toHaveLength(MAX_WALL_WINDOWS);
    expect(plan.walls.at(-1)!.monitor).toBe(16);
    expect(plan.monitors).toBe(16);
  });

  it('falls back to the first display when the primary id is unknown, and to a default with no displays', () => {
    expect(summary(planDisplays([display(1, 0, 0), display(2, 1920, 0)], 99).walls)).toEqual(['2=display:2']);
    expect(planDisplays([], 1)).toEqual({ console: { x: 0, y: 0, ...CONSOLE_SIZE }, walls: [], monitors: 1 });
  });

  it('override: N wall windows on one display, as ordinary windows cascaded inside the primary work area', () => {
    const plan = planDisplays([display(1, 0, 0)], 1, 2);
    expect(summary(plan.walls)).toEqual(['2=virtual:2 (window)', '3=virtual:3 (window)']);
    expect(plan.walls.map((w) => w.bounds)).toEqual([
      { x: 48, y: 48, width: 960, height: 540 },
      { x: 96, y: 96, width: 960, height: 540 },
    ]);
    expect(plan.monitors).toBe(3);
    // Many windows stay inside the work area.
    for (const w of planDisplays([display(1, 100, 50, 1280, 720)], 1, 15).walls) {
      expect(w.bounds.x + w.bounds.width).toBeLessThanOrEqual(100 + 1280);
      expect(w.bounds.y + w.bounds.height).toBeLessThanOrEqual(50 + 680);
      expect(w.bounds.x).toBeGreaterThanOrEqual(100);
    }
  });

  it('override: real displays first, then windows; fewer than the displays; zero', () => {
    const displays = [display(1, 0, 0), display(2, 1920, 0), display(3, 3840, 0)];
    expect(summary(planDisplays(displays, 1, 4).walls)).toEqual(['2=display:2', '3=display:3', '4=virtual:4 (window)', '5=virtual:5 (window)']);
    expect(summary(planDisplays(displays, 1, 1).walls)).toEqual(['2=display:2']);
    expect(planDisplays(displays, 1, 0)).toMatchObject({ walls: [], monitors: 1 });
    expect(planDisplays(displays, 1, 40).walls).toHaveLength(MAX_WALL_WINDOWS);
  });
});

describe('reconcileWallWindows', () => {
  const d = (id: number, x: number) => display(id, x, 0);

  it('opens windows for new displays and closes those of removed ones', () => {
    const before = planDisplays([d(1, 0), d(2, 1920)], 1).walls;
    const after = planDisplays([d(1, 0), d(2, 1920), d(3, 3840)], 1).walls;
    expect(reconcileWallWindows(before, after)).toEqual({ close: [], open: [after[1]] });
    expect(reconcileWallWindows(after, before)).toEqual({ close: ['display:3'], open: [] });
    expect(reconcileWallWindows([], after)).toEqual({ close: [], open: after });
    expect(reconcileWallWindows(after, after)).toEqual({ close: [], open: [] });
  });

  it('rebuilds the windows whose monitor number shifts when a display is added to their left', () => {
    const before = planDisplays([d(1, 0), d(2, 1920), d(4, 3840)], 1).walls;
    const after = planDisplays([d(1, 0), d(2, 1920), d(4, 3840), d(3, -1920)], 1).walls;
    const changes = reconcileWallWindows(before, after);
    expect(changes.close).toEqual(['display:2', 'display:4']);
    expect(summary(changes.open)).toEqual(['2=display:3', '3=display:2', '4=display:4']);
    // Removing it again: the others move down a number and are rebuilt.
    const removed = reconcileWallWindows(after, planDisplays([d(1, 0), d(2, 1920), d(4, 3840)], 1).walls);
    expect(removed.close).toEqual(['display:3', 'display:2', 'display:4']);
    expect(summary(removed.open)).toEqual(['2=display:2', '3=display:4']);
  });

  it('keeps the windows left of a display removed on the right', () => {
    const before = planDisplays([d(1, 0), d(2, 1920), d(4, 3840)], 1).walls;
    expect(reconcileWallWindows(before, planDisplays([d(1, 0), d(2, 1920)], 1).walls)).toEqual({ close: ['display:4'], open: [] });
  });

  it('rebuilds a full-screen window whose display moved or changed resolution', () => {
    const before = planDisplays([d(1, 0), d(2, 1920)], 1).walls;
    const after = planDisplays([d(1, 0), display(2, 1920, 0, 3840, 2160)], 1).walls;
    expect(reconcileWallWindows(before, after)).toEqual({ close: ['display:2'], open: after });
  });

  it('leaves override windows where the user put them, and swaps a window for a display that arrives', () => {
    const before = planDisplays([d(1, 0)], 1, 2).walls;
    const moved = before.map((w) => ({ ...w, bounds: { ...w.bounds, x: w.bounds.x + 500 } }));
    expect(reconcileWallWindows(moved, planDisplays([d(1, 0)], 1, 2).walls)).toEqual({ close: [], open: [] });
    const after = planDisplays([d(1, 0), d(2, 1920)], 1, 2).walls;
    expect(summary(after)).toEqual(['2=display:2', '3=virtual:3 (window)']);
    const changes = reconcileWallWindows(moved, after);
    expect(changes.close).toEqual(['virtual:2']);
    expect(summary(changes.open)).toEqual(['2=display:2']);
  });
});

describe('wallWindowsOverride', () => {
  it('is off unless asked', () => {
    expect(wallWindowsOverride(undefined, undefined)).toEqual({ count: null, warning: null });
    expect(wallWindowsOverride('', '  ')).toEqual({ count: null, warning: null });
    expect(wallWindowsOverride(null, null)).toEqual({ count: null, warning: null });
  });

  it('reads MDC_WALL_WINDOWS, and the --wall-windows switch wins over it', () => {
    expect(wallWindowsOverride('', '2')).toEqual({ count: 2, warning: null });
    expect(wallWindowsOverride('3', '2')).toEqual({ count: 3, warning: null });
    expect(wallWindowsOverride(' 0 ', undefined)).toEqual({ count: 0, warning: null });
    expect(wallWindowsOverride('15', undefined).count).toBe(15);
  });

  it('ignores junk and out-of-range values with a warning', () => {
    for (const bad of ['16', '-1', '2.5', 'two', '1e1', '0x2', '999']) {
      const r = wallWindowsOverride(undefined, bad);
      expect(r.count, bad).toBeNull();
      expect(r.warning, bad).toMatch(/^MDC_WALL_WINDOWS=.* ignored/);
    }
    expect(wallWindowsOverride('x', '2').warning).toMatch(/^--wall-windows=x ignored/);
  });
});
