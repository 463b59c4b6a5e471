import { useState, type HTMLAttributes } from 'react';
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Popconfirm, Select, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { saveAlarmInputSchema, type AlarmInputConfig, type AlarmInputStatus } from '../../../shared/domain/alarm';
import { useT } from '../../app/hooks';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { useValidatedSave } from '../settings/useValidatedSave';
import { useGetAlarmStatusQuery, useRemoveAlarmInputMutation, useSaveAlarmInputMutation } from './alarmsApi';
import { MAPPING_PRESETS, mappingToJson, parseMappingJson, presetOf } from './mappingPresets';

type InputKind = AlarmInputConfig['kind'];

type Values = {
  kind: InputKind;
  id: string;
  name: string;
  enabled: boolean;
  /** Webhook token or MQTT password: sent once with the save, never shown again (empty: the stored one stays). */
  secret?: string;
  /** Editing only: forget the stored token/password (sent as secret null). */
  clearSecret?: boolean;
  url?: string;
  username?: string;
  /** One topic a line. */
  topics?: string;
  /** WVP and Hikvision: a backend of the settings of that kind. */
  backendId?: string;
  pollSeconds?: number;
  /** Hikvision: ISC event type codes, comma-separated. */
  eventTypes?: string;
  callbackBase?: string;
  /** Only fills mappingJson; not saved. */
  preset?: string;
  mappingJson: string;
};

const STATUS_COLOR: Record<AlarmInputStatus['state'], string> = {
  listening: 'green',
  connected: 'green',
  connecting: 'blue',
  offline: 'orange',
  error: 'red',
  disabled: 'default',
};

const DEFAULT_PRESET = 'generic';
const HIKVISION_PRESET = 'hikvision-event';
const KINDS = ['webhook', 'mqtt', 'wvp', 'hikvision'] as const satisfies readonly InputKind[];

