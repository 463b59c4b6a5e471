import { useEffect, type ReactNode } from 'react';
import { Button, Form, Input, Switch, type FormInstance } from 'antd';
import type { z } from 'zod';
import type { Settings } from '../../../shared/domain/settings';
import { useT } from '../../app/hooks';
import { useGetSettingsQuery } from './settingsApi';
import { useValidatedSave } from './useValidatedSave';

/** What a broker's settings form edits besides its own fields (the password is never shown: empty until typed). */
export type BrokerValues = { enabled: boolean; url: string; username: string; password: string };

/** The settings cards of a broker (their strings are `<labels>.enabled`, `.url`, `.username`, `.password`, `.save`). */
type BrokerLabels = 'mapSettings.gps' | 'sync';

type Save<S extends z.ZodType> = (value: z.output<S>) => PromiseLike<{ error?: unknown }>;

/**
 * A broker's settings form state: `config` as stored, the form filled with it unless the operator is changing it.
 * `submit` checks and saves the input made of `values`; once saved, the form is untouched again (so later changes of
 * the stored config show) with the password emptied. Resolves true when saved.
 */
export function useBrokerForm<V extends BrokerValues, C>(
  select: (settings: Settings) => C,
  toValues: (config: C) => V,
): { config: C | undefined; form: FormInstance<V>; submit<S extends z.ZodType>(schema: S, input: unknown, save: Save<S>, values: V): Promise<boolean> } {
  const { data: settings } = useGetSettingsQuery();
  const config = settings ? select(settings) : undefined;
  const validatedSave = useValidatedSave();
  const [form] = Form.useForm<V>();
  useEffect(() => {
    if (config && !form.isFieldsTouched()) form.setFieldsValue(toValues(config) as Parameters<typeof form.setFieldsValue>[0]);
  }, [config, form, toValues]);
  const submit = async <S extends z.ZodType>(schema: S, input: unknown, save: Save<S>, values: V): Promise<boolean> => {
    if (!(await validatedSave(schema, input, save))) return false;
    form.resetFields();
    form.setFieldsValue({ ...values, password: '' } as Parameters<typeof form.setFieldsValue>[0]);
    return true;
  };
  return { config, form, submit };
}

export type BrokerFormProps<V extends BrokerValues> = {
  form: FormInstance<V>;
  /** The form's name and the prefix of its test ids (`<id>-form`, `<id>-url` …). */
  id: string;
  labels: BrokerLabels;
  initialValues: V;
  onFinish(values: V): Promise<void>;
  saving: boolean;
  password: { placeholder: string; width: number; visibilityToggle?: boolean };
  /** The fields of this broker's use (topic, prefix), before the save button. */
  children: ReactNode;
};

/** A broker's settings form: on/off, address, account and password (sent once; what an empty one means is the card's). */
export function BrokerForm<V extends BrokerValues>({ form, id, labels, initialValues, onFinish, saving, password, children }: BrokerFormProps<V>) {
  const t = useT();
  return (
    <Form<V> form={form} name={id} layout="inline" className="settings-form" initialValues={initialValues} onFinish={(v) => void onFinish(v)} data-testid={`${id}-form`}>
      <Form.Item name="enabled" label={t(`${labels}.enabled`)} valuePropName="checked">
        <Switch data-testid={`${id}-enabled`} />
      </Form.Item>
      <Form.Item name="url" label={t(`${labels}.url`)} rules={[{ required: true }]}>
        <Input style={{ width: 240 }} placeholder="mqtt://198.51.100.10:1883" data-testid={`${id}-url`} />
      </Form.Item>
      <Form.Item name="username" label={t(`${labels}.username`)}>
        <Input style={{ width: 150 }} autoComplete="off" data-testid={`${id}-username`} />
      </Form.Item>
      <Form.Item name="password" label={t(`${labels}.password`)}>
        <Input.Password style={{ width: password.width }} autoComplete="new-password" visibilityToggle={password.visibilityToggle} placeholder={password.placeholder} data-testid={`${id}-password`} />
      </Form.Item>
      {children}
      <Button type="primary" htmlType="submit" loading={saving} data-testid={`${id}-save`}>
        {t(`${labels}.save`)}
      </Button>
    </Form>
  );
}
