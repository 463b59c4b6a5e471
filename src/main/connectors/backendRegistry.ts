import type { BackendStatus, Catalogue, Channel, Mine } from '../../shared/domain/catalogue';
import { backendSecretKey, type BackendConfig } from '../../shared/domain/settings';
import { ConsoleError } from '../../shared/contract/rpc';
import { DisposableStore, Emitter, type Disposable } from '../../shared/lifecycle';
import type { Logger } from '../services/logger';
import type { PtzCommand, PtzPreset } from '../../shared/domain/ptz';
import type { BackendCatalogue, PlaybackStream, PlayTarget, RecordSegment, StreamProfileChoice, VideoBackend } from './videoBackend';
import type { RecordSource } from '../../shared/domain/playback';
import { JanusStreamingBackend } from './janus/janusStreamingBackend';
import { WvpBackend } from './wvp/wvpBackend';
import { HikvisionBackend } from './hikvision/hikvisionBackend';
import { ZlmBackend } from './zlm/zlmBackend';

type Entry = { backend: VideoBackend; config: BackendConfig; catalogue: BackendCatalogue; subscriptions: DisposableStore };

export type BackendFactory = (config: BackendConfig, log: Logger) => VideoBackend;

/** Reads a backend's secret (password, appSecret) from the SecretStore; never logged. */
export type SecretReader = (key: string) => string | null;

export const createBackend = (config: BackendConfig, log: Logger, secrets: SecretReader = () => null): VideoBackend => {
  switch (config.kind) {
    case 'janus':
      return new JanusStreamingBackend(config, (msg) => log.warn({ backend: config.id }, msg));
    case 'wvp':
      return new WvpBackend(config, {
        password: () => secrets(backendSecretKey(config) ?? ''),
        warn: (msg) => log.warn({ backend: config.id }, msg),
      });
    case 'hikvision':
      return new HikvisionBackend(config, {
        appSecret: () => secrets(backendSecretKey(config) ?? ''),
        warn: (msg) => log.warn({ backend: config.id }, msg),
      });
    case 'zlm':
      return new ZlmBackend(config, {
        secret: () => secrets(backendSecretKey(config) ?? ''),
        warn: (msg) => log.warn({ backend: config.id }, msg),
      });
  }
};

/**
 * The set of configured backends. Keeps each one's catalogue fresh (poll), merges them into
 * one console catalogue and announces changes; the only place that knows which backend owns a channel.
 */
