import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Screen } from 'electron';
import type { RpcResult } from '../../shared/contract/rpc';
import type { Logger } from '../services/logger';
import type { DisplayInfo } from './displayPlan';

/**
 * The Electron binary is not available here, so `electron` is replaced by small fakes that record what
 * the host asks of windows and the screen. This checks the wiring of `WallWindows` and the window
 * options; the decisions themselves are tested in displayPlan.test.ts.
 */
const fakes = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => void;
  class Events {
    private readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      const wrapped: Listener = (...args) => {
        this.off(event, wrapped);
        listener(...args);
      };
      return this.on(event, wrapped);
    }
    off(event: string, listener: Listener) {
      this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const l of this.listeners.get(event) ?? []) l(...args);
    }
    listenerCount(event: string) {
      return this.listeners.get(event)?.length ?? 0;
    }
  }
  const log: string[] = [];
  const windows: FakeWindow[] = [];
  class FakeWindow extends Events {
    readonly webContents = new Events();
    url = '';
    title: string;
    destroyed = false;
    shown: 'no' | 'active' | 'inactive' = 'no';
    constructor(readonly options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
      super();
      this.title = String(options.title);
      windows.push(this);
    }
    loadURL(url: string) {
      this.url = url;
      log.push(`load ${url}`);
      return Promise.resolve();
    }
    setTitle(title: string) {
      this.title = title;
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      if (this.destroyed) return;
      this.destroyed = true;
      log.push(`destroy ${this.url}`);
      this.emit('closed');
    }
    show() {
      this.shown = 'active';
    }
    showInactive() {
      this.shown = 'inactive';
    }
  }
  class FakeScreen extends Events {
    displays: DisplayInfo[] = [];
    primaryId = 1;
    getAllDisplays() {
      return this.displays;
    }
    getPrimaryDisplay() {
      return this.displays.find((d) => d.id === this.primaryId)!;
    }
  }
  return { FakeWindow, FakeScreen, windows, log };
});

vi.mock('electron', () => ({ BrowserWindow: fakes.FakeWindow }));

const { WallWindows } = await import('./wallWindows');
const { createConsoleWindow } = await import('./consoleWindow');

function display(id: number, x: number, y = 0, width = 1920, height = 1080): DisplayInfo {
  return { id, bounds: { x, y, width, height }, workArea: { x, y, width, height: height - 40 } };
}

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger;
let screen: InstanceType<typeof fakes.FakeScreen>;
let dispatchResult: RpcResult;
const dispatch = vi.fn(async (method: unknown, input: unknown): Promise<RpcResult> => {
  fakes.log.push(`${String(method)} ${JSON.stringify(input)}`);
  return dispatchResult;
});
const made: InstanceType<typeof WallWindows>[] = [];

function wallWindows(override: number | null = null) {
  const walls = new WallWindows({ screen: screen as unknown as Screen, core: { dispatch }, preloadPath: '/app/preload.cjs', devTools: false, log: logger, override });
  made.push(walls);
  return walls;
}
const open = () => fakes.windows.filter((w) => !w.destroyed);
const urls = () => open().map((w) => w.url);

beforeEach(() => {
  vi.useFakeTimers();
  fakes.windows.length = 0;
  fakes.log.length = 0;
  dispatch.mockClear();
  vi.mocked(logger.error).mockClear();
  dispatchResult = { ok: true, value: null };
  screen = new fakes.FakeScreen();
  screen.displays = [display(1, 0), display(2, 1920), display(3, 3840)];
});

afterEach(() => {
  for (const w of made.splice(0)) w.dispose();
  vi.useRealTimers();
});

