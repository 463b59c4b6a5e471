import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from './core';

const PASSWORD = 'Wvp@Secret#2026';
const dirs: string[] = [];
const cores: ConsoleCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function core(): Promise<{ core: ConsoleCore; dir: string; logLines: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-core-'));
  dirs.push(dir);
  const logLines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  const c = await createConsoleCore({ host: 'web', dataDir: dir, log, version: 'test' });
  cores.push(c);
  return { core: c, dir, logLines };
}

const wvp = { id: 'wvp1', kind: 'wvp', name: '长治 WVP', enabled: false, url: 'http://127.0.0.1:9', username: 'admin' } as const;

describe('saveBackend with a secret', () => {
  it('keeps the password in the SecretStore, never in settings, the audit log or the log', async () => {
    const { core: c, dir, logLines } = await core();
    const saved = await c.dispatch('saveBackend', { ...wvp, secret: PASSWORD });
    expect(saved.ok).toBe(true);
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
    const secrets = JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as { entries: Record<string, string> };
    expect(secrets.entries['backend:wvp1:password']).toBe(PASSWORD);
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const settings = await c.dispatch('getSettings', {});
    expect(JSON.stringify(settings)).not.toContain(PASSWORD);
    const audit = await c.dispatch('listAudit', { limit: 10 });
    expect(JSON.stringify(audit)).toContain('secretChanged');
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    // Saving again without a secret keeps the stored one.
    expect((await c.dispatch('saveBackend', { ...wvp, name: '改名' })).ok).toBe(true);
    expect((JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as typeof secrets).entries['backend:wvp1:password']).toBe(PASSWORD);
    // Removing the backend removes its secret.
    expect((await c.dispatch('removeBackend', { id: 'wvp1' })).ok).toBe(true);
    expect((JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as typeof secrets).entries).toEqual({});
    expect(logLines.join('\n')).not.toContain(PASSWORD);
  });

  it('refuses a new WVP backend without a password, and a secret with control characters, without echoing it', async () => {
    const { core: c } = await core();
    const missing = await c.dispatch('saveBackend', wvp);
    expect(missing).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(missing)).toContain('密码');
    const bad = await c.dispatch('saveBackend', { ...wvp, secret: 'abc\ndef' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(bad)).not.toContain('abc');
    const janusWithSecret = await c.dispatch('saveBackend', { id: 'j', kind: 'janus', name: 'J', enabled: false, url: 'ws://127.0.0.1:8188', secret: 'x' });
    expect(janusWithSecret.ok).toBe(false);
  });
});
