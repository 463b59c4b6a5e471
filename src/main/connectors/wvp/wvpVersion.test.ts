import { afterEach, describe, expect, it } from 'vitest';
import { WvpClient } from './wvpClient';
import { flavourOf, probeWvpVersion, WVP_PATHS, type WvpFlavour } from './wvpVersion';
import { mapPtzCommand, parseWvpPresets, wvpPtzCall } from './wvpPtz';
import { loginReply, ok, startFakeWvp, type FakeReply, type FakeRequest, type FakeWvp } from './fakeWvp.testkit';

let server: FakeWvp | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const D = '34020000001320000001';
const C = '34020000001320000011';

/** Recorded shapes of /api/server/system/configInfo (SystemConfigInfo) per release. */
const configInfo = (version: string): FakeReply =>
  ok({
    serverPort: 18080,
    sip: { ip: '0.0.0.0', port: 5060, domain: '3402000000', id: '34020000002000000001', password: '(hidden)', ptzSpeed: 50 },
    addOn: { savePositionHistory: false, autoApplyPlay: false, streamOnDemand: true },
    version: { version, GIT_BRANCH: 'master', GIT_URL: 'https://github.com/648540858/wvp-GB28181-pro.git', BUILD_DATE: '2025-03-01', GIT_Revision_SHORT: 'a1b2c3d', GIT_DATE: '2025-02-28' },
  });

async function serve(handler: (req: FakeRequest) => FakeReply | undefined): Promise<WvpClient> {
  server = await startFakeWvp((req) => (req.path === '/api/user/login' ? loginReply('tok') : handler(req)));
  return new WvpClient({ baseUrl: server.url, username: 'admin', password: 'admin' });
}

