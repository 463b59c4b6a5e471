import type { ConsoleHandlers, EventPayload } from '../../shared/contract/consoleApi';
import { GPS_PASSWORD_KEY, type GpsFeedStatus, type GpsFix, type SaveGpsFeed } from '../../shared/domain/gps';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import { BrokerSettings, type BrokerSettingsDeps } from '../services/brokerSettings';
import type { Logger } from '../services/logger';
import type { Db } from '../services/store';
import { GpsFeed } from './gpsFeed';
import { parseGpsPayload } from './gpsReport';
import { GPS_RETENTION_MS, GpsStore, pruneGpsFixes } from './gpsStore';

export type GpsRequestName = 'listGpsUnits' | 'queryGpsTrack' | 'getGpsFeedStatus' | 'saveGpsFeed';
export type GpsFixesEvent = EventPayload<'onGpsFixes'>;

export type GpsService = {
  handlers: Pick<ConsoleHandlers, GpsRequestName>;
  /** New positions, at most one push a second: every fix stored since the last push, and the units that are new or changed. */
  onFixes: (listener: (event: GpsFixesEvent) => void) => Disposable;
  /** The feed's state changed (or, at most once a second, its counts). */
  onStatus: (listener: (status: GpsFeedStatus) => void) => Disposable;
  store: GpsStore;
  /** Connects when the settings say so, and prunes old positions (now and every hour). */
  start(): Promise<void>;
  dispose(): Promise<void>;
};

const PUSH_INTERVAL_MS = 1000;
const PRUNE_EVERY_MS = 3600_000;

/**
 * GPS units (单兵、车载、移动app、无人机) as the console runs them: the store, the MQTT feed kept in line with the
 * `gpsFeed` settings (its password in the SecretStore), the batched pushes to the map, the hourly prune of positions
 * older than 7 days, and the requests of the map and the settings card.
 */
export function createGpsService(deps: BrokerSettingsDeps & {
  db: Db;
  log: Logger;
  /** This data folder's seat id: the feed's MQTT client id is derived from it, so the broker keeps its session. */
  seatId: string;
  now?: () => number;
  reconnectPeriodMs?: number;
  pushIntervalMs?: number;
}): GpsService {
  const { settings } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ part: 'gps' });
  const store = new GpsStore(deps.db, now);
  const fixesPushed = new Emitter<GpsFixesEvent>();
  const statusChanged = new Emitter<GpsFeedStatus>();
  const pushInterval = deps.pushIntervalMs ?? PUSH_INTERVAL_MS;
  /** The newest stored fix per unit since the last push. */
  const pendingFixes = new Map<string, GpsFix>();
  const pendingUnits = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let lastPush = 0;
  let lastStatus = '';
  let disposed = false;

  const status = (): GpsFeedStatus => ({ ...feed.status(), units: store.count() });
  const announceStatus = (): void => {
    const current = status();
    const text = JSON.stringify(current);
    if (text === lastStatus || disposed) return;
    lastStatus = text;
    fire(statusChanged, current, 'gps status listener failed');
  };
  function fire<T>(emitter: Emitter<T>, value: T, what: string): void {
    try {
      emitter.fire(value);
    } catch (err) {
      log.error({ err }, what);
    }
  }

  const flush = (): void => {
    timer = null;
    if (disposed) return;
    lastPush = now();
    const fixes = [...pendingFixes.values()].sort((a, b) => a.at - b.at);
    pendingFixes.clear();
    const units = [...pendingUnits].flatMap((id) => store.unit(id) ?? []);
    pendingUnits.clear();
    if (fixes.length > 0 || units.length > 0) fire(fixesPushed, { fixes, units }, 'gps fixes listener failed');
    announceStatus();
  };
  const schedule = (): void => {
    if (timer || disposed) return;
    timer = setTimeout(flush, Math.max(0, lastPush + pushInterval - now()));
  };

  const feed = new GpsFeed({
    clientId: `mdc-gps-${deps.seatId}`,
    log,
    reconnectPeriodMs: deps.reconnectPeriodMs,
    take: async (payload, receivedAt) => {
      const reports = parseGpsPayload(payload, receivedAt);
      const { stored, changedUnits } = store.ingest(reports, receivedAt);
      // Only each unit's newest fix goes to the map (it moves the unit; tracks are queried): an uploaded day of
      // history must not become one push of tens of thousands of fixes.
      for (const fix of stored) {
        const held = pendingFixes.get(fix.unitId);
        if (!held || fix.at > held.at) pendingFixes.set(fix.unitId, fix);
      }
      for (const id of changedUnits) pendingUnits.add(id);
      // Counts change with every report: they go out with the next batch.
      schedule();
      return reports.length;
    },
  });
  const feedChanged = feed.onStatus(() => announceStatus());
  const broker = new BrokerSettings(deps, {
    key: 'gpsFeed',
    passwordKey: GPS_PASSWORD_KEY,
    session: feed,
    audit: { action: 'gps.feed.save', detail: (config) => ({ topic: config.topic }) },
  });
  const settingsChanged = settings.onDidChange((s) => void broker.follow(s));

  let pruneTimer: NodeJS.Timeout | null = null;
  let pruning: Promise<void> = Promise.resolve();
  const prune = (): void => {
    pruning = pruning.then(async () => {
      try {
        const deleted = await pruneGpsFixes(store, now() - GPS_RETENTION_MS, { stopped: () => disposed });
        if (deleted > 0) log.info({ deleted }, 'gps positions older than 7 days pruned');
      } catch (err) {
        log.error({ err }, 'gps prune failed');
      }
    });
  };

  return {
    store,
    onFixes: fixesPushed.event,
    onStatus: statusChanged.event,
    handlers: {
      listGpsUnits: async () => store.units(),
      queryGpsTrack: async (query) => store.track(query),
      getGpsFeedStatus: async () => status(),
      saveGpsFeed: (input: SaveGpsFeed) => broker.save(input),
    },
    start: async () => {
      prune();
      pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
      pruneTimer.unref();
      await broker.follow();
    },
    dispose: async () => {
      disposed = true;
      if (pruneTimer) clearInterval(pruneTimer);
      if (timer) clearTimeout(timer);
      settingsChanged.dispose();
      feedChanged.dispose();
      await feed.dispose();
      await pruning;
      fixesPushed.dispose();
      statusChanged.dispose();
    },
  };
}
