import { useEffect, useMemo, useState } from 'react';
import { useT } from '../../app/hooks';
import { districtProjection, districtShapes, ringsPath } from './districtData';
import type { MapScene } from './engine/mapScene';

const WIDTH = 220;
const PAD = 6;

/**
 * 鹰眼: the whole city small, with the main map's view as a rectangle (or a cross when zoomed in close); a click
 * moves the main map there.
 */
export function OverviewMap({ scene }: { scene: MapScene }) {
  const t = useT();
  const drawing = useMemo(() => {
    const projection = districtProjection(WIDTH, PAD);
    return { projection, paths: districtShapes().map((d) => ({ key: d.adcode, city: d.level === 'city', d: ringsPath(d.rings, projection.project) })) };
  }, []);
  const [view, setView] = useState(() => scene.view.viewRectangle());
  useEffect(() => scene.view.onCameraChanged(() => setView(scene.view.viewRectangle())), [scene]);

  const { project, unproject, height } = drawing.projection;
  let frame: React.ReactNode = null;
  if (view) {
    const [x0, y0] = project([view.west, view.north]);
    const [x1, y1] = project([view.east, view.south]);
    const w = Math.max(0, x1 - x0);
    const h = Math.max(0, y1 - y0);
    frame =
      w < 6 && h < 6 ? (
        <g stroke="#ff4d4f" strokeWidth={2}>
          <line x1={x0 + w / 2 - 6} x2={x0 + w / 2 + 6} y1={y0 + h / 2} y2={y0 + h / 2} />
          <line y1={y0 + h / 2 - 6} y2={y0 + h / 2 + 6} x1={x0 + w / 2} x2={x0 + w / 2} />
        </g>
      ) : (
        <rect x={x0} y={y0} width={w} height={h} fill="rgba(255,77,79,0.12)" stroke="#ff4d4f" strokeWidth={1.5} />
      );
  }
  return (
    <div className="map-overview" data-testid="map-overview" title={t('map.tool.overview')}>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        onClick={(e) => {
          const ctm = e.currentTarget.getScreenCTM();
          if (!ctm) return;
          const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
          const [lon, lat] = unproject(p.x, p.y);
          scene.view.flyTo({ lon, lat }, Math.max(5000, scene.view.cameraHeight()), 0.8);
        }}
      >
        <rect width={WIDTH} height={height} fill="rgba(0,21,41,0.85)" />
        {drawing.paths.map((p) => (
          <path key={p.key} d={p.d} fill={p.city ? 'none' : 'rgba(22,119,255,0.15)'} stroke={p.city ? '#ffd666' : 'rgba(105,177,255,0.7)'} strokeWidth={p.city ? 1.5 : 0.6} />
        ))}
        <g clipPath="none">{frame}</g>
      </svg>
    </div>
  );
}
