import { useMemo } from 'react';
import { Segmented, Space, Typography } from 'antd';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { useAppDispatch, useAppSelector, useT } from '../../app/hooks';
import { DeviceTree } from '../tree/DeviceTree';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { useElementHeight } from '../../app/useElementHeight';
import { PlayerTile } from './PlayerTile';
import {
  LAYOUTS,
  acceptedTransports,
  channelOpened,
  layoutChanged,
  selectLayout,
  selectSelectedTile,
  selectTiles,
  selectTransport,
  tileClosed,
  tileSelected,
  transportChanged,
  type Layout,
  type TransportChoice,
} from './liveSlice';

/** 视频墙 (first stage): device tree on the left, a grid of live tiles on the right. */
export function LivePage({ api }: { api: ConsoleApi }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const layout = useAppSelector(selectLayout);
  const tiles = useAppSelector(selectTiles);
  const selected = useAppSelector(selectSelectedTile);
  const transport = useAppSelector(selectTransport);
  const { data: catalogue } = useGetCatalogueQuery();
  const [treeBox, treeHeight] = useElementHeight<HTMLDivElement>();
  const channels = useMemo(() => new Map((catalogue?.channels ?? []).map((c) => [c.id, c])), [catalogue]);
  const accept = useMemo(() => acceptedTransports(transport), [transport]);
  const columns = Math.sqrt(layout);

  const open = (channelId: string, tile?: number) => {
    dispatch(channelOpened(tile === undefined ? { channelId } : { channelId, tile }));
    void api.recordAction({ action: 'wall.open', target: channelId }).catch(() => undefined);
  };

  return (
    <div className="live-page">
      <aside className="live-page__tree" ref={treeBox}>
        <DeviceTree onOpenChannel={(id) => open(id)} height={Math.max(200, treeHeight - 56)} />
      </aside>
      <section className="live-page__wall">
        <div className="live-page__toolbar">
          <Space>
            <Typography.Text type="secondary">{t('wall.layout')}</Typography.Text>
            <Segmented<Layout>
              value={layout}
              options={LAYOUTS.map((n) => ({ value: n, label: `${n}` }))}
              onChange={(v) => dispatch(layoutChanged(v))}
              data-testid="layout-switch"
            />
            <Typography.Text type="secondary">{t('wall.transport')}</Typography.Text>
            <Segmented<TransportChoice>
              value={transport}
              options={[
                { value: 'auto', label: t('wall.transport.auto') },
                { value: 'janus-webrtc', label: 'WebRTC' },
                { value: 'jsmpeg-ws', label: 'JSMpeg' },
              ]}
              onChange={(v) => dispatch(transportChanged(v))}
              data-testid="transport-switch"
            />
          </Space>
        </div>
        <div className="wall-grid" style={{ gridTemplateColumns: `repeat(${columns}, 1fr)`, gridTemplateRows: `repeat(${columns}, 1fr)` }}>
          {tiles.slice(0, layout).map((tile, i) => (
            <PlayerTile
              key={i}
              index={i}
              api={api}
              channelId={tile.channelId}
              channel={tile.channelId ? (channels.get(tile.channelId) ?? null) : null}
              generation={tile.generation}
              accept={accept}
              selected={i === selected}
              onSelect={() => dispatch(tileSelected(i))}
              onClose={() => dispatch(tileClosed(i))}
              onDropChannel={(id) => open(id, i)}
            />
          ))}
        </div>
      </section>
    </div>
  );
}
