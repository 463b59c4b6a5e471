import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELECTRON_SQLITE_CACHE, locateSqliteBinding, REBUILD_COMMAND } from './sqliteBinding';

const root = path.resolve('/opt/console');
const resources = path.resolve('/opt/console-packaged/resources');

describe('locateSqliteBinding', () => {
  it('uses the Electron build under .cache from a checkout', () => {
    const cached = path.join(root, ELECTRON_SQLITE_CACHE);
    const found = locateSqliteBinding({ isPackaged: false, appRoot: root, resourcesPath: resources, exists: (f) => f === cached });
    expect(found).toEqual({ ok: true, path: cached, source: 'electron-cache' });
  });

  it('fails from a checkout without it, saying how to build it (zh-CN and English)', () => {
    const found = locateSqliteBinding({ isPackaged: false, appRoot: root, resourcesPath: resources, exists: () => false });
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(found.message).toContain(REBUILD_COMMAND);
    expect(found.message).toContain('未找到');
    expect(found.message).toContain('Electron');
  });

  it('never falls back to the Node build in node_modules from a checkout', () => {
    const found = locateSqliteBinding({ isPackaged: false, appRoot: root, resourcesPath: resources, exists: (f) => f.includes('node_modules') });
    expect(found.ok).toBe(false);
  });

  it("uses electron-builder's rebuilt module, unpacked beside app.asar, in a packaged app", () => {
    const unpacked = path.join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const found = locateSqliteBinding({ isPackaged: true, appRoot: path.join(resources, 'app.asar'), resourcesPath: resources, exists: (f) => f === unpacked });
    expect(found).toEqual({ ok: true, path: unpacked, source: 'packaged' });
  });

  it('lets better-sqlite3 find its module when a packaged app has it elsewhere', () => {
    const found = locateSqliteBinding({ isPackaged: true, appRoot: path.join(resources, 'app.asar'), resourcesPath: resources, exists: () => false });
    expect(found).toEqual({ ok: true, path: undefined, source: 'packaged' });
  });
});
