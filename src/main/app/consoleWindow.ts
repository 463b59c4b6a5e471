import { BrowserWindow } from 'electron';
import type { Logger } from '../services/logger';
import { APP_ENTRY_URL } from './security';

export const WINDOW_TITLE = '煤矿应急指挥调度台';
/** antd's dark layout colour (the renderer uses `theme.darkAlgorithm`), painted before the first frame: no white flash. */
const BACKGROUND = '#000000';

export type ConsoleWindowOptions = { preloadPath: string; devTools: boolean; log: Logger };

/**
 * The console window: sandboxed, context-isolated renderer with only our preload, shown once the
 * first frame is ready. The title stays the product name (pages do not rename the window).
 */
export function createConsoleWindow({ preloadPath, devTools, log }: ConsoleWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    title: WINDOW_TITLE,
    width: 1600,
    height: 900,
    minWidth: 1280,
    minHeight: 720,
    backgroundColor: BACKGROUND,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
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
    },
  });
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  win.webContents.on('render-process-gone', (_event, details) => log.error({ reason: details.reason, exitCode: details.exitCode }, 'console renderer gone'));
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => log.error({ err }, 'console page failed to load'));
  return win;
}