describe('WallWindows', () => {
  it('adds the monitors first, then opens one frameless full-screen window per extra display with the console’s security', async () => {
    await wallWindows().sync();
    expect(fakes.log).toEqual(['wallCommand {"op":"ensureMonitors","count":3}', 'load app://console/#/wall/2', 'load app://console/#/wall/3']);
    const [two, three] = open();
    expect(two!.options).toMatchObject({ x: 1920, y: 0, width: 1920, height: 1080, frame: false, fullscreen: true, skipTaskbar: true, show: false });
    expect(three!.options).toMatchObject({ x: 3840, frame: false, fullscreen: true });
    expect(two!.title).toBe('煤矿应急指挥调度台 · 监视器 2');
    expect(two!.options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    // Shown without taking the focus from the console.
    two!.emit('ready-to-show');
    expect(two!.shown).toBe('inactive');
  });

  it('uses the same web preferences for the console window, placed on the primary display', async () => {
    screen.primaryId = 2;
    const walls = wallWindows();
    createConsoleWindow({ preloadPath: '/app/preload.cjs', devTools: false, log: logger, bounds: walls.plan().console });
    const [consoleWindow] = fakes.windows;
    expect(consoleWindow!.url).toBe('app://console/index.html');
    expect(consoleWindow!.options).toMatchObject({ x: 1920 + 160, y: 70, width: 1600, height: 900, minWidth: 1280 });
    await walls.sync();
    // The primary display has no wall window; the others are numbered left to right.
    expect(open().slice(1).map((w) => [w.options.x, w.url])).toEqual([
      [0, 'app://console/#/wall/2'],
      [3840, 'app://console/#/wall/3'],
    ]);
    expect(fakes.windows[1]!.options.webPreferences).toEqual(consoleWindow!.options.webPreferences);
  });

  it('follows displays: one added on the left renumbers the others, one removed closes its window, monitors only grow', async () => {
    const walls = wallWindows();
    await walls.sync();
    fakes.log.length = 0;
    screen.displays = [...screen.displays, display(4, -1920)];
    screen.emit('display-added', {}, screen.displays[3]);
    screen.emit('display-metrics-changed', {}, screen.displays[0], ['workArea']); // a burst: one update
    await vi.advanceTimersByTimeAsync(299);
    expect(fakes.log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await walls.sync();
    // Renumbered windows are rebuilt: the renderer reads its monitor from the URL once, at load.
    expect(fakes.log).toEqual([
      'wallCommand {"op":"ensureMonitors","count":4}',
      'destroy app://console/#/wall/2',
      'destroy app://console/#/wall/3',
      'load app://console/#/wall/2',
      'load app://console/#/wall/3',
      'load app://console/#/wall/4',
    ]);
    expect(open().map((w) => [w.options.x, w.url, w.title])).toEqual([
      [-1920, 'app://console/#/wall/2', '煤矿应急指挥调度台 · 监视器 2'],
      [1920, 'app://console/#/wall/3', '煤矿应急指挥调度台 · 监视器 3'],
      [3840, 'app://console/#/wall/4', '煤矿应急指挥调度台 · 监视器 4'],
    ]);

    fakes.log.length = 0;
    screen.displays = screen.displays.filter((d) => d.id !== 3);
    screen.emit('display-removed', {}, display(3, 3840));
    await vi.advanceTimersByTimeAsync(300);
    await walls.sync();
    // No ensureMonitors with fewer monitors: monitor 4 keeps its content for when the display returns.
    expect(fakes.log).toEqual(['destroy app://console/#/wall/4']);
    expect(urls()).toEqual(['app://console/#/wall/2', 'app://console/#/wall/3']);
  });

  it('rebuilds a window whose display changed resolution', async () => {
    const walls = wallWindows();
    await walls.sync();
    fakes.log.length = 0;
    screen.displays = [display(1, 0), display(2, 1920, 0, 3840, 2160), display(3, 5760)];
    screen.emit('display-metrics-changed', {}, screen.displays[1], ['bounds']);
    await vi.advanceTimersByTimeAsync(300);
    await walls.sync();
    expect(fakes.log).toEqual(['destroy app://console/#/wall/2', 'destroy app://console/#/wall/3', 'load app://console/#/wall/2', 'load app://console/#/wall/3']);
    expect(open().map((w) => w.options.width)).toEqual([3840, 1920]);
  });

  it('opens a wall window closed by hand again at the next sync', async () => {
    const walls = wallWindows();
    await walls.sync();
    open()[0]!.destroy();
    expect(urls()).toEqual(['app://console/#/wall/3']);
    await walls.sync();
    expect(urls()).toEqual(['app://console/#/wall/3', 'app://console/#/wall/2']);
  });

  it('override: N ordinary windows on a single display', async () => {
    screen.displays = [display(1, 0)];
    await wallWindows(2).sync();
    expect(fakes.log).toEqual(['wallCommand {"op":"ensureMonitors","count":3}', 'load app://console/#/wall/2', 'load app://console/#/wall/3']);
    expect(open().map((w) => [w.options.frame, w.options.fullscreen, w.options.skipTaskbar])).toEqual([
      [true, false, false],
      [true, false, false],
    ]);
    open()[0]!.emit('ready-to-show');
    expect(open()[0]!.shown).toBe('active');
  });

  it('still opens the windows when the wall refuses ensureMonitors, logs it, and asks again next time', async () => {
    dispatchResult = { ok: false, error: { code: 'internal', message: 'disk full' } };
    const walls = wallWindows();
    await walls.sync();
    expect(urls()).toHaveLength(2);
    expect(logger.error).toHaveBeenCalledWith({ count: 3, error: dispatchResult.error }, 'wall monitors not added');
    dispatchResult = { ok: true, value: null };
    await walls.sync();
    await walls.sync();
    expect(dispatch).toHaveBeenCalledTimes(2);
  });

  it('dispose closes the wall windows and stops following the screen', async () => {
    const walls = wallWindows();
    await walls.sync();
    walls.dispose();
    expect(open()).toEqual([]);
    for (const e of ['display-added', 'display-removed', 'display-metrics-changed']) expect(screen.listenerCount(e), e).toBe(0);
    await walls.sync();
    expect(open()).toEqual([]);
  });
});
