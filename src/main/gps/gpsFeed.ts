import type { IPublishPacket } from 'mqtt';
import type { GpsFeedConfig, GpsFeedStatus } from '../../shared/domain/gps';
import { BrokerSession, MQTT_WORDS, type BrokerConnection, type MqttLog } from '../services/mqttSession';
import { GpsReportError, MAX_GPS_PAYLOAD_BYTES } from './gpsReport';

/** Fields and a message (a pino logger fits); payloads never reach it. */
export type GpsFeedLog = MqttLog;

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

/**
 * The GPS position feed: one MQTT.js client (MQTT 5) per the `gpsFeed` settings, a persistent session (clean: false,
 * the stable client id) subscribed with QoS 1 to the configured filter.
 *
 * Acknowledged only once stored: MQTT.js sends a QoS 1 message's PUBACK when `handleMessage` calls back, and hands
 * messages over one at a time, so the callback comes after `take` resolves. A message that can never be read is
 * logged (topic, size, reason; never the payload), counted as rejected and acknowledged; a failure to store is not
 * acknowledged: the connection is dropped and the broker redelivers it (a repeat is stored once: (unit, time) key).
 * onStatus fires when the state or the error changes (the counts are read with status()).
 */
export class GpsFeed extends BrokerSession<GpsFeedConfig, 'connecting', GpsFeedState> {
  constructor(private readonly opts: GpsFeedOptions) {
    super(
      {
        clientId: opts.clientId,
        name: 'gps feed',
        words: MQTT_WORDS,
        log: opts.log,
        connection: { maximumPacketSize: 2 * MAX_GPS_PAYLOAD_BYTES, reconnectPeriodMs: opts.reconnectPeriodMs, connectTimeout: 10_000, keepalive: 30 },
        subscription: { filter: (config) => config.topic, options: { qos: 1 }, fields: (config) => ({ topic: config.topic }) },
        outage: 'connecting',
      },
      { state: 'disabled', lastError: null, received: 0, rejected: 0 },
    );
  }

  protected connected(conn: BrokerConnection<GpsFeedConfig>, sessionPresent: boolean): void {
    this.opts.log.info({ url: conn.config.url, topic: conn.config.topic, sessionPresent }, 'gps feed connected');
    this.update({ state: 'online', lastError: null });
  }

  protected handle(conn: BrokerConnection<GpsFeedConfig>, packet: IPublishPacket, done: (error?: Error) => void): void {
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
        this.redeliver(conn, packet, err, done, { message: 'gps report not stored; reconnecting for redelivery', lastError: '位置保存失败' });
      },
    );
  }
}
