import { createHash } from 'node:crypto';
import type { AlarmInputConfig, AlarmInputStatus, AlarmOptions, AlarmStatus } from '../../shared/domain/alarm';
import { Emitter } from '../../shared/lifecycle';
import type { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../services/logger';
import type { AlarmIntake } from './alarmIntake';
import { HikvisionAlarmInput, type HikvisionEventSource } from './hikvisionAlarmInput';
import { MqttAlarmInput, type MqttInputStatus } from './mqttInput';
import { AlarmWebhookServer, type WebhookSource } from './webhookServer';
import { WvpAlarmInput, type WvpAlarmSource } from './wvpAlarmInput';

type RunningConfig = Extract<AlarmInputConfig, { kind: 'mqtt' | 'wvp' | 'hikvision' }>;
type Counts = { received: number; refused: number };

/** An input with its own connection or timer (MQTT, WVP poll, Hikvision subscription). */
type RunningInput = { status(): MqttInputStatus; onStatus(listener: (s: MqttInputStatus) => void): Disposable; dispose(): Promise<void> };

/** Kinds whose pushes arrive at the webhook receiver (Hikvision: the platform POSTs OnEventNotify batches). */
const WEBHOOK_KINDS: ReadonlySet<AlarmInputConfig['kind']> = new Set(['webhook', 'hikvision']);
/** Kinds with a running input per config. */
const RUNNING_KINDS: ReadonlySet<AlarmInputConfig['kind']> = new Set(['mqtt', 'wvp', 'hikvision']);

function record(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
}

/** A running backend as a WVP alarm source; null when it is none (missing, or another kind). */
function asWvp(backend: unknown): WvpAlarmSource | null {
  const b = record(backend);
  return b && b.kind === 'wvp' && typeof b.fetchAlarms === 'function' ? (backend as WvpAlarmSource) : null;
}

function asHikvision(backend: unknown): HikvisionEventSource | null {
  const b = record(backend);
  return b && b.kind === 'hikvision' && typeof b.subscribeEvents === 'function' && typeof b.unsubscribeEvents === 'function' ? (backend as HikvisionEventSource) : null;
}

/**
 * Keeps the running inputs in line with the settings: one webhook receiver for every webhook and Hikvision source
 * (restarted only when its address changes; sources, mappings and tokens are read per push), and one running input
 * per MQTT broker input, WVP alarm poll and Hikvision event subscription (replaced when its settings or secret
 * change). Changes are applied one after another, never interleaved.
 */
export class AlarmInputs {
  private readonly statusChanged = new Emitter<AlarmStatus>();
  readonly onStatus = this.statusChanged.event;
  private configs: readonly AlarmInputConfig[] = [];
  private webhookSources: readonly WebhookSource[] = [];
  private webhook: AlarmWebhookServer | null = null;
  private receiverKey = '';
  private receiverUrl: string | null = null;
  private receiverError: string | null = null;
  private readonly counts = new Map<string, Counts>();
  private readonly running = new Map<string, { key: string; input: RunningInput }>();
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;
  /** Persistent MQTT sessions need a client id that stays the same across restarts of this console. */
  private readonly clientTag: string;

  constructor(
    private readonly deps: {
      intake: AlarmIntake;
      /** The input's token or broker password (SecretStore), read when it starts or a push arrives. */
      secret: (id: string) => string | null;
      dataDir: string;
      log: Logger;
      /** The running video backend of a settings id (BackendRegistry.backendOf); WVP and Hikvision inputs use theirs. */
      backend?: (backendId: string) => unknown;
    },
  ) {
    this.clientTag = createHash('sha256').update(deps.dataDir).digest('hex').slice(0, 10);
  }

  configure(configs: readonly AlarmInputConfig[], receiver: AlarmOptions['receiver']): Promise<void> {
    const next = this.queue.then(() => this.apply(configs, receiver));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every change asked for so far is applied (a save replies with the inputs already running). */
  idle(): Promise<void> {
    return this.queue;
  }

  status(): AlarmStatus {
    const inputs: AlarmInputStatus[] = this.configs.map((config) => {
      const counts = this.counts.get(config.id) ?? { received: 0, refused: 0 };
      if (!config.enabled) return { id: config.id, kind: config.kind, state: 'disabled', ...counts, lastError: null };
      if (config.kind === 'webhook') {
        return this.receiverUrl
          ? { id: config.id, kind: 'webhook', state: 'listening', ...counts, lastError: null }
          : { id: config.id, kind: 'webhook', state: 'error', ...counts, lastError: this.receiverError };
      }
      const s = this.running.get(config.id)?.input.status();
      if (config.kind === 'hikvision') {
        // Subscribed or not, its events land at the receiver (counted there): without it they are lost.
        if (!this.receiverUrl) return { id: config.id, kind: 'hikvision', state: 'error', ...counts, lastError: this.receiverError ?? '报警接收服务未运行' };
        return { id: config.id, kind: 'hikvision', state: s?.state ?? 'offline', ...counts, lastError: s?.lastError ?? null };
      }
      return { id: config.id, kind: config.kind, state: s?.state ?? 'offline', received: s?.received ?? 0, refused: s?.refused ?? 0, lastError: s?.lastError ?? null };
    });
    return { receiverUrl: this.receiverUrl, receiverError: this.receiverError, inputs };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.queue;
    await this.webhook?.close();
    this.webhook = null;
    await Promise.all([...this.running.values()].map((m) => m.input.dispose()));
    this.running.clear();
    this.statusChanged.dispose();
  }

  private async apply(configs: readonly AlarmInputConfig[], receiver: AlarmOptions['receiver']): Promise<void> {
    if (this.disposed) return;
    this.configs = configs;
    // Read once per settings change, not per push (a token may need the OS keychain to decrypt). A save writes its
    // secret before the settings, so the change that follows reads the new one.
    this.webhookSources = configs.flatMap((c) =>
      c.kind === 'webhook' || c.kind === 'hikvision' ? [{ id: c.id, enabled: c.enabled, mapping: c.mapping, token: this.deps.secret(c.id) }] : [],
    );
    await this.applyReceiver(receiver);
    await this.applyRunning(configs.filter((c): c is RunningConfig => RUNNING_KINDS.has(c.kind) && c.enabled));
    this.fireStatus();
  }

  /** Listens while at least one webhook or Hikvision input is enabled (no open port for nothing). */
  private async applyReceiver(receiver: AlarmOptions['receiver']): Promise<void> {
    const wanted = this.configs.some((c) => WEBHOOK_KINDS.has(c.kind) && c.enabled);
    const key = wanted ? `${receiver.host}:${receiver.port}` : '';
    if (key === this.receiverKey && (this.webhook || this.receiverError || !wanted)) return;
    await this.webhook?.close();
    this.webhook = null;
    this.receiverUrl = null;
    this.receiverError = null;
    this.receiverKey = key;
    if (!wanted) return;
    const server = new AlarmWebhookServer({
      sources: () => this.webhookSources,
      intake: this.deps.intake,
      warn: (fields, message) => this.deps.log.warn(fields, message),
      count: (id, outcome) => this.count(id, outcome),
    });
    try {
      this.receiverUrl = await server.start(receiver.host, receiver.port);
      this.receiverError = null;
      this.webhook = server;
      this.deps.log.info({ url: this.receiverUrl }, 'alarm webhook receiver listening');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.receiverError =
        code === 'EADDRINUSE'
          ? `端口 ${receiver.port} 已被占用，报警接收未启动`
          : code === 'EADDRNOTAVAIL'
            ? `本机没有地址 ${receiver.host}，报警接收未启动`
            : `报警接收未启动：${err instanceof Error ? err.message : String(err)}`;
      this.deps.log.error({ host: receiver.host, port: receiver.port, code }, 'alarm webhook receiver could not listen');
    }
  }

  private async applyRunning(wanted: readonly RunningConfig[]): Promise<void> {
    const keep = new Set<string>();
    for (const config of wanted) {
      const secret = this.deps.secret(config.id);
      // A Hikvision input's mapping is read per push by the receiver: changing it needs no new subscription.
      const key = JSON.stringify([config.kind === 'hikvision' ? { ...config, mapping: null } : config, secret]);
      keep.add(config.id);
      const running = this.running.get(config.id);
      if (running?.key === key) continue;
      this.running.delete(config.id);
      await running?.input.dispose();
      const input = this.create(config, secret);
      input.onStatus(() => this.fireStatus());
      this.running.set(config.id, { key, input });
    }
    for (const [id, running] of this.running) {
      if (keep.has(id)) continue;
      this.running.delete(id);
      await running.input.dispose();
    }
  }

  private create(config: RunningConfig, secret: string | null): RunningInput {
    const log = this.deps.log.child({ input: config.id });
    const backend = (id: string): unknown => this.deps.backend?.(id) ?? null;
    switch (config.kind) {
      case 'mqtt':
        return new MqttAlarmInput({
          sourceId: config.id,
          url: config.url,
          username: config.username ?? undefined,
          password: secret ?? undefined,
          topics: config.topics,
          // The broker keeps a persistent session's subscriptions: other topics are another session, not old ones kept.
          clientId: `mdc-${this.clientTag}-${config.id}-${createHash('sha256').update(config.topics.join('\n')).digest('hex').slice(0, 6)}`,
          mapping: config.mapping,
          intake: this.deps.intake,
          log,
        });
      case 'wvp':
        return new WvpAlarmInput({
          sourceId: config.id,
          backendId: config.backendId,
          pollSeconds: config.pollSeconds,
          backend: (id) => asWvp(backend(id)),
          intake: this.deps.intake,
          log,
        });
      case 'hikvision':
        return new HikvisionAlarmInput({
          sourceId: config.id,
          backendId: config.backendId,
          eventTypes: config.eventTypes,
          callbackBase: config.callbackBase,
          token: secret,
          backend: (id) => asHikvision(backend(id)),
          log,
        });
    }
  }

  private count(id: string, outcome: keyof Counts): void {
    const counts = this.counts.get(id) ?? { received: 0, refused: 0 };
    counts[outcome]++;
    this.counts.set(id, counts);
  }

  private fireStatus(): void {
    if (!this.disposed) this.statusChanged.fire(this.status());
  }
}
