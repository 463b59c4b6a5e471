import { useState } from 'react';
import { Alert, Card, Descriptions, Form, Input, Tag, Typography } from 'antd';
import { DEFAULT_GPS_FEED, saveGpsFeedSchema, type GpsFeedConfig, type GpsFeedStatus } from '../../../shared/domain/gps';
import { useT } from '../../app/hooks';
import { BrokerForm, useBrokerForm } from '../settings/BrokerFields';
import { useGetGpsFeedStatusQuery, useSaveGpsFeedMutation } from './mapApi';

type Values = { enabled: boolean; url: string; username: string; password: string; topic: string };

const STATE_COLOR: Record<GpsFeedStatus['state'], string> = { disabled: 'default', connecting: 'processing', online: 'success', error: 'error' };

/** One report as a unit publishes it (shown in the help text). */
const EXAMPLE = '{"id":"DT-01","kind":"单兵","name":"张三","lon":113.1,"lat":36.2,"alt":950,"speed":1.2,"heading":90,"time":1732430000000,"phone":"8001"}';

function toValues(c: GpsFeedConfig): Values {
  return { enabled: c.enabled, url: c.url, username: c.username ?? '', password: '', topic: c.topic };
}

/** The saveGpsFeed input of the form (not yet checked). */
function toInput(v: Values): unknown {
  const username = (v.username ?? '').trim() || null;
  return {
    enabled: Boolean(v.enabled),
    url: (v.url ?? '').trim(),
    username,
    topic: (v.topic ?? '').trim(),
    // No account: no password either (MQTT sends a password only with a username). Else empty keeps the stored one.
    ...(username === null ? { password: null } : v.password ? { password: v.password } : {}),
  };
}

/** GPS 定位接入 in settings: the MQTT feed of the units' positions (一张图), and its live state. */
export function GpsFeedCard() {
  const t = useT();
  const { data: status } = useGetGpsFeedStatusQuery();
  const [save, saveState] = useSaveGpsFeedMutation();
  const { config, form, submit } = useBrokerForm((s) => s.gpsFeed, toValues);
  // Set once a password went out with a save in this window (the Node side never tells whether one is stored).
  const [passwordSaved, setPasswordSaved] = useState(false);

  const onFinish = async (v: Values) => {
    const input = toInput(v);
    if (await submit(saveGpsFeedSchema, input, save, v)) {
      const sent = (input as { password?: string | null }).password;
      if (sent !== undefined) setPasswordSaved(sent !== null);
    }
  };

  const hasAccount = Boolean(config?.username);

  return (
    <Card
      title={t('mapSettings.gps.title')}
      size="small"
      data-testid="gps-feed-card"
      extra={
        status ? (
          <Tag color={STATE_COLOR[status.state]} data-testid="gps-feed-state">
            {t(`mapSettings.gps.state.${status.state}`)}
          </Tag>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
        {t('mapSettings.gps.hint')}
      </Typography.Paragraph>
      <Typography.Paragraph style={{ marginBottom: 4 }}>
        <Typography.Text code copyable style={{ fontSize: 12 }} data-testid="gps-feed-example">
          {EXAMPLE}
        </Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('mapSettings.gps.kinds')}</Typography.Paragraph>
      <BrokerForm id="gps-feed" labels="mapSettings.gps" form={form} initialValues={toValues(config ?? DEFAULT_GPS_FEED)} onFinish={onFinish} saving={saveState.isLoading}
        password={{ width: 200, visibilityToggle: false, placeholder: passwordSaved ? t('mapSettings.gps.password.saved') : hasAccount ? t('mapSettings.gps.password.keep') : '' }}>
        <Form.Item name="topic" label={t('mapSettings.gps.topic')} rules={[{ required: true }]}>
          <Input style={{ width: 120 }} placeholder="gps/#" data-testid="gps-feed-topic" />
        </Form.Item>
      </BrokerForm>
      {status ? (
        <Descriptions size="small" column={4} style={{ marginTop: 12 }} data-testid="gps-feed-details">
          <Descriptions.Item label={t('mapSettings.gps.state')}>{t(`mapSettings.gps.state.${status.state}`)}</Descriptions.Item>
          <Descriptions.Item label={t('mapSettings.gps.received')}>{status.received}</Descriptions.Item>
          <Descriptions.Item label={t('mapSettings.gps.rejected')}>{status.rejected}</Descriptions.Item>
          <Descriptions.Item label={t('mapSettings.gps.units')}>{status.units}</Descriptions.Item>
        </Descriptions>
      ) : null}
      {status?.lastError ? (
        <Alert type="warning" showIcon style={{ marginTop: 8 }} message={`${t('mapSettings.gps.lastError')}：${status.lastError}`} data-testid="gps-feed-error" />
      ) : null}
    </Card>
  );
}