export class BackendRegistry implements Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Starts at the clock so a restarted host never announces a version older than one a window already has. */
  private version = Date.now();
  private merged: Catalogue = { version: this.version, mines: [], channels: [], backends: [] };
  private lastFingerprint = '';
  private pollTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<Catalogue> | null = null;
  private queued: Promise<Catalogue> | null = null;
  private readonly catalogueChanged = new Emitter<Catalogue>();
  private readonly statusChanged = new Emitter<BackendStatus>();
  readonly onCatalogueChanged = this.catalogueChanged.event;
  readonly onStatus = this.statusChanged.event;

  constructor(
    private readonly log: Logger,
    private readonly factory: BackendFactory = createBackend,
    private readonly pollMs = 5_000,
  ) {}

  /** Applies the configured list: starts new backends, drops removed ones, restarts changed ones. */
  configure(configs: readonly BackendConfig[]): void {
    const wanted = new Map(configs.filter((c) => c.enabled).map((c) => [c.id, c]));
    for (const [id, entry] of this.entries) {
      const next = wanted.get(id);
      if (!next || JSON.stringify(next) !== JSON.stringify(entry.config)) this.drop(id);
    }
    for (const config of wanted.values()) {
      if (this.entries.has(config.id)) continue;
      const backend = this.factory(config, this.log);
      const subscriptions = new DisposableStore();
      const entry: Entry = { backend, config, catalogue: { mines: [], channels: [] }, subscriptions };
      subscriptions.add(backend.onHealthChange(() => this.statusChanged.fire(this.statusOf(entry))));
      this.entries.set(config.id, entry);
    }
    this.publish();
    void this.refresh();
    if (!this.pollTimer) this.pollTimer = setInterval(() => void this.refresh(), this.pollMs);
  }

  catalogue(): Catalogue {
    return this.merged;
  }

  /**
   * Fetches every backend's catalogue, one refresh at a time; a failing backend keeps its last channels, marked
   * offline. A call during a refresh queues exactly one more run (the set of backends may have changed meanwhile).
   */
  refresh(): Promise<Catalogue> {
    if (this.refreshing) {
      this.queued ??= this.refreshing.then(() => {
        this.queued = null;
        return this.refresh();
      });
      return this.queued;
    }
    this.refreshing = (async () => {
      await Promise.all(
        [...this.entries.values()].map(async (entry) => {
          try {
            entry.catalogue = await entry.backend.fetchCatalogue();
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            this.log.warn({ backend: entry.config.id }, `catalogue fetch failed: ${message}`);
            entry.catalogue = { mines: entry.catalogue.mines, channels: entry.catalogue.channels.map((c) => ({ ...c, online: false })) };
          }
        }),
      );
      this.publish();
      return this.merged;
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  async play(channelId: string, kind: Channel['streams'][number], profile: StreamProfileChoice = 'main'): Promise<PlayTarget> {
    const { backend, localId } = this.owner(channelId);
    return backend.play(localId, kind, profile);
  }

  async ptz(channelId: string, command: PtzCommand): Promise<void> {
    const channel = this.channel(channelId);
    if (channel && !channel.ptz) throw new ConsoleError('unsupported', `${channel.name} 不支持云台控制`);
    const { backend, localId } = this.owner(channelId);
    await backend.ptz(localId, command);
  }

  async ptzPresets(channelId: string): Promise<PtzPreset[]> {
    const channel = this.channel(channelId);
    if (channel && !channel.ptz) throw new ConsoleError('unsupported', `${channel.name} 不支持云台控制`);
    const { backend, localId } = this.owner(channelId);
    return backend.ptzPresets(localId);
  }

  /** Recordings of a channel overlapping [from, to), from its backend. */
  async queryRecords(channelId: string, from: number, to: number): Promise<RecordSegment[]> {
    const { backend, localId } = this.owner(channelId);
    return backend.queryRecords(localId, from, to);
  }

  async openPlaybackStream(channelId: string, from: number, to: number, source: RecordSource): Promise<PlaybackStream> {
    const { backend, localId } = this.owner(channelId);
    return backend.openPlaybackStream(localId, from, to, source);
  }

  private owner(channelId: string): { backend: VideoBackend; localId: string } {
    const sep = channelId.indexOf(':');
    const entry = sep > 0 ? this.entries.get(channelId.slice(0, sep)) : undefined;
    if (!entry) throw new ConsoleError('not-found', `通道不存在: ${channelId}`);
    return { backend: entry.backend, localId: channelId.slice(sep + 1) };
  }

  /** The running backend of a configured id (alarm inputs reach WVP's alarm list and Hikvision's event subscription); null when none. */
  backendOf(backendId: string): VideoBackend | null {
    return this.entries.get(backendId)?.backend ?? null;
  }

  channel(channelId: string): Channel | undefined {
    return this.merged.channels.find((c) => c.id === channelId);
  }

  dispose(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    for (const id of [...this.entries.keys()]) this.drop(id);
    this.catalogueChanged.dispose();
    this.statusChanged.dispose();
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.subscriptions.dispose();
    entry.backend.dispose();
    this.entries.delete(id);
  }

  private statusOf(entry: Entry): BackendStatus {
    const h = entry.backend.health();
    return {
      backendId: entry.config.id,
      name: entry.config.name,
      kind: entry.config.kind,
      state: h.state,
      message: h.message,
      channelCount: entry.catalogue.channels.length,
      updatedAt: Date.now(),
    };
  }

  private publish(): void {
    const mines = new Map<string, Mine>();
    const channels: Channel[] = [];
    for (const entry of this.entries.values()) {
      for (const mine of entry.catalogue.mines) if (!mines.has(mine.id)) mines.set(mine.id, mine);
      channels.push(...entry.catalogue.channels);
    }
    const backends = [...this.entries.values()].map((e) => this.statusOf(e));
    const fingerprint = JSON.stringify([[...mines.values()], channels, backends.map((b) => [b.backendId, b.state, b.message, b.channelCount])]);
    if (fingerprint === this.lastFingerprint) return;
    this.lastFingerprint = fingerprint;
    this.merged = { version: ++this.version, mines: [...mines.values()], channels, backends };
    this.catalogueChanged.fire(this.merged);
  }
}
