import { useEffect } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Switch, Typography } from 'antd';
import { DEFAULT_SYNC_CONFIG, saveSyncSchema, type SyncConfig } from '../../../shared/domain/sync';
import { useT } from '../../app/hooks';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { useValidatedSave } from '../settings/useValidatedSave';
import { useGetSyncStatusQuery, useSaveSyncMutation } from './syncApi';
import { SyncStatusTag } from './SyncStatusTag';

type Values = { enabled: boolean; url: string; username: string; password: string; topicPrefix: string };

function toValues(c: SyncConfig): Values {
  return { enabled: c.enabled, url: c.url, username: c.username ?? '', password: '', topicPrefix: c.topicPrefix };
}

/** 席位同步 in settings: the centre's broker, the account (the password is kept if left empty), live state. */
export function SyncCard() {
  const t = useT();
  const { data: settings } = useGetSettingsQuery();
  const { data: status } = useGetSyncStatusQuery();
  const [save, saveState] = useSaveSyncMutation();
  const [form] = Form.useForm<Values>();
  const validatedSave = useValidatedSave();
  const config = settings?.sync;

  useEffect(() => {
    if (config && !form.isFieldsTouched()) form.setFieldsValue(toValues(config));
  }, [config, form]);

  const onFinish = async (v: Values) => {
    const input = {
      enabled: Boolean(v.enabled),
      url: (v.url ?? '').trim(),
      username: (v.username ?? '').trim() || null,
      topicPrefix: (v.topicPrefix ?? '').trim(),
      // Empty: the stored password stays.
      ...(v.password ? { password: v.password } : {}),
    };
    if (await validatedSave(saveSyncSchema, input, save)) {
      form.resetFields();
      form.setFieldsValue({ ...v, password: '' });
    }
  };

  return (
    <Card title={t('sync.card.title')} size="small" data-testid="sync-card" extra={<SyncStatusTag />}>
      <Typography.Paragraph type="secondary">{t('sync.card.hint')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        name="sync"
        layout="inline"
        className="settings-form"
        initialValues={toValues(config ?? DEFAULT_SYNC_CONFIG)}
        onFinish={(v) => void onFinish(v)}
        data-testid="sync-form"
      >
        <Form.Item name="enabled" label={t('sync.enabled')} valuePropName="checked">
          <Switch data-testid="sync-enabled" />
        </Form.Item>
        <Form.Item name="url" label={t('sync.url')} rules={[{ required: true }]}>
          <Input style={{ width: 240 }} placeholder="mqtt://192.168.1.10:1883" data-testid="sync-url" />
        </Form.Item>
        <Form.Item name="username" label={t('sync.username')}>
          <Input style={{ width: 150 }} autoComplete="off" data-testid="sync-username" />
        </Form.Item>
        <Form.Item name="password" label={t('sync.password')}>
          <Input.Password style={{ width: 180 }} autoComplete="new-password" placeholder={t('sync.password.keep')} data-testid="sync-password" />
        </Form.Item>
        <Form.Item name="topicPrefix" label={t('sync.topicPrefix')} rules={[{ required: true }]}>
          <Input style={{ width: 120 }} data-testid="sync-prefix" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saveState.isLoading} data-testid="sync-save">
          {t('sync.save')}
        </Button>
      </Form>
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
