import { describe, expect, it } from 'vitest';
import { mapOrigins, type MapOptions } from '../../shared/domain/map';
import { contentSecurityPolicy } from './contentSecurityPolicy';

function directive(csp: string, name: string): string[] {
  const found = csp.split('; ').find((d) => d.startsWith(`${name} `));
  return found ? found.split(' ').slice(1) : [];
}

describe('content security policy', () => {
  it('without map servers, images only from our host, data: and blob:', () => {
    const csp = contentSecurityPolicy(['ws://127.0.0.1:9000']);
    expect(directive(csp, 'img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(directive(csp, 'connect-src')).toEqual(["'self'", 'ws://127.0.0.1:9000']);
    expect(directive(csp, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  });

  it("allows the map's tile and terrain servers as images (and, through connect origins, as connections), once each", () => {
    const options: MapOptions = {
      imagery: [
        { id: 'sat', name: '影像', type: 'satellite', source: { kind: 'xyz', url: 'http://{s}.tiles.lan:8080/sat/{z}/{x}/{y}.jpg', subdomains: ['t0', 't1'] }, maximumLevel: 18 },
        { id: 'vec', name: '矢量', type: 'tile', source: { kind: 'tms', url: 'https://gis.lan/tms/vec' }, maximumLevel: 16 },
        {
          id: 'wmts',
          name: 'WMTS',
          type: 'satellite',
          source: { kind: 'wmts', url: 'https://gis.lan/geoserver/gwc/service/wmts', layer: 'img', style: '', tileMatrixSetID: 'EPSG:4326', format: 'image/png' },
          maximumLevel: 18,
        },
      ],
      activeImageryId: 'sat',
      terrainUrl: 'http://terrain.lan:9000/dem',
    };
    const origins = mapOrigins(options);
    expect(origins.sort()).toEqual(['http://t0.tiles.lan:8080', 'http://t1.tiles.lan:8080', 'http://terrain.lan:9000', 'https://gis.lan'].sort());
    const csp = contentSecurityPolicy(['http://relay', ...origins], [...origins, 'https://gis.lan']);
    expect(directive(csp, 'img-src')).toEqual(["'self'", 'data:', 'blob:', ...origins]);
    expect(directive(csp, 'connect-src')).toEqual(["'self'", 'http://relay', ...origins]);
    // Nothing else opens up.
    expect(directive(csp, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directive(csp, 'default-src')).toEqual(["'none'"]);
  });
});
