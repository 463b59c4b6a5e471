/**
 * What the offline-first stores (alarms, events, tasks) hand to seat sync, and what they take back from it.
 *
 * A store writes each record another seat must get with `enqueue`, inside the same SQLite transaction as the change
 * itself, so a change is never stored without its outgoing record (the outbox publishes it later, QoS 1, until the
 * broker has it). Records arriving from other seats are handed to the store's applier, which must be idempotent by
 * `key` (a record may arrive twice) and order-tolerant (changes of one entity may arrive out of order: the entity's
 * state is decided by (updatedAt, seatId), last writer wins, and every change is kept in its history).
 */
export const SYNC_KINDS = ['alarm', 'alarm-step', 'event-change', 'task-change'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

export type SyncRecord = {
  kind: SyncKind;
  /** Idempotency key: unique per record, the same on every seat (a uuid made where the change happened). */
  key: string;
  /** The seat where the change happened. */
  seatId: string;
  /** JSON-serialisable; each kind's store validates what it receives (a bad record is logged and dropped). */
  payload: unknown;
};

export interface RecordSink {
  /** Must be called inside the caller's transaction. */
  enqueue(record: SyncRecord): void;
  /** False while records are not kept (sync switched off): a store may skip building a costly payload. */
  active?(): boolean;
}

/** For stores used without sync (tests, a seat with sync switched off records nothing to send). */
export const NO_SYNC: RecordSink = { enqueue: () => undefined, active: () => false };

/**
 * Applies one record from another seat, inside the transaction that also records its key (so it runs once); throws
 * only for a record it cannot read (logged, dropped, acknowledged). It may return what to do once that transaction
 * has committed (announce the change to the renderer), never run for a rolled-back apply.
 */
export type RecordApplier = (record: SyncRecord) => void | (() => void);
