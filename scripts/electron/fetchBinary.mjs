import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinaryPath, electronPackageDir, electronVersion } from './electronBinary.mjs';
import { runNode } from './runNode.mjs';

/**
 * Makes sure the Electron binary is there: ok at once when node_modules/electron/path.txt and its dist
 * exist; otherwise runs Electron's own `install.js` (which honours ELECTRON_MIRROR and
 * electron_config_cache) with a time limit and reports honestly what happened.
 *
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<{ ok: boolean, path?: string, reason?: string }>}
 */
export async function fetchElectronBinary({ timeoutMs = 180_000 } = {}) {
  const existing = electronBinaryPath();
  if (existing) return { ok: true, path: existing };
  const dir = electronPackageDir();
  if (!dir) return { ok: false, reason: 'the electron package is not installed (run `npm install --ignore-scripts` first)' };
  const installJs = path.join(dir, 'install.js');
  if (!fs.existsSync(installJs)) return { ok: false, reason: `${installJs} is missing (reinstall the electron package)` };

  const run = await runNode([installJs], dir, process.env, timeoutMs);
  const found = electronBinaryPath();
  if (run.code === 0 && found) return { ok: true, path: found };
  return { ok: false, reason: explainFailure(run, timeoutMs) };
}


const HINT =
  'Set ELECTRON_MIRROR to a reachable mirror, or put electron-v<version>-<platform>-<arch>.zip into the ' +
  '@electron/get cache (electron_config_cache), then run `node scripts/electron/fetchBinary.mjs` again.';

/**
 * @param {{ code: number | null, timedOut: boolean, output: string }} run
 * @param {number} timeoutMs
 */
export function explainFailure(run, timeoutMs) {
  const text = run.output;
  const detail = firstErrorLine(text);
  const version = electronVersion() ?? '?';
  if (run.timedOut) return `download of Electron ${version} timed out after ${Math.round(timeoutMs / 1000)} s. ${HINT}`;
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(text)) return `download host unreachable (name lookup failed: ${detail}). ${HINT}`;
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|fetch failed|network/i.test(text)) {
    return `download host unreachable (${detail}). ${HINT}`;
  }
  if (/\b404\b|Not Found/.test(text)) return `Electron ${version} was not found on the download host (${detail}). ${HINT}`;
  if (/checksum|sha256/i.test(text)) return `the downloaded Electron ${version} failed its checksum (${detail})`;
  if (run.code === 0) return 'install.js finished but no Electron binary appeared (path.txt or dist/ missing)';
  return `install.js failed with exit code ${run.code ?? 'null'}: ${detail}`;
}

/** @param {string} text */
function firstErrorLine(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /error|cause|code/i.test(l) && !l.startsWith('at ')) ?? lines[0] ?? 'no output';
  return line.slice(0, 300);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = process.argv.find((a) => a.startsWith('--timeout-ms='));
  const timeoutMs = arg ? Number(arg.slice('--timeout-ms='.length)) : undefined;
  const result = await fetchElectronBinary(timeoutMs && Number.isFinite(timeoutMs) ? { timeoutMs } : {});
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.ok ? 0 : 1;
}
