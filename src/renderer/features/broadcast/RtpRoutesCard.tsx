import { Button, Card, Form, Input, InputNumber, Popconfirm, Select, Table } from 'antd';
import { RTP_CODECS, rtpRouteSchema, type RtpCodec, type RtpRoute } from '../../../shared/domain/broadcast';
import { useT } from '../../app/hooks';
import { useListContactsQuery } from '../phone/phoneApi';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { useValidatedSave } from '../settings/useValidatedSave';
import { useDeleteRtpRouteMutation, useListRtpRoutesQuery, useSaveRtpRouteMutation } from './broadcastApi';
import { isBroadcastDevice } from './broadcastModel';

type Values = { contactId: string; backendId: string; host: string; port: number; codec: RtpCodec };

/** 广播 RTP 接入 in settings: directory entries broadcast to by a Janus AudioBridge RTP forward instead of a SIP call. */
export function RtpRoutesCard() {
  const t = useT();
  const { data: routes = [] } = useListRtpRoutesQuery();
  const { data: contacts = [] } = useListContactsQuery();
  const { data: settings } = useGetSettingsQuery();
  const [save, saveState] = useSaveRtpRouteMutation();
  const [remove] = useDeleteRtpRouteMutation();
  const [form] = Form.useForm<Values>();
  const validatedSave = useValidatedSave();
  const janus = (settings?.backends ?? []).filter((b) => b.kind === 'janus');
  const contactOf = new Map(contacts.map((c) => [c.id, c]));
  const devices = [...contacts.filter(isBroadcastDevice), ...contacts.filter((c) => !isBroadcastDevice(c))];

  return (
    <Card title={t('broadcast.route.title')} size="small" data-testid="rtp-routes">
      <p className="settings-hint">{t('broadcast.route.hint')}</p>
      <Table<RtpRoute>
        rowKey="contactId"
        size="small"
        pagination={false}
        dataSource={routes}
        columns={[
          { title: t('broadcast.col.endpoint'), key: 'contact', render: (_, r) => `${contactOf.get(r.contactId)?.name ?? r.contactId}（${contactOf.get(r.contactId)?.number ?? ''}）` },
          { title: 'Janus', key: 'backend', render: (_, r) => janus.find((b) => b.id === r.backendId)?.name ?? r.backendId },
          { title: t('broadcast.route.address'), key: 'addr', render: (_, r) => `${r.host}:${r.port}` },
          { title: t('broadcast.route.codec'), key: 'codec', render: (_, r) => r.codec.toUpperCase() },
          {
            title: '',
            key: 'act',
            render: (_, r) => (
              <>
                <Button size="small" type="link" onClick={() => form.setFieldsValue(r)}>
                  {t('sip.edit')}
                </Button>
                <Popconfirm title={t('broadcast.route.removeConfirm')} onConfirm={() => void remove(r.contactId)}>
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
        name="rtp-route"
        layout="inline"
        className="settings-form"
        initialValues={{ port: 5004, codec: 'pcmu' }}
        onFinish={(v) => void validatedSave(rtpRouteSchema, v, save).then((ok) => ok && form.resetFields())}
      >
        <Form.Item name="contactId" label={t('broadcast.col.endpoint')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            style={{ width: 260 }}
            aria-label={t('broadcast.col.endpoint')}
            options={devices.map((c) => ({ value: c.id, label: `${c.name} ${c.mineName ?? ''} ${c.number}` }))}
          />
        </Form.Item>
        <Form.Item name="backendId" label="Janus" rules={[{ required: true }]}>
          <Select style={{ width: 160 }} aria-label="Janus" options={janus.map((b) => ({ value: b.id, label: b.name }))} />
        </Form.Item>
        <Form.Item name="host" label={t('broadcast.route.host')} rules={[{ required: true }]}>
          <Input style={{ width: 140 }} placeholder="239.0.0.1" />
        </Form.Item>
        <Form.Item name="port" label={t('broadcast.route.port')} rules={[{ required: true }]}>
          <InputNumber min={1024} max={65534} style={{ width: 100 }} />
        </Form.Item>
        <Form.Item name="codec" label={t('broadcast.route.codec')}>
          <Select style={{ width: 100 }} options={RTP_CODECS.map((c) => ({ value: c, label: c.toUpperCase() }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saveState.isLoading}>
          {t('broadcast.route.save')}
        </Button>
      </Form>
    </Card>
  );
}
