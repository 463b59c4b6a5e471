import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations';
import { openStore, type Db } from './store';
import { AuditLog } from './auditLog';
import { SettingsService } from './settingsService';

const dirs: string[] = [];
const dbs: Db[] = [];
function freshStore(): { db: Db; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-store-'));
  dirs.push(dir);
  const db = openStore({ dataDir: dir });
  dbs.push(db);
  return { db, dir };
}
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('store', () => {
  it('opens in WAL mode with every migration applied, and reopens without re-applying', () => {
    const { db, dir } = freshStore();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
    const again = openStore({ dataDir: dir });
    dbs.push(again);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
  });

  it('migration numbers increase strictly', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('keeps the audit log append-only', () => {
    const { db } = freshStore();
    const audit = new AuditLog(db);
    audit.record('operator', 'stream.open', 'lab:101', { kind: 'janus-webrtc' });
    audit.record('operator', 'backend.save', 'lab');
    expect(audit.list(10).map((e) => e.action)).toEqual(['backend.save', 'stream.open']);
    expect(audit.list(10)[1]!.detail).toEqual({ kind: 'janus-webrtc' });
    expect(() => db.prepare('UPDATE audit_log SET actor = ?').run('someone else')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(audit.list(10)).toHaveLength(2);
  });

  it('settings persist, validate, and a corrupted stored value falls back to the default with a report', () => {
    const { db, dir } = freshStore();
    const invalid: string[] = [];
    const settings = new SettingsService(db, (key) => invalid.push(key));
    settings.saveBackend({ id: 'lab', kind: 'janus', name: '实验室', enabled: true, url: 'ws://198.18.0.1:8188' });
    expect(() => settings.saveBackend({ id: 'Bad Id', kind: 'janus', name: 'x', enabled: true, url: 'ws://x' })).toThrow();
    db.close();
    const reopened = openStore({ dataDir: dir });
    dbs.push(reopened);
    const again = new SettingsService(reopened, (key) => invalid.push(key));
    expect(again.get().backends.map((b) => b.id)).toEqual(['lab']);
    reopened.prepare("UPDATE settings SET value = '{not json' WHERE key = 'backends'").run();
    expect(again.get().backends).toEqual([]);
    expect(invalid).toEqual(['backends']);
  });
});
