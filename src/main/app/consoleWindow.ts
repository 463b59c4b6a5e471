import { BrowserWindow, type Rectangle, type WebPreferences } from 'electron';
import type { Logger } from '../services/logger';
import type { WallWindowPlan } from './displayPlan';
import { APP_ENTRY_URL, wallUrl } from './security';

export const WINDOW_TITLE = '煤矿应急指挥调度台';
/** antd's dark layout colour (the renderer uses `theme.darkAlgorithm`), painted before the first frame: no white flash. */
const BACKGROUND = '#000000';

export type ConsoleWindowOptions = {
  preloadPath: string;
  devTools: boolean;
  log: Logger;
  /** Where to open (the primary display's work area, see `displayPlan.ts`); the platform decides when absent. */
  bounds?: Rectangle;
};

/**
 * The web preferences of every window of the app (console and wall): sandboxed, context-isolated
 * renderer with only our preload, no Node anywhere, no `<webview>`.
 */
function securePreferences(preloadPath: string, devTools: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    devTools,
    // Alarm sounds and talk-back must play without a click first; timers keep running when covered.
    autoplayPolicy: 'no-user-gesture-required',
    backgroundThrottling: false,
  };
}

/**
 * The console window, shown once the first frame is ready. The title stays the product name (pages
 * do not rename the window).
 */
export function createConsoleWindow({ preloadPath, devTools, log, bounds }: ConsoleWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    title: WINDOW_TITLE,
    width: 1600,
    height: 900,
    ...bounds,
    minWidth: 1280,
    minHeight: 720,
    backgroundColor: BACKGROUND,
    show: false,
    autoHideMenuBar: true,
    webPreferences: securePreferences(preloadPath, devTools),
  });
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  win.webContents.on('render-process-gone', (_event, details) => log.error({ reason: details.reason, exitCode: details.exitCode }, 'console renderer gone'));
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => log.error({ err }, 'console page failed to load'));
  return win;
}

export const wallTitle = (monitor: number) => `${WINDOW_TITLE} · 监视器 ${monitor}`;

export type WallWindowOptions = { plan: WallWindowPlan; preloadPath: string; devTools: boolean; log: Logger };

/**
 * A wall window: one monitor of the wall (`app://console/#/wall/<n>`), with the console window's
 * security settings. On its own display it is frameless and full screen, kept out of the task bar,
 * and shown without taking the focus from the console; an override window (testing on one screen) is
 * an ordinary window.
 */
export function createWallWindow({ plan, preloadPath, devTools, log }: WallWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    title: wallTitle(plan.monitor),
    ...plan.bounds,
    frame: !plan.fullscreen,
    fullscreen: plan.fullscreen,
    skipTaskbar: plan.fullscreen,
    backgroundColor: BACKGROUND,
    show: false,
    autoHideMenuBar: true,
    webPreferences: securePreferences(preloadPath, devTools),
  });
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => (plan.fullscreen ? win.showInactive() : win.show()));
  win.webContents.on('render-process-gone', (_event, details) =>
    log.error({ monitor: plan.monitor, reason: details.reason, exitCode: details.exitCode }, 'wall renderer gone'),
  );
  win.loadURL(wallUrl(plan.monitor)).catch((err: unknown) => log.error({ err, monitor: plan.monitor }, 'wall page failed to load'));
  return win;
}
