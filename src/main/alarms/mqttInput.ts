import type { ErrorWithReasonCode, IPublishPacket, MqttClient } from 'mqtt';
import type { AlarmMapping } from '../../shared/domain/alarm';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import { connectPersistentSession, describeBrokerError, errorText, isBrokerRefusal, MQTT_WORDS, type MqttLog } from '../services/mqttSession';
import type { AlarmIntake } from './alarmIntake';
import { MappingError } from './fieldMapping';
import { MAX_WEBHOOK_BODY_BYTES } from './webhookServer';

export type MqttInputState = 'connecting' | 'connected' | 'offline' | 'error';
export type MqttInputStatus = { state: MqttInputState; lastError: string | null; received: number; refused: number };

/** Fields and a message: a pino logger fits. Values of a push never reach it. */
export type MqttInputLog = MqttLog;

export type MqttInputOptions = {
  sourceId: string;
  /** `mqtt://host:port` or `mqtts://host:port`. */
  url: string;
  username?: string;
  password?: string;
  topics: readonly string[];
  /** Stable across restarts of the console: the broker keeps this session's subscriptions and queued messages. */
  clientId: string;
  mapping: AlarmMapping;
  intake: Pick<AlarmIntake, 'take'>;
  log: MqttInputLog;
  /** Between reconnect attempts (default 1 s). */
  reconnectPeriodMs?: number;
};

/**
 * Told to the broker: larger messages are not sent at all. Above the refusal limit, so that a somewhat oversize push
 * is still received, refused and logged; far larger ones never fill our memory.
 */
const MAX_PACKET_BYTES = 2 * MAX_WEBHOOK_BODY_BYTES;

/**
 * One MQTT alarm input: a persistent session (clean: false, stable client id, MQTT 5 session expiry) subscribed with
 * QoS 1 to the source's topics; each message is one alarm (JSON, read with the source's mapping).
 *
 * Acknowledged only once stored: MQTT.js sends a QoS 1 message's PUBACK when `handleMessage` calls back, and hands
 * messages over one at a time, so the callback comes after `intake.take` resolves (the alarm is on disk). A crash
 * before that leaves the message unacknowledged and the broker redelivers it to the session; a repeat is recognised
 * by the store (source + external id). A push that can never be read (too large, not JSON, MappingError) is
 * acknowledged too, or the broker would redeliver it forever, and logged without its body. A failure to store
 * (disk, database) is not acknowledged: the connection is dropped so that the broker redelivers it on reconnect.
 *
 * The broker keeps the session's subscriptions: a topic dropped from `topics` stays subscribed under the same client
 * id until the session expires (give a changed topic list a new client id to start clean).
 */
export class MqttAlarmInput implements Disposable {
  private readonly client: MqttClient;
  private readonly statusChanged = new Emitter<MqttInputStatus>();
  /** Fires on every change of status() (state, error, counts). */
  readonly onStatus = this.statusChanged.event;
  private current: MqttInputStatus = { state: 'connecting', lastError: null, received: 0, refused: 0 };
  private disposing: Promise<void> | null = null;

  constructor(private readonly opts: MqttInputOptions) {
    this.client = connectPersistentSession(opts.url, {
      clientId: opts.clientId,
      username: opts.username,
      password: opts.password,
      maximumPacketSize: MAX_PACKET_BYTES,
      reconnectPeriodMs: opts.reconnectPeriodMs,
      connectTimeout: 10_000,
      keepalive: 30,
    });
    this.client.handleMessage = (packet, done) => {
      void this.take(packet).then(
        () => done(),
        (err: unknown) => this.notStored(packet, err, done),
      );
    };
    this.client.on('connect', (connack) => void this.subscribe(connack.sessionPresent));
    this.client.on('close', () => {
      if (this.current.state === 'connected') this.update({ state: 'offline', lastError: MQTT_WORDS.lost });
      else if (this.current.state === 'connecting') this.update({ state: 'offline' });
    });
    this.client.on('error', (err) => this.failed(err));
  }

