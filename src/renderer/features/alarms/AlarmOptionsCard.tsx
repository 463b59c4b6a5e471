import { useEffect } from 'react';
import { App, AutoComplete, Button, Card, Form, InputNumber, Select, Switch } from 'antd';
import { alarmOptionsSchema, DEFAULT_ALARM_OPTIONS, type AlarmOptions, type SeatRole } from '../../../shared/domain/alarm';
import { useT } from '../../app/hooks';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { useValidatedSave } from '../settings/useValidatedSave';
import { useSaveAlarmOptionsMutation, useSaveSeatRoleMutation } from './alarmsApi';

/** The form's values: monitor and tile are 1-based as the operator counts them (the data: monitor from 1, tile from 0). */
type Values = {
  host: string;
  port: number | null;
  popupMinLevel: number;
  sound: boolean;
  wallMinLevel: number;
  /** 'none': not on the wall; else the 1-based monitor. */
  wallMonitor: number | 'none';
  wallTile: number | null;
  reviewMinLevel: number;
};

const LEVELS = [1, 2, 3, 4] as const;
/** alarmOptionsSchema: monitor 1..16, tile 0..63. */
const MONITORS = 16;
const TILES = 64;

function toValues(o: AlarmOptions): Values {
  return {
    host: o.receiver.host,
    port: o.receiver.port,
    popupMinLevel: o.popupMinLevel,
    sound: o.sound,
    wallMinLevel: o.wallMinLevel,
    wallMonitor: o.wallTarget ? o.wallTarget.monitor : 'none',
    wallTile: o.wallTarget ? o.wallTarget.tile + 1 : 1,
    reviewMinLevel: o.reviewMinLevel,
  };
}

function toOptions(v: Values): unknown {
  return {
    receiver: { host: (v.host ?? '').trim(), port: v.port },
    popupMinLevel: v.popupMinLevel,
    sound: Boolean(v.sound),
    wallMinLevel: v.wallMinLevel,
    wallTarget: v.wallMonitor === 'none' ? null : { monitor: v.wallMonitor, tile: (v.wallTile ?? 1) - 1 },
    reviewMinLevel: v.reviewMinLevel,
  };
}

