import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session } from 'electron';
import { createConsoleCore } from '../core';
import { contentSecurityPolicy } from '../services/contentSecurityPolicy';
import { createLogger, type Logger } from '../services/logger';
import { registerLabBackend } from '../services/labBackend';
import { registerLabPbx } from '../telephony/labPbx';
import { registerLabAlarms } from '../alarms/labAlarms';
import { registerLabGps } from '../gps/labGps';
import { appPaths, dataDirFor, readAppVersion } from './appPaths';
import { createConsoleWindow, WINDOW_TITLE } from './consoleWindow';
import { wallWindowsOverride } from './displayPlan';
import { guardAllWebContents } from './guards';
import { bindConsoleIpc } from './ipcBridge';
import { createRendererHandler } from './rendererProtocol';
import { APP_SCHEME, chromiumSwitches } from './security';
import { applySessionPolicy } from './sessionPolicy';
import { safeStorageCipher } from './safeStorageCipher';
import { quitCleanly } from './shutdown';
import { locateSqliteBinding } from './sqliteBinding';
import { WallWindows } from './wallWindows';

/** Entry of the Electron host (bundled to dist/main/electron.cjs). Wiring only; decisions live beside it. */
const APP_ID = 'cn.gov.changzhi.mine-dispatch-console';
const paths = appPaths(__dirname);

for (const [name, value] of chromiumSwitches()) app.commandLine.appendSwitch(name, value);
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
app.enableSandbox();
app.setAppUserModelId(APP_ID);
app.setPath('userData', dataDirFor(app.getPath('appData'), process.env));

if (app.requestSingleInstanceLock()) {
  const log = createLogger(app.getPath('userData'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection in main'));
  start(log).catch((err: unknown) => fail(log, `启动失败 (start-up failed): ${err instanceof Error ? err.message : String(err)}`));
} else {
  app.quit();
}

async function start(log: Logger): Promise<void> {
  guardAllWebContents(app, log);
  Menu.setApplicationMenu(null);
  await app.whenReady();

  const dataDir = app.getPath('userData');
  const binding = locateSqliteBinding({ isPackaged: app.isPackaged, appRoot: paths.root, resourcesPath: process.resourcesPath });
  if (!binding.ok) return fail(log, binding.message);
  const version = readAppVersion(paths.root);
  const core = await createConsoleCore({ host: 'electron', dataDir, log, version, sqliteBinding: binding.path, secretCipher: safeStorageCipher() });
  log.info({ version, dataDir, sqlite: binding.source }, 'electron host starting');
  const labBackend = app.commandLine.getSwitchValue('lab-backend');
  if (labBackend && !app.isPackaged) await registerLabBackend(core, labBackend, log);
  const labPbx = app.commandLine.getSwitchValue('lab-pbx');
  if (labPbx && !app.isPackaged) await registerLabPbx(core, labPbx, log);
  const labAlarms = app.commandLine.getSwitchValue('lab-alarms');
  if (labAlarms && !app.isPackaged) await registerLabAlarms(core, labAlarms, log);
  const labGps = app.commandLine.getSwitchValue('lab-gps');
  if (labGps && !app.isPackaged) await registerLabGps(core, labGps, log);

  applySessionPolicy(session.defaultSession, { log, connectOrigins: () => core.connectOrigins() });
  protocol.handle(
    APP_SCHEME,
    createRendererHandler({ rendererDir: paths.rendererDir, csp: () => contentSecurityPolicy([...core.connectOrigins()], core.mapOrigins()) }),
  );
  const ipc = bindConsoleIpc({ ipcMain, core, log });
  const override = wallWindowsOverride(app.commandLine.getSwitchValue('wall-windows'), process.env.MDC_WALL_WINDOWS);
  if (override.warning) log.warn(override.warning);
  // One wall window per extra display (monitor 2, 3, …); the console window shows monitor 1.
  const walls = new WallWindows({ screen, core, preloadPath: paths.preloadPath, devTools: !app.isPackaged, log, override: override.count });
  quitCleanly(app, log, async () => {
    walls.dispose();
    ipc.dispose();
    await core.dispose();
  });

  const syncWalls = () => walls.sync().catch((err: unknown) => log.error({ err }, 'wall windows not opened'));
  const openWindow = () => {
    const consoleWindow = createConsoleWindow({ preloadPath: paths.preloadPath, devTools: !app.isPackaged, log, bounds: walls.plan().console });
    // The wall windows have no controls of their own: closing the console ends the app.
    consoleWindow.on('closed', () => app.quit());
    return consoleWindow;
  };
  let win = openWindow();
  app.on('second-instance', () => {
    if (win.isDestroyed()) win = openWindow();
    if (win.isMinimized()) win.restore();
    win.focus();
    // A wall window closed by hand comes back.
    void syncWalls();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = openWindow();
  });
  app.on('window-all-closed', () => app.quit());
  await syncWalls();
}

function fail(log: Logger, message: string): void {
  log.fatal(message);
  log.flush();
  dialog.showErrorBox(WINDOW_TITLE, message);
  app.exit(1);
}