/** `131588, 131603` -> [131588, 131603]; null when any part is not a positive integer. */
function parseEventTypes(text: string | undefined): number[] | null {
  const parts = (text ?? '')
    .split(/[,，\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 64 || !parts.every((p) => /^[1-9]\d{0,9}$/.test(p))) return null;
  return parts.map(Number);
}
const initialValues: Partial<Values> = {
  kind: 'webhook',
  enabled: true,
  preset: DEFAULT_PRESET,
  mappingJson: mappingToJson(presetOf(DEFAULT_PRESET)!.mapping),
};

/** The form's values as the saveAlarmInput input of their kind (fields of the other kind dropped); the mapping already parsed. */
function toInput(v: Values, mapping: unknown): Record<string, unknown> {
  const base = { id: v.id?.trim(), name: v.name?.trim(), enabled: v.enabled, mapping };
  const secret = v.secret ? { secret: v.secret } : v.clearSecret ? { secret: null } : {};
  if (v.kind === 'webhook') return { ...base, kind: 'webhook', ...secret };
  if (v.kind === 'wvp') return { id: base.id, name: base.name, enabled: v.enabled, kind: 'wvp', backendId: v.backendId, pollSeconds: v.pollSeconds };
  if (v.kind === 'hikvision') {
    return { ...base, kind: 'hikvision', backendId: v.backendId, eventTypes: parseEventTypes(v.eventTypes) ?? [], callbackBase: v.callbackBase?.trim().replace(/\/+$/, ''), ...secret };
  }
  const topics = (v.topics ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return { ...base, kind: 'mqtt', url: v.url?.trim(), username: v.username?.trim() || null, topics, ...secret };
}

/**
 * 报警接入 in settings: the configured alarm inputs (HTTP webhook, MQTT, WVP alarm poll, Hikvision event subscription)
 * with their live state, and the form that adds or edits one (its field mapping as JSON, started from a preset; WVP
 * needs none). Secrets go once to the host's secret store.
 */
export function AlarmInputsCard() {
  const t = useT();
  const { data: settings } = useGetSettingsQuery();
  // The host pushes onAlarmStatus too; polling keeps the counts fresh while the card is shown.
  const { data: status } = useGetAlarmStatusQuery(undefined, { pollingInterval: 2000 });
  const [save, saveState] = useSaveAlarmInputMutation();
  const [remove] = useRemoveAlarmInputMutation();
  const [form] = Form.useForm<Values>();
  const validatedSave = useValidatedSave();
  const [editingId, setEditingId] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form) ?? 'webhook';
  const secret = Form.useWatch('secret', form);
  const clearSecret = Form.useWatch('clearSecret', form);
  const inputs = settings?.alarmInputs ?? [];
  const backends = settings?.backends ?? [];
  const backendOptions = (k: 'wvp' | 'hikvision') => backends.filter((b) => b.kind === k).map((b) => ({ value: b.id, label: b.name }));
  const hasMapping = kind !== 'wvp';
  const hasSecret = kind !== 'wvp';
  const tokenKind = kind === 'webhook' || kind === 'hikvision';
  const statusOf = new Map((status?.inputs ?? []).map((s) => [s.id, s]));
  const receiverUrl = status?.receiverUrl ?? null;

  const reset = () => {
    form.resetFields();
    setEditingId(null);
  };

  const edit = (input: AlarmInputConfig) => {
    setEditingId(input.id);
    form.setFieldsValue({
      kind: input.kind,
      id: input.id,
      name: input.name,
      enabled: input.enabled,
      secret: '',
      clearSecret: false,
      url: input.kind === 'mqtt' ? input.url : undefined,
      username: input.kind === 'mqtt' ? (input.username ?? undefined) : undefined,
      topics: input.kind === 'mqtt' ? input.topics.join('\n') : undefined,
      backendId: input.kind === 'wvp' || input.kind === 'hikvision' ? input.backendId : undefined,
      pollSeconds: input.kind === 'wvp' ? input.pollSeconds : undefined,
      eventTypes: input.kind === 'hikvision' ? input.eventTypes.join(',') : undefined,
      callbackBase: input.kind === 'hikvision' ? input.callbackBase : undefined,
      preset: undefined,
      mappingJson: input.kind === 'wvp' ? '' : mappingToJson(input.mapping),
    });
  };

  const onFinish = async (v: Values) => {
    let mapping: unknown = undefined;
    if (v.kind !== 'wvp') {
      const parsed = parseMappingJson(v.mappingJson ?? '');
      if (!parsed.ok) return; // The field's own rule shows where.
      mapping = parsed.value;
    }
    if (await validatedSave(saveAlarmInputSchema, toInput(v, mapping), save)) reset();
  };

  /** A new input of another kind starts from its kind's mapping preset (Hikvision: OnEventNotify). */
  const onKindChange = (next: InputKind) => {
    if (editingId !== null || next === 'wvp') return;
    const current = form.getFieldValue('preset') as string | undefined;
    const wanted = next === 'hikvision' ? HIKVISION_PRESET : current === HIKVISION_PRESET ? DEFAULT_PRESET : null;
    if (wanted === null) return;
    form.setFieldsValue({ preset: wanted, mappingJson: mappingToJson(presetOf(wanted)!.mapping) });
  };

  const address = (input: AlarmInputConfig) => {
    if (input.kind === 'mqtt') return `${input.url} · ${input.topics.join(', ')}`;
    if (input.kind === 'wvp') return backends.find((b) => b.id === input.backendId)?.name ?? input.backendId;
    // The platform's destination as subscribed, without the token.
    if (input.kind === 'hikvision') return <Typography.Text copyable>{`${input.callbackBase}/alarms/${input.id}`}</Typography.Text>;
    if (!receiverUrl) return <Typography.Text type="secondary">{t('alarmSettings.receiver.stopped')}</Typography.Text>;
    return <Typography.Text copyable>{`${receiverUrl}/alarms/${input.id}`}</Typography.Text>;
  };

  const stateTag = (input: AlarmInputConfig) => {
    const s = statusOf.get(input.id);
    if (!s) return input.enabled ? '—' : <Tag color={STATUS_COLOR.disabled}>{t('alarmSettings.state.disabled')}</Tag>;
    const tag = <Tag color={STATUS_COLOR[s.state]}>{t(`alarmSettings.state.${s.state}`)}</Tag>;
    return s.lastError ? <Tooltip title={s.lastError}>{tag}</Tooltip> : tag;
  };

  return (
    <Card title={t('alarmSettings.inputs.title')} size="small" data-testid="alarm-inputs">
      <p className="settings-hint">{t('alarmSettings.inputs.hint')}</p>
      {status?.receiverError ? (
        <Alert type="error" showIcon message={t('alarmSettings.receiver.error', { error: status.receiverError })} data-testid="alarm-receiver-error" />
      ) : receiverUrl ? (
        <Alert
          type="info"
          showIcon
          message={
            <>
              {t('alarmSettings.receiver.url')}：
              <Typography.Text copyable data-testid="alarm-receiver-url">
                {receiverUrl}
              </Typography.Text>
            </>
          }
        />
      ) : status ? (
        <Alert type="warning" showIcon message={t('alarmSettings.receiver.stopped')} />
      ) : null}
      <Table<AlarmInputConfig>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={inputs}
        onRow={(input) => ({ 'data-testid': `alarm-input-row-${input.id}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('alarmSettings.col.id'), dataIndex: 'id' },
          { title: t('alarmSettings.col.name'), dataIndex: 'name' },
          { title: t('alarmSettings.col.kind'), key: 'kind', render: (_, input) => <Tag>{t(`alarmSettings.kind.${input.kind}`)}</Tag> },
          { title: t('alarmSettings.col.address'), key: 'address', render: (_, input) => address(input) },
          { title: t('alarmSettings.col.state'), key: 'state', render: (_, input) => stateTag(input) },
          {
            title: t('alarmSettings.col.counts'),
            key: 'counts',
            render: (_, input) => {
              const s = statusOf.get(input.id);
              return s ? `${s.received} / ${s.refused}` : '—';
            },
          },
          {
            title: '',
            key: 'act',
            render: (_, input) => (
              <>
                <Button size="small" type="link" onClick={() => edit(input)} data-testid={`alarm-input-edit-${input.id}`}>
                  {t('alarmSettings.edit')}
                </Button>
                <Popconfirm
                  title={t('alarmSettings.removeConfirm', { name: input.name })}
                  onConfirm={() => {
                    if (editingId === input.id) reset();
                    void remove(input.id);
                  }}
                >
                  <Button size="small" type="link" danger data-testid={`alarm-input-remove-${input.id}`}>
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
        name="alarm-input"
        layout="inline"
        className="settings-form"
        initialValues={initialValues}
        onFinish={(v) => void onFinish(v)}
        data-testid="alarm-input-form"
      >
        <Form.Item name="kind" label={t('alarmSettings.col.kind')}>
          <Select<InputKind>
            style={{ width: 140 }}
            aria-label={t('alarmSettings.col.kind')}
            data-testid="alarm-input-kind"
            onChange={onKindChange}
            options={KINDS.map((k) => ({ value: k, label: t(`alarmSettings.kind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item name="id" label={t('alarmSettings.col.id')} rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{0,31}$/ }]}>
          <Input style={{ width: 140 }} placeholder={t('alarmSettings.idPlaceholder')} disabled={editingId !== null} data-testid="alarm-input-id" />
        </Form.Item>
        <Form.Item name="name" label={t('alarmSettings.col.name')} rules={[{ required: true }]}>
          <Input style={{ width: 160 }} data-testid="alarm-input-name" />
        </Form.Item>
        <Form.Item name="enabled" label={t('alarmSettings.field.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {kind === 'mqtt' ? (
          <>
            <Form.Item name="url" label={t('alarmSettings.field.url')} rules={[{ required: true }]}>
              <Input style={{ width: 220 }} placeholder="mqtt://host:1883" data-testid="alarm-input-url" />
            </Form.Item>
            <Form.Item name="username" label={t('alarmSettings.field.username')}>
              <Input style={{ width: 120 }} autoComplete="off" data-testid="alarm-input-username" />
            </Form.Item>
          </>
        ) : null}
        {kind === 'wvp' || kind === 'hikvision' ? (
          <Form.Item name="backendId" label={t('alarmSettings.field.backend')} rules={[{ required: true, message: t('alarmSettings.noBackendOfKind') }]}>
            <Select
              style={{ width: 200 }}
              aria-label={t('alarmSettings.field.backend')}
              data-testid="alarm-input-backend"
              options={backendOptions(kind)}
              notFoundContent={t('alarmSettings.noBackendOfKind')}
            />
          </Form.Item>
        ) : null}
        {kind === 'wvp' ? (
          <>
            <Form.Item name="pollSeconds" label={t('alarmSettings.field.pollSeconds')} initialValue={10} rules={[{ required: true, type: 'integer', min: 2, max: 300 }]}>
              <InputNumber min={2} max={300} precision={0} style={{ width: 90 }} data-testid="alarm-input-poll" />
            </Form.Item>
            <Form.Item>
              <Typography.Text type="secondary">{t('alarmSettings.wvpHint')}</Typography.Text>
            </Form.Item>
          </>
        ) : null}
        {kind === 'hikvision' ? (
          <>
            <Form.Item
              name="eventTypes"
              label={t('alarmSettings.field.eventTypes')}
              tooltip={t('alarmSettings.eventTypesHint')}
              rules={[
                {
                  validator: async (_, value: string | undefined) => {
                    if (parseEventTypes(value) === null) throw new Error(t('alarmSettings.eventTypesInvalid'));
                  },
                },
              ]}
            >
              <Input style={{ width: 220 }} placeholder={t('alarmSettings.eventTypesPlaceholder')} data-testid="alarm-input-event-types" />
            </Form.Item>
            <Form.Item
              name="callbackBase"
              label={t('alarmSettings.field.callbackBase')}
              tooltip={t('alarmSettings.callbackBaseHint')}
              rules={[{ required: true, pattern: /^https?:\/\/[^\s/?#]+\/?$/ }]}
            >
              <Input style={{ width: 240 }} placeholder={t('alarmSettings.callbackBasePlaceholder')} data-testid="alarm-input-callback-base" />
            </Form.Item>
          </>
        ) : null}
        {hasSecret ? (
          <Form.Item name="secret" label={tokenKind ? t('alarmSettings.field.token') : t('alarmSettings.field.password')}>
            <Input.Password
              style={{ width: 200 }}
              autoComplete="new-password"
              visibilityToggle={false}
              placeholder={editingId !== null ? t(tokenKind ? 'alarmSettings.tokenKeep' : 'alarmSettings.passwordKeep') : undefined}
              data-testid="alarm-input-secret"
            />
          </Form.Item>
        ) : null}
        {editingId !== null && hasSecret ? (
          <Form.Item name="clearSecret" valuePropName="checked">
            <Checkbox disabled={Boolean(secret)} data-testid="alarm-input-clear-secret">
              {t('alarmSettings.clearSecret')}
            </Checkbox>
          </Form.Item>
        ) : null}
        {tokenKind && !secret && (editingId === null || clearSecret) ? (
          <Form.Item>
            <Typography.Text type="warning" data-testid="alarm-input-no-token">
              {t('alarmSettings.noToken')}
            </Typography.Text>
          </Form.Item>
        ) : null}
        {kind === 'mqtt' ? (
          <Form.Item name="topics" label={t('alarmSettings.field.topics')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea
              style={{ width: 260, fontFamily: 'monospace' }}
              autoSize={{ minRows: 2, maxRows: 8 }}
              spellCheck={false}
              placeholder={t('alarmSettings.topicsPlaceholder')}
              data-testid="alarm-input-topics"
            />
          </Form.Item>
        ) : null}
        {hasMapping ? (
          <>
            <Form.Item name="preset" label={t('alarmSettings.field.preset')}>
              <Select
                style={{ width: 260 }}
                aria-label={t('alarmSettings.field.preset')}
                placeholder={t('alarmSettings.presetPlaceholder')}
                data-testid="alarm-input-preset"
                options={MAPPING_PRESETS.map((p) => ({ value: p.key, label: p.label }))}
                onChange={(key: string) => {
                  const preset = presetOf(key);
                  if (preset) form.setFieldsValue({ mappingJson: mappingToJson(preset.mapping) });
                  void form.validateFields(['mappingJson']);
                }}
              />
            </Form.Item>
            <Form.Item
              name="mappingJson"
              label={t('alarmSettings.field.mapping')}
              style={{ width: '100%' }}
              rules={[
                {
                  validator: async (_, value: string | undefined) => {
                    const parsed = parseMappingJson(value ?? '');
                    if (parsed.ok) return;
                    throw new Error(
                      parsed.line !== null
                        ? t('alarmSettings.jsonInvalidAt', { line: parsed.line, column: parsed.column ?? 1, message: parsed.message })
                        : t('alarmSettings.jsonInvalid', { message: parsed.message }),
                    );
                  },
                },
              ]}
            >
              <Input.TextArea
                style={{ width: 560, fontFamily: 'monospace' }}
                autoSize={{ minRows: 6, maxRows: 24 }}
                spellCheck={false}
                data-testid="alarm-input-mapping"
              />
            </Form.Item>
          </>
        ) : null}
        {editingId !== null ? (
          <Form.Item>
            <Typography.Text strong>{t('alarmSettings.editing', { id: editingId })}</Typography.Text>
          </Form.Item>
        ) : null}
        <Button type="primary" htmlType="submit" loading={saveState.isLoading} data-testid="alarm-input-save">
          {editingId !== null ? t('alarmSettings.save') : t('alarmSettings.add')}
        </Button>
        {editingId !== null ? (
          <Button onClick={reset} style={{ marginLeft: 8 }} data-testid="alarm-input-cancel">
            {t('alarmSettings.cancelEdit')}
          </Button>
        ) : null}
      </Form>
    </Card>
  );
}
