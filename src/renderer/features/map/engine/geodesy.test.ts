import { describe, expect, it } from 'vitest';
import geographiclib from 'geographiclib-geodesic';
import { pathLengthMetres, polygonAreaSquareMetres } from './geodesy';
import { haversineMetres } from '../mapModel';

// CommonJS: its named exports are not visible to Node's ESM loader.
const { Geodesic } = geographiclib;

const WYANG = { lon: 113.0335, lat: 36.4548 };
const CHANGCUN = { lon: 112.9568, lat: 36.3379 };

describe('geodesy', () => {
  it('measures paths on the WGS84 ellipsoid as GeographicLib does', () => {
    const expected = Geodesic.WGS84.Inverse(WYANG.lat, WYANG.lon, CHANGCUN.lat, CHANGCUN.lon).s12!;
    expect(Math.abs(pathLengthMetres([WYANG, CHANGCUN]) - expected) / expected).toBeLessThan(1e-6);
    expect(pathLengthMetres([WYANG, WYANG, CHANGCUN])).toBeCloseTo(pathLengthMetres([WYANG, CHANGCUN]), 6);
    // The circle selection's sphere is within 0.5 % of it.
    expect(Math.abs(haversineMetres(WYANG, CHANGCUN) - expected) / expected).toBeLessThan(0.005);
  });

  it('measures an area within 0.5 % of GeographicLib', () => {
    const ring = [
      { lon: 113.0, lat: 36.0 },
      { lon: 113.1, lat: 36.0 },
      { lon: 113.1, lat: 36.1 },
      { lon: 113.0, lat: 36.1 },
    ];
    const poly = Geodesic.WGS84.Polygon(false);
    for (const p of ring) poly.AddPoint(p.lat, p.lon);
    const expected = Math.abs(poly.Compute(false, true).area!);
    expect(Math.abs(polygonAreaSquareMetres(ring) - expected) / expected).toBeLessThan(0.005);
    expect(polygonAreaSquareMetres(ring.slice(0, 2))).toBe(0);
  });
});
