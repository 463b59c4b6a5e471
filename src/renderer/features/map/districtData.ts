import districtsText from '../../../../assets/data/changzhi-districts.geojson?raw';

export type Ring = [number, number][];
export type DistrictShape = { adcode: string; name: string; level: 'city' | 'district'; center: [number, number] | null; rings: Ring[] };

type Feature = {
  properties: { adcode: string; name: string; level?: string; center?: [number, number] };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
};

let shapes: DistrictShape[] | null = null;

/** Changzhi city (its outline) and its 12 districts and counties from the bundled GeoJSON (WGS84): outer rings only. */
export function districtShapes(): readonly DistrictShape[] {
  if (shapes) return shapes;
  const collection = JSON.parse(districtsText) as { features: Feature[] };
  shapes = collection.features.map((f) => {
    const polygons = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Ring[][];
    return {
      adcode: f.properties.adcode,
      name: f.properties.name,
      level: f.properties.level === 'city' ? 'city' : 'district',
      center: f.properties.center ?? null,
      rings: polygons.map((p) => p[0]!).filter(Boolean),
    };
  });
  return shapes;
}

export type FlatProjection = {
  width: number;
  height: number;
  project(at: readonly [number, number]): [number, number];
  unproject(x: number, y: number): [number, number];
};

/**
 * An equirectangular projection of the districts into a `width`-wide drawing with `pad` around them (exact enough at
 * a city's scale): the event form's place picker and the map's overview (鹰眼) share it.
 */
export function districtProjection(width: number, pad: number): FlatProjection {
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const d of districtShapes())
    for (const ring of d.rings)
      for (const [lon, lat] of ring) {
        minLon = Math.min(minLon, lon);
        maxLon = Math.max(maxLon, lon);
        minLat = Math.min(minLat, lat);
        maxLat = Math.max(maxLat, lat);
      }
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = (width - 2 * pad) / ((maxLon - minLon) * kx);
  return {
    width,
    height: Math.round((maxLat - minLat) * scale + 2 * pad),
    project: ([lon, lat]) => [pad + (lon - minLon) * kx * scale, pad + (maxLat - lat) * scale],
    unproject: (x, y) => [minLon + (x - pad) / (kx * scale), maxLat - (y - pad) / scale],
  };
}

/** SVG path data of rings under a projection. */
export function ringsPath(rings: readonly Ring[], project: FlatProjection['project']): string {
  return rings.map((r) => `M${r.map((p) => project(p).map((n) => n.toFixed(1)).join(',')).join('L')}Z`).join('');
}
