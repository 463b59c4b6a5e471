import fs from 'node:fs';
import { z } from 'zod';
import { alarmOptionsSchema, saveAlarmInputSchema } from '../../shared/domain/alarm';
import type { ConsoleCore } from '../core';
import type { Logger } from '../services/logger';

/**
 * What the lab writes for the console (`lab/.run/…/alarms.json`): the generator's webhook sources (with their token)
 * and the broker subscription, and optionally where the receiver listens (tests use port 0).
 */
export const labAlarmsFileSchema = z
  .object({
    inputs: z.array(saveAlarmInputSchema).max(32),
    options: alarmOptionsSchema.partial().optional(),
  })
  .strict();
export type LabAlarmsFile = z.infer<typeof labAlarmsFileSchema>;

/**
 * `--lab-alarms <file>` (passed by `npm start` while the local lab runs, and by the tests): saves the lab's alarm
 * inputs (tokens and the broker password go to the SecretStore like any other) and receiver options, through
 * `dispatch`, so the same validation and audit apply. The lab's inputs are the lab's: saved again on every start.
 */
export async function registerLabAlarms(core: Pick<ConsoleCore, 'dispatch'>, file: string, log: Logger): Promise<boolean> {
  let parsed: LabAlarmsFile;
  try {
    const result = labAlarmsFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
    if (!result.success) {
      // Issues name paths and codes, never the values (the file holds tokens).
      log.error({ file, issues: result.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`) }, 'lab alarms file is not valid');
      return false;
    }
    parsed = result.data;
  } catch (err) {
    log.error({ file, err: err instanceof Error ? err.message : String(err) }, 'could not read the lab alarms file');
    return false;
  }
  if (parsed.options) {
    const settings = await core.dispatch('getSettings', {});
    if (!settings.ok) return false;
    const current = (settings.value as { alarmOptions: z.infer<typeof alarmOptionsSchema> }).alarmOptions;
    const saved = await core.dispatch('saveAlarmOptions', { ...current, ...parsed.options });
    if (!saved.ok) {
      log.error({ error: saved.error }, 'could not save the lab alarm options');
      return false;
    }
  }
  for (const input of parsed.inputs) {
    const saved = await core.dispatch('saveAlarmInput', input);
    if (!saved.ok) {
      log.error({ input: input.id, error: saved.error }, 'could not register a lab alarm input');
      return false;
    }
  }
  log.info({ inputs: parsed.inputs.map((i) => i.id) }, 'lab alarm inputs registered');
  return true;
}
