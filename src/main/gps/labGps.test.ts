import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/domain/settings';
import { createConsoleCore, type ConsoleCore } from '../core';
import { registerLabGps } from './labGps';

const dirs: string[] = [];
const cores: ConsoleCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('--lab-gps', () => {
  it("saves the lab's feed enabled, the password into the SecretStore; a bad file is refused without its values in the log", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-lab-gps-'));
    dirs.push(dataDir);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const core = await createConsoleCore({ host: 'web', dataDir, log, version: 'test' });
    cores.push(core);
    const file = path.join(dataDir, 'gps.json');
    fs.writeFileSync(file, JSON.stringify({ url: 'mqtt://127.0.0.1:1', username: 'mdc-console', password: 'pw-lab-1', topic: 'gps/#' }));
    expect(await registerLabGps(core, file, log)).toBe(true);
    const settings = (await core.dispatch('getSettings', {})) as { ok: true; value: Settings };
    expect(settings.value.gpsFeed).toEqual({ enabled: true, url: 'mqtt://127.0.0.1:1', username: 'mdc-console', topic: 'gps/#' });
    expect(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toContain('gps:password');

    fs.writeFileSync(file, JSON.stringify({ url: 'http://nope', username: 'u', password: 'pw-lab-2', topic: 'gps/#' }));
    expect(await registerLabGps(core, file, log)).toBe(false);
    expect(lines.join('\n')).toContain('lab gps file is not valid');
    expect(lines.join('\n')).not.toContain('pw-lab');
  });
});
