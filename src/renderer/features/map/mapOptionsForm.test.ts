import { describe, expect, it } from 'vitest';
import { imageryLayerSchema, mapOptionsSchema, type ImageryLayer } from '../../../shared/domain/map';
import { layerFieldErrors, NEW_LAYER_VALUES, probeLayer, probesFor, sameLayer, toDraft, toLayer, toLayerValues, toMapOptions, type ProbeFetch } from './mapOptionsForm';

const MSG = { generic: '格式不正确', duplicateId: '编号已存在' };

const xyz: ImageryLayer = { id: 'sat', name: '卫星', type: 'satellite', source: { kind: 'xyz', url: 'http://{s}.tiles.lan/{z}/{x}/{y}.png', subdomains: ['t1', 't2'] }, maximumLevel: 18 };
const tms: ImageryLayer = { id: 'tms', name: '瓦片', type: 'tile', source: { kind: 'tms', url: 'http://gis.lan/tiles/changzhi/' }, maximumLevel: 16 };
const wmts: ImageryLayer = {
  id: 'wmts',
  name: '天地图',
  type: 'satellite',
  source: { kind: 'wmts', url: 'http://gis.lan/geoserver/gwc/service/wmts', layer: 'cz:img', style: 'default', tileMatrixSetID: 'EPSG:900913', format: 'image/jpeg' },
  maximumLevel: 18,
};

