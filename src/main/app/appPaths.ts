import fs from 'node:fs';
import path from 'node:path';

export type AppPaths = {
  /** Folder holding package.json and dist/ (a checkout, or app.asar in a packaged app). */
  root: string;
  rendererDir: string;
  preloadPath: string;
};

/**
 * Paths of the built app, from the folder of the bundled main script (`dist/main/electron.cjs`).
 * Not `app.getAppPath()`: `electron dist/main/electron.cjs` makes that `dist/main`.
 */
export function appPaths(mainDir: string): AppPaths {
  const root = path.resolve(mainDir, '..', '..');
  return {
    root,
    rendererDir: path.join(root, 'dist', 'renderer'),
    preloadPath: path.join(root, 'dist', 'preload', 'preload.cjs'),
  };
}

/** The app's version from its package.json (Electron reports its own version when started on a file). */
export function readAppVersion(root: string): string {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    if (pkg && typeof pkg === 'object' && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  return '0.0.0';
}

/** The data folder: MDC_DATA_DIR when set (tests, several consoles on one PC), else an ASCII-named folder under appData. */
export function dataDirFor(appData: string, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.MDC_DATA_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(appData, 'mine-dispatch-console');
}
