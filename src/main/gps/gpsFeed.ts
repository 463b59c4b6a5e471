import { connect, type ErrorWithReasonCode, type IPublishPacket, type MqttClient } from 'mqtt';
import type { GpsFeedConfig, GpsFeedStatus } from '../../shared/domain/gps';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import { GpsReportError, MAX_GPS_PAYLOAD_BYTES } from './gpsReport';

/** Fields and a message (a pino logger fits); payloads never reach it. */
export type GpsFeedLog = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

/** The feed's connection state without the counts the service adds (units). */
export type GpsFeedState = Omit<GpsFeedStatus, 'units'>;

export type GpsFeedOptions = {
  /** Stable per data folder: the broker keeps this session's subscription and queued positions. */
  clientId: string;
  /**
   * Stores one message's reports; resolves once they are on disk (then the PUBACK goes out) with how many reports
   * the message held. Throws GpsReportError for a message that can never be read (acknowledged, counted as
   * rejected), anything else for a failure to store (not acknowledged: redelivered).
   */
  take(payload: Buffer, receivedAt: number): Promise<number>;
  log: GpsFeedLog;
  /** Between reconnect attempts (default 1 s). */
  reconnectPeriodMs?: number;
};

/** How long the broker keeps the session (subscription, queued QoS 1 positions) while the console is away: as long as positions are kept. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;
const CONNECTION_LOST = '与 MQTT 服务器的连接中断';

type Connection = { client: MqttClient; topic: string; url: string };

/**
 * The GPS position feed: one MQTT.js client (MQTT 5) per the `gpsFeed` settings, a persistent session (clean: false,
 * the stable client id) subscribed with QoS 1 to the configured filter.
 *
 * Acknowledged only once stored: MQTT.js sends a QoS 1 message's PUBACK when `handleMessage` calls back, and hands
 * messages over one at a time, so the callback comes after `take` resolves. A message that can never be read is
 * logged (topic, size, reason; never the payload), counted as rejected and acknowledged; a failure to store is not
 * acknowledged: the connection is dropped and the broker redelivers it (a repeat is stored once: (unit, time) key).
 */
export class GpsFeed implements Disposable {
  private readonly statusChanged = new Emitter<GpsFeedState>();
  /** Fires when the state or the error changes (the counts are read with status()). */
  readonly onStatus = this.statusChanged.event;
  private current: GpsFeedState = { state: 'disabled', lastError: null, received: 0, rejected: 0 };
  private conn: Connection | null = null;
  private signature = JSON.stringify(null);
  private queue: Promise<void> = Promise.resolve();
  /** The filter of the last subscription: the broker keeps it in the session until it is dropped. */
  private subscribedTopic: string | null = null;
  private disposed = false;

  constructor(private readonly opts: GpsFeedOptions) {}

  status(): GpsFeedState {
    return { ...this.current };
  }

