import { Checkbox } from 'antd';
import { useT } from '../../app/hooks';
import { LAYER_NAMES, MINE_STATUS_COLORS, UNIT_COLORS, type LayerName } from './mapModel';

const SWATCH: Record<LayerName, string> = { mines: MINE_STATUS_COLORS.ok, cameras: '#36cfc9', units: UNIT_COLORS.soldier, alarms: '#f5222d', events: '#fa8c16', marks: '#ffd666' };

/** Which layers are drawn, with their counts, and what the colours mean. */
export function LayerLegend(props: {
  visible: Record<LayerName, boolean>;
  onVisible: (name: LayerName, on: boolean) => void;
  districts: boolean;
  onDistricts: (on: boolean) => void;
  counts: Record<LayerName, number>;
}) {
  const t = useT();
  return (
    <div className="map-legend" data-testid="map-legend">
      <div className="map-legend__title">{t('map.layers')}</div>
      <Checkbox checked={props.districts} onChange={(e) => props.onDistricts(e.target.checked)}>
        <span className="map-legend__swatch" style={{ background: '#ffd666', borderRadius: 0, height: 3 }} />
        {t('map.layer.districts')}
      </Checkbox>
      {LAYER_NAMES.map((name) => (
        <Checkbox key={name} checked={props.visible[name]} onChange={(e) => props.onVisible(name, e.target.checked)}>
          <span data-testid={`map-layer-${name}`}>
            <span className="map-legend__swatch" style={{ background: SWATCH[name] }} />
            {t(`map.layer.${name}`)} <span className="map-legend__count">{props.counts[name]}</span>
          </span>
        </Checkbox>
      ))}
      <div className="map-legend__keys">
        <span><i style={{ background: MINE_STATUS_COLORS.ok }} />{t('map.legend.mineOk')}</span>
        <span><i style={{ background: MINE_STATUS_COLORS.degraded }} />{t('map.legend.mineDegraded')}</span>
        <span><i style={{ background: MINE_STATUS_COLORS.alarm }} />{t('map.legend.mineAlarm')}</span>
        <span><i style={{ background: '#36cfc9' }} />{t('map.legend.surface')}</span>
        <span><i style={{ background: '#b37feb' }} />{t('map.legend.underground')}</span>
        {(['soldier', 'vehicle', 'app', 'drone'] as const).map((k) => (
          <span key={k}><i style={{ background: UNIT_COLORS[k] }} />{t(`map.type.${k}`)}</span>
        ))}
        <span><i style={{ background: '#8c8c8c' }} />{t('map.detail.offline')}</span>
      </div>
    </div>
  );
}
