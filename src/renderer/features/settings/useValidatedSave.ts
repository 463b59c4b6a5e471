import { useCallback } from 'react';
import { App } from 'antd';
import type { z } from 'zod';
import { useT } from '../../app/hooks';

/**
 * A settings form's last step, the same for every kind of entry: check the input against its contract schema (the
 * reasons in one message), save it, say whether it worked. Resolves true when saved.
 */
export function useValidatedSave(): <S extends z.ZodType>(
  schema: S,
  input: unknown,
  save: (value: z.output<S>) => PromiseLike<{ error?: unknown }>,
) => Promise<boolean> {
  const t = useT();
  const { message } = App.useApp();
  return useCallback(
    async (schema, input, save) => {
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        message.error(t('settings.invalid', { reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }));
        return false;
      }
      const result = await save(parsed.data);
      if ('error' in result && result.error !== undefined) {
        message.error(t('common.error', { message: (result.error as { message?: string }).message ?? '' }));
        return false;
      }
      message.success(t('settings.saved'));
      return true;
    },
    [message, t],
  );
}