  /** Follows the settings: connects, reconnects with a changed config or password, or disconnects. */
  configure(config: GpsFeedConfig, password: string | null): Promise<void> {
    const signature = JSON.stringify(config.enabled ? { ...config, password } : null);
    if (signature === this.signature) return this.queue;
    this.signature = signature;
    this.queue = this.queue.then(async () => {
      await this.close();
      if (this.disposed) return;
      if (!config.enabled) {
        this.update({ state: 'disabled', lastError: null });
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
    if (this.disposed) return this.queue;
    this.disposed = true;
    this.queue = this.queue.then(() => this.close());
    await this.queue;
    this.statusChanged.dispose();
  }

  private open(config: GpsFeedConfig, password: string | null): void {
    const client = connect(config.url, {
      clientId: this.opts.clientId,
      username: config.username ?? undefined,
      password: password ?? undefined,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_S, maximumPacketSize: 2 * MAX_GPS_PAYLOAD_BYTES },
      reconnectPeriod: this.opts.reconnectPeriodMs ?? 1000,
      // A refused login is retried too: it heals once the broker's account is fixed.
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      keepalive: 30,
      // subscribe() runs at every connect instead (MQTT.js would resubscribe only without a session).
      resubscribe: false,
    });
    const conn: Connection = { client, topic: config.topic, url: config.url };
    this.conn = conn;
    this.update({ state: 'connecting', lastError: null });
    client.handleMessage = (packet, done) => this.handle(conn, packet, done);
    client.on('connect', (connack) => void this.connected(conn, connack.sessionPresent ?? false));
    client.on('close', () => {
      if (this.conn !== conn) return;
      if (this.current.state === 'online') this.update({ state: 'connecting', lastError: CONNECTION_LOST });
    });
    client.on('error', (err) => {
      if (this.conn !== conn) return;
      const lastError = describeError(err);
      if (lastError === this.current.lastError) return;
      this.opts.log.warn({ url: conn.url, reason: err.message }, 'gps feed connection error');
      // A refused login is the configuration's fault; a lost or refused connection is an outage.
      this.update({ state: typeof (err as ErrorWithReasonCode).code === 'number' ? 'error' : 'connecting', lastError });
    });
  }

  private async close(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    this.conn = null;
    // A message being stored right now is not acknowledged: the broker hands it to the next session.
    await conn.client.endAsync(true);
  }

  private async connected(conn: Connection, sessionPresent: boolean): Promise<void> {
    try {
      await conn.client.subscribeAsync(conn.topic, { qos: 1 });
      // A changed filter: the session must not keep following the old one.
      if (this.subscribedTopic !== null && this.subscribedTopic !== conn.topic) await conn.client.unsubscribeAsync(this.subscribedTopic);
      this.subscribedTopic = conn.topic;
    } catch (err) {
      if (this.conn !== conn) return;
      if (typeof (err as { code?: unknown }).code === 'number') {
        this.update({ state: 'error', lastError: `MQTT 服务器拒绝订阅：${errorText(err)}` });
        this.opts.log.error({ topic: conn.topic, reason: errorText(err) }, 'gps feed subscription refused');
      } else {
        this.opts.log.warn({ reason: errorText(err) }, 'gps feed subscription failed');
      }
      return;
    }
    if (this.conn !== conn) return;
    this.opts.log.info({ url: conn.url, topic: conn.topic, sessionPresent }, 'gps feed connected');
    this.update({ state: 'online', lastError: null });
  }

  private handle(conn: Connection, packet: IPublishPacket, done: (error?: Error) => void): void {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.opts.take(payload, Date.now()).then(
      (reports) => {
        this.current = { ...this.current, received: this.current.received + reports };
        done();
      },
      (err: unknown) => {
        if (err instanceof GpsReportError) {
          this.opts.log.warn({ topic: packet.topic, bytes: payload.length, reason: err.message }, 'gps report refused');
          this.current = { ...this.current, rejected: this.current.rejected + 1 };
          done();
          return;
        }
        // Not stored: no PUBACK; the broker redelivers the message when the session reconnects.
        const reason = errorText(err);
        this.opts.log.error({ topic: packet.topic, reason }, 'gps report not stored; reconnecting for redelivery');
        if (this.conn === conn) this.update({ state: 'error', lastError: `位置保存失败：${reason}` });
        conn.client.stream.destroy();
        done(err instanceof Error ? err : new Error(reason));
      },
    );
  }

  private update(change: Partial<GpsFeedState>): void {
    if (Object.entries(change).every(([k, v]) => this.current[k as keyof GpsFeedState] === v)) return;
    this.current = { ...this.current, ...change };
    if (!this.disposed) this.statusChanged.fire(this.status());
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What the operator reads in the settings. */
function describeError(err: Error | ErrorWithReasonCode): string {
  const code = (err as ErrorWithReasonCode).code as number | string | undefined;
  if (code === 'ECONNREFUSED') return '无法连接 MQTT 服务器（连接被拒绝）';
  if (code === 'ECONNRESET' || code === 'EPIPE') return CONNECTION_LOST;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return '无法解析 MQTT 服务器地址';
  if (code === 'ETIMEDOUT' || /connack timeout/.test(err.message)) return '连接 MQTT 服务器超时';
  // MQTT 5 CONNACK reason codes (3.1.1: 4 and 5).
  if (code === 134 || code === 4) return 'MQTT 用户名或密码错误';
  if (code === 135 || code === 5) return 'MQTT 服务器拒绝连接（无权限）';
  return `MQTT 错误：${err.message}`;
}
