import type { Statement } from 'better-sqlite3';
import { Emitter } from '../../shared/lifecycle';
import type { Db } from '../services/store';
import type { RecordSink, SyncKind, SyncRecord } from './recordSink';

export type OutboxRow = { seq: number; key: string; kind: SyncKind; payload: string; created_at: number };

/**
 * The records this seat made for the other seats, in SQLite (`sync_outbox`) until the broker acknowledged them.
 * `enqueue` runs inside the store's own transaction: the change and its outgoing record commit together, or
 * neither. While sync is switched off nothing is recorded (a seat that does not sync sends nothing later).
 */
export class SyncOutbox implements RecordSink {
  private readonly enqueued = new Emitter<void>();
  /** A record was enqueued (fired after the caller's transaction, from a microtask; it may have been rolled back). */
  readonly onEnqueued = this.enqueued.event;
  private kickQueued = false;
  private readonly insert: Statement;
  private readonly unpublished: Statement;
  private readonly mark: Statement;
  private readonly backlogCount: Statement;

  constructor(
    private readonly db: Db,
    private readonly isActive: () => boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare('INSERT INTO sync_outbox (key, kind, payload, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO NOTHING');
    this.unpublished = db.prepare('SELECT seq, key, kind, payload, created_at FROM sync_outbox WHERE published_at IS NULL AND seq > ? ORDER BY seq LIMIT ?');
    this.mark = db.prepare('UPDATE sync_outbox SET published_at = ? WHERE seq = ? AND published_at IS NULL');
    this.backlogCount = db.prepare('SELECT COUNT(*) FROM sync_outbox WHERE published_at IS NULL').pluck();
  }

  enqueue(record: SyncRecord): void {
    if (!this.isActive()) return;
    if (!this.db.inTransaction) throw new Error('SyncOutbox.enqueue must run inside the transaction of the change');
    this.insert.run(record.key, record.kind, JSON.stringify(record.payload), Math.round(this.now()));
    if (!this.kickQueued) {
      this.kickQueued = true;
      queueMicrotask(() => {
        this.kickQueued = false;
        this.enqueued.fire();
      });
    }
  }

  active(): boolean {
    return this.isActive();
  }

  /** Unpublished rows after `afterSeq`, oldest first. */
  next(afterSeq: number, limit: number): OutboxRow[] {
    return this.unpublished.all(afterSeq, limit) as OutboxRow[];
  }

  /** The broker acknowledged this row; false when it was marked already (a repeat after a reconnect). */
  markPublished(seq: number): boolean {
    return this.mark.run(Math.round(this.now()), seq).changes === 1;
  }

  /** Forgets rows the broker acknowledged before `before` (their payloads may be megabytes); returns how many. */
  prunePublished(before: number): number {
    return this.db.prepare('DELETE FROM sync_outbox WHERE published_at IS NOT NULL AND published_at < ?').run(before).changes;
  }

  backlog(): number {
    return this.backlogCount.get() as number;
  }

  dispose(): void {
    this.enqueued.dispose();
  }
}
