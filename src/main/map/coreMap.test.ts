import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/domain/settings';
import { createConsoleCore, type ConsoleCore } from '../core';

const dirs: string[] = [];
const cores: ConsoleCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('一张图 in the console core', () => {
  it("the map's servers are allowed as images and connections once saved; marks and GPS requests are served", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-core-map-'));
    dirs.push(dataDir);
    const core = await createConsoleCore({ host: 'web', dataDir, log: pino({ level: 'silent' }), version: 'test' });
    cores.push(core);
    expect(core.mapOrigins()).toEqual([]);
    const saved = await core.dispatch('saveMapOptions', {
      imagery: [{ id: 'sat', name: '影像', type: 'satellite', source: { kind: 'xyz', url: 'http://tiles.lan:8080/{z}/{x}/{y}.jpg' }, maximumLevel: 18 }],
      activeImageryId: 'sat',
      terrainUrl: 'http://terrain.lan/dem',
    });
    expect(saved.ok).toBe(true);
    expect((saved as { value: Settings }).value.map.activeImageryId).toBe('sat');
    expect(core.mapOrigins()).toEqual(['http://tiles.lan:8080', 'http://terrain.lan']);
    expect(core.connectOrigins()).toEqual(expect.arrayContaining(['http://tiles.lan:8080', 'http://terrain.lan']));
    // A layer that is not there cannot be the default.
    const refused = await core.dispatch('saveMapOptions', { imagery: [], activeImageryId: 'sat', terrainUrl: null });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } });

    const mark = await core.dispatch('saveMapMark', { name: '集合点', lon: 112.9, lat: 36.4 });
    expect(mark).toMatchObject({ ok: true, value: { name: '集合点', note: '' } });
    expect(await core.dispatch('listMapMarks', {})).toMatchObject({ ok: true, value: [{ name: '集合点' }] });
    expect(await core.dispatch('listGpsUnits', {})).toEqual({ ok: true, value: [] });
    expect(await core.dispatch('getGpsFeedStatus', {})).toEqual({ ok: true, value: { state: 'disabled', lastError: null, received: 0, rejected: 0, units: 0 } });
    const sub = core.subscribe('onGpsFixes', () => undefined);
    core.subscribe('onGpsFeedStatus', () => undefined).dispose();
    sub.dispose();
  });
});
