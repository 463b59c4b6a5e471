import { Alert, App as AntApp, Button, Card, Form, Input, Popconfirm, Switch, Table, Tag } from 'antd';
import { janusBackendConfigSchema, type BackendConfig } from '../../../shared/domain/settings';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { useGetAppInfoQuery, useGetSettingsQuery, useListAuditQuery, useRemoveBackendMutation, useSaveBackendMutation } from './settingsApi';

type FormValues = { id: string; name: string; url: string; enabled: boolean };

/** 设置: the backend registry (several video platforms at once) and the audit log. */
export function SettingsPage() {
  const t = useT();
  const { message } = AntApp.useApp();
  const { data: settings } = useGetSettingsQuery();
  const { data: appInfo } = useGetAppInfoQuery();
  const { data: catalogue } = useGetCatalogueQuery();
  const { data: audit } = useListAuditQuery(100);
  const [save, saveState] = useSaveBackendMutation();
  const [remove] = useRemoveBackendMutation();
  const [form] = Form.useForm<FormValues>();
  const status = new Map((catalogue?.backends ?? []).map((b) => [b.backendId, b]));

  const onFinish = async (values: FormValues) => {
    const candidate = { ...values, kind: 'janus' as const };
    const parsed = janusBackendConfigSchema.safeParse(candidate);
    if (!parsed.success) {
      message.error(t('settings.invalid', { reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }));
      return;
    }
    const result = await save(parsed.data);
    if ('error' in result) message.error(t('common.error', { message: (result.error as { message?: string }).message ?? '' }));
    else {
      message.success(t('settings.saved'));
      form.resetFields();
    }
  };

  return (
    <div className="settings-page">
      {appInfo?.secretProtection === 'file-0600' ? (
        <Alert type="warning" showIcon message={t('settings.secretsInFile')} description={t('settings.secretsInFileDetail', { dir: appInfo.dataDir })} data-testid="secrets-warning" />
      ) : null}
      <Card title={t('settings.backends')} size="small">
        <Table<BackendConfig>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={settings?.backends ?? []}
          data-testid="backend-table"
          columns={[
            { title: t('settings.name'), dataIndex: 'name' },
            { title: t('settings.id'), dataIndex: 'id' },
            { title: t('settings.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{k}</Tag> },
            { title: t('settings.url'), dataIndex: 'url' },
            { title: t('settings.enabled'), dataIndex: 'enabled', render: (e: boolean) => (e ? '✓' : '—') },
            {
              title: t('settings.state'),
              key: 'state',
              render: (_, b) => {
                const s = status.get(b.id);
                return s ? <span title={s.message ?? ''}>{t(`backend.${s.state}`)}{s.message ? ` · ${s.message}` : ''}</span> : '—';
              },
            },
            {
              key: 'actions',
              render: (_, b) => (
                <Popconfirm title={`${t('settings.remove')} ${b.name}?`} onConfirm={() => void remove(b.id)}>
                  <Button size="small" danger data-testid={`backend-remove-${b.id}`}>
                    {t('settings.remove')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
        <Form<FormValues>
          form={form}
          layout="inline"
          className="settings-page__form"
          initialValues={{ enabled: true }}
          onFinish={(v) => void onFinish(v)}
        >
          <Form.Item name="name" rules={[{ required: true }]}>
            <Input placeholder={t('settings.name')} />
          </Form.Item>
          <Form.Item name="id" rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{0,31}$/ }]}>
            <Input placeholder={`${t('settings.id')} (a-z 0-9 -)`} />
          </Form.Item>
          <Form.Item name="url" rules={[{ required: true }]}>
            <Input placeholder="ws://host:8188" style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="enabled" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={saveState.isLoading} data-testid="backend-add">
            {t('settings.add')}
          </Button>
        </Form>
      </Card>
      <Card title={t('settings.audit')} size="small">
        <Table
          rowKey="id"
          size="small"
          dataSource={audit ?? []}
          pagination={{ pageSize: 15 }}
          columns={[
            { title: t('audit.at'), dataIndex: 'at', render: (at: number) => new Date(at).toLocaleString('zh-CN', { hour12: false }) },
            { title: t('audit.actor'), dataIndex: 'actor' },
            { title: t('audit.action'), dataIndex: 'action' },
            { title: t('audit.target'), dataIndex: 'target' },
          ]}
        />
      </Card>
    </div>
  );
}
