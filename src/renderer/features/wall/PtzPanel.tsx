import { useState } from 'react';
import { Alert, Button, Empty, Input, InputNumber, List, Slider, Space, Switch, Typography } from 'antd';
import { ArrowDownOutlined, ArrowLeftOutlined, ArrowRightOutlined, ArrowUpOutlined, DeleteOutlined, PlayCircleOutlined } from '@ant-design/icons';
import type { Channel } from '../../../shared/domain/catalogue';
import type { PtzCommand } from '../../../shared/domain/ptz';
import { useT } from '../../app/hooks';
import { useListPtzPresetsQuery, usePtzMutation } from './wallApi';

type Props = { channel: Channel | null; dragEnabled: boolean; onDragEnabled: (on: boolean) => void };

const PAD: { pan: number; tilt: number; label: React.ReactNode; key: string }[] = [
  { pan: -1, tilt: 1, label: '↖', key: 'up-left' },
  { pan: 0, tilt: 1, label: <ArrowUpOutlined />, key: 'up' },
  { pan: 1, tilt: 1, label: '↗', key: 'up-right' },
  { pan: -1, tilt: 0, label: <ArrowLeftOutlined />, key: 'left' },
  { pan: 0, tilt: 0, label: '■', key: 'stop' },
  { pan: 1, tilt: 0, label: <ArrowRightOutlined />, key: 'right' },
  { pan: -1, tilt: -1, label: '↙', key: 'down-left' },
  { pan: 0, tilt: -1, label: <ArrowDownOutlined />, key: 'down' },
  { pan: 1, tilt: -1, label: '↘', key: 'down-right' },
];

/** 云台控制 of the selected tile: hold-to-move pad with speed, zoom/focus/iris, presets, mouse-drag PTZ. */
export function PtzPanel({ channel, dragEnabled, onDragEnabled }: Props) {
  const t = useT();
  const [speed, setSpeed] = useState(4);
  const [presetNo, setPresetNo] = useState<number | null>(null);
  const [presetName, setPresetName] = useState('');
  const [send, sendState] = usePtzMutation();
  const presets = useListPtzPresetsQuery(channel?.id ?? '', { skip: !channel?.ptz });

  if (!channel) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ptz.selectTile')} />;
  if (!channel.ptz) return <Alert type="info" showIcon message={t('ptz.unsupported', { name: channel.name })} data-testid="ptz-unsupported" />;

  const v = speed / 8;
  const run = (command: PtzCommand) => void send({ channelId: channel.id, command });
  const hold = (start: PtzCommand, stop: PtzCommand, testId: string, label: React.ReactNode) => (
    <Button
      data-testid={testId}
      onPointerDown={(e) => {
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        run(start);
      }}
      onPointerUp={() => run(stop)}
      onPointerCancel={() => run(stop)}
    >
      {label}
    </Button>
  );
  const error = sendState.error && 'message' in sendState.error ? sendState.error.message : null;

  return (
    <div className="ptz-panel" data-testid="ptz-panel">
      <Typography.Text strong>{channel.name}</Typography.Text>
      <div className="ptz-pad">
        {PAD.map((p) =>
          p.key === 'stop' ? (
            <Button key={p.key} onClick={() => run({ op: 'stop' })} data-testid="ptz-stop">
              {p.label}
            </Button>
          ) : (
            <span key={p.key}>{hold({ op: 'move', pan: p.pan * v, tilt: p.tilt * v, zoom: 0 }, { op: 'stop' }, `ptz-${p.key}`, p.label)}</span>
          ),
        )}
      </div>
      <Space align="center">
        <Typography.Text type="secondary">{t('ptz.speed')}</Typography.Text>
        <Slider min={1} max={8} value={speed} onChange={setSpeed} style={{ width: 140 }} />
      </Space>
      <div className="ptz-lens">
        <Typography.Text type="secondary">{t('ptz.zoom')}</Typography.Text>
        {hold({ op: 'move', pan: 0, tilt: 0, zoom: -v }, { op: 'stop' }, 'ptz-zoom-out', '−')}
        {hold({ op: 'move', pan: 0, tilt: 0, zoom: v }, { op: 'stop' }, 'ptz-zoom-in', '+')}
        <Typography.Text type="secondary">{t('ptz.focus')}</Typography.Text>
        {hold({ op: 'focus', speed: -v }, { op: 'focus', speed: 0 }, 'ptz-focus-near', '−')}
        {hold({ op: 'focus', speed: v }, { op: 'focus', speed: 0 }, 'ptz-focus-far', '+')}
        <Typography.Text type="secondary">{t('ptz.iris')}</Typography.Text>
        {hold({ op: 'iris', speed: -v }, { op: 'iris', speed: 0 }, 'ptz-iris-close', '−')}
        {hold({ op: 'iris', speed: v }, { op: 'iris', speed: 0 }, 'ptz-iris-open', '+')}
      </div>
      <Space>
        <Switch size="small" checked={dragEnabled} onChange={onDragEnabled} data-testid="ptz-drag" />
        <Typography.Text type="secondary">{t('ptz.drag')}</Typography.Text>
      </Space>
      {error ? <Alert type="error" showIcon message={error} /> : null}
      <Typography.Title level={5}>{t('ptz.presets')}</Typography.Title>
      <Space.Compact>
        <InputNumber min={1} max={255} placeholder={t('ptz.presetNo')} value={presetNo} onChange={setPresetNo} style={{ width: 80 }} />
        <Input placeholder={t('ptz.presetName')} value={presetName} onChange={(e) => setPresetName(e.target.value)} maxLength={32} />
        <Button
          disabled={!presetNo || !presetName.trim()}
          data-testid="ptz-preset-set"
          onClick={() => presetNo && run({ op: 'setPreset', preset: presetNo, name: presetName.trim() })}
        >
          {t('ptz.presetSet')}
        </Button>
      </Space.Compact>
      <List
        size="small"
        loading={presets.isFetching}
        dataSource={presets.data ?? []}
        locale={{ emptyText: presets.error && 'message' in presets.error ? presets.error.message : t('ptz.noPresets') }}
        renderItem={(p) => (
          <List.Item
            data-testid="ptz-preset"
            actions={[
              <Button key="go" size="small" type="link" icon={<PlayCircleOutlined />} onClick={() => run({ op: 'gotoPreset', preset: p.preset })}>
                {t('ptz.presetGo')}
              </Button>,
              <Button key="del" size="small" type="link" danger icon={<DeleteOutlined />} onClick={() => run({ op: 'removePreset', preset: p.preset })} />,
            ]}
          >
            {p.preset}. {p.name}
          </List.Item>
        )}
      />
    </div>
  );
}
