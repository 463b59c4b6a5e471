import { Button, Dropdown, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import {
  AimOutlined,
  BorderInnerOutlined,
  ClearOutlined,
  ExportOutlined,
  FullscreenOutlined,
  PictureOutlined,
  PlusOutlined,
  RetweetOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import { gridLayout, mergeCells, PRESET_IDS, PRESET_LAYOUTS, type Monitor, type PresetId, type WallCommand, type WallState } from '../../../shared/domain/wall';
import { useAppDispatch, useAppSelector, useT } from '../../app/hooks';
import { useWallHealth } from './tileHealth';
import {
  mergeModeSet,
  monitorChosen,
  panelToggled,
  selectMerging,
  selectPanel,
  selectTransport,
  transportChanged,
  type SidePanel,
  type TransportChoice,
} from './wallUiSlice';

type Props = {
  wall: WallState;
  monitor: Monitor;
  keyboardEntry: string;
  command: (c: WallCommand) => void;
  onFullscreen: () => void;
  /** Opens a monitor in its own window (web host), or null where windows are the host's business (Electron). */
  openWindow: ((monitor: number) => void) | null;
};

/** Monitor choice, layouts (presets and merged cells), transport, panels and the wall's health line. */
export function WallToolbar({ wall, monitor, keyboardEntry, command, onFullscreen, openWindow }: Props) {
  const t = useT();
  const dispatch = useAppDispatch();
  const transport = useAppSelector(selectTransport);
  const merging = useAppSelector(selectMerging);
  const panel = useAppSelector(selectPanel);
  const health = useWallHealth();
  const layoutValue: PresetId | 'custom' = monitor.layout.id;

  const merge = () => {
    if (!merging || merging.length < 2) return;
    const next = mergeCells(monitor.layout, merging);
    if (next) command({ op: 'setLayout', monitor: monitor.id, layout: next });
    dispatch(mergeModeSet(false));
  };

  const panelButton = (key: Exclude<SidePanel, null>, icon: React.ReactNode, label: string) => (
    <Button size="small" type={panel === key ? 'primary' : 'default'} icon={icon} onClick={() => dispatch(panelToggled(key))} data-testid={`panel-${key}`}>
      {label}
    </Button>
  );

  return (
    <div className="wall-toolbar">
      <Space size={6} wrap>
        <Segmented<number>
          size="small"
          value={monitor.id}
          options={wall.monitors.map((m) => ({ value: m.id, label: <span data-testid={`monitor-${m.id}`}>{t('wall.monitor', { n: m.id })}</span> }))}
          onChange={(v) => dispatch(monitorChosen(v))}
        />
        <Tooltip title={t('wall.addMonitor')}>
          <Button
            size="small"
            icon={<PlusOutlined />}
            aria-label={t('wall.addMonitor')}
            data-testid="monitor-add"
            onClick={() => command({ op: 'ensureMonitors', count: Math.min(16, wall.monitors.length + 1) })}
          />
        </Tooltip>
        {openWindow ? (
          <Tooltip title={t('wall.openWindow')}>
            <Button size="small" icon={<ExportOutlined />} aria-label={t('wall.openWindow')} onClick={() => openWindow(monitor.id)} />
          </Tooltip>
        ) : null}
        <Typography.Text type="secondary">{t('wall.layout')}</Typography.Text>
        <Segmented<PresetId | 'custom'>
          size="small"
          value={layoutValue}
          data-testid="layout-switch"
          options={[
            ...PRESET_IDS.map((id) => ({ value: id, label: <span data-testid={`layout-${id}`}>{id}</span> })),
            { value: 'custom' as const, label: <span data-testid="layout-custom">{t('wall.custom')}</span>, disabled: layoutValue !== 'custom' },
          ]}
          onChange={(v) => {
            if (v !== 'custom') command({ op: 'setLayout', monitor: monitor.id, layout: PRESET_LAYOUTS[v] });
          }}
        />
        {merging ? (
          <>
            <Button size="small" type="primary" disabled={merging.length < 2} onClick={merge} data-testid="merge-apply">
              {t('wall.mergeApply', { n: merging.length })}
            </Button>
            <Button size="small" onClick={() => dispatch(mergeModeSet(false))}>
              {t('common.cancel')}
            </Button>
          </>
        ) : (
          <Dropdown
            menu={{
              items: [3, 4, 5, 6, 8].map((n) => ({ key: String(n), label: t('wall.gridStart', { n }) })),
              onClick: ({ key }) => {
                command({ op: 'setLayout', monitor: monitor.id, layout: gridLayout(Number(key)) });
                dispatch(mergeModeSet(true));
              },
            }}
          >
            <Button size="small" icon={<BorderInnerOutlined />} data-testid="merge-start">
              {t('wall.merge')}
            </Button>
          </Dropdown>
        )}
        <Segmented<TransportChoice>
          size="small"
          value={transport}
          options={[
            { value: 'auto', label: t('wall.transport.auto') },
            { value: 'janus-webrtc', label: 'WebRTC' },
            { value: 'jsmpeg-ws', label: 'JSMpeg' },
            { value: 'flv', label: 'FLV' },
          ]}
          onChange={(v) => dispatch(transportChanged(v))}
          data-testid="transport-switch"
        />
        <Tooltip title={t('wall.fullscreen')}>
          <Button size="small" icon={<FullscreenOutlined />} aria-label={t('wall.fullscreen')} onClick={onFullscreen} />
        </Tooltip>
        <Tooltip title={t('wall.clear')}>
          <Button size="small" icon={<ClearOutlined />} aria-label={t('wall.clear')} onClick={() => command({ op: 'clear', monitor: monitor.id })} />
        </Tooltip>
        {panelButton('ptz', <AimOutlined />, t('panel.ptz'))}
        {panelButton('tours', <RetweetOutlined />, t('panel.tours'))}
        {panelButton('scenes', <SaveOutlined />, t('panel.scenes'))}
        {panelButton('media', <PictureOutlined />, t('panel.media'))}
      </Space>
      <Space size={4} className="wall-toolbar__health" data-testid="wall-health" data-playing={health.playing} data-stalled={health.stalled} data-offline={health.offline}>
        {keyboardEntry ? <Tag color="gold" data-testid="keyboard-entry">{keyboardEntry}</Tag> : null}
        <Tag color="green">{t('health.playing', { n: health.playing })}</Tag>
        <Tag color={health.stalled > 0 ? 'orange' : 'default'}>{t('health.stalled', { n: health.stalled })}</Tag>
        <Tag color={health.offline > 0 ? 'red' : 'default'}>{t('health.offline', { n: health.offline })}</Tag>
        <Typography.Text type="secondary" className="wall-toolbar__rate">
          {t('health.rate', { fps: health.fps.toFixed(0), mbps: (health.kbps / 1000).toFixed(1) })}
        </Typography.Text>
      </Space>
    </div>
  );
}
