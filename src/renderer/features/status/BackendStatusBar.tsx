import { Tooltip } from 'antd';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery } from '../tree/catalogueApi';

/** A compact summary (online/total) and one lamp per video platform; the tooltip names it and says why it is not online. */
export function BackendStatusBar() {
  const t = useT();
  const { data } = useGetCatalogueQuery();
  const backends = data?.backends ?? [];
  const online = backends.filter((b) => b.state === 'online').length;
  return (
    <span className="backend-status" data-testid="backend-status">
      <span className={`backend-status__summary${online < backends.length ? ' backend-status__summary--degraded' : ''}`}>
        {t('backend.summary', { online, total: backends.length })}
      </span>
      {backends.map((b) => (
        <Tooltip key={b.backendId} title={`${b.name} · ${t(`backend.${b.state}`)}${b.message ? ` · ${b.message}` : ''}`}>
          <span className={`lamp lamp--${b.state}`} data-backend-id={b.backendId} data-state={b.state} aria-label={`${b.name} ${t(`backend.${b.state}`)}`} />
        </Tooltip>
      ))}
    </span>
  );
}
