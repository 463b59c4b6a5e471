import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { EVENT_NAMES, REQUEST_NAMES } from '../../src/shared/contract/consoleApi';
import type { HostBridge } from '../../src/shared/contract/hostBridge';
import { electronBinaryPath } from '../../scripts/electron/electronBinary.mjs';
import { buildSqliteForElectron } from '../../scripts/electron/rebuildSqlite.mjs';
import { ErrorCollector } from '../support/errorCollector';

/**
 * The real Electron host, started from the built app (`npm run build` first): window, bridge,
 * isolation and the navigation/window guards. Runs only where the Electron binary is present.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = path.join(ROOT, 'dist', 'main', 'electron.cjs');
/** Another origin that is still this machine (the discard port): nothing is ever sent elsewhere. */
const FOREIGN_URL = 'http://127.0.0.1:9/';

/** What the tests read off `window` (inlined in each evaluate: page functions are serialised, not closures). */
type PageGlobals = { mdcHost?: HostBridge; __mdcMarker?: number };

test.describe.configure({ mode: 'serial' });

let app: ElectronApplication;
let page: Page;
let dataDir: string;
let errors: ErrorCollector;

test.beforeAll(async () => {
  test.setTimeout(10 * 60_000); // the first run builds better-sqlite3 for Electron (about a minute)
  const executablePath = electronBinaryPath();
  expect(executablePath, 'Electron binary: run `node scripts/electron/fetchBinary.mjs`').not.toBeNull();
  expect(fs.existsSync(MAIN), `${MAIN}: run \`npm run build\` first`).toBe(true);
  expect(await buildSqliteForElectron(), 'better-sqlite3 for Electron').toMatchObject({ ok: true });

  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-electron-e2e-'));
  // Chromium refuses to start as root with its OS sandbox; the renderer stays sandboxed by webPreferences.
  const asRoot = process.getuid?.() === 0;
  app = await _electron.launch({
    executablePath: executablePath!,
    args: [...(asRoot ? ['--no-sandbox'] : []), MAIN],
    cwd: ROOT,
    env: { ...process.env, MDC_DATA_DIR: dataDir },
  });
  page = await app.firstWindow();
  errors = new ErrorCollector(page);
  await expect.poll(() => page.url()).toMatch(/^app:\/\/console\//);
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('opens one console window with the product title', async () => {
  const titles = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.getTitle()));
  expect(titles).toEqual(['煤矿应急指挥调度台']);
  expect(page.url()).toMatch(/^app:\/\/console\//);
});

test('exposes exactly the contract as window.mdcHost, and no Node', async () => {
  const seen = await page.evaluate(() => {
    const g = window as unknown as Record<string, unknown>;
    const host = g.mdcHost as Record<string, unknown> | undefined;
    return {
      host: typeof host,
      keys: host ? Object.keys(host).sort() : [],
      require: typeof g.require,
      process: typeof g.process,
      module: typeof g.module,
      ipcRenderer: 'ipcRenderer' in g,
      electron: 'electron' in g,
    };
  });
  expect(seen).toEqual({
    host: 'object',
    keys: [...REQUEST_NAMES, ...EVENT_NAMES].sort(),
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    ipcRenderer: false,
    electron: false,
  });
});

test('answers getAppInfo over IPC, and refuses a malformed request', async () => {
  const info = await page.evaluate(() => (window as unknown as PageGlobals).mdcHost!.getAppInfo({}));
  expect(info).toMatchObject({ ok: true, value: { host: 'electron', name: '煤矿应急指挥调度台' } });
  expect(['os-keychain', 'file-0600']).toContain((info as { value: { secretProtection: string } }).value.secretProtection);
  const bad = await page.evaluate(() => (window as unknown as PageGlobals).mdcHost!.getAppInfo({ unexpected: true }));
  expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
});

test('serves the renderer with its CSP and never a file outside it', async () => {
  const seen = await page.evaluate(async () => {
    const index = await fetch('/index.html');
    const escape = await fetch('/..%2F..%2Fpackage.json');
    return {
      csp: index.headers.get('content-security-policy') ?? '',
      nosniff: index.headers.get('x-content-type-options'),
      escapeBody: await escape.text(),
    };
  });
  expect(seen.csp).toContain("default-src 'none'");
  expect(seen.nosniff).toBe('nosniff');
  expect(seen.escapeBody).not.toContain('"name": "mine-dispatch-console"');
});

test('refuses navigation to another origin', async () => {
  await page.evaluate((url) => {
    (window as unknown as PageGlobals).__mdcMarker = 1;
    location.href = url;
  }, FOREIGN_URL);
  await page.waitForTimeout(1_000);
  expect(page.url()).toMatch(/^app:\/\/console\//);
  expect(await page.evaluate(() => (window as unknown as PageGlobals).__mdcMarker)).toBe(1); // same document: nothing was loaded
});

test('refuses window.open', async () => {
  const opened = await page.evaluate((url) => window.open(url) === null, FOREIGN_URL);
  expect(opened).toBe(true);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  expect(app.windows()).toHaveLength(1);
});

test('denies permissions the console does not use', async () => {
  const state = await page.evaluate(async () => (await navigator.permissions.query({ name: 'geolocation' })).state);
  expect(state).toBe('denied');
});

test('logged no console or page errors and made no request off this machine', () => {
  expect(errors.unexpected()).toEqual([]);
});