describe('layer form values', () => {
  it('round-trip every kind through the form', () => {
    for (const l of [xyz, tms, wmts]) expect(imageryLayerSchema.parse(toLayer(toLayerValues(l)))).toEqual(l);
  });

  it('keep only the chosen kind’s fields, trimmed, and subdomains from a typed list', () => {
    const layer = toLayer({ ...NEW_LAYER_VALUES, id: ' a ', name: ' A ', kind: 'xyz', url: ' http://t.lan/{z}/{x}/{y}.png ', subdomains: 'a, b，c', layer: 'x' });
    expect(layer).toEqual({ id: 'a', name: 'A', type: 'satellite', maximumLevel: 18, source: { kind: 'xyz', url: 'http://t.lan/{z}/{x}/{y}.png', subdomains: ['a', 'b', 'c'] } });
    expect(toLayer({ ...NEW_LAYER_VALUES, kind: 'tms', url: 'http://t.lan/', subdomains: 'a' })).toMatchObject({ source: { kind: 'tms', url: 'http://t.lan/' } });
    expect(imageryLayerSchema.safeParse(toLayer({ ...NEW_LAYER_VALUES, id: 'a', name: 'A', kind: 'xyz', url: 'http://t.lan/{z}/{x}/{y}.png' })).success).toBe(true);
  });

  it('put the schema’s reasons on their fields (Chinese where the schema has one)', () => {
    const errors = layerFieldErrors(toLayer({ ...NEW_LAYER_VALUES, id: 'a b', name: '', kind: 'xyz', url: 'http://t.lan/tiles' }), [], MSG);
    expect(errors.id).toMatch(/编号只能包含/);
    expect(errors.name).toBe('格式不正确');
    expect(errors.url).toBe('XYZ 地址须包含 {z}、{x}、{y}');
    expect(layerFieldErrors(toLayer({ ...NEW_LAYER_VALUES, id: 'a', name: 'A', kind: 'tms', url: 'ftp://x' }), [], MSG).url).toMatch(/http:\/\//);
    expect(layerFieldErrors(toLayer({ ...NEW_LAYER_VALUES, id: 'a', name: 'A', kind: 'wmts', url: 'http://x/wmts', layer: '', tileMatrixSetID: '' }), [], MSG)).toEqual({ layer: '格式不正确', tileMatrixSetID: '格式不正确' });
    expect(layerFieldErrors(toLayer(toLayerValues(tms)), ['tms'], MSG)).toEqual({ id: '编号已存在' });
    expect(layerFieldErrors(toLayer(toLayerValues(tms)), ['sat'], MSG)).toEqual({});
  });
});

describe('draft', () => {
  it('becomes saveMapOptions input with an empty terrain URL as none', () => {
    const draft = { ...toDraft({ imagery: [xyz], activeImageryId: 'sat', terrainUrl: null }), terrainUrl: '  ' };
    expect(mapOptionsSchema.parse(toMapOptions(draft))).toEqual({ imagery: [xyz], activeImageryId: 'sat', terrainUrl: null });
    expect(toMapOptions({ ...draft, terrainUrl: ' http://dem.lan/terrain ' })).toMatchObject({ terrainUrl: 'http://dem.lan/terrain' });
  });

  it('sameLayer compares the configuration, not the object', () => {
    expect(sameLayer(xyz, structuredClone(xyz))).toBe(true);
    expect(sameLayer(xyz, { ...xyz, maximumLevel: 17 })).toBe(false);
    expect(sameLayer(xyz, undefined)).toBe(false);
  });
});

describe('测试 probes', () => {
  it('ask for what the map would ask for', () => {
    expect(probesFor(xyz).map((p) => p.url)).toEqual(['http://t1.tiles.lan/0/0/0.png', 'http://t1.tiles.lan/1/0/0.png']);
    expect(probesFor(tms)[0]!.url).toBe('http://gis.lan/tiles/changzhi/tilemapresource.xml');
    expect(probesFor(wmts)[0]!.url).toBe('http://gis.lan/geoserver/gwc/service/wmts?SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0');
    expect(probesFor({ ...wmts, source: { ...wmts.source, url: 'http://gis.lan/wmts?token=1' } })[0]!.url).toBe('http://gis.lan/wmts?token=1&SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0');
    const rest = { ...wmts, source: { ...wmts.source, url: 'http://gis.lan/wmts/{Layer}/{Style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.jpg' } };
    expect(probesFor(rest)[0]!.url).toBe('http://gis.lan/wmts/cz:img/default/EPSG:900913/0/0/0.jpg');
  });

  const answer = (status: number, body = ''): ReturnType<ProbeFetch> => Promise.resolve({ ok: status < 300, status, type: 'cors', text: () => Promise.resolve(body) });

  it('read the answers: OK, a 404 at level 0 then level 1, other statuses, missing layers', async () => {
    expect(await probeLayer(xyz, () => answer(200), () => false)).toEqual({ kind: 'ok', url: 'http://t1.tiles.lan/0/0/0.png', level: 0 });
    expect(await probeLayer(xyz, (url) => answer(url.includes('/0/0/0') ? 404 : 200), () => false)).toMatchObject({ kind: 'ok', level: 1 });
    expect(await probeLayer(xyz, () => answer(404), () => false)).toMatchObject({ kind: 'http', status: 404 });
    expect(await probeLayer(tms, () => answer(401), () => false)).toMatchObject({ kind: 'http', status: 401 });
    expect(await probeLayer(tms, () => answer(200, '<TileMap version="1.0.0">'), () => false)).toMatchObject({ kind: 'ok' });
    expect(await probeLayer(wmts, () => answer(200, '<Capabilities><ows:Identifier>cz:img</ows:Identifier></Capabilities>'), () => false)).toEqual({
      kind: 'missing',
      url: probesFor(wmts)[0]!.url,
      what: 'EPSG:900913',
    });
  });

  it('tell the CSP, a missing CORS header and a server that is down apart', async () => {
    const refused: ProbeFetch = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await probeLayer(tms, refused, () => true)).toMatchObject({ kind: 'csp' });
    const noCors: ProbeFetch = (_url, init) => (init.mode === 'cors' ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve({ ok: false, status: 0, type: 'opaque', text: () => Promise.resolve('') }));
    expect(await probeLayer(tms, noCors, () => false)).toMatchObject({ kind: 'cors' });
    expect(await probeLayer(tms, refused, () => false)).toMatchObject({ kind: 'unreachable', message: 'Failed to fetch' });
  });
});
