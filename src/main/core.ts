import { createDispatcher, type Dispatch } from '../shared/contract/dispatcher';
import type { ConsoleHandlers, EventName, EventPayload } from '../shared/contract/consoleApi';
import { DisposableStore, toDisposable, type Disposable } from '../shared/lifecycle';
import { BackendRegistry } from './connectors/backendRegistry';
import { MpegRelay } from './media/mpegRelay';
import { AuditLog } from './services/auditLog';
import type { Logger } from './services/logger';
import { SettingsService } from './services/settingsService';
import { openStore } from './services/store';
import { StreamSessions } from './services/streamSessions';

export type HostKind = 'electron' | 'web';

export type CoreOptions = {
  host: HostKind;
  dataDir: string;
  log: Logger;
  version: string;
  /** better_sqlite3.node built for this host's ABI, when it is not Node's (Electron). */
  sqliteBinding?: string;
  /** Who acts in the audit log until user sign-in exists (issue: roles). */
  actor?: string;
};

/** Typed subscription to the host events, used by both hosts to forward them. */
export type EventSource = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => Disposable;

export type ConsoleCore = {
  dispatch: Dispatch;
  subscribe: EventSource;
  /** Backends' origins (for the Content-Security-Policy connect-src). */
  connectOrigins(): string[];
  dispose(): Promise<void>;
};

/**
 * Builds every host-agnostic service and the request handlers of the contract. Both hosts
 * (Electron IPC and the web host) serve exactly what this returns.
 */
export async function createConsoleCore(options: CoreOptions): Promise<ConsoleCore> {
  const { log } = options;
  const startedAt = Date.now();
  const actor = options.actor ?? 'operator';
  const owned = new DisposableStore();
  const db = openStore(options.sqliteBinding ? { dataDir: options.dataDir, nativeBinding: options.sqliteBinding } : { dataDir: options.dataDir });
  owned.add(toDisposable(() => db.close()));
  const settings = new SettingsService(db, (key, reason) => log.warn({ key }, `stored setting ignored: ${reason}`));
  const audit = new AuditLog(db);
  const relay = new MpegRelay({ log: (level, msg, extra) => log[level](extra ?? {}, msg) });
  await relay.start();
  const registry = owned.add(new BackendRegistry(log.child({ part: 'backends' })));
  const streams = new StreamSessions(registry, relay);
  registry.configure(settings.get().backends);
  owned.add(settings.onDidChange((s) => registry.configure(s.backends)));

  const handlers: ConsoleHandlers = {
    getAppInfo: async () => ({ name: '煤矿应急指挥调度台', version: options.version, host: options.host, startedAt, dataDir: options.dataDir }),
    getCatalogue: async () => registry.catalogue(),
    refreshCatalogue: async () => registry.refresh(),
    openStream: async ({ channelId, accept }) => {
      const source = await streams.open(channelId, accept);
      audit.record(actor, 'stream.open', channelId, { kind: source.kind });
      return source;
    },
    closeStream: async ({ sessionId }) => {
      streams.close(sessionId);
      return null;
    },
    getSettings: async () => settings.get(),
    saveBackend: async (config) => {
      const next = settings.saveBackend(config);
      audit.record(actor, 'backend.save', config.id, { kind: config.kind, url: config.url, enabled: config.enabled });
      return next;
    },
    removeBackend: async ({ id }) => {
      const next = settings.removeBackend(id);
      audit.record(actor, 'backend.remove', id);
      return next;
    },
    listAudit: async ({ limit }) => audit.list(limit),
    recordAction: async ({ action, target }) => {
      audit.record(actor, action, target);
      return null;
    },
    reportClientError: async ({ message, context }) => {
      log.error({ context }, `renderer: ${message}`);
      return null;
    },
  };

  const dispatch = createDispatcher(handlers, (method, err) => log.error({ method, err }, 'request failed'));

  const subscribe: EventSource = (event, listener) => {
    switch (event) {
      case 'onCatalogueChanged':
        return registry.onCatalogueChanged(listener as (p: EventPayload<'onCatalogueChanged'>) => void);
      case 'onBackendStatus':
        return registry.onStatus(listener as (p: EventPayload<'onBackendStatus'>) => void);
    }
    throw new Error(`unknown event ${String(event)}`);
  };

  return {
    dispatch,
    subscribe,
    connectOrigins: () => [
      relay.origin,
      ...settings
        .get()
        .backends.map((b) => {
          try {
            return new URL(b.url).origin;
          } catch {
            return null;
          }
        })
        .filter((x): x is string => x !== null),
    ],
    dispose: async () => {
      await relay.dispose();
      owned.dispose();
    },
  };
}
