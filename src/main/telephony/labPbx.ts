import fs from 'node:fs';
import { z } from 'zod';
import { rtpRouteSchema } from '../../shared/domain/broadcast';
import { contactGroupSchema, contactSchema, saveSipAccountInputSchema } from '../../shared/domain/telephony';
import type { ConsoleCore } from '../core';
import type { Logger } from '../services/logger';

/** What the lab's PBX writes for the console (`lab/.run/…/pbx/console.json`): one seat with its password, a directory, broadcast groups. */
export const labPbxFileSchema = z.object({
  account: saveSipAccountInputSchema,
  directory: z.array(contactSchema).max(5000),
  broadcastGroups: z.array(contactGroupSchema).max(100).default([]),
  rtpRoutes: z.array(rtpRouteSchema).max(100).default([]),
});
export type LabPbxFile = z.infer<typeof labPbxFileSchema>;

/**
 * `--lab-pbx <file>` (passed by `npm start` while the local lab runs, and by the tests): saves the lab's SIP account
 * (its password goes to the SecretStore like any other) and imports the lab's directory when the directory is
 * empty, so an operator's own edits are never overwritten. Both hosts call this; the Electron host only when not
 * packaged. Goes through `dispatch`, like registerLabBackend, so the same validation and audit apply.
 */
export async function registerLabPbx(core: Pick<ConsoleCore, 'dispatch'>, file: string, log: Logger): Promise<boolean> {
  let parsed: LabPbxFile;
  try {
    const result = labPbxFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
    if (!result.success) {
      // Issues name paths and codes, never the values (the file holds a password).
      log.error({ file, issues: result.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`) }, 'lab PBX file is not valid');
      return false;
    }
    parsed = result.data;
  } catch (err) {
    log.error({ file, err: err instanceof Error ? err.message : String(err) }, 'could not read the lab PBX file');
    return false;
  }
  const saved = await core.dispatch('saveSipAccount', parsed.account);
  if (!saved.ok) {
    log.error({ error: saved.error }, 'could not register the lab SIP account');
    return false;
  }
  log.info({ account: parsed.account.id, wsUrl: parsed.account.wsUrl }, 'lab SIP account registered');
  const contacts = await core.dispatch('listContacts', {});
  if (contacts.ok && (contacts.value as unknown[]).length === 0 && parsed.directory.length > 0) {
    const imported = await core.dispatch('importContacts', { contacts: parsed.directory, replace: false });
    if (imported.ok) log.info({ count: (imported.value as { count: number }).count }, 'lab directory imported');
    else log.error({ error: imported.error }, 'could not import the lab directory');
  }
  // The RTP speakers' routes (through the lab's Janus, registered before this), when there are none yet.
  const routes = await core.dispatch('listRtpRoutes', {});
  if (routes.ok && (routes.value as unknown[]).length === 0) {
    for (const route of parsed.rtpRoutes) {
      const saved = await core.dispatch('saveRtpRoute', route);
      if (!saved.ok) log.warn({ error: saved.error, contact: route.contactId }, 'lab RTP route not saved (is the lab Janus registered?)');
    }
  }
  // The lab's speakers as broadcast groups, when there is none yet (an operator's own groups are kept).
  const groups = await core.dispatch('listBroadcastGroups', {});
  if (groups.ok && (groups.value as unknown[]).length === 0) {
    for (const group of parsed.broadcastGroups) {
      const saved = await core.dispatch('saveBroadcastGroup', group);
      if (!saved.ok) log.error({ error: saved.error, group: group.id }, 'could not save a lab broadcast group');
    }
  }
  return true;
}
