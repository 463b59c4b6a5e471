import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { Button, Empty, Input, Spin, Tooltip, Tree, Typography } from 'antd';
import { ReloadOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery, useRefreshCatalogueMutation } from './catalogueApi';
import { buildDeviceTree, channelIdsUnder, innerKeys, treeRows, type TreeRow } from './treeModel';
import { CHANNEL_DRAG_TYPE, CHANNELS_DRAG_TYPE } from './dragAndDrop';

type Props = { onOpenChannel: (channelId: string) => void; height: number };

/** 长治市 → 区县 → 煤矿 → 点位类别 → 通道, with search, online counts, double-click or drag to play. */
export function DeviceTree({ onOpenChannel, height }: Props) {
  const t = useT();
  const { data, isLoading, error } = useGetCatalogueQuery();
  const [refresh, refreshState] = useRefreshCatalogueMutation();
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [expanded, setExpanded] = useState<React.Key[] | null>(null);

  // The full tree is built once per catalogue; a search filters it (treeModel caches per catalogue).
  const root = useMemo(() => (data ? buildDeviceTree(data, deferredQuery) : null), [data, deferredQuery]);
  // While searching, show every match; otherwise the user's expansion (default: city and counties).
  const expandedKeys = useMemo(() => {
    if (!root) return [];
    if (deferredQuery.trim()) return innerKeys(root);
    return expanded ?? ['city', ...root.children.map((c) => c.key)];
  }, [root, deferredQuery, expanded]);
  // Only expanded nodes carry children, so the widget indexes what shows, not all 10,000 channels.
  const rows = useMemo(() => (root ? [treeRows(root, new Set(expandedKeys.map(String)))] : []), [root, expandedKeys]);

  // The title renderer stays the same function across renders (the parent passes a new onOpenChannel each time),
  // so the memoised TreeView skips re-rendering while only the search box or the parent changes.
  const openChannel = useRef(onOpenChannel);
  useEffect(() => {
    openChannel.current = onOpenChannel;
  }, [onOpenChannel]);
  const renderTitle = useCallback((row: TreeRow) => {
    const n = row.node;
    if (n.kind === 'channel' && n.channel) {
      const channel = n.channel;
      return (
        <span
          className={`tree-channel${channel.online ? '' : ' tree-channel--offline'}`}
          data-testid="tree-channel"
          data-channel-id={channel.id}
          data-online={channel.online}
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData(CHANNEL_DRAG_TYPE, channel.id);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onDoubleClick={() => openChannel.current(channel.id)}
          title={[channel.name, channel.gbId ?? ''].filter(Boolean).join('\n')}
        >
          <VideoCameraOutlined className="tree-channel__icon" />
          <span className="tree-channel__name">{channel.name}</span>
          {channel.online ? null : <span className="tree-channel__offline">{t('tree.offline')}</span>}
        </span>
      );
    }
    return (
      <span
        className={`tree-group tree-group--${n.kind}`}
        data-testid={`tree-${n.kind}`}
        data-node-key={n.key}
        title={n.detail ?? n.title}
        draggable
        onDragStart={(e) => {
          e.dataTransfer.setData(CHANNELS_DRAG_TYPE, JSON.stringify(channelIdsUnder(n)));
          e.dataTransfer.effectAllowed = 'copy';
        }}
      >
        <span className="tree-group__name">{n.title}</span>
        {/* A native tooltip: an antd Tooltip per visible row cost more than the rest of the row together. */}
        <span className="tree-group__count" title={t('tree.onlineCount', { online: n.online, total: n.total })}>
          <span className={n.online > 0 ? 'count-online' : 'count-none'}>{n.online}</span>/{n.total}
        </span>
      </span>
    );
  }, [t]);

  return (
    <div className="device-tree" data-testid="device-tree">
      <div className="device-tree__bar">
        <Input.Search
          allowClear
          placeholder={t('tree.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="tree-search"
        />
        <Tooltip title={t('tree.refresh')}>
          <Button icon={<ReloadOutlined />} loading={refreshState.isLoading} onClick={() => void refresh()} aria-label={t('tree.refresh')} />
        </Tooltip>
      </div>
      {isLoading ? <Spin /> : null}
      {error ? <Typography.Text type="danger">{t('common.error', { message: ('message' in error ? error.message : undefined) ?? '' })}</Typography.Text> : null}
      {root && root.total === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={deferredQuery ? t('tree.noMatch') : t('tree.empty')} />
      ) : null}
      {root && root.total > 0 ? (
        <TreeView rows={rows} expandedKeys={expandedKeys} height={height} onExpand={setExpanded} titleRender={renderTitle} />
      ) : null}
    </div>
  );
}

type TreeViewProps = {
  rows: TreeRow[];
  expandedKeys: React.Key[];
  height: number;
  onExpand: (keys: React.Key[]) => void;
  titleRender: (row: TreeRow) => React.ReactNode;
};

/** The antd Tree, re-rendered only when its rows, expansion or size change (typing in the search box does not). */
const TreeView = memo(function TreeView({ rows, expandedKeys, height, onExpand, titleRender }: TreeViewProps) {
  return (
    <Tree<TreeRow>
      blockNode
      virtual
      height={height}
      treeData={rows}
      expandedKeys={expandedKeys}
      onExpand={(keys) => onExpand(keys)}
      titleRender={titleRender}
      selectable={false}
    />
  );
});
