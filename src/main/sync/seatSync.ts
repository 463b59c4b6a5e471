import type { IPublishPacket } from 'mqtt';
import { z } from 'zod';
import { SYNC_MESSAGE_VERSION, type SyncConfig, type SyncState, type SyncStatus } from '../../shared/domain/sync';
import { toDisposable, type Disposable } from '../../shared/lifecycle';
import { BrokerSession, errorText, type BrokerConnection, type BrokerWords, type MqttLog } from '../services/mqttSession';
import type { Db } from '../services/store';
import { SYNC_KINDS, type RecordApplier, type SyncKind, type SyncRecord } from './recordSink';
import type { OutboxRow, SyncOutbox } from './syncOutbox';

/** Fields and a message (a pino logger fits); record payloads never reach it. */
export type SyncLog = MqttLog;

export type SeatSyncOptions = {
  db: Db;
  outbox: SyncOutbox;
  seatId: string;
  log: SyncLog;
  /** Between reconnect attempts (default 1 s). */
  reconnectPeriodMs?: number;
};

/** Records handed to MQTT.js at a time (each waits for its PUBACK), and their bytes (alarms carry pictures). */
const WINDOW = 32;
const WINDOW_BYTES = 16 * 1024 * 1024;
/** An alarm with its 4 MB picture is ≈ 5.6 MB of JSON; anything far larger is never sent to us. */
const MAX_PACKET_BYTES = 16 * 1024 * 1024;
const SYNC_WORDS: BrokerWords = {
  refused: '无法连接同步服务器（连接被拒绝）',
  lost: '与同步服务器的连接中断',
  unresolved: '无法解析同步服务器地址',
  timeout: '连接同步服务器超时',
  badLogin: '同步服务器用户名或密码错误',
  forbidden: '同步服务器拒绝连接（无权限）',
  subscriptionRefused: '同步服务器拒绝订阅',
  other: '同步错误',
};

/** What travels on `<prefix>/records/<kind>`. */
const messageSchema = z
  .object({
    v: z.literal(SYNC_MESSAGE_VERSION),
    kind: z.enum(SYNC_KINDS),
    key: z.string().min(1).max(128),
    seatId: z.string().min(1).max(64),
    payload: z.unknown(),
  })
  .strict();

/** An applier's refusal (the record is logged and acknowledged), as opposed to a storage failure (redelivered). */
class Refused extends Error {}

/**
 * Seat sync over the centre's MQTT broker (MQTT.js 5, MQTT 5): a persistent session (clean: false, client id
 * `mdc-seat-<seatId>`) subscribed with QoS 1 to `<prefix>/records/#` (no-local: the broker does not echo our own).
 *
 * Out: the outbox's unpublished rows in seq order, QoS 1, up to WINDOW in flight; each row is marked published when
 * its PUBACK arrives. A lost connection forgets what was in flight and starts again from the oldest unpublished row
 * at the next connect (a repeat is recognised by its key on the other seats). Offline, records stay in the outbox:
 * the backlog.
 *
 * In: each record is applied by its kind's applier in ONE transaction with its `sync_inbox` row (a key already there
 * is skipped), and acknowledged only after the commit (MQTT.js sends the PUBACK when `handleMessage` calls back,
 * one message at a time). A record that cannot be read is logged (topic, size, reason; never the payload) and
 * acknowledged; a failure to store is not: the connection is dropped so that the broker redelivers it.
 */
export class SeatSync extends BrokerSession<SyncConfig, 'offline', SyncStatus> {
  private readonly appliers = new Map<SyncKind, RecordApplier>();
  /** Counts connections: a callback of an earlier one never touches the current window. */
  private generation = 0;
  /** Rows handed to MQTT.js and not acknowledged yet, with their size. */
  private readonly inflight = new Map<number, number>();
  private cursor = 0;
  private readonly inboxHas;
  private readonly inboxAdd;
  private readonly enqueued: Disposable;

  constructor(private readonly opts: SeatSyncOptions) {
    super(
      {
        clientId: `mdc-seat-${opts.seatId}`,
        name: 'seat sync',
        words: SYNC_WORDS,
        log: opts.log,
        connection: { maximumPacketSize: MAX_PACKET_BYTES, reconnectPeriodMs: opts.reconnectPeriodMs, connectTimeout: 5000, keepalive: 15 },
        subscription: { filter: (config) => `${config.topicPrefix}/records/#`, options: { qos: 1, nl: true }, fields: (config) => ({ prefix: config.topicPrefix }) },
        outage: 'offline',
      },
      { state: 'disabled', backlog: opts.outbox.backlog(), lastError: null, seatId: opts.seatId, published: 0, applied: 0 },
    );
    this.inboxHas = opts.db.prepare('SELECT 1 FROM sync_inbox WHERE key = ?');
    this.inboxAdd = opts.db.prepare('INSERT INTO sync_inbox (key, kind, seat_id, received_at) VALUES (?, ?, ?, ?)');
    this.enqueued = opts.outbox.onEnqueued(() => {
      this.update({ backlog: opts.outbox.backlog() });
      this.pump();
    });
  }

