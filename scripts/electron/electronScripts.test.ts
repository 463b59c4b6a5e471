import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELECTRON_SQLITE_CACHE } from '../../src/main/app/sqliteBinding';
import { PROJECT_ROOT, electronBinaryPath, electronVersion } from './electronBinary.mjs';
import { explainFailure } from './fetchBinary.mjs';
import { ELECTRON_SQLITE_OUT } from './rebuildSqlite.mjs';

describe('electron scripts', () => {
  it('build better-sqlite3 where the Electron main process looks for it', () => {
    expect(ELECTRON_SQLITE_OUT).toBe(path.join(PROJECT_ROOT, ELECTRON_SQLITE_CACHE));
  });

  it('report the binary only when it is really there', () => {
    const found = electronBinaryPath();
    expect(found === null || fs.existsSync(found)).toBe(true);
    expect(electronVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('explain download failures honestly', () => {
    const unreachable = explainFailure({ code: 1, timedOut: false, output: 'TypeError: fetch failed\n    at node:internal/deps/undici' }, 60_000);
    expect(unreachable).toMatch(/^download host unreachable/);
    expect(unreachable).toContain('ELECTRON_MIRROR');
    expect(explainFailure({ code: 1, timedOut: false, output: 'Error: getaddrinfo ENOTFOUND github.com' }, 60_000)).toMatch(/name lookup failed/);
    expect(explainFailure({ code: null, timedOut: true, output: '' }, 60_000)).toMatch(/timed out after 60 s/);
    expect(explainFailure({ code: 1, timedOut: false, output: 'HTTPError: Response code 404 (Not Found)' }, 60_000)).toMatch(/not found on the download host/);
    expect(explainFailure({ code: 0, timedOut: false, output: '' }, 60_000)).toMatch(/no Electron binary appeared/);
  });
});
