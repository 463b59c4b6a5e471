import { Alert, Card, Descriptions, Form, Input, Typography } from 'antd';
import { DEFAULT_SYNC_CONFIG, saveSyncSchema, type SyncConfig } from '../../../shared/domain/sync';
import { useT } from '../../app/hooks';
import { BrokerForm, useBrokerForm } from '../settings/BrokerFields';
import { useGetSyncStatusQuery, useSaveSyncMutation } from './syncApi';
import { SyncStatusTag } from './SyncStatusTag';

type Values = { enabled: boolean; url: string; username: string; password: string; topicPrefix: string };

function toValues(c: SyncConfig): Values {
  return { enabled: c.enabled, url: c.url, username: c.username ?? '', password: '', topicPrefix: c.topicPrefix };
}

/** 席位同步 in settings: the centre's broker, the account (the password is kept if left empty), live state. */
export function SyncCard() {
  const t = useT();
  const { data: status } = useGetSyncStatusQuery();
  const [save, saveState] = useSaveSyncMutation();
  const { config, form, submit } = useBrokerForm((s) => s.sync, toValues);

  const onFinish = async (v: Values) => {
    const input = {
      enabled: Boolean(v.enabled),
      url: (v.url ?? '').trim(),
      username: (v.username ?? '').trim() || null,
      topicPrefix: (v.topicPrefix ?? '').trim(),
      // Empty: the stored password stays.
      ...(v.password ? { password: v.password } : {}),
    };
    await submit(saveSyncSchema, input, save, v);
  };

  return (
    <Card title={t('sync.card.title')} size="small" data-testid="sync-card" extra={<SyncStatusTag />}>
      <Typography.Paragraph type="secondary">{t('sync.card.hint')}</Typography.Paragraph>
      <BrokerForm id="sync" labels="sync" form={form} initialValues={toValues(config ?? DEFAULT_SYNC_CONFIG)} onFinish={onFinish} saving={saveState.isLoading} password={{ width: 180, placeholder: t('sync.password.keep') }}>
        <Form.Item name="topicPrefix" label={t('sync.topicPrefix')} rules={[{ required: true }]}>
          <Input style={{ width: 120 }} data-testid="sync-prefix" />
        </Form.Item>
      </BrokerForm>
      {status ? (
        <Descriptions size="small" column={4} style={{ marginTop: 12 }} data-testid="sync-details">
          <Descriptions.Item label={t('sync.seatId')}>
            <Typography.Text code>{status.seatId.slice(0, 8)}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('sync.state')}>{t(`sync.state.${status.state}`)}</Descriptions.Item>
          <Descriptions.Item label={t('sync.published')}>{status.published}</Descriptions.Item>
          <Descriptions.Item label={t('sync.applied')}>{status.applied}</Descriptions.Item>
        </Descriptions>
      ) : null}
      {status?.lastError ? <Alert type="warning" showIcon style={{ marginTop: 8 }} message={`${t('sync.lastError')}：${status.lastError}`} /> : null}
    </Card>
  );
}
