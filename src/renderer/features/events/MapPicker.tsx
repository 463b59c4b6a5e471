import { useMemo } from 'react';
import districtsText from '../../../../assets/data/changzhi-districts.geojson?raw';
import type { LonLat, Mine } from '../../../shared/domain/catalogue';

type Ring = [number, number][];
type Feature = { properties: { adcode: string; name: string; level?: string; center?: [number, number] }; geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } };

const WIDTH = 640;
const PAD = 10;

/** The districts' outer rings (the city outline is drawn from its districts). */
function districtRings(): { name: string; center: [number, number] | null; rings: Ring[] }[] {
  const collection = JSON.parse(districtsText) as { features: Feature[] };
  return collection.features
    .filter((f) => f.properties.level !== 'city')
    .map((f) => {
      const polygons = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Ring[][];
      return { name: f.properties.name, center: f.properties.center ?? null, rings: polygons.map((p) => p[0]!).filter(Boolean) };
    });
}

/**
 * 在地图上选点: the city's districts (offline, from the bundled outline) and the catalogue's mines; a click places the
 * event there (WGS84 lon/lat, 6 decimals). Without `onPick` it only shows the place. An equirectangular projection is
 * exact enough at a city's scale.
 */
export function MapPicker({ value, mines, onPick, height = 380 }: { value: LonLat | null; mines: readonly Mine[]; onPick?: (at: LonLat) => void; height?: number }) {
  const map = useMemo(() => {
    const districts = districtRings();
    let minLon = Infinity;
    let maxLon = -Infinity;
    let minLat = Infinity;
    let maxLat = -Infinity;
    for (const d of districts)
      for (const ring of d.rings)
        for (const [lon, lat] of ring) {
          minLon = Math.min(minLon, lon);
          maxLon = Math.max(maxLon, lon);
          minLat = Math.min(minLat, lat);
          maxLat = Math.max(maxLat, lat);
        }
    const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
    const scale = (WIDTH - 2 * PAD) / ((maxLon - minLon) * kx);
    const height = Math.round((maxLat - minLat) * scale + 2 * PAD);
    const project = ([lon, lat]: readonly [number, number]): [number, number] => [PAD + (lon - minLon) * kx * scale, PAD + (maxLat - lat) * scale];
    const unproject = (x: number, y: number): LonLat => [minLon + (x - PAD) / (kx * scale), maxLat - (y - PAD) / scale];
    const paths = districts.map((d) => ({
      name: d.name,
      label: d.center ? project(d.center) : null,
      d: d.rings.map((r) => `M${r.map((p) => project(p).map((n) => n.toFixed(1)).join(',')).join('L')}Z`).join(''),
    }));
    return { height, project, unproject, paths };
  }, []);

  const click = (e: React.MouseEvent<SVGSVGElement>): void => {
    if (!onPick) return;
    // Screen → viewBox coordinates (the drawing is letterboxed inside the element).
    const ctm = e.currentTarget.getScreenCTM();
    if (!ctm) return;
    const { x, y } = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    const [lon, lat] = map.unproject(x, y);
    onPick([Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6]);
  };

  const marker = value ? map.project(value) : null;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${map.height}`}
      style={{ width: '100%', height, cursor: onPick ? 'crosshair' : 'default', background: 'rgba(255,255,255,0.03)', borderRadius: 6 }}
      onClick={click}
      data-testid="event-map"
    >
      {map.paths.map((p) => (
        <path key={p.name} d={p.d} fill="rgba(22,119,255,0.08)" stroke="rgba(255,255,255,0.35)" strokeWidth={1} />
      ))}
      {map.paths.map((p) =>
        p.label ? (
          <text key={`${p.name}-label`} x={p.label[0]} y={p.label[1]} fill="rgba(255,255,255,0.45)" fontSize={18} textAnchor="middle" pointerEvents="none">
            {p.name}
          </text>
        ) : null,
      )}
      {mines.flatMap((m) => {
        if (!m.location) return [];
        const [x, y] = map.project(m.location);
        return [
          <circle key={m.id} cx={x} cy={y} r={3} fill="#faad14" pointerEvents="none">
            <title>{m.name}</title>
          </circle>,
        ];
      })}
      {marker ? (
        <g pointerEvents="none" data-testid="event-map-marker">
          <circle cx={marker[0]} cy={marker[1]} r={14} fill="none" stroke="#f5222d" strokeWidth={3} />
          <circle cx={marker[0]} cy={marker[1]} r={5} fill="#f5222d" />
        </g>
      ) : null}
    </svg>
  );
}
