import { Tag, Tooltip } from 'antd';
import type { SyncStatus } from '../../../shared/domain/sync';
import { useT } from '../../app/hooks';
import type { StringKey } from '../../app/strings';
import { useGetSyncStatusQuery } from './syncApi';

/** What the tag says, and its colour. */
export function syncTagText(status: SyncStatus): { key: StringKey; color: string } {
  if (status.state === 'disabled') return { key: 'sync.tag.disabled', color: 'default' };
  if (status.state === 'online') return status.backlog === 0 ? { key: 'sync.tag.ok', color: 'green' } : { key: 'sync.tag.sending', color: 'blue' };
  return { key: 'sync.tag.offline', color: status.state === 'error' ? 'red' : 'orange' };
}

/** A compact seat-sync state for a page header: 同步正常 / 离线，待发送 N 条 / 未启用 (the last error on hover). */
export function SyncStatusTag() {
  const t = useT();
  const { data: status } = useGetSyncStatusQuery();
  if (!status) return null;
  const { key, color } = syncTagText(status);
  return (
    <Tooltip title={status.lastError ?? undefined}>
      <Tag color={color} data-testid="sync-status" data-state={status.state} data-backlog={status.backlog}>
        {t(key, { n: status.backlog })}
      </Tag>
    </Tooltip>
  );
}
