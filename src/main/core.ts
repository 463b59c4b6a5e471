import { createDispatcher, type Dispatch } from '../shared/contract/dispatcher';
import type { ConsoleHandlers, EventName, EventPayload } from '../shared/contract/consoleApi';
import type { WallCommand } from '../shared/domain/wall';
import { DisposableStore, toDisposable, type Disposable } from '../shared/lifecycle';
import { BackendRegistry, createBackend } from './connectors/backendRegistry';
import { backendConnectOrigins, isMediaOriginSource, sipConnectOrigins, type MediaOriginSource } from './connectors/connectOrigins';
import { ConsoleError } from '../shared/contract/rpc';
import { backendSecretKey, type BackendConfig, type SaveBackendInput } from '../shared/domain/settings';
import { sipSecretKey } from '../shared/domain/telephony';
import { MpegRelay } from './media/mpegRelay';
import { PlaybackGateway } from './media/playbackGateway';
import { RecordDownloads } from './services/recordDownloads';
import { AuditLog } from './services/auditLog';
import type { Logger } from './services/logger';
import { SettingsService } from './services/settingsService';
import { openStore } from './services/store';
import { StreamSessions } from './services/streamSessions';
import { MediaLibrary } from './services/mediaLibrary';
import { FileSecretStore, type Cipher, type SecretStore } from './services/secretStore';
import { createAlarmService } from './alarms/alarmService';
import { createSyncService } from './sync/syncService';
import { createTaskService } from './tasks/taskHandlers';
import { createEventService } from './events/eventHandlers';
import { createBroadcastService } from './broadcast/broadcastHandlers';
import { createMapService } from './map/mapHandlers';
import { createGpsService } from './gps/gpsService';
import { mapOrigins } from '../shared/domain/map';
import { CallLog } from './telephony/callLog';
import { CallRecordings } from './telephony/callRecordings';
import { DirectoryStore } from './telephony/directoryStore';
import { PresenceMonitor } from './telephony/presenceMonitor';
import { exportCallRecordings } from './telephony/recordingExport';
import { MISSING_SIP_PASSWORD, sipCredentials, splitSipPassword } from './telephony/sipAccounts';
import { KamailioRpc } from './connectors/sip/kamailioRpc';
import { WallService } from './wall/wallService';
import path from 'node:path';

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
  /** Electron's safeStorage as a cipher for secrets; without it they sit in a 0600 file. */
  secretCipher?: Cipher | null;
};

/** Typed subscription to the host events, used by both hosts to forward them. */
export type EventSource = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => Disposable;

