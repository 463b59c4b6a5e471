import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceSnapshot } from '../../shared/domain/telephony';
import { createConsoleCore, type ConsoleCore } from '../core';
import { digestHa1 } from './sipAccounts';
import { registerLabPbx } from './labPbx';
import { contact, readZip, report, T0 } from './telephonyFixture.test-support';

const PASSWORD = 'Sip@Secret#2026';
const dirs: string[] = [];
const cores: ConsoleCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function core(dir?: string): Promise<{ core: ConsoleCore; dir: string; logLines: string[]; log: pino.Logger }> {
  const dataDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-core-tel-'));
  if (!dir) dirs.push(dataDir);
  const logLines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  const c = await createConsoleCore({ host: 'web', dataDir, log, version: 'test' });
  cores.push(c);
  return { core: c, dir: dataDir, logLines, log };
}

const seat = {
  id: 'seat1',
  name: '调度席 1',
  enabled: true,
  wsUrl: 'ws://127.0.0.1:5066',
  domain: '127.0.0.1',
  user: '8001',
  displayName: '市应急调度',
  presenceUrl: 'http://127.0.0.1:9/RPC',
} as const;

function secretsOf(dir: string): Record<string, string> {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as { entries: Record<string, string> }).entries;
}

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

describe('SIP accounts through the core', () => {
  it('keeps the password in the SecretStore, hands out HA1 only, and lists the ws origin (not presenceUrl) in connect-src', async () => {
    const { core: c, dir, logLines } = await core();
    const missing = await c.dispatch('saveSipAccount', seat);
    expect(missing).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(missing)).toContain('密码');

    const saved = await c.dispatch('saveSipAccount', { ...seat, password: PASSWORD });
    expect(saved.ok).toBe(true);
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
    expect(secretsOf(dir)['sip:seat1:password']).toBe(PASSWORD);
    expect(JSON.stringify(await c.dispatch('getSettings', {}))).not.toContain(PASSWORD);
    const creds = await ok<{ ha1: string; realm: string }>(c.dispatch('getSipCredentials', { accountId: 'seat1' }));
    expect(creds).toMatchObject({ realm: '127.0.0.1', ha1: digestHa1('8001', '127.0.0.1', PASSWORD) });
    expect(JSON.stringify(creds)).not.toContain(PASSWORD);
    expect(c.connectOrigins()).toContain('ws://127.0.0.1:5066');
    expect(c.connectOrigins().join(' ')).not.toContain(':9');

    // Saving again without a password keeps it; the audit says only whether it changed.
    expect((await c.dispatch('saveSipAccount', { ...seat, name: '改名' })).ok).toBe(true);
    expect(secretsOf(dir)['sip:seat1:password']).toBe(PASSWORD);
    const audit = JSON.stringify(await c.dispatch('listAudit', { limit: 20 }));
    expect(audit).toContain('secretChanged');
    expect(audit).not.toContain(PASSWORD);

    expect((await c.dispatch('removeSipAccount', { id: 'seat1' })).ok).toBe(true);
    expect(secretsOf(dir)['sip:seat1:password']).toBeUndefined();
    const gone = await c.dispatch('getSipCredentials', { accountId: 'seat1' });
    expect(gone).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(c.connectOrigins()).not.toContain('ws://127.0.0.1:5066');
    expect(logLines.join('\n')).not.toContain(PASSWORD);
  });

  it('polls the presenceUrl and reports an unreachable PBX on onPresence', async () => {
    const { core: c } = await core();
    const events: PresenceSnapshot[] = [];
    c.subscribe('onPresence', (s) => events.push(s));
    await c.dispatch('saveSipAccount', { ...seat, password: PASSWORD });
    await expect.poll(() => events.find((e) => e.reason?.includes('PBX 无应答')), { timeout: 5000 }).toBeTruthy();
    expect(await ok<PresenceSnapshot>(c.dispatch('getPresence', {}))).toMatchObject({ available: false });
  });
});

