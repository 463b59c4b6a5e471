import { describe, expect, it } from 'vitest';
import { mapOptionsSchema, mapOrigins } from './map';

const layer = (url: string) => ({ id: 'l1', name: '影像', type: 'satellite' as const, source: { kind: 'xyz' as const, url }, maximumLevel: 18 });

describe('map options', () => {
  it('takes a tile server by name or address and lists its origins for the CSP', () => {
    const options = mapOptionsSchema.parse({ imagery: [layer('http://tiles.mine.local:8080/{z}/{x}/{y}.png')], activeImageryId: 'l1', terrainUrl: 'http://198.51.100.7/terrain' });
    expect(mapOrigins(options)).toEqual(['http://tiles.mine.local:8080', 'http://198.51.100.7']);
    const subdomains = mapOptionsSchema.parse({ imagery: [{ ...layer('https://{s}.tiles.example/{z}/{x}/{y}.png'), source: { kind: 'xyz', url: 'https://{s}.tiles.example/{z}/{x}/{y}.png', subdomains: ['t0', 't1'] } }], activeImageryId: null, terrainUrl: null });
    expect(mapOrigins(subdomains)).toEqual(['https://t0.tiles.example', 'https://t1.tiles.example']);
  });

  it('refuses wildcard hosts, which would open the CSP to every server', () => {
    for (const url of ['http://*/{z}/{x}/{y}.png', 'http://*.cn/{z}/{x}/{y}.png', 'https://a%2a.b/{z}/{x}/{y}']) {
      expect(mapOptionsSchema.safeParse({ imagery: [layer(url)], activeImageryId: null, terrainUrl: null }).success, url).toBe(false);
    }
    expect(mapOptionsSchema.safeParse({ imagery: [], activeImageryId: null, terrainUrl: 'http://*/' }).success).toBe(false);
  });
});
