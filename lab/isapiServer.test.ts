// @vitest-environment node
/**
 * The lab's ISAPI server over real HTTP, with a PtzCamera whose ffmpeg is absent (its zmq control just keeps
 * retrying): the protocol, the state it keeps, presets on disk, and the console's own ISAPI client against it.
 * The picture side is in lab.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsapiPtzClient, parseIsapiPtzUrl, parsePresetList, parseResponseStatus } from '../src/main/connectors/ptz/isapiPtz';
import { startIsapiServer, type IsapiServer } from './isapiServer';
import { PtzCamera, type PtzStateJson } from './ptzCamera';
import { HOME } from './ptzModel';

const noLog = (): void => undefined;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('lab ISAPI server', () => {
  let dir: string;
  let camera: PtzCamera;
  let server: IsapiServer;
  let base: string;

  const call = async (method: string, path: string, body?: string): Promise<{ status: number; text: string }> => {
    const res = await fetch(base + path, { method, body });
    return { status: res.status, text: await res.text() };
  };
  const state = async (): Promise<PtzStateJson> => (await fetch(server.stateUrl)).json() as Promise<PtzStateJson>;
  const statusOf = (text: string): { statusCode: number; subStatusCode: string } | null => parseResponseStatus(text);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mdc-isapi-'));
    camera = new PtzCamera(join(dir, 'ptz.zmq'), join(dir, 'presets.json'), noLog);
    camera.start();
    server = await startIsapiServer(camera, noLog);
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    camera.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('continuous moves integrate into the position until a stop', async () => {
    expect(server.ptzUrl).toBe(`${base}/ISAPI/PTZCtrl/channels/1`);
    expect(await state()).toMatchObject({ x: HOME.x, y: HOME.y, zoom: 1, focus: 0, iris: 0, applied: false });
    const r = await call('PUT', '/ISAPI/PTZCtrl/channels/1/continuous', '<?xml version="1.0"?><PTZData><pan>100</pan><tilt>-50</tilt></PTZData>');
    expect(r.status).toBe(200);
    expect(statusOf(r.text)).toMatchObject({ statusCode: 1, subStatusCode: 'ok' });
    expect((await state()).velocity).toMatchObject({ pan: 1, tilt: -0.5, zoom: 0 });
    await sleep(300);
    await call('PUT', '/ISAPI/PTZCtrl/channels/1/continuous', '<PTZData><pan>0</pan><tilt>0</tilt><zoom>0</zoom></PTZData>');
    const s = await state();
    expect(s.x).toBeGreaterThan(HOME.x + 150);
    expect(s.y).toBeGreaterThan(HOME.y + 40);
    await sleep(150);
    expect((await state()).x).toBe(s.x);
  });

  it('focus, iris, absolute and status', async () => {
    await call('PUT', '/ISAPI/System/Video/inputs/channels/1/focus', '<FocusData><focus>100</focus></FocusData>');
    await call('PUT', '/ISAPI/System/Video/inputs/channels/1/iris', '<IrisData><iris>-100</iris></IrisData>');
    await sleep(250);
    await call('PUT', '/ISAPI/System/Video/inputs/channels/1/focus', '<FocusData><focus>0</focus></FocusData>');
    await call('PUT', '/ISAPI/System/Video/inputs/channels/1/iris', '<IrisData><iris>0</iris></IrisData>');
    const s = await state();
    expect(s.focus).toBeGreaterThan(0.05);
    expect(s.iris).toBeLessThan(-0.05);
    await call('PUT', '/ISAPI/PTZCtrl/channels/1/absolute', '<PTZData><AbsoluteHigh><elevation>0</elevation><azimuth>800</azimuth><absoluteZoom>20</absoluteZoom></AbsoluteHigh></PTZData>');
    await sleep(600);
    expect(await state()).toMatchObject({ x: 1280, y: 720, zoom: 2, moving: false });
    const status = await call('GET', '/ISAPI/PTZCtrl/channels/1/status');
    expect(status.text).toContain('<AbsoluteHigh><elevation>0</elevation><azimuth>800</azimuth><absoluteZoom>20</absoluteZoom></AbsoluteHigh>');
  });

  it('answers bad requests the way a camera does', async () => {
    const cases: Array<[string, string, string | undefined, number, number, string]> = [
      ['PUT', '/ISAPI/PTZCtrl/channels/1/continuous', '<PTZData><pan>10</pan>', 400, 5, 'badXmlFormat'],
      ['PUT', '/ISAPI/PTZCtrl/channels/1/continuous', 'pan=10', 400, 5, 'badXmlFormat'],
      ['PUT', '/ISAPI/PTZCtrl/channels/1/continuous', '<FocusData><focus>1</focus></FocusData>', 400, 6, 'badXmlContent'],
      ['PUT', '/ISAPI/PTZCtrl/channels/1/continuous', '<PTZData><pan>101</pan></PTZData>', 400, 6, 'badParameters'],
      ['PUT', '/ISAPI/PTZCtrl/channels/1/continuous', '<PTZData><pan>1.5</pan></PTZData>', 400, 6, 'badParameters'],
      ['PUT', '/ISAPI/System/Video/inputs/channels/1/focus', '<FocusData></FocusData>', 400, 6, 'badParameters'],
      ['GET', '/ISAPI/PTZCtrl/channels/1/continuous', undefined, 403, 4, 'methodNotAllowed'],
      ['POST', '/ISAPI/PTZCtrl/channels/1/presets', '<x/>', 403, 4, 'methodNotAllowed'],
      ['PUT', '/ISAPI/PTZCtrl/channels/2/continuous', '<PTZData/>', 403, 4, 'notSupport'],
      ['GET', '/ISAPI/PTZCtrl/channels/1/patrols', undefined, 403, 4, 'notSupport'],
      ['GET', '/ISAPI/System/deviceInfo', undefined, 403, 4, 'notSupport'],
      ['PUT', '/ISAPI/PTZCtrl/channels/1/presets/0', '<PTZPreset><presetName>x</presetName></PTZPreset>', 400, 4, 'invalidID'],
      ['PUT', '/ISAPI/PTZCtrl/channels/1/presets/301/goto', undefined, 400, 4, 'invalidID'],
      ['PUT', '/ISAPI/PTZCtrl/channels/1/presets/3', '<PTZPreset><id>4</id><presetName>x</presetName></PTZPreset>', 400, 6, 'badParameters'],
      ['PUT', '/ISAPI/PTZCtrl/channels/1/presets/250/goto', undefined, 403, 4, 'presetNotExist'],
      ['DELETE', '/ISAPI/PTZCtrl/channels/1/presets/250', undefined, 403, 4, 'presetNotExist'],
    ];
    for (const [method, path, body, http, code, sub] of cases) {
      const r = await call(method, path, body);
      expect({ method, path, http: r.status, ...statusOf(r.text) }).toEqual({ method, path, http, statusCode: code, statusString: expect.any(String), subStatusCode: sub });
      expect(r.text).toContain(`<requestURL>${path}</requestURL>`);
    }
  });

  it('presets: set here, list, get, recall, delete, and they survive a restart', async () => {
    await call('PUT', '/ISAPI/PTZCtrl/channels/1/absolute', '<PTZData><AbsoluteHigh><azimuth>500</azimuth><elevation>200</elevation><absoluteZoom>30</absoluteZoom></AbsoluteHigh></PTZData>');
    await sleep(500);
    const here = await state();
    expect((await call('PUT', '/ISAPI/PTZCtrl/channels/1/presets/7', '<PTZPreset><id>7</id><presetName>储煤场 &amp; 道路</presetName></PTZPreset>')).status).toBe(200);
    expect(parsePresetList((await call('GET', '/ISAPI/PTZCtrl/channels/1/presets')).text)).toContainEqual({ preset: 7, name: '储煤场 & 道路' });
    expect((await call('GET', '/ISAPI/PTZCtrl/channels/1/presets/7')).text).toContain('<presetName>储煤场 &amp; 道路</presetName>');

    await call('PUT', '/ISAPI/PTZCtrl/channels/1/continuous', '<PTZData><pan>-100</pan><zoom>-100</zoom></PTZData>');
    await sleep(300);
    await call('PUT', '/ISAPI/PTZCtrl/channels/1/continuous', '<PTZData><pan>0</pan><tilt>0</tilt><zoom>0</zoom></PTZData>');
    expect((await state()).x).toBeLessThan(here.x - 20);
    expect((await call('PUT', '/ISAPI/PTZCtrl/channels/1/presets/7/goto')).status).toBe(200);
    expect((await state()).moving).toBe(true);
    await sleep(600);
    expect(await state()).toMatchObject({ x: here.x, y: here.y, zoom: here.zoom, moving: false });

    const again = new PtzCamera(join(dir, 'other.zmq'), join(dir, 'presets.json'), noLog);
    expect(again.listPresets().map((p) => [p.id, p.name])).toContainEqual([7, '储煤场 & 道路']);
    expect((await call('DELETE', '/ISAPI/PTZCtrl/channels/1/presets/7')).status).toBe(200);
    expect(parsePresetList((await call('GET', '/ISAPI/PTZCtrl/channels/1/presets')).text)).not.toContainEqual(expect.objectContaining({ preset: 7 }));
  });

  it("the console's ISAPI client drives it end to end", async () => {
    const endpoint = parseIsapiPtzUrl(server.ptzUrl);
    if (!endpoint) throw new Error('bad ptz url');
    const client = new IsapiPtzClient(endpoint, { label: '云台摄像机（实验室）' });
    const before = await state();
    await client.command({ op: 'move', pan: 0.8, tilt: 0, zoom: 0 });
    await sleep(250);
    await client.command({ op: 'stop' });
    expect((await state()).x).toBeGreaterThan(before.x + 50);
    await client.command({ op: 'setPreset', preset: 12, name: '主井 <东>' });
    expect(await client.presets()).toContainEqual({ preset: 12, name: '主井 <东>' });
    await client.command({ op: 'gotoPreset', preset: 12 });
    await client.command({ op: 'removePreset', preset: 12 });
    await expect(client.command({ op: 'gotoPreset', preset: 12 })).rejects.toMatchObject({ code: 'conflict' });
    await client.command({ op: 'focus', speed: -1 });
    await client.command({ op: 'focus', speed: 0 });
    await client.command({ op: 'iris', speed: 0 });
  });
});
