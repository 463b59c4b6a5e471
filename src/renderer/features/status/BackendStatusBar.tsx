import { Badge, Space, Tooltip } from 'antd';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery } from '../tree/catalogueApi';

const BADGE = { online: 'success', offline: 'error', connecting: 'processing', error: 'error' } as const;

/** One lamp per configured video platform, with its reason when it is not online. */
export function BackendStatusBar() {
  const t = useT();
  const { data } = useGetCatalogueQuery();
  return (
    <Space size="middle" data-testid="backend-status">
      {(data?.backends ?? []).map((b) => (
        <Tooltip key={b.backendId} title={b.message ?? `${b.channelCount}`}>
          <span data-backend-id={b.backendId} data-state={b.state}>
            <Badge status={BADGE[b.state]} text={`${b.name} · ${t(`backend.${b.state}`)}`} />
          </span>
        </Tooltip>
      ))}
    </Space>
  );
}
