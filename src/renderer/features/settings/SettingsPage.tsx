import { Alert, App as AntApp, Button, Card, Form, Input, Popconfirm, Select, Switch, Table, Tag } from 'antd';
import { saveBackendInputSchema, type BackendConfig, type BackendKind } from '../../../shared/domain/settings';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { SipAccountsCard } from '../phone/SipAccountsCard';
import { RtpRoutesCard } from '../broadcast/RtpRoutesCard';
import { AlarmInputsCard } from '../alarms/AlarmInputsCard';
import { AlarmOptionsCard } from '../alarms/AlarmOptionsCard';
import { SyncCard } from '../sync/SyncCard';
import { MapOptionsCard } from '../map/MapOptionsCard';
import { GpsFeedCard } from '../map/GpsFeedCard';
import { useValidatedSave } from './useValidatedSave';
import { useGetAppInfoQuery, useGetSettingsQuery, useListAuditQuery, useRemoveBackendMutation, useSaveBackendMutation } from './settingsApi';

type FormValues = {
  kind: BackendKind;
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  username?: string;
  appKey?: string;
  /** Password (WVP), appSecret (Hikvision) or API secret (ZLMediaKit): sent once with the save, never shown again. */
  secret?: string;
  caCertPem?: string;
  /** ZLMediaKit only. */
  utcOffset?: string;
  recordFileSeconds?: string;
  recordPathPrefix?: string;
  flvOverWebSocket?: boolean;
  /** One stream proxy a line: `app/stream rtsp://...`. */
  proxies?: string;
};

const URL_PLACEHOLDER: Record<BackendKind, string> = {
  janus: 'ws://host:8188',
  wvp: 'http://host:18080',
  hikvision: 'https://host:443',
  zlm: 'http://host:80',
};

/** `app/stream rtsp://...` lines -> proxies, or the 1-based number of the first line that is not one. */
function parseProxyLines(text: string | undefined): { proxies: { app: string; stream: string; url: string }[] } | { badLine: number } {
  const proxies: { app: string; stream: string; url: string }[] = [];
  const lines = (text ?? '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const m = /^([^/\s]+)\/(\S+)\s+(\S+)$/.exec(line);
    if (!m) return { badLine: i + 1 };
    proxies.push({ app: m[1]!, stream: m[2]!, url: m[3]! });
  }
  return { proxies };
}