/** 报警联动 in settings: where the webhook receiver listens, and what a new alarm does (pop-up, sound, the wall). */
export function AlarmOptionsCard() {
  const t = useT();
  const { data: settings } = useGetSettingsQuery();
  const [save, saveState] = useSaveAlarmOptionsMutation();
  const [form] = Form.useForm<Values>();
  const validatedSave = useValidatedSave();
  const options = settings?.alarmOptions;
  const wallMonitor = Form.useWatch('wallMonitor', form);

  // The stored options fill the form, unless the operator is changing it.
  useEffect(() => {
    if (options && !form.isFieldsTouched()) form.setFieldsValue(toValues(options));
  }, [options, form]);

  const levelOptions = LEVELS.map((level) => ({
    value: level,
    label: t('alarmSettings.levelAtLeast', { name: t(`alarmSettings.level.${level}`) }),
  }));

  const onFinish = async (v: Values) => {
    if (await validatedSave(alarmOptionsSchema, toOptions(v), save)) {
      // Untouched again (so later changes of the stored options show), keeping what was saved.
      form.resetFields();
      form.setFieldsValue(v);
    }
  };

  return (
    <Card title={t('alarmSettings.options.title')} size="small" data-testid="alarm-options" extra={<SeatRoleSelect />}>
      <Form<Values>
        form={form}
        name="alarm-options"
        layout="inline"
        className="settings-form"
        initialValues={toValues(options ?? DEFAULT_ALARM_OPTIONS)}
        onFinish={(v) => void onFinish(v)}
        data-testid="alarm-options-form"
      >
        <Form.Item name="host" label={t('alarmSettings.options.host')} rules={[{ required: true }]}>
          <AutoComplete
            style={{ width: 200 }}
            aria-label={t('alarmSettings.options.host')}
            data-testid="alarm-options-host"
            options={[
              { value: '0.0.0.0', label: `0.0.0.0（${t('alarmSettings.options.host.all')}）` },
              { value: '127.0.0.1', label: `127.0.0.1（${t('alarmSettings.options.host.local')}）` },
            ]}
          />
        </Form.Item>
        <Form.Item name="port" label={t('alarmSettings.options.port')} tooltip={t('alarmSettings.options.portHint')} rules={[{ required: true }]}>
          <InputNumber min={0} max={65_535} precision={0} style={{ width: 110 }} placeholder={t('alarmSettings.options.portHint')} data-testid="alarm-options-port" />
        </Form.Item>
        <Form.Item name="popupMinLevel" label={t('alarmSettings.options.popupMinLevel')}>
          <Select style={{ width: 150 }} aria-label={t('alarmSettings.options.popupMinLevel')} options={levelOptions} data-testid="alarm-options-popup-level" />
        </Form.Item>
        <Form.Item name="sound" label={t('alarmSettings.options.sound')} valuePropName="checked">
          <Switch data-testid="alarm-options-sound" />
        </Form.Item>
        <Form.Item name="wallMinLevel" label={t('alarmSettings.options.wallMinLevel')}>
          <Select style={{ width: 150 }} aria-label={t('alarmSettings.options.wallMinLevel')} options={levelOptions} data-testid="alarm-options-wall-level" />
        </Form.Item>
        <Form.Item name="wallMonitor" label={t('alarmSettings.options.wallTarget')}>
          <Select<number | 'none'>
            style={{ width: 130 }}
            aria-label={t('alarmSettings.options.wallTarget')}
            data-testid="alarm-options-wall-monitor"
            options={[
              { value: 'none' as const, label: t('alarmSettings.options.wall.none') },
              ...Array.from({ length: MONITORS }, (_, i) => ({ value: i + 1, label: t('alarmSettings.options.wall.monitor', { n: i + 1 }) })),
            ]}
          />
        </Form.Item>
        {wallMonitor !== undefined && wallMonitor !== 'none' ? (
          <Form.Item name="wallTile" label={t('alarmSettings.options.wall.tile')} rules={[{ required: true }]}>
            <InputNumber min={1} max={TILES} precision={0} style={{ width: 80 }} data-testid="alarm-options-wall-tile" />
          </Form.Item>
        ) : null}
        <Form.Item name="reviewMinLevel" label={t('alarmSettings.options.reviewMinLevel')}>
          <Select style={{ width: 150 }} aria-label={t('alarmSettings.options.reviewMinLevel')} options={levelOptions} data-testid="alarm-options-review-level" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saveState.isLoading} data-testid="alarm-options-save">
          {t('alarmSettings.options.save')}
        </Button>
      </Form>
    </Card>
  );
}

/** Who sits at this console; saved at once (it decides which workflow steps the alarm detail offers). */
function SeatRoleSelect() {
  const t = useT();
  const { message } = App.useApp();
  const { data: settings } = useGetSettingsQuery();
  const [save, state] = useSaveSeatRoleMutation();
  return (
    <span>
      {t('alarmSettings.seatRole')}：
      <Select<SeatRole>
        size="small"
        style={{ width: 230 }}
        loading={state.isLoading}
        value={settings?.seatRole ?? 'government'}
        aria-label={t('alarmSettings.seatRole')}
        data-testid="seat-role"
        onChange={(role) =>
          void save(role).then((r) => ('error' in r && r.error ? message.error((r.error as { message?: string }).message ?? '') : message.success(t('alarmSettings.seatRole.saved'))))
        }
        options={(['government', 'enterprise'] as const).map((r) => ({ value: r, label: t(`alarmSettings.seatRole.${r}`) }))}
      />
    </span>
  );
}
