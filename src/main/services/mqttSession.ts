import { connect, type ErrorWithReasonCode, type IClientSubscribeOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { Emitter, type Disposable } from '../../shared/lifecycle';

/**
 * The console's persistent MQTT sessions (seat sync, the GPS feed, the MQTT alarm inputs): one MQTT.js 5 client on
 * MQTT 5 with clean: false and a stable client id, so that the broker keeps the subscriptions and queues QoS 1
 * messages while the console is away; each message is acknowledged (PUBACK) only once its owner has stored it.
 */

/** Fields and a message (a pino logger fits); message payloads never reach it. */
export type MqttLog = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

/** How long the broker keeps a session (subscriptions, queued QoS 1 messages) while the console is away. */
export const SESSION_EXPIRY_S = 7 * 24 * 3600;

export type PersistentSessionOptions = {
  /** Stable across restarts: the broker keeps this session's subscriptions and queued messages. */
  clientId: string;
  username?: string | null;
  password?: string | null;
  /** Told to the broker: larger messages are not sent at all. */
  maximumPacketSize: number;
  /** Between reconnect attempts (default 1 s). */
  reconnectPeriodMs?: number;
  connectTimeout: number;
  /** Seconds. */
  keepalive: number;
};

/** Connects (and keeps reconnecting) an MQTT.js client on a persistent MQTT 5 session. */
export function connectPersistentSession(url: string, o: PersistentSessionOptions): MqttClient {
  return connect(url, {
    clientId: o.clientId,
    username: o.username ?? undefined,
    password: o.password ?? undefined,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: SESSION_EXPIRY_S, maximumPacketSize: o.maximumPacketSize },
    reconnectPeriod: o.reconnectPeriodMs ?? 1000,
    // A refused login (wrong password) is retried too: it heals once the broker's account is fixed.
    reconnectOnConnackError: true,
    connectTimeout: o.connectTimeout,
    keepalive: o.keepalive,
    // subscribe() runs at every connect instead (MQTT.js would resubscribe only without a session).
    resubscribe: false,
  });
}

/** How the operator's settings name a broker's troubles. */
export type BrokerWords = {
  refused: string;
  lost: string;
  unresolved: string;
  timeout: string;
  badLogin: string;
  forbidden: string;
  /** Followed by `：` and the reason. */
  subscriptionRefused: string;
  /** Followed by `：` and MQTT.js's message. */
  other: string;
};

/** A broker of the site (the GPS feed, the MQTT alarm inputs). */
export const MQTT_WORDS: BrokerWords = {
  refused: '无法连接 MQTT 服务器（连接被拒绝）',
  lost: '与 MQTT 服务器的连接中断',
  unresolved: '无法解析 MQTT 服务器地址',
  timeout: '连接 MQTT 服务器超时',
  badLogin: 'MQTT 用户名或密码错误',
  forbidden: 'MQTT 服务器拒绝连接（无权限）',
  subscriptionRefused: 'MQTT 服务器拒绝订阅',
  other: 'MQTT 错误',
};

/** What the operator reads in the settings. */
export function describeBrokerError(err: Error | ErrorWithReasonCode, words: BrokerWords): string {
  const code = (err as ErrorWithReasonCode).code as number | string | undefined;
  if (code === 'ECONNREFUSED') return words.refused;
  if (code === 'ECONNRESET' || code === 'EPIPE') return words.lost;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return words.unresolved;
  if (code === 'ETIMEDOUT' || /connack timeout/.test(err.message)) return words.timeout;
  // MQTT 5 CONNACK reason codes (3.1.1: 4 and 5).
  if (code === 134 || code === 4) return words.badLogin;
  if (code === 135 || code === 5) return words.forbidden;
  return `${words.other}：${err.message}`;
}

/**
 * A reason code of the broker (a refused login, a SUBACK refusing a topic): the configuration's fault, shown as
 * 'error'; anything else (a lost or refused connection) is an outage.
 */