  /** Applies another seat's records of this kind (one applier per kind). */
  register(kind: SyncKind, applier: RecordApplier): Disposable {
    if (this.appliers.has(kind)) throw new Error(`a sync applier for ${kind} is registered already`);
    this.appliers.set(kind, applier);
    return toDisposable(() => this.appliers.delete(kind));
  }

  override dispose(): Promise<void> {
    if (!this.disposed) this.enqueued.dispose();
    return super.dispose();
  }

  protected connected(conn: BrokerConnection<SyncConfig>, sessionPresent: boolean): void {
    this.opts.log.info({ url: conn.config.url, prefix: conn.config.topicPrefix, sessionPresent, backlog: this.opts.outbox.backlog() }, 'seat sync connected');
    this.update({ state: 'online', lastError: null, backlog: this.opts.outbox.backlog() });
    this.pump();
  }

  /** What was in flight is sent again from the outbox at the next connect. */
  protected override reset(): void {
    this.generation += 1;
    this.inflight.clear();
    this.cursor = 0;
  }

  /** Hands the oldest unpublished rows to MQTT.js, up to WINDOW waiting for their PUBACK. */
  private pump(): void {
    const conn = this.connection;
    if (!conn || !conn.client.connected || this.current.state !== 'online') return;
    const generation = this.generation;
    const bytes = () => [...this.inflight.values()].reduce((sum, n) => sum + n, 0);
    while (this.inflight.size < WINDOW && (this.inflight.size === 0 || bytes() < WINDOW_BYTES)) {
      const [row] = this.opts.outbox.next(this.cursor, 1);
      if (!row) return;
      this.cursor = row.seq;
      this.inflight.set(row.seq, row.payload.length);
      conn.client.publish(`${conn.config.topicPrefix}/records/${row.kind}`, this.message(row), { qos: 1 }, (err) => this.acked(row, generation, err));
    }
  }

  private acked(row: OutboxRow, generation: number, err: Error | undefined): void {
    if (this.disposed) return;
    // A PUBACK of an earlier connection still counts: the broker has the record.
    if (!err && this.opts.outbox.markPublished(row.seq)) this.update({ published: this.current.published + 1, backlog: this.opts.outbox.backlog() });
    if (generation !== this.generation) return;
    this.inflight.delete(row.seq);
    this.pump();
  }

  private message(row: OutboxRow): string {
    // The payload is stored as JSON already (an alarm's picture is megabytes: not parsed again).
    const head = JSON.stringify({ v: SYNC_MESSAGE_VERSION, kind: row.kind, key: row.key, seatId: this.opts.seatId });
    return `${head.slice(0, -1)},"payload":${row.payload}}`;
  }

  protected handle(conn: BrokerConnection<SyncConfig>, packet: IPublishPacket, done: (error?: Error) => void): void {
    let after: (() => void) | null;
    try {
      after = this.receive(packet);
    } catch (err) {
      // Not stored: no PUBACK; the broker redelivers the record when the session reconnects.
      this.redeliver(conn, packet, err, done, { message: 'seat sync record not stored; reconnecting for redelivery', lastError: '同步记录保存失败' });
      return;
    }
    done();
    if (after) {
      try {
        after();
      } catch (err) {
        this.opts.log.error({ topic: packet.topic, reason: errorText(err) }, 'seat sync listener failed');
      }
    }
  }

  /** Stores one record; returns what to announce after the commit. Throws only when it could not be stored. */
  private receive(packet: IPublishPacket): (() => void) | null {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const drop = (reason: string, fields: Record<string, unknown> = {}): null => {
      this.opts.log.warn({ topic: packet.topic, bytes: payload.length, reason, ...fields }, 'seat sync record dropped');
      return null;
    };
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return drop('not JSON');
    }
    const parsed = messageSchema.safeParse(body);
    if (!parsed.success) return drop(`message: ${issueText(parsed.error)}`);
    const record: SyncRecord = parsed.data;
    if (record.seatId === this.opts.seatId) return null;
    const applier = this.appliers.get(record.kind);
    if (!applier) return drop('no applier for this kind here', { kind: record.kind, key: record.key });
    const { db } = this.opts;
    let result: { after: (() => void) | null } | null;
    try {
      result = db.transaction(() => {
        if (this.inboxHas.get(record.key) !== undefined) return null;
        let after: ReturnType<RecordApplier>;
        try {
          after = applier(record);
        } catch (err) {
          if (isStorageFailure(err)) throw err;
          throw new Refused(err instanceof z.ZodError ? issueText(err) : errorText(err));
        }
        this.inboxAdd.run(record.key, record.kind, record.seatId, Date.now());
        return { after: typeof after === 'function' ? after : null };
      })();
    } catch (err) {
      if (err instanceof Refused) return drop(err.message, { kind: record.kind, key: record.key, seatId: record.seatId });
      throw err;
    }
    if (!result) return null;
    this.update({ applied: this.current.applied + 1 });
    return result.after;
  }
}

/** SQLite's I/O and capacity errors (a constraint or a bad value is the record's fault). */
function isStorageFailure(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(IOERR|FULL|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|READONLY|NOMEM|PROTOCOL)/.test(code);
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.code}` : 'invalid';
}

export type { SyncState };
