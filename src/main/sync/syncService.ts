import type { ConsoleHandlers } from '../../shared/contract/consoleApi';
import { SYNC_PASSWORD_KEY, type SaveSync, type SyncStatus } from '../../shared/domain/sync';
import type { Disposable } from '../../shared/lifecycle';
import type { AuditLog } from '../services/auditLog';
import type { Logger } from '../services/logger';
import type { SecretStore } from '../services/secretStore';
import type { SettingsService } from '../services/settingsService';
import type { Db } from '../services/store';
import type { RecordApplier, RecordSink, SyncKind } from './recordSink';
import { readSeatId } from './seat';
import { SeatSync } from './seatSync';
import { SyncOutbox } from './syncOutbox';

const PUBLISHED_KEPT_MS = 24 * 3600_000;

export type SyncService = {
  handlers: Pick<ConsoleHandlers, 'getSyncStatus' | 'saveSync'>;
  onStatus: (listener: (status: SyncStatus) => void) => Disposable;
  /** What the stores enqueue their records into (inside their own transactions). */
  sink: RecordSink;
  seatId: string;
  register(kind: SyncKind, applier: RecordApplier): Disposable;
  /** Connects when the settings say so. */
  start(): Promise<void>;
  dispose(): Promise<void>;
};

/**
 * Seat sync as the console runs it: this data folder's seat id, the outbox (recording only while sync is enabled),
 * the MQTT connection kept in line with the `sync` settings and the password in the SecretStore, and the requests
 * of the settings card.
 */
export function createSyncService(deps: {
  db: Db;
  settings: SettingsService;
  secrets: SecretStore;
  audit: AuditLog;
  actor: string;
  log: Logger;
  reconnectPeriodMs?: number;
}): SyncService {
  const { db, settings, secrets, audit, actor } = deps;
  const log = deps.log.child({ part: 'sync' });
  const seatId = readSeatId(db);
  let enabled = settings.get().sync.enabled;
  const outbox = new SyncOutbox(db, () => enabled);
  // Published records are kept a day (to look into), then forgotten: the other seats have them.
  const pruned = outbox.prunePublished(Date.now() - PUBLISHED_KEPT_MS);
  if (pruned > 0) log.info({ pruned }, 'published sync records pruned');
  const seat = new SeatSync({ db, outbox, seatId, log, reconnectPeriodMs: deps.reconnectPeriodMs });
  const settingsChanged = settings.onDidChange((s) => {
    enabled = s.sync.enabled;
    void seat.configure(s.sync, secrets.get(SYNC_PASSWORD_KEY));
  });

  return {
    handlers: {
      getSyncStatus: async () => seat.status(),
      saveSync: async (input: SaveSync) => {
        const { password, ...config } = input;
        // The password is in place before the settings that connect with it.
        if (password) secrets.set(SYNC_PASSWORD_KEY, password);
        else if (password === null) secrets.delete(SYNC_PASSWORD_KEY);
        const next = settings.update({ sync: config });
        audit.record(actor, 'sync.save', null, { enabled: config.enabled, url: config.url, topicPrefix: config.topicPrefix, passwordChanged: password !== undefined });
        await seat.idle();
        return next;
      },
    },
    onStatus: seat.onStatus,
    sink: outbox,
    seatId,
    register: (kind, applier) => seat.register(kind, applier),
    start: () => {
      const current = settings.get().sync;
      enabled = current.enabled;
      return seat.configure(current, secrets.get(SYNC_PASSWORD_KEY));
    },
    dispose: async () => {
      settingsChanged.dispose();
      await seat.dispose();
      outbox.dispose();
    },
  };
}