/** The form's values as the saveBackend input of their kind (fields of other kinds dropped, empty optionals left out). */
function toInput(v: FormValues): unknown {
  const base = { id: v.id, name: v.name, url: v.url?.trim(), enabled: v.enabled };
  const ca = v.caCertPem?.trim() ? { caCertPem: v.caCertPem.trim() } : {};
  const secret = v.secret ? { secret: v.secret } : {};
  switch (v.kind) {
    case 'janus':
      return { ...base, kind: 'janus' };
    case 'wvp':
      return { ...base, kind: 'wvp', username: v.username?.trim(), ...ca, ...secret };
    case 'hikvision':
      return { ...base, kind: 'hikvision', appKey: v.appKey?.trim(), ...ca, ...secret };
    case 'zlm': {
      const parsed = parseProxyLines(v.proxies);
      const seconds = v.recordFileSeconds?.trim();
      return {
        ...base,
        kind: 'zlm',
        ...ca,
        ...secret,
        ...(v.utcOffset?.trim() ? { utcOffset: v.utcOffset.trim() } : {}),
        ...(seconds ? { recordFileSeconds: /^\d+$/.test(seconds) ? Number(seconds) : seconds } : {}),
        ...(v.recordPathPrefix?.trim() ? { recordPathPrefix: v.recordPathPrefix.trim() } : {}),
        ...(v.flvOverWebSocket ? { flvOverWebSocket: true } : {}),
        ...('proxies' in parsed && parsed.proxies.length > 0 ? { proxies: parsed.proxies } : {}),
      };
    }
  }
}

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
  const validatedSave = useValidatedSave();
  const status = new Map((catalogue?.backends ?? []).map((b) => [b.backendId, b]));

  const kind = Form.useWatch('kind', form) ?? 'janus';
  const secretLabelOf = (k: BackendKind) => (k === 'hikvision' ? t('settings.appSecret') : k === 'zlm' ? t('settings.zlmSecret') : t('settings.password'));
  const secretLabel = secretLabelOf(kind);

  const onFinish = async (values: FormValues) => {
    const existing = settings?.backends.find((b) => b.id === values.id && b.kind === values.kind);
    if (values.kind !== 'janus' && !values.secret && !existing) {
      message.error(t('settings.secretRequired', { what: secretLabelOf(values.kind) }));
      return;
    }
    const proxyLines = values.kind === 'zlm' ? parseProxyLines(values.proxies) : null;
    if (proxyLines && 'badLine' in proxyLines) {
      message.error(t('settings.proxiesInvalid', { line: proxyLines.badLine }));
      return;
    }
    if (await validatedSave(saveBackendInputSchema, toInput(values), save)) form.resetFields();
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
            { title: t('settings.kind'), dataIndex: 'kind', render: (k: BackendKind) => <Tag>{t(`settings.kind.${k}`)}</Tag> },
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
          initialValues={{ enabled: true, kind: 'janus' }}
          onFinish={(v) => void onFinish(v)}
        >
          <Form.Item name="kind" label={t('settings.kind')}>
            <Select<BackendKind>
              style={{ width: 200 }}
              data-testid="backend-kind"
              options={(['janus', 'wvp', 'hikvision', 'zlm'] as const).map((k) => ({ value: k, label: t(`settings.kind.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="name" rules={[{ required: true }]}>
            <Input placeholder={t('settings.name')} />
          </Form.Item>
          <Form.Item name="id" rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{0,31}$/ }]}>
            <Input placeholder={`${t('settings.id')} (a-z 0-9 -)`} />
          </Form.Item>
          <Form.Item name="url" rules={[{ required: true }]}>
            <Input placeholder={URL_PLACEHOLDER[kind]} style={{ width: 260 }} data-testid="backend-url" />
          </Form.Item>
          {kind === 'wvp' ? (
            <Form.Item name="username" rules={[{ required: true }]}>
              <Input placeholder={t('settings.username')} autoComplete="off" data-testid="backend-username" />
            </Form.Item>
          ) : null}
          {kind === 'hikvision' ? (
            <Form.Item name="appKey" rules={[{ required: true }]}>
              <Input placeholder={t('settings.appKey')} autoComplete="off" data-testid="backend-appkey" />
            </Form.Item>
          ) : null}
          {kind === 'zlm' ? (
            <>
              <Form.Item name="utcOffset">
                <Input placeholder={t('settings.utcOffset')} style={{ width: 200 }} data-testid="backend-utc-offset" />
              </Form.Item>
              <Form.Item name="recordFileSeconds">
                <Input placeholder={t('settings.recordFileSeconds')} style={{ width: 220 }} data-testid="backend-record-seconds" />
              </Form.Item>
              <Form.Item name="recordPathPrefix">
                <Input placeholder={t('settings.recordPathPrefix')} style={{ width: 200 }} data-testid="backend-record-prefix" />
              </Form.Item>
              <Form.Item name="flvOverWebSocket" valuePropName="checked" label={t('settings.flvOverWebSocket')}>
                <Switch size="small" />
              </Form.Item>
              <Form.Item name="proxies">
                <Input.TextArea
                  placeholder={t('settings.proxies')}
                  autoSize={{ minRows: 1, maxRows: 8 }}
                  spellCheck={false}
                  style={{ width: 420, fontFamily: 'monospace' }}
                  data-testid="backend-proxies"
                />
              </Form.Item>
            </>
          ) : null}
          {kind !== 'janus' ? (
            <Form.Item name="secret">
              <Input.Password
                placeholder={`${secretLabel}（${t('settings.secretKeep')}）`}
                autoComplete="new-password"
                visibilityToggle={false}
                style={{ width: 240 }}
                data-testid="backend-secret"
              />
            </Form.Item>
          ) : null}
          {kind !== 'janus' ? (
            <Form.Item name="caCertPem">
              <Input.TextArea
                placeholder={t('settings.caCert')}
                autoSize={{ minRows: 1, maxRows: 6 }}
                spellCheck={false}
                style={{ width: 360, fontFamily: 'monospace' }}
                data-testid="backend-ca"
              />
            </Form.Item>
          ) : null}
          <Form.Item name="enabled" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={saveState.isLoading} data-testid="backend-add">
            {t('settings.add')}
          </Button>
        </Form>
      </Card>
      <SipAccountsCard />
      <RtpRoutesCard />
      <AlarmInputsCard />
      <AlarmOptionsCard />
      <SyncCard />
      <MapOptionsCard />
      <GpsFeedCard />
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