describe('WVP versions (recorded WVP responses)', () => {
  it.each<[string, WvpFlavour]>([
    ['2.6.9', '2.6'],
    ['2.7.3', '2.7'],
    ['v2.7.4', '2.7'],
    ['3.0.0-SNAPSHOT', 'master'],
  ])('version %s gets the %s path table', async (version, flavour) => {
    const client = await serve((req) => (req.path === '/api/server/system/configInfo' ? configInfo(version) : undefined));
    const info = await probeWvpVersion(client);
    expect(info.version).toBe(version);
    expect(info.paths.flavour).toBe(flavour);
  });

  it('falls back to /api/server/version, then to the 2.7 table', async () => {
    let client = await serve((req) => (req.path === '/api/server/version' ? ok({ version: '2.6.9', GIT_BRANCH: '2.6.9' }) : undefined));
    expect((await probeWvpVersion(client)).paths.flavour).toBe('2.6');
    expect(server!.requests.map((r) => r.path)).toEqual(['/api/user/login', '/api/server/system/configInfo', '/api/server/version']);
    await server!.close();
    client = await serve(() => ({ raw: '<html>' }));
    expect(await probeWvpVersion(client)).toMatchObject({ version: null, paths: { flavour: '2.7' } });
  });

  it('lets credential errors through', async () => {
    server = await startFakeWvp(() => ({ body: { code: 100, msg: '用户名或密码错误', data: null } }));
    const client = new WvpClient({ baseUrl: server.url, username: 'admin', password: 'x' });
    await expect(probeWvpVersion(client)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('parses version strings', () => {
    expect(flavourOf('2.6.9')).toBe('2.6');
    expect(flavourOf('2.7.1')).toBe('2.7');
    expect(flavourOf('2.8.0')).toBe('master');
    expect(flavourOf('1.0')).toBeNull();
    expect(flavourOf('unknown')).toBeNull();
  });

  it('sends PTZ, focus and presets to the right paths per version', async () => {
    const client = await serve((req) => (req.path.startsWith('/api/ptz/preset/query') || req.path.startsWith('/api/front-end/preset/query') ? ok([{ presetId: '1', presetName: '井口' }]) : ok(null)));
    const ops = [
      mapPtzCommand({ op: 'move', pan: -0.5, tilt: 0, zoom: 0 }),
      mapPtzCommand({ op: 'focus', speed: 1 }),
      mapPtzCommand({ op: 'gotoPreset', preset: 7 }),
    ];
    for (const flavour of ['2.6', '2.7'] as const) {
      for (const op of ops) {
        const call = wvpPtzCall(WVP_PATHS[flavour], D, C, op);
        await client.request(call.path, { method: call.method, query: call.query });
      }
      const presets = parseWvpPresets(await client.request(WVP_PATHS[flavour].presetQuery(D, C)));
      expect(presets).toEqual([{ preset: 1, name: '井口' }]);
    }
    const seen = server!.requests.filter((r) => r.path !== '/api/user/login').map((r) => `${r.method} ${r.path}?${r.query.toString()}`);
    expect(seen).toEqual([
      `POST /api/ptz/control/${D}/${C}?command=left&horizonSpeed=128&verticalSpeed=0&zoomSpeed=0`,
      `POST /api/ptz/front_end_command/${D}/${C}?cmdCode=65&parameter1=255&parameter2=0&combindCode2=0`,
      `POST /api/ptz/front_end_command/${D}/${C}?cmdCode=130&parameter1=1&parameter2=7&combindCode2=0`,
      `GET /api/ptz/preset/query/${D}/${C}?`,
      `GET /api/front-end/ptz/${D}/${C}?command=left&horizonSpeed=128&verticalSpeed=0&zoomSpeed=0`,
      `GET /api/front-end/fi/focus/${D}/${C}?command=far&speed=255`,
      `GET /api/front-end/preset/call/${D}/${C}?presetId=7`,
      `GET /api/front-end/preset/query/${D}/${C}?`,
    ]);
  });
});

describe('WVP PTZ mapping', () => {
  it('maps velocities to directions and 0..255 speeds, zoom to 0..15', () => {
    expect(mapPtzCommand({ op: 'move', pan: 1, tilt: 0, zoom: 0 })).toEqual({ kind: 'ptz', command: 'right', horizonSpeed: 255, verticalSpeed: 0, zoomSpeed: 0 });
    expect(mapPtzCommand({ op: 'move', pan: 0, tilt: -0.2, zoom: 0 })).toMatchObject({ command: 'down', verticalSpeed: 51 });
    expect(mapPtzCommand({ op: 'move', pan: -0.6, tilt: 0.6, zoom: 0 })).toMatchObject({ command: 'upleft', horizonSpeed: 153, verticalSpeed: 153 });
    expect(mapPtzCommand({ op: 'move', pan: 0.9, tilt: 0.1, zoom: 0 })).toMatchObject({ command: 'right' }); // < tan 22.5°
    expect(mapPtzCommand({ op: 'move', pan: 0.5, tilt: -0.3, zoom: 0 })).toMatchObject({ command: 'downright' });
    expect(mapPtzCommand({ op: 'move', pan: 0, tilt: 0, zoom: 1 })).toMatchObject({ command: 'zoomin', zoomSpeed: 15 });
    expect(mapPtzCommand({ op: 'move', pan: 0, tilt: 0, zoom: -0.01 })).toMatchObject({ command: 'stop' });
    expect(mapPtzCommand({ op: 'move', pan: 0, tilt: 0, zoom: -0.05 })).toMatchObject({ command: 'zoomout', zoomSpeed: 1 });
    expect(mapPtzCommand({ op: 'stop' })).toEqual({ kind: 'ptz', command: 'stop', horizonSpeed: 0, verticalSpeed: 0, zoomSpeed: 0 });
    expect(mapPtzCommand({ op: 'iris', speed: 0.5 })).toEqual({ kind: 'iris', command: 'out', speed: 128 });
    expect(mapPtzCommand({ op: 'focus', speed: 0 })).toEqual({ kind: 'focus', command: 'stop', speed: 0 });
    expect(mapPtzCommand({ op: 'setPreset', preset: 3, name: '主井口' })).toEqual({ kind: 'preset', action: 'add', presetId: 3 });
    expect(mapPtzCommand({ op: 'removePreset', preset: 255 })).toEqual({ kind: 'preset', action: 'delete', presetId: 255 });
  });

  it('parses preset lists in their various spellings', () => {
    expect(parseWvpPresets([{ presetId: '2', presetName: ' B ' }, { presetID: 1, name: '' }, { presetId: 300 }, null])).toEqual([
      { preset: 1, name: '预置位 1' },
      { preset: 2, name: 'B' },
    ]);
    expect(parseWvpPresets({ list: [{ id: 5, name: 'x' }] })).toEqual([{ preset: 5, name: 'x' }]);
    expect(() => parseWvpPresets('获取设备预置位超时')).toThrow('超时');
    expect(() => parseWvpPresets(42)).toThrow();
  });
});
