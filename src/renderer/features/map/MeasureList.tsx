import { useT } from '../../app/hooks';
import type { LonLat } from './engine/geodesy';

/** A finished 测距 or 测面: metres or square metres, with the text drawn beside it on the map. */
export type Measurement = { id: string; kind: 'distance' | 'area'; value: number; text: string; points: LonLat[] };

/** The measurements of this session, newest last; a click shows one on the map. 清屏 empties it. */
export function MeasureList({ measurements, onFocus }: { measurements: readonly Measurement[]; onFocus: (m: Measurement) => void }) {
  const t = useT();
  return (
    <div className="map-measures" data-testid="map-measures">
      <div className="map-legend__title">{t('map.measures')}</div>
      {measurements.map((m, i) => (
        <div key={m.id} className="map-measures__row" data-testid="measure-result" data-kind={m.kind} data-value={m.value.toFixed(3)} onClick={() => onFocus(m)}>
          {`${i + 1}. ${m.text}`}
        </div>
      ))}
    </div>
  );
}
