import { Cartographic, Ellipsoid, EllipsoidGeodesic } from 'cesium';
import turfArea from '@turf/area';

export type LonLat = { lon: number; lat: number };

/** Length of a path along the WGS84 ellipsoid (geodesic segments), in metres. */
export function pathLengthMetres(points: readonly LonLat[]): number {
  let total = 0;
  const geodesic = new EllipsoidGeodesic(undefined, undefined, Ellipsoid.WGS84);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (a.lon === b.lon && a.lat === b.lat) continue;
    geodesic.setEndPoints(Cartographic.fromDegrees(a.lon, a.lat), Cartographic.fromDegrees(b.lon, b.lat));
    total += geodesic.surfaceDistance;
  }
  return total;
}

/** Area of a simple polygon on the Earth (turf's spherical excess), in square metres. */
export function polygonAreaSquareMetres(points: readonly LonLat[]): number {
  if (points.length < 3) return 0;
  const ring = points.map((p) => [p.lon, p.lat]);
  ring.push([points[0]!.lon, points[0]!.lat]);
  return turfArea({ type: 'Polygon', coordinates: [ring] });
}

type Translate = (key: 'map.unit.m' | 'map.unit.km' | 'map.unit.m2' | 'map.unit.km2', vars: { value: string }) => string;

/** 850.0 米 / 12.345 公里 */
export function formatDistance(metres: number, t: Translate): string {
  return metres < 1000 ? t('map.unit.m', { value: metres.toFixed(1) }) : t('map.unit.km', { value: (metres / 1000).toFixed(3) });
}

/** 850 平方米 / 1.250 平方公里 */
export function formatArea(squareMetres: number, t: Translate): string {
  return squareMetres < 1e6 ? t('map.unit.m2', { value: squareMetres.toFixed(0) }) : t('map.unit.km2', { value: (squareMetres / 1e6).toFixed(3) });
}
