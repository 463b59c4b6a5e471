import { Result } from 'antd';
import { useT } from '../../app/hooks';

/** Says plainly that a page is not built yet, instead of showing an empty screen. */
export function NotBuiltPage({ page }: { page: string }) {
  const t = useT();
  return <Result status="info" title={t('notBuilt.title')} subTitle={t('notBuilt.body', { page })} data-testid="not-built" />;
}
