import { App, Badge, Button, Card, Form, Input, Popconfirm, Switch, Table } from 'antd';
import { saveSipAccountInputSchema, type SipAccount } from '../../../shared/domain/telephony';
import { useAppSelector, useT } from '../../app/hooks';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { useValidatedSave } from '../settings/useValidatedSave';
import { useRemoveSipAccountMutation, useSaveSipAccountMutation } from './phoneApi';
import { selectLines } from './phoneSlice';

type Values = { id: string; name: string; wsUrl: string; domain: string; user: string; displayName: string; presenceUrl?: string; password?: string; enabled: boolean };

/** 电话线路 in settings: SIP accounts (the password goes once to the host's secret store, never back). */
export function SipAccountsCard() {
  const t = useT();
  const { message } = App.useApp();
  const { data: settings } = useGetSettingsQuery();
  const lines = useAppSelector(selectLines);
  const [save, saveState] = useSaveSipAccountMutation();
  const [remove] = useRemoveSipAccountMutation();
  const [form] = Form.useForm<Values>();
  const validatedSave = useValidatedSave();
  const lineOf = new Map(lines.map((l) => [l.accountId, l]));

  const onFinish = async (v: Values) => {
    const existing = settings?.sipAccounts.find((a) => a.id === v.id);
    if (!v.password && !existing) {
      message.error(t('sip.passwordRequired'));
      return;
    }
    const input: Record<string, unknown> = { ...v };
    if (!v.presenceUrl) delete input.presenceUrl;
    if (!v.password) delete input.password;
    if (await validatedSave(saveSipAccountInputSchema, input, save)) form.resetFields();
  };

  return (
    <Card title={t('sip.title')} size="small" data-testid="sip-accounts">
      <Table<SipAccount>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={settings?.sipAccounts ?? []}
        columns={[
          { title: t('sip.name'), dataIndex: 'name' },
          { title: t('sip.user'), key: 'user', render: (_, a) => `${a.displayName} <sip:${a.user}@${a.domain}>` },
          { title: 'WebSocket', dataIndex: 'wsUrl' },
          {
            title: t('sip.state'),
            key: 'state',
            render: (_, a) => {
              const l = lineOf.get(a.id);
              if (!a.enabled) return t('sip.disabled');
              if (!l) return '-';
              return <Badge color={l.state === 'registered' ? 'green' : l.state === 'failed' || l.state === 'disconnected' ? 'red' : 'gold'} text={`${t(`phone.line.${l.state}`)}${l.reason ? `：${l.reason}` : ''}`} />;
            },
          },
          {
            title: '',
            key: 'act',
            render: (_, a) => (
              <>
                <Button size="small" type="link" onClick={() => form.setFieldsValue({ ...a, password: '' })}>
                  {t('sip.edit')}
                </Button>
                <Popconfirm title={t('sip.removeConfirm', { name: a.name })} onConfirm={() => void remove(a.id)}>
                  <Button size="small" type="link" danger>
                    {t('settings.remove')}
                  </Button>
                </Popconfirm>
              </>
            ),
          },
        ]}
      />
      <Form<Values>
        form={form}
        name="sip"
        layout="inline"
        className="settings-form"
        initialValues={{ id: 'seat1', name: '调度席 1', enabled: true, wsUrl: 'ws://127.0.0.1:8088', domain: '127.0.0.1' }}
        onFinish={(v) => void onFinish(v)}
      >
        <Form.Item name="id" label="ID" rules={[{ required: true }]}>
          <Input style={{ width: 90 }} />
        </Form.Item>
        <Form.Item name="name" label={t('sip.name')} rules={[{ required: true }]}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="wsUrl" label="WebSocket" rules={[{ required: true }]}>
          <Input style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="domain" label={t('sip.domain')} rules={[{ required: true }]}>
          <Input style={{ width: 130 }} />
        </Form.Item>
        <Form.Item name="user" label={t('sip.user')} rules={[{ required: true }]}>
          <Input style={{ width: 90 }} data-testid="sip-user" />
        </Form.Item>
        <Form.Item name="displayName" label={t('sip.displayName')} rules={[{ required: true }]}>
          <Input style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="presenceUrl" label={t('sip.presenceUrl')}>
          <Input style={{ width: 220 }} placeholder="http://pbx:8088/RPC" />
        </Form.Item>
        <Form.Item name="password" label={t('settings.password')}>
          <Input.Password style={{ width: 140 }} autoComplete="new-password" data-testid="sip-password" />
        </Form.Item>
        <Form.Item name="enabled" valuePropName="checked">
          <Switch />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saveState.isLoading} data-testid="sip-save">
          {t('sip.save')}
        </Button>
      </Form>
    </Card>
  );
}
