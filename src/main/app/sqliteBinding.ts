import fs from 'node:fs';
import path from 'node:path';

/** Where `scripts/electron/rebuildSqlite.mjs` puts better-sqlite3 built for Electron's ABI (relative to the app root). */
export const ELECTRON_SQLITE_CACHE = path.join('.cache', 'electron-native', 'better_sqlite3.node');
export const REBUILD_COMMAND = 'node scripts/electron/rebuildSqlite.mjs';

export type SqliteBindingLocation =
  | { ok: true; path: string | undefined; source: 'electron-cache' | 'packaged' }
  | { ok: false; message: string };

export type LocateSqliteOptions = {
  isPackaged: boolean;
  /** Folder holding package.json and dist/ (in a packaged app: the app.asar path). */
  appRoot: string;
  /** `process.resourcesPath` (packaged app only). */
  resourcesPath: string;
  exists?: (file: string) => boolean;
};

/**
 * Which better_sqlite3.node the Electron host loads. From a checkout, node_modules holds Node's build
 * (for the web host and tests), so Electron uses its own copy under `.cache/electron-native/`.
 * A packaged app carries electron-builder's rebuilt module, unpacked beside app.asar; when it is not
 * found there, better-sqlite3 is left to find its module itself (`path: undefined`).
 */
export function locateSqliteBinding({ isPackaged, appRoot, resourcesPath, exists = fs.existsSync }: LocateSqliteOptions): SqliteBindingLocation {
  if (isPackaged) {
    const inModules = path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const candidates = [path.join(resourcesPath, 'app.asar.unpacked', inModules), path.join(resourcesPath, 'app', inModules)];
    return { ok: true, path: candidates.find((c) => exists(c)), source: 'packaged' };
  }
  const cached = path.join(appRoot, ELECTRON_SQLITE_CACHE);
  if (exists(cached)) return { ok: true, path: cached, source: 'electron-cache' };
  return {
    ok: false,
    message:
      `未找到为 Electron 编译的 better-sqlite3 (${cached})。\n` +
      `请在项目目录运行 \`${REBUILD_COMMAND}\` 后重新启动。\n\n` +
      `better-sqlite3 has not been built for Electron's ABI (looked for ${cached}). ` +
      `Run \`${REBUILD_COMMAND}\` in the project folder (needs the Electron binary and its headers), then start again.`,
  };
}