export function isBrokerRefusal(err: unknown): boolean {
  return typeof (err as { code?: unknown }).code === 'number';
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What a session following the settings needs of them (the password is in the SecretStore). */
export type BrokerConfig = { enabled: boolean; url: string; username: string | null };

/** 'connecting' for a feed that only waits for its broker, 'offline' where the owner works on without it. */
type Outage = 'connecting' | 'offline';
export type SessionState<O extends Outage> = 'disabled' | 'connecting' | 'online' | 'error' | O;
type SessionStatus<O extends Outage> = { state: SessionState<O>; lastError: string | null };

/** One client of a BrokerSession: a callback of an earlier one finds it is no longer `connection`. */
export type BrokerConnection<C> = { readonly client: MqttClient; readonly config: C };

export type BrokerSessionSettings<C extends BrokerConfig, O extends Outage> = {
  clientId: string;
  /** Names it in the log (`<name> connection error`, `<name> subscription refused` …). */
  name: string;
  words: BrokerWords;
  log: MqttLog;
  connection: Omit<PersistentSessionOptions, 'clientId' | 'username' | 'password'>;
  subscription: {
    /** The filter a config subscribes to; a changed one is dropped from the session once the new one is in place. */
    filter(config: C): string;
    options: IClientSubscribeOptions;
    /** How the log names what was refused. */
    fields(config: C): Record<string, unknown>;
  };
  /** The state while the broker cannot be reached. */
  outage: O;
};

/**
 * A persistent session that follows the settings: configure() connects, reconnects with a changed config or
 * password, or disconnects, one change at a time. It keeps the status (the subclass adds its counts): 'connecting'
 * until subscribed, 'online' once the subclass says so, the outage state while the broker cannot be reached, 'error'
 * for a refused login or subscription or a message that could not be stored.
 */
export abstract class BrokerSession<C extends BrokerConfig, O extends Outage, S extends SessionStatus<O>> implements Disposable {
  private readonly statusChanged = new Emitter<S>();
  /** Fires when the status changes through update() (counts changed directly are read with status()). */
  readonly onStatus = this.statusChanged.event;
  private conn: BrokerConnection<C> | null = null;
  private signature = JSON.stringify(null);
  private queue: Promise<void> = Promise.resolve();
  /** The filter of the last subscription: the broker keeps it in the session until it is dropped. */
  private subscribed: string | null = null;
  private closed = false;

  constructor(
    private readonly broker: BrokerSessionSettings<C, O>,
    protected current: S,
  ) {}

  /** One message (MQTT.js hands them over one at a time); `done()` sends the PUBACK. */
  protected abstract handle(conn: BrokerConnection<C>, packet: IPublishPacket, done: (error?: Error) => void): void;
  /** Subscribed on a (re)connect: the subclass goes online. */
  protected abstract connected(conn: BrokerConnection<C>, sessionPresent: boolean): void;
  /** A connection starts, is lost or is closed: what the subclass tied to it is forgotten. */
  protected reset(): void {}

  status(): S {
    return { ...this.current };
  }

  /** Follows the settings: connects, reconnects with a changed config or password, or disconnects. */
  configure(config: C, password: string | null): Promise<void> {
    const signature = JSON.stringify(config.enabled ? { ...config, password } : null);
    if (signature === this.signature) return this.queue;
    this.signature = signature;
    this.queue = this.queue.then(async () => {
      await this.close();
      if (this.closed) return;
      if (!config.enabled) {
        this.set({ state: 'disabled', lastError: null });
        return;
      }
      this.open(config, password);
    });
    return this.queue;
  }

  /** Resolves once the last configure() took effect (the client is started, not necessarily connected). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Disconnects (the broker keeps the session and queues for it). Idempotent. */
  async dispose(): Promise<void> {
    if (this.closed) return this.queue;
    this.closed = true;
    this.queue = this.queue.then(() => this.close());
    await this.queue;
    this.statusChanged.dispose();
  }

  /** The current connection (null while disabled, or once closing). */
  protected get connection(): BrokerConnection<C> | null {
    return this.conn;
  }

  protected get disposed(): boolean {
    return this.closed;
  }

  protected update(change: Partial<S>): void {
    if (Object.entries(change).every(([k, v]) => this.current[k as keyof S] === v)) return;
    this.current = { ...this.current, ...change };
    if (!this.closed) this.statusChanged.fire(this.status());
  }

  /**
   * A message that could not be stored: logged (topic and reason, never the payload), no PUBACK, and the connection
   * is dropped so that the broker redelivers it when the session reconnects.
   */
  protected redeliver(conn: BrokerConnection<C>, packet: IPublishPacket, err: unknown, done: (error?: Error) => void, what: { message: string; lastError: string }): void {
    const reason = errorText(err);
    this.broker.log.error({ topic: packet.topic, reason }, what.message);
    if (this.conn === conn) this.set({ state: 'error', lastError: `${what.lastError}：${reason}` });
    conn.client.stream.destroy();
    done(err instanceof Error ? err : new Error(reason));
  }

  /** The part of the status this class drives (S may carry more, never a narrower state). */
  private set(change: Partial<SessionStatus<O>>): void {
    this.update(change as Partial<S>);
  }

  private open(config: C, password: string | null): void {
    const { broker } = this;
    const client = connectPersistentSession(config.url, { clientId: broker.clientId, username: config.username, password, ...broker.connection });
    const conn: BrokerConnection<C> = { client, config };
    this.conn = conn;
    this.reset();
    this.set({ state: 'connecting', lastError: null });
    client.handleMessage = (packet, done) => this.handle(conn, packet, done);
    client.on('connect', (connack) => void this.subscribe(conn, connack.sessionPresent ?? false));
    client.on('close', () => {
      if (this.conn !== conn) return;
      this.reset();
      if (this.current.state === 'online') this.set({ state: broker.outage, lastError: broker.words.lost });
      else if (this.current.state === 'connecting') this.set({ state: broker.outage });
    });
    client.on('error', (err) => {
      if (this.conn !== conn) return;
      const lastError = describeBrokerError(err, broker.words);
      if (lastError === this.current.lastError) return;
      broker.log.warn({ url: config.url, reason: err.message }, `${broker.name} connection error`);
      this.set({ state: isBrokerRefusal(err) ? 'error' : broker.outage, lastError });
    });
  }

  private async close(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    this.conn = null;
    this.reset();
    // A message being stored right now is not acknowledged: the broker hands it to the next session.
    await conn.client.endAsync(true);
  }

  private async subscribe(conn: BrokerConnection<C>, sessionPresent: boolean): Promise<void> {
    const { broker } = this;
    const filter = broker.subscription.filter(conn.config);
    try {
      await conn.client.subscribeAsync(filter, { ...broker.subscription.options });
      // A changed filter: the session must not keep following the old one.
      if (this.subscribed !== null && this.subscribed !== filter) await conn.client.unsubscribeAsync(this.subscribed);
      this.subscribed = filter;
    } catch (err) {
      if (this.conn !== conn) return;
      if (isBrokerRefusal(err)) {
        this.set({ state: 'error', lastError: `${broker.words.subscriptionRefused}：${errorText(err)}` });
        broker.log.error({ ...broker.subscription.fields(conn.config), reason: errorText(err) }, `${broker.name} subscription refused`);
      } else {
        broker.log.warn({ reason: errorText(err) }, `${broker.name} subscription failed`);
      }
      return;
    }
    if (this.conn !== conn) return;
    this.connected(conn, sessionPresent);
  }
}
