import type { ConsoleCore } from '../core';
import type { Logger } from './logger';

/**
 * `--lab-backend ws://…` (passed by `npm start` while the local lab runs, and by the tests): registers the lab's
 * Janus as a backend. Both hosts call this; the Electron host only when not packaged.
 */
export async function registerLabBackend(core: Pick<ConsoleCore, 'dispatch'>, url: string, log: Logger): Promise<void> {
  const lab = { id: 'lab', kind: 'janus' as const, name: '本地实验室 Janus', enabled: true, url };
  const result = await core.dispatch('saveBackend', lab);
  if (result.ok) log.info({ url }, 'lab backend registered');
  else log.error({ error: result.error }, 'could not register the lab backend');
}
