import { Button, Divider, Segmented, Select, Tooltip } from 'antd';
import {
  AimOutlined,
  BorderOutlined,
  ClearOutlined,
  ColumnWidthOutlined,
  EnvironmentOutlined,
  FlagOutlined,
  FullscreenOutlined,
  HomeOutlined,
  NodeIndexOutlined,
  RadiusSettingOutlined,
  EyeOutlined,
  GatewayOutlined,
} from '@ant-design/icons';
import type { ImageryLayer } from '../../../shared/domain/map';
import { useT } from '../../app/hooks';
import type { StringKey } from '../../app/strings';
import type { ViewMode } from './engine/mapView';

/** The map's tools: the ones that stay on until used (selection, measuring, marking) and the one-shot ones. */
export type MapTool = 'none' | 'box' | 'circle' | 'distance' | 'area' | 'mark' | 'event' | 'clear' | 'home';

const MODAL_TOOLS: { tool: MapTool; icon: React.ReactNode; label: StringKey }[] = [
  { tool: 'box', icon: <BorderOutlined />, label: 'map.tool.box' },
  { tool: 'circle', icon: <RadiusSettingOutlined />, label: 'map.tool.circle' },
  { tool: 'distance', icon: <ColumnWidthOutlined />, label: 'map.tool.distance' },
  { tool: 'area', icon: <GatewayOutlined />, label: 'map.tool.area' },
  { tool: 'mark', icon: <EnvironmentOutlined />, label: 'map.tool.mark' },
  { tool: 'event', icon: <FlagOutlined />, label: 'map.tool.event' },
];

export function MapToolbar(props: {
  tool: MapTool;
  onTool: (tool: MapTool) => void;
  mode: ViewMode;
  onMode: (mode: ViewMode) => void;
  imagery: readonly ImageryLayer[];
  imageryId: string | null;
  onImagery: (id: string | null) => void;
  overview: boolean;
  onOverview: () => void;
  onTrack: () => void;
  onFullscreen: () => void;
}) {
  const t = useT();
  return (
    <div className="map-toolbar" data-testid="map-toolbar">
      {MODAL_TOOLS.map(({ tool, icon, label }) => (
        <Tooltip key={tool} title={t(`map.hint.${tool}` as StringKey)} placement="bottom">
          <Button size="small" type={props.tool === tool ? 'primary' : 'default'} icon={icon} onClick={() => props.onTool(tool)} data-testid={`map-tool-${tool}`}>
            {t(label)}
          </Button>
        </Tooltip>
      ))}
      <Button size="small" icon={<ClearOutlined />} onClick={() => props.onTool('clear')} data-testid="map-tool-clear">
        {t('map.tool.clear')}
      </Button>
      <Button size="small" icon={<HomeOutlined />} onClick={() => props.onTool('home')} data-testid="map-tool-home">
        {t('map.tool.home')}
      </Button>
      <Button size="small" type={props.overview ? 'primary' : 'default'} ghost={props.overview} icon={<EyeOutlined />} onClick={props.onOverview} data-testid="map-tool-overview">
        {t('map.tool.overview')}
      </Button>
      <Button size="small" icon={<NodeIndexOutlined />} onClick={props.onTrack} data-testid="map-tool-track">
        {t('map.tool.track')}
      </Button>
      <Tooltip title="F11" placement="bottom">
        <Button size="small" icon={<FullscreenOutlined />} onClick={props.onFullscreen} data-testid="map-tool-fullscreen">
          {t('map.tool.fullscreen')}
        </Button>
      </Tooltip>
      <Divider type="vertical" />
      <Segmented
        size="small"
        value={props.mode}
        onChange={(v) => props.onMode(v as ViewMode)}
        options={[
          { value: '3d', label: t('map.mode.3d') },
          { value: '2d', label: t('map.mode.2d') },
        ]}
        data-testid="map-mode"
      />
      <Select
        size="small"
        style={{ minWidth: 150 }}
        value={props.imageryId ?? ''}
        onChange={(v: string) => props.onImagery(v === '' ? null : v)}
        suffixIcon={<AimOutlined />}
        options={[
          { value: '', label: t('map.imagery.bundled') },
          ...props.imagery.map((l) => ({ value: l.id, label: `${l.name}（${t(l.type === 'satellite' ? 'map.imagery.satellite' : 'map.imagery.tile')}）` })),
        ]}
        data-testid="map-imagery"
      />
    </div>
  );
}