describe('calls through the core', () => {
  it('records a call with its recording, exports it, and closes what a killed process left open at the next start', async () => {
    const first = await core();
    const c = first.core;
    await ok(c.dispatch('reportCall', report({ state: 'established', answeredAt: T0 + 1000 })));
    const rec = await ok<{ id: string; path: string }>(c.dispatch('startCallRecording', { callId: 'call-0001', mimeType: 'audio/webm' }));
    await ok(c.dispatch('appendCallRecording', { recordingId: rec.id, seq: 0, dataBase64: Buffer.from('opus').toString('base64') }));
    const gap = await c.dispatch('appendCallRecording', { recordingId: rec.id, seq: 2, dataBase64: '' });
    expect(gap).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await ok(c.dispatch('readCallRecording', { id: rec.id }))).toEqual({ mimeType: 'audio/webm', dataBase64: Buffer.from('opus').toString('base64') });
    const exported = await ok<{ path: string; zipBase64: string }>(c.dispatch('exportCallRecordings', { ids: [rec.id] }));
    expect([...readZip(Buffer.from(exported.zipBase64, 'base64')).keys()]).toContain('清单.csv');
    expect(path.dirname(exported.path)).toBe(path.join(first.dir, 'media', 'exports'));
    const listed = await ok<{ recordingId: string }[]>(c.dispatch('listCalls', { limit: 10, recorded: true }));
    expect(listed[0]?.recordingId).toBe(rec.id);

    // A "killed" process: the data folder is opened again without stopping anything.
    const second = await core(first.dir);
    const calls = await ok<{ state: string; outcome: string }[]>(second.core.dispatch('listCalls', { limit: 10 }));
    expect(calls[0]).toMatchObject({ state: 'ended', outcome: 'interrupted' });
    expect(second.logLines.join('\n')).toContain('interrupted');
    const late = await ok<{ outcome: string }>(second.core.dispatch('reportCall', report({ state: 'ended', answeredAt: T0 + 1000, endedAt: T0 + 9000, outcome: 'answered' })));
    expect(late.outcome).toBe('interrupted');
    const append = await second.core.dispatch('appendCallRecording', { recordingId: rec.id, seq: 1, dataBase64: 'AA==' });
    expect(append).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('audits directory and group changes', async () => {
    const { core: c } = await core();
    await ok(c.dispatch('importContacts', { contacts: [contact('a', '2001'), contact('b', '2002')], replace: true }));
    await ok(c.dispatch('saveGroup', { id: 'g1', name: '组', memberIds: ['a', 'b'] }));
    await ok(c.dispatch('deleteContact', { id: 'b' }));
    expect(await ok(c.dispatch('listGroups', {}))).toEqual([{ id: 'g1', name: '组', memberIds: ['a'] }]);
    const bad = await c.dispatch('saveGroup', { id: 'g2', name: '坏', memberIds: ['zz'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const actions = (await ok<{ action: string }[]>(c.dispatch('listAudit', { limit: 10 }))).map((e) => e.action);
    expect(actions).toEqual(['contact.delete', 'group.save', 'contact.import']);
  });
});

describe('--lab-pbx', () => {
  it('saves the lab account (password to the SecretStore) and imports the directory only when it is empty', async () => {
    const { core: c, dir, logLines, log } = await core();
    const file = path.join(dir, 'console.json');
    const directory = [contact('p1', '2001'), contact('p2', '2002')];
    fs.writeFileSync(file, JSON.stringify({ account: { ...seat, id: 'lab', realm: '127.0.0.1', password: PASSWORD }, directory }));
    expect(await registerLabPbx(c, file, log)).toBe(true);
    expect(secretsOf(dir)['sip:lab:password']).toBe(PASSWORD);
    expect(await ok<unknown[]>(c.dispatch('listContacts', {}))).toHaveLength(2);
    // The operator edits the directory; a second start does not clobber it.
    await ok(c.dispatch('deleteContact', { id: 'p1' }));
    expect(await registerLabPbx(c, file, log)).toBe(true);
    expect(await ok<{ id: string }[]>(c.dispatch('listContacts', {}))).toEqual([expect.objectContaining({ id: 'p2' })]);
    // A broken file is logged, not thrown, and never echoes the password.
    fs.writeFileSync(file, JSON.stringify({ account: { ...seat, wsUrl: 'nope', password: PASSWORD }, directory }));
    expect(await registerLabPbx(c, file, log)).toBe(false);
    expect(await registerLabPbx(c, path.join(dir, 'missing.json'), log)).toBe(false);
    expect(logLines.join('\n')).not.toContain(PASSWORD);
  });
});