export type ConsoleCore = {
  dispatch: Dispatch;
  subscribe: EventSource;
  /** Backends' origins and the map's tile and terrain servers (for the Content-Security-Policy connect-src). */
  connectOrigins(): string[];
  /** The map's tile and terrain servers (for the Content-Security-Policy img-src). */
  mapOrigins(): string[];
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
  const secrets = new FileSecretStore(path.join(options.dataDir, 'secrets.json'), options.secretCipher ?? null);
  if (secrets.protection === 'file-0600') log.warn({ file: 'secrets.json' }, 'no OS keychain here: secrets are kept in a 0600 file');
  const relay = new MpegRelay({ log: (level, msg, extra) => log[level](extra ?? {}, msg) });
  await relay.start();
  // Backends that serve media from other origins than their API (WVP's ZLMediaKit) say which, for connect-src.
  const mediaOrigins = new Map<string, MediaOriginSource>();
  const registry = owned.add(
    new BackendRegistry(log.child({ part: 'backends' }), (config, backendLog) => {
      const backend = createBackend(config, backendLog, (key) => secrets.get(key));
      if (isMediaOriginSource(backend)) mediaOrigins.set(config.id, backend);
      else mediaOrigins.delete(config.id);
      return backend;
    }),
  );
  const gateway = owned.add(new PlaybackGateway((level, msg) => log[level]({ part: 'playback' }, msg)));
  await gateway.start();
  const streams = new StreamSessions(registry, relay, gateway);
  const wall = owned.add(
    new WallService(db, { channels: () => registry.catalogue().channels }, { warn: (msg) => log.warn({ part: 'wall' }, msg) }),
  );
  const library = new MediaLibrary(db, path.join(options.dataDir, 'media'));
  const recovered = library.recoverUnfinished();
  if (recovered > 0) log.warn({ recovered }, 'closed recordings left open by an earlier run');
  const channelName = (id: string) => registry.channel(id)?.name ?? id;
  const downloads = owned.add(new RecordDownloads(gateway, library, (msg) => log.warn({ part: 'download' }, msg)));
  // Telephone dispatch: directory, call history and call recordings; calls and recordings a killed process left
  // open are closed first, before any report of this run.
  const directory = new DirectoryStore(db);
  const calls = new CallLog(db);
  const interrupted = calls.closeInterrupted();
  if (interrupted > 0) log.warn({ interrupted }, 'closed calls left open by an earlier run as interrupted');
  const callRecordings = new CallRecordings(db, path.join(options.dataDir, 'media'));
  const recoveredCalls = callRecordings.recoverUnfinished();
  if (recoveredCalls > 0) log.warn({ recovered: recoveredCalls }, 'closed call recordings left open by an earlier run');
  const broadcast = createBroadcastService({
    db,
    dataDir: options.dataDir,
    directory,
    audit,
    actor,
    log,
    janusBackendIds: () => settings.get().backends.filter((b) => b.kind === 'janus').map((b) => b.id),
  });
  owned.add(broadcast.schedules);
  // Seat sync: stores enqueue their records for the other seats into its outbox, in their own transactions.
  const sync = createSyncService({ db, settings, secrets, audit, actor, log });
  const alarms = createAlarmService({
    sync: sync.sink,
    db,
    dataDir: options.dataDir,
    settings,
    secrets,
    catalogue: () => registry.catalogue(),
    backend: (id) => registry.backendOf(id),
    wallCommand: (command) => wall.command(command),
    audit,
    actor,
    log,
  });
  // Tasks (任务管理) and events (事件管理): every change goes to the other seats through the same outbox.
  const tasks = createTaskService({ db, audit, actor, seatId: sync.seatId, sink: sync.sink });
  const events = createEventService({ db, dataDir: options.dataDir, seatId: sync.seatId, sink: sync.sink, mines: () => registry.catalogue().mines, audit, actor });
  // 一张图: map options and marks; GPS units with their MQTT feed (its client id follows the seat id).
  const map = createMapService({ db, settings, audit, actor });
  const gps = createGpsService({ db, settings, secrets, audit, actor, log, seatId: sync.seatId });
  const presence = owned.add(
    new PresenceMonitor({ sourceFor: (url) => new KamailioRpc(url), warn: (msg) => log.warn({ part: 'presence' }, msg) }),
  );
  registry.configure(settings.get().backends);
  presence.configure(settings.get().sipAccounts);
  owned.add(
    settings.onDidChange((s) => {
      registry.configure(s.backends);
      presence.configure(s.sipAccounts);
    }),
  );

  const handlers: ConsoleHandlers = {
    getAppInfo: async () => ({
      name: '煤矿应急指挥调度台',
      version: options.version,
      host: options.host,
      startedAt,
      dataDir: options.dataDir,
      secretProtection: secrets.protection,
    }),
    getCatalogue: async () => registry.catalogue(),
    refreshCatalogue: async () => registry.refresh(),
    openStream: async ({ channelId, accept, profile }) => {
      const source = await streams.open(channelId, accept, profile ?? 'main');
      audit.record(actor, 'stream.open', channelId, { kind: source.kind });
      return source;
    },
    closeStream: async ({ sessionId }) => {
      streams.close(sessionId);
      return null;
    },
    getSettings: async () => settings.get(),
    saveBackend: async (input) => {
      const { config, secret } = splitSecret(input);
      const key = backendSecretKey(config);
      // The secret is written first, so the backend the settings change starts finds it.
      if (key) keepSecret(secrets, key, secret, MISSING_SECRET[config.kind] ?? '请填写凭据');
      for (const stale of staleSecretKeys(config)) secrets.delete(stale);
      const next = settings.saveBackend(config);
      // Never the secret itself: only whether one was replaced.
      audit.record(actor, 'backend.save', config.id, { kind: config.kind, url: config.url, enabled: config.enabled, secretChanged: secret !== null });
      return next;
    },
    removeBackend: async ({ id }) => {
      const next = settings.removeBackend(id);
      for (const kind of SECRET_KINDS) {
        const key = backendSecretKey({ id, kind });
        if (key) secrets.delete(key);
      }
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
    getWall: async () => wall.state(),
    wallCommand: async (command) => {
      const result = wall.command(command);
      if (command.op !== 'reopen' && command.op !== 'ensureMonitors') audit.record(actor, `wall.${command.op}`, wallTarget(command));
      return result;
    },
    ptz: async ({ channelId, command }) => {
      await registry.ptz(channelId, command);
      if (command.op !== 'move' && command.op !== 'stop' && command.op !== 'focus' && command.op !== 'iris')
        audit.record(actor, `ptz.${command.op}`, channelId, { preset: command.preset });
      return null;
    },
    listPtzPresets: async ({ channelId }) => registry.ptzPresets(channelId),
    saveSnapshot: async ({ channelId, takenAt, pngBase64 }) => {
      const entry = library.saveSnapshot({ channelId, channelName: channelName(channelId), takenAt, png: Buffer.from(pngBase64, 'base64') });
      audit.record(actor, 'snapshot.save', channelId, { id: entry.id });
      return entry;
    },
    listSnapshots: async ({ limit }) => library.listSnapshots(limit),
    readSnapshot: async ({ id }) => ({ pngBase64: library.readSnapshot(id).toString('base64') }),
    startRecording: async ({ channelId, mimeType }) => {
      const entry = library.startRecording({ channelId, channelName: channelName(channelId), mimeType });
      audit.record(actor, 'recording.start', channelId, { id: entry.id });
      return entry;
    },
    appendRecording: async ({ recordingId, seq, dataBase64 }) => library.appendRecording(recordingId, seq, Buffer.from(dataBase64, 'base64')),
    stopRecording: async ({ recordingId }) => {
      const entry = library.stopRecording(recordingId);
      audit.record(actor, 'recording.stop', entry.channelId, { id: entry.id, bytes: entry.bytes });
      return entry;
    },
    listRecordings: async ({ limit }) => library.listRecordings(limit),
    openReplay: async ({ channelId, seconds }) => {
      const source = await streams.openReplay(channelId, seconds);
      audit.record(actor, 'stream.replay', channelId, { seconds });
      return source;
    },
    queryRecords: async ({ channelId, from, to }) => ({ spans: await streams.recordSpans(channelId, from, to) }),
    openPlayback: async ({ channelId, from, to }) => {
      const session = await streams.openPlayback(channelId, from, to);
      audit.record(actor, 'playback.open', channelId, { from, to, control: session.control });
      return session;
    },
    playbackControl: async ({ sessionId, op, value }) => {
      await streams.playbackControl(sessionId, op, value);
      return null;
    },
    startDownload: async ({ channelId, from, to }) => {
      const segments = await streams.recordFiles(channelId, from, to);
      const state = downloads.start({ channelId, channelName: channelName(channelId), from, to, segments });
      audit.record(actor, 'recording.download', channelId, { from, to, id: state.downloadId });
      return state;
    },
    cancelDownload: async ({ downloadId }) => downloads.cancel(downloadId),
    listDownloads: async () => downloads.list(),

    // ── Telephone dispatch ──
    saveSipAccount: async (input) => {
      const { account, password } = splitSipPassword(input);
      keepSecret(secrets, sipSecretKey(account.id), password, MISSING_SIP_PASSWORD);
      const next = settings.saveSipAccount(account);
      // Never the password itself: only whether one was replaced.
      audit.record(actor, 'sip.save', account.id, { wsUrl: account.wsUrl, user: account.user, enabled: account.enabled, secretChanged: password !== null });
      return next;
    },
    removeSipAccount: async ({ id }) => {
      const next = settings.removeSipAccount(id);
      secrets.delete(sipSecretKey(id));
      audit.record(actor, 'sip.remove', id);
      return next;
    },
    getSipCredentials: async ({ accountId }) =>
      sipCredentials(
        accountId,
        settings.get().sipAccounts.find((a) => a.id === accountId),
        secrets.get(sipSecretKey(accountId)),
      ),
    listContacts: async () => directory.listContacts(),
    saveContact: async (contact) => {
      const saved = directory.saveContact(contact);
      audit.record(actor, 'contact.save', contact.id, { name: contact.name, number: contact.number });
      return saved;
    },
    deleteContact: async ({ id }) => {
      broadcast.checkDirectoryChange((c) => c !== id);
      const { found, removedGroups } = directory.deleteContact(id);
      if (found) audit.record(actor, 'contact.delete', id, removedGroups.length ? { removedGroups } : null);
      return null;
    },
    importContacts: async ({ contacts, replace }) => {
      if (replace) {
        const kept = new Set(contacts.map((c) => c.id));
        broadcast.checkDirectoryChange((c) => kept.has(c));
      }
      const { count, removedGroups } = directory.importContacts(contacts, replace);
      audit.record(actor, 'contact.import', null, { count, replace, ...(removedGroups.length ? { removedGroups } : {}) });
      return { count };
    },
    listGroups: async () => directory.listGroups(),
    saveGroup: async (group) => {
      const saved = directory.saveGroup(group);
      audit.record(actor, 'group.save', group.id, { name: group.name, members: saved.memberIds.length });
      return saved;
    },
    deleteGroup: async ({ id }) => {
      if (directory.deleteGroup(id)) audit.record(actor, 'group.delete', id);
      return null;
    },
    getPresence: async () => presence.snapshot(),
    reportCall: async (report) => calls.report(report),
    listCalls: async (query) => calls.list(query),
    startCallRecording: async ({ callId, mimeType }) => {
      const entry = callRecordings.start({ callId, mimeType });
      audit.record(actor, 'call.recording.start', callId, { id: entry.id });
      return entry;
    },
    appendCallRecording: async ({ recordingId, seq, dataBase64 }) => callRecordings.append(recordingId, seq, Buffer.from(dataBase64, 'base64')),
    stopCallRecording: async ({ recordingId }) => {
      const entry = callRecordings.stop(recordingId);
      audit.record(actor, 'call.recording.stop', entry.callId, { id: entry.id, bytes: entry.bytes });
      return entry;
    },
    readCallRecording: async ({ id }) => {
      const { mimeType, data } = callRecordings.read(id);
      return { mimeType, dataBase64: data.toString('base64') };
    },
    exportCallRecordings: async ({ ids }) => {
      const items = [...new Set(ids)].map((id) => {
        const recording = callRecordings.get(id);
        return { recording, call: calls.get(recording.callId) };
      });
      const result = await exportCallRecordings(path.join(options.dataDir, 'media'), items);
      audit.record(actor, 'call.recording.export', result.fileName, { count: items.length, bytes: result.bytes });
      return result;
    },
    ...broadcast.handlers,
    ...alarms.handlers,
    ...sync.handlers,
    ...tasks.handlers,
    ...events.handlers,
    ...map.handlers,
    ...gps.handlers,
  };

  const dispatch = createDispatcher(handlers, (method, err) => log.error({ method, err }, 'request failed'));
  // Alarm inputs start last: a push that arrives now finds every request handler and event source in place.
  await alarms.start();
  for (const [kind, applier] of Object.entries(alarms.appliers)) sync.register(kind as keyof typeof alarms.appliers, applier);
  sync.register('task-change', tasks.applyRemote);
  sync.register('event-change', events.applyRemote);
  await sync.start();
  await gps.start();

  const subscribe: EventSource = (event, listener) => {
    switch (event) {
      case 'onCatalogueChanged':
        return registry.onCatalogueChanged(listener as (p: EventPayload<'onCatalogueChanged'>) => void);
      case 'onBackendStatus':
        return registry.onStatus(listener as (p: EventPayload<'onBackendStatus'>) => void);
      case 'onWallChanged':
        return wall.onDidChange(listener as (p: EventPayload<'onWallChanged'>) => void);
      case 'onDownloadProgress':
        return downloads.onProgress(listener as (p: EventPayload<'onDownloadProgress'>) => void);
      case 'onPresence':
        return presence.onPresence(listener as (p: EventPayload<'onPresence'>) => void);
      case 'onBroadcastDue':
        return broadcast.schedules.onDue(listener as (p: EventPayload<'onBroadcastDue'>) => void);
      case 'onAlarm':
        return alarms.onAlarm(listener as (p: EventPayload<'onAlarm'>) => void);
      case 'onAlarmStatus':
        return alarms.onStatus(listener as (p: EventPayload<'onAlarmStatus'>) => void);
      case 'onSyncStatus':
        return sync.onStatus(listener as (p: EventPayload<'onSyncStatus'>) => void);
      case 'onGpsFixes':
        return gps.onFixes(listener as (p: EventPayload<'onGpsFixes'>) => void);
      case 'onGpsFeedStatus':
        return gps.onStatus(listener as (p: EventPayload<'onGpsFeedStatus'>) => void);
    }
    throw new Error(`unknown event ${String(event)}`);
  };

  return {
    dispatch,
    subscribe,
    connectOrigins: () => {
      const current = settings.get();
      return [
        relay.origin,
        gateway.origin,
        ...backendConnectOrigins(current.backends, mediaOrigins),
        ...sipConnectOrigins(current.sipAccounts),
        // Cesium fetches terrain (and imagery metadata) with XHR: the map's servers are connections too.
        ...mapOrigins(current.map),
      ];
    },
    mapOrigins: () => mapOrigins(settings.get().map),
    dispose: async () => {
      await gps.dispose();
      await sync.dispose();
      await alarms.dispose();
      await relay.dispose();
      owned.dispose();
    },
  };
}

/** Kinds whose backends keep a secret in the SecretStore. */
const SECRET_KINDS = ['wvp', 'hikvision', 'zlm'] as const;

const MISSING_SECRET: Partial<Record<BackendConfig['kind'], string>> = {
  wvp: '请填写 WVP 登录密码',
  hikvision: '请填写海康平台的 appSecret',
  zlm: '请填写 ZLMediaKit 的 API secret（config.ini 的 api.secret）',
};

/**
 * Keeps a credential that arrives once with a save (backend secrets, SIP passwords) in the SecretStore: a new one
 * replaces the stored one, none keeps it, and none with nothing stored is refused with `missing`.
 */
function keepSecret(secrets: SecretStore, key: string, secret: string | null, missing: string): void {
  if (secret !== null) secrets.set(key, secret);
  else if (secrets.get(key) === null) throw new ConsoleError('bad-request', missing);
}

/** The config to store and the secret to keep apart from it (null: keep the stored one). */
function splitSecret(input: SaveBackendInput): { config: BackendConfig; secret: string | null } {
  if (input.kind === 'janus') return { config: input, secret: null };
  const { secret, ...config } = input;
  return { config, secret: secret ?? null };
}

/** Secrets of the same backend id under another kind (the backend changed kind). */
function staleSecretKeys(config: BackendConfig): string[] {
  const own = backendSecretKey(config);
  return SECRET_KINDS.map((kind) => backendSecretKey({ id: config.id, kind }))
    .filter((k): k is string => k !== null && k !== own);
}

/** What a wall command's audit line names: the monitor and tile, or the tour or scene. */
function wallTarget(command: WallCommand): string | null {
  switch (command.op) {
    case 'open':
      return `${command.monitor}/${command.tile + 1} ${command.channelId}`;
    case 'swap':
      return `${command.from.monitor}/${command.from.tile + 1} ⇄ ${command.to.monitor}/${command.to.tile + 1}`;
    case 'saveTour':
      return command.tour.id;
    case 'deleteTour':
      return command.tourId;
    case 'saveScene':
      return command.name;
    case 'recallScene':
    case 'deleteScene':
      return command.sceneId;
    case 'ensureMonitors':
      return String(command.count);
    default:
      return 'tile' in command && typeof command.tile === 'number' ? `${command.monitor}/${command.tile + 1}` : String(command.monitor);
  }
}
