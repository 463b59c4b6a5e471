import { createHash } from 'node:crypto';
import type { AlarmInputConfig, AlarmInputStatus, AlarmOptions, AlarmStatus } from '../../shared/domain/alarm';
import { Emitter } from '../../shared/lifecycle';
import type { Logger } from '../services/logger';
import type { AlarmIntake } from './alarmIntake';
import { MqttAlarmInput } from './mqttInput';
import { AlarmWebhookServer } from './webhookServer';

type MqttConfig = Extract<AlarmInputConfig, { kind: 'mqtt' }>;
type Counts = { received: number; refused: number };

/**
 * Keeps the running inputs in line with the settings: one webhook receiver for every webhook source (restarted only
 * when its address changes; sources, mappings and tokens are read per push), one MQTT subscription per broker input
 * (replaced when its settings or password change). Changes are applied one after another, never interleaved.
 */
export class AlarmInputs {
  private readonly statusChanged = new Emitter<AlarmStatus>();
  readonly onStatus = this.statusChanged.event;
  private configs: readonly AlarmInputConfig[] = [];
  private webhook: AlarmWebhookServer | null = null;
  private receiverKey = '';
  private receiverUrl: string | null = null;
  private receiverError: string | null = null;
  private readonly counts = new Map<string, Counts>();
  private readonly mqtt = new Map<string, { key: string; input: MqttAlarmInput }>();
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
      const running = this.mqtt.get(config.id);
      const s = running?.input.status();
      return { id: config.id, kind: 'mqtt', state: s?.state ?? 'offline', received: s?.received ?? 0, refused: s?.refused ?? 0, lastError: s?.lastError ?? null };
    });
    return { receiverUrl: this.receiverUrl, receiverError: this.receiverError, inputs };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.queue;
    await this.webhook?.close();
    this.webhook = null;
    await Promise.all([...this.mqtt.values()].map((m) => m.input.dispose()));
    this.mqtt.clear();
    this.statusChanged.dispose();
  }

  private async apply(configs: readonly AlarmInputConfig[], receiver: AlarmOptions['receiver']): Promise<void> {
    if (this.disposed) return;
    this.configs = configs;
    await this.applyReceiver(receiver);
    await this.applyMqtt(configs.filter((c): c is MqttConfig => c.kind === 'mqtt' && c.enabled));
    this.fireStatus();
  }

  /** Listens while at least one webhook input is enabled (no open port for nothing). */
  private async applyReceiver(receiver: AlarmOptions['receiver']): Promise<void> {
    const wanted = this.configs.some((c) => c.kind === 'webhook' && c.enabled);
    const key = wanted ? `${receiver.host}:${receiver.port}` : '';
    if (key === this.receiverKey && (this.webhook || this.receiverError || !wanted)) return;
    await this.webhook?.close();
    this.webhook = null;
    this.receiverUrl = null;
    this.receiverError = null;
    this.receiverKey = key;
    if (!wanted) return;
    const server = new AlarmWebhookServer({
      sources: () =>
        this.configs.flatMap((c) => (c.kind === 'webhook' ? [{ id: c.id, enabled: c.enabled, mapping: c.mapping, token: this.deps.secret(c.id) }] : [])),
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

  private async applyMqtt(wanted: readonly MqttConfig[]): Promise<void> {
    const keep = new Set<string>();
    for (const config of wanted) {
      const password = this.deps.secret(config.id);
      const key = JSON.stringify([config, password]);
      keep.add(config.id);
      const running = this.mqtt.get(config.id);
      if (running?.key === key) continue;
      await running?.input.dispose();
      const input = new MqttAlarmInput({
        sourceId: config.id,
        url: config.url,
        username: config.username ?? undefined,
        password: password ?? undefined,
        topics: config.topics,
        // The broker keeps a persistent session's subscriptions: other topics are another session, not old ones kept.
        clientId: `mdc-${this.clientTag}-${config.id}-${createHash('sha256').update(config.topics.join('\n')).digest('hex').slice(0, 6)}`,
        mapping: config.mapping,
        intake: this.deps.intake,
        log: this.deps.log.child({ input: config.id }),
      });
      input.onStatus(() => this.fireStatus());
      this.mqtt.set(config.id, { key, input });
    }
    for (const [id, running] of this.mqtt) {
      if (keep.has(id)) continue;
      this.mqtt.delete(id);
      await running.input.dispose();
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
