import fs from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, electronBinaryPath, electronVersion } from './electronBinary.mjs';
import { runNode } from './runNode.mjs';

/**
 * Builds better-sqlite3 for Electron's ABI into .cache/electron-native/better_sqlite3.node, leaving
 * node_modules' Node build alone (the web host and the tests use it): the package is copied to a temp
 * folder and node-gyp runs there. The Electron main process loads that file via `nativeBinding`.
 */
const require = createRequire(import.meta.url);

export const ELECTRON_SQLITE_OUT = path.join(PROJECT_ROOT, '.cache', 'electron-native', 'better_sqlite3.node');
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/**
 * @param {{ force?: boolean, distUrl?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<{ ok: boolean, path?: string, reason?: string }>}
 */
export async function buildSqliteForElectron({ force = false, distUrl = ELECTRON_HEADERS_URL, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (!electronBinaryPath()) {
    return { ok: false, reason: 'the Electron binary is not present (run `node scripts/electron/fetchBinary.mjs` first)' };
  }
  const target = electronVersion();
  if (!target) return { ok: false, reason: 'the electron package is not installed' };
  const stamp = { runtime: 'electron', target, arch: process.arch, betterSqlite3: betterSqliteVersion() };
  if (!force && isUpToDate(ELECTRON_SQLITE_OUT, stamp)) return { ok: true, path: ELECTRON_SQLITE_OUT };
  log(`building better-sqlite3 ${stamp.betterSqlite3} for Electron ${target} (${process.arch}); takes a minute or two`);
  return buildBetterSqlite({ runtime: 'electron', target, distUrl, outFile: ELECTRON_SQLITE_OUT, log });
}

/**
 * Builds a copy of node_modules/better-sqlite3 with node-gyp for any runtime and copies the module
 * to `outFile` (with a `.json` stamp beside it). Exported for verification against Node's headers.
 *
 * @param {{ runtime: 'electron' | 'node', target: string, outFile: string, distUrl?: string, nodedir?: string,
 *           arch?: string, timeoutMs?: number, log?: (line: string) => void }} options
 * @returns {Promise<{ ok: boolean, path?: string, reason?: string }>}
 */
export async function buildBetterSqlite({ runtime, target, outFile, distUrl, nodedir, arch = process.arch, timeoutMs = 20 * 60_000, log = () => {} }) {
  let pkgDir;
  let gypJs;
  try {
    pkgDir = path.dirname(require.resolve('better-sqlite3/package.json', { paths: [PROJECT_ROOT] }));
    gypJs = path.join(path.dirname(require.resolve('node-gyp/package.json', { paths: [PROJECT_ROOT] })), 'bin', 'node-gyp.js');
  } catch (err) {
    return { ok: false, reason: `better-sqlite3 or node-gyp is not installed: ${err instanceof Error ? err.message : String(err)}` };
  }
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'mdc-sqlite-'));
  try {
    const copy = path.join(work, 'better-sqlite3');
    // Sources only: not the Node build in build/, not nested node_modules.
    await fs.cp(pkgDir, copy, {
      recursive: true,
      filter: (src) => {
        const first = path.relative(pkgDir, src).split(path.sep)[0];
        return first !== 'build' && first !== 'node_modules';
      },
    });
    const args = [
      gypJs,
      'rebuild',
      '--release',
      `--runtime=${runtime}`,
      `--target=${target}`,
      `--arch=${arch}`,
      `--devdir=${path.join(PROJECT_ROOT, '.cache', 'node-gyp')}`,
      `--jobs=${Math.max(1, os.availableParallelism())}`,
    ];
    if (distUrl) args.push(`--dist-url=${distUrl}`);
    if (nodedir) args.push(`--nodedir=${nodedir}`);
    const run = await runNode(args, copy, cleanEnv(), timeoutMs);
    const built = path.join(copy, 'build', 'Release', 'better_sqlite3.node');
    if (run.code !== 0 || !existsSync(built)) {
      return { ok: false, reason: explainBuildFailure(run, { runtime, target, distUrl }) };
    }
    await fs.mkdir(path.dirname(outFile), { recursive: true });
    const partial = `${outFile}.partial`;
    await fs.copyFile(built, partial);
    await fs.rename(partial, outFile);
    const stamp = { runtime, target, arch, betterSqlite3: betterSqliteVersion() };
    await fs.writeFile(`${outFile}.json`, `${JSON.stringify(stamp, null, 2)}\n`);
    log(`built ${outFile}`);
    return { ok: true, path: outFile };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * node-gyp reads npm_config_* from the environment (this machine's npm sets nodedir=/usr, which would
 * silently build against Node's headers): pass none of them on.
 */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package)_/i.test(key)));
}

function betterSqliteVersion() {
  try {
    return JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json', { paths: [PROJECT_ROOT] }), 'utf8')).version;
  } catch {
    return null;
  }
}

/** @param {string} outFile @param {Record<string, unknown>} stamp */
function isUpToDate(outFile, stamp) {
  try {
    if (!existsSync(outFile)) return false;
    const saved = JSON.parse(readFileSync(`${outFile}.json`, 'utf8'));
    return Object.entries(stamp).every(([k, v]) => saved[k] === v);
  } catch {
    return false;
  }
}


/**
 * @param {{ code: number | null, timedOut: boolean, output: string }} run
 * @param {{ runtime: string, target: string, distUrl?: string }} what
 */
function explainBuildFailure(run, { runtime, target, distUrl }) {
  const text = run.output;
  if (run.timedOut) return `node-gyp timed out building for ${runtime} ${target}`;
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|fetch failed|socket hang up|network connectivity/i.test(text)) {
    return `headers download host unreachable (${distUrl ?? 'default'}): cannot fetch ${runtime} ${target} headers. Pass a reachable mirror with --dist-url=URL`;
  }
  const errLines = text
    .split('\n')
    .filter((l) => /gyp ERR!|error/i.test(l))
    .slice(0, 6)
    .join(' | ');
  return `node-gyp failed (exit ${run.code ?? 'null'}) building for ${runtime} ${target}: ${errLines.slice(0, 1200) || text.slice(-600)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const urlArg = process.argv.find((a) => a.startsWith('--dist-url='));
  const result = await buildSqliteForElectron({ force, ...(urlArg ? { distUrl: urlArg.slice('--dist-url='.length) } : {}) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.ok ? 0 : 1;
}