  status(): MqttInputStatus {
    return { ...this.current };
  }

  /** Disconnects (the broker keeps the session and queues for it). Idempotent. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.statusChanged.dispose();
      // A message being stored right now is not acknowledged: the broker hands it to the next session.
      await this.client.endAsync(!this.client.connected);
    })();
    return this.disposing;
  }

  private async subscribe(sessionPresent: boolean): Promise<void> {
    const { sourceId, topics } = this.opts;
    try {
      // rh 1: retained alarms only with a new subscription, not again at every reconnect.
      await this.client.subscribeAsync([...topics], { qos: 1, rh: 1 });
      this.update({ state: 'connected', lastError: null });
      this.opts.log.info({ sourceId, url: this.opts.url, topics, sessionPresent }, 'mqtt alarm input connected');
    } catch (err) {
      if (isBrokerRefusal(err)) {
        // A SUBACK reason code: the broker refuses a topic (ACL, bad filter).
        this.update({ state: 'error', lastError: `${MQTT_WORDS.subscriptionRefused}：${errorText(err)}` });
        this.opts.log.error({ sourceId, topics, reason: errorText(err) }, 'mqtt alarm subscription refused');
      } else {
        // The connection went away meanwhile: the next connect subscribes again.
        this.opts.log.warn({ sourceId, reason: errorText(err) }, 'mqtt alarm subscription failed');
      }
    }
  }

  /** Resolves once the message's alarm is stored, or the message is refused for good (logged, counted). */
  private async take(packet: IPublishPacket): Promise<void> {
    const { sourceId, mapping, intake, log } = this.opts;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const refuse = (reason: string): void => {
      log.warn({ sourceId, topic: packet.topic, bytes: payload.length, reason }, 'alarm push refused');
      this.update({ refused: this.current.refused + 1 });
    };
    if (payload.length > MAX_WEBHOOK_BODY_BYTES) return refuse(`推送过大（${payload.length} 字节）`);
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return refuse('推送不是有效的 JSON');
    }
    try {
      const { alarm, duplicate, pictureNote } = await intake.take(sourceId, mapping, body);
      if (pictureNote) log.info({ sourceId, externalId: alarm.externalId, picture: pictureNote }, 'mqtt alarm kept without its picture');
      if (duplicate) log.info({ sourceId, externalId: alarm.externalId }, 'mqtt alarm repeated');
    } catch (err) {
      if (err instanceof MappingError) return refuse(err.message);
      throw err;
    }
    this.update({ received: this.current.received + 1 });
  }

  private notStored(packet: IPublishPacket, err: unknown, done: (error?: Error) => void): void {
    const reason = errorText(err);
    this.opts.log.error({ sourceId: this.opts.sourceId, topic: packet.topic, reason }, 'mqtt alarm not stored; reconnecting for redelivery');
    this.update({ state: 'error', lastError: `报警保存失败：${reason}` });
    // No PUBACK: the broker redelivers the message when the session reconnects.
    this.client.stream.destroy();
    done(new Error(reason));
  }

  private failed(err: Error | ErrorWithReasonCode): void {
    if (this.disposing) return;
    const lastError = describeBrokerError(err, MQTT_WORDS);
    if (lastError === this.current.lastError) return;
    // A refused login or subscription is the configuration's fault; a lost connection is an outage.
    const state: MqttInputState = isBrokerRefusal(err) ? 'error' : 'offline';
    this.opts.log.warn({ sourceId: this.opts.sourceId, url: this.opts.url, reason: err.message }, 'mqtt alarm input error');
    this.update({ state, lastError });
  }

  private update(change: Partial<MqttInputStatus>): void {
    const next = { ...this.current, ...change };
    if (Object.entries(change).every(([k, v]) => this.current[k as keyof MqttInputStatus] === v)) return;
    this.current = next;
    this.statusChanged.fire(this.status());
  }
}
