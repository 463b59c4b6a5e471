import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Where the Electron binary is, without `require('electron')` (whose index.js starts a download when
 * the binary is missing). Reads node_modules/electron/path.txt the way that index.js does.
 */
const require = createRequire(import.meta.url);

/** The project root (this file is scripts/electron/electronBinary.mjs). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** node_modules/electron, or null when the package is not installed. */
export function electronPackageDir() {
  try {
    return path.dirname(require.resolve('electron/package.json', { paths: [PROJECT_ROOT] }));
  } catch {
    return null;
  }
}

/** The installed Electron version (e.g. "45.4.1"), or null. */
export function electronVersion() {
  const dir = electronPackageDir();
  if (!dir) return null;
  try {
    const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/** Absolute path of the Electron executable, or null when it has not been downloaded. */
export function electronBinaryPath() {
  const dir = electronPackageDir();
  if (!dir) return null;
  let relative = null;
  try {
    relative = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim() || null;
  } catch {
    relative = null;
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? path.join(override, relative ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'))
    : relative && path.join(dir, 'dist', relative);
  return candidate && fs.existsSync(candidate) ? candidate : null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = electronBinaryPath();
  process.stdout.write(`${JSON.stringify({ ok: found !== null, path: found ?? undefined, version: electronVersion() })}\n`);
  process.exitCode = found ? 0 : 1;
}
