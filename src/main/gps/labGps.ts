import fs from 'node:fs';
import { z } from 'zod';
import { gpsFeedConfigSchema } from '../../shared/domain/gps';
import type { ConsoleCore } from '../core';
import type { Logger } from '../services/logger';

/** What the lab writes for the console (`lab/.run/gps.json`, 0600): its broker, account and the units' filter. */
export const labGpsFileSchema = z
  .object({
    url: gpsFeedConfigSchema.shape.url,
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
    topic: gpsFeedConfigSchema.shape.topic,
  })
  .strict();
export type LabGpsFile = z.infer<typeof labGpsFileSchema>;

/**
 * `--lab-gps <file>` (passed by `npm start` while the local lab runs, and by the tests): saves the lab's GPS feed,
 * enabled, with its password, through `dispatch('saveGpsFeed')`, so the same validation, SecretStore and audit apply.
 */
export async function registerLabGps(core: Pick<ConsoleCore, 'dispatch'>, file: string, log: Logger): Promise<boolean> {
  let parsed: LabGpsFile;
  try {
    const result = labGpsFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
    if (!result.success) {
      // Issues name paths and codes, never the values (the file holds the password).
      log.error({ file, issues: result.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`) }, 'lab gps file is not valid');
      return false;
    }
    parsed = result.data;
  } catch (err) {
    log.error({ file, err: err instanceof Error ? err.message : String(err) }, 'could not read the lab gps file');
    return false;
  }
  const saved = await core.dispatch('saveGpsFeed', { enabled: true, url: parsed.url, username: parsed.username, topic: parsed.topic, password: parsed.password });
  if (!saved.ok) {
    log.error({ error: saved.error }, 'could not save the lab gps feed');
    return false;
  }
  log.info({ url: parsed.url, topic: parsed.topic }, 'lab gps feed registered');
  return true;
}
