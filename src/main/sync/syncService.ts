import type { ConsoleHandlers } from '../../shared/contract/consoleApi';
import { SYNC_PASSWORD_KEY, type SaveSync, type SyncStatus } from '../../shared/domain/sync';
import type { Disposable } from '../../shared/lifecycle';
import { BrokerSettings, type BrokerSettingsDeps } from '../services/brokerSettings';
import type { Logger } from '../services/logger';
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
export function createSyncService(deps: BrokerSettingsDeps & {
  db: Db;
  log: Logger;
  reconnectPeriodMs?: number;
}): SyncService {
  const { db, settings } = deps;
  const log = deps.log.child({ part: 'sync' });
  const seatId = readSeatId(db);
  let enabled = settings.get().sync.enabled;
  const outbox = new SyncOutbox(db, () => enabled);
  // Published records are kept a day (to look into), then forgotten: the other seats have them.
  const pruned = outbox.prunePublished(Date.now() - PUBLISHED_KEPT_MS);
  if (pruned > 0) log.info({ pruned }, 'published sync records pruned');
  const seat = new SeatSync({ db, outbox, seatId, log, reconnectPeriodMs: deps.reconnectPeriodMs });
  const broker = new BrokerSettings(deps, {
    key: 'sync',
    passwordKey: SYNC_PASSWORD_KEY,
    session: seat,
    audit: { action: 'sync.save', detail: (config) => ({ topicPrefix: config.topicPrefix }) },
  });
  const settingsChanged = settings.onDidChange((s) => {
    enabled = s.sync.enabled;
    void broker.follow(s);
  });

  return {
    handlers: {
      getSyncStatus: async () => seat.status(),
      saveSync: (input: SaveSync) => broker.save(input),
    },
    onStatus: seat.onStatus,
    sink: outbox,
    seatId,
    register: (kind, applier) => seat.register(kind, applier),
    start: () => {
      enabled = settings.get().sync.enabled;
      return broker.follow();
    },
    dispose: async () => {
      settingsChanged.dispose();
      await seat.dispose();
      outbox.dispose();
    },
  };
}
