import { useMemo } from 'react';
import type { LonLat, Mine } from '../../../shared/domain/catalogue';
import { districtProjection, districtShapes, ringsPath } from '../map/districtData';

const WIDTH = 640;
const PAD = 10;

/**
 * 在地图上选点: the city's districts (offline, from the bundled outline) and the catalogue's mines; a click places the
 * event there (WGS84 lon/lat, 6 decimals). Without `onPick` it only shows the place. An equirectangular projection is
 * exact enough at a city's scale.
 */
export function MapPicker({ value, mines, onPick, height = 380 }: { value: LonLat | null; mines: readonly Mine[]; onPick?: (at: LonLat) => void; height?: number }) {
  const map = useMemo(() => {
    const projection = districtProjection(WIDTH, PAD);
    const paths = districtShapes()
      .filter((d) => d.level !== 'city')
      .map((d) => ({ name: d.name, label: d.center ? projection.project(d.center) : null, d: ringsPath(d.rings, projection.project) }));
    return { height: projection.height, project: projection.project, unproject: projection.unproject, paths };
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
