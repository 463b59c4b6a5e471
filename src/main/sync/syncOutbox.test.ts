import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../services/store';
import { MIGRATIONS } from '../services/migrations';
import { readSeatId } from './seat';
import { SyncOutbox } from './syncOutbox';

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function memoryDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  open.push(db);
  return db;
}

describe('migration 7', () => {
  it('gives every seat its own id, and existing alarm steps an id and this seat', () => {
    const db = memoryDb();
    // A console as it was before: migrations up to 6, an alarm with two steps.
    for (const m of MIGRATIONS.filter((x) => x.version <= 6)) db.exec(m.sql);
    db.pragma('user_version = 6');
    db.prepare(
      `INSERT INTO alarms (id, source_id, external_id, category, kind, level, occurred_at, received_at, boxes, linked, state)
       VALUES ('a1', 'box', 'e1', 'ai', 'intrusion', 2, 1, 2, '[]', 0, 'dismissed')`,
    ).run();
    const step = db.prepare("INSERT INTO alarm_steps (alarm_id, seq, action, actor, at, reason) VALUES ('a1', ?, ?, '甲', ?, ?)");
    step.run(1, 'accept', 10, null);
    step.run(2, 'dismiss', 20, '误报');
    migrate(db);
    const seatId = readSeatId(db);
    expect(seatId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const steps = db.prepare('SELECT id, seat_id FROM alarm_steps ORDER BY seq').all() as { id: string; seat_id: string }[];
    expect(steps.map((s) => s.seat_id)).toEqual([seatId, seatId]);
    expect(new Set(steps.map((s) => s.id)).size).toBe(2);
    expect(() => db.prepare("UPDATE alarm_steps SET id = ? WHERE seq = 2").run(steps[0]!.id)).toThrow(/UNIQUE/);
    // Another data folder, another seat.
    const other = memoryDb();
    migrate(other);
    expect(readSeatId(other)).not.toBe(seatId);
  });
});

describe('SyncOutbox', () => {
  it('records only inside a transaction and while active, once per key, and counts the backlog until published', async () => {
    const db = memoryDb();
    migrate(db);
    let active = true;
    const outbox = new SyncOutbox(db, () => active, () => 1000);
    let kicks = 0;
    outbox.onEnqueued(() => (kicks += 1));
    const record = (key: string) => ({ kind: 'alarm' as const, key, seatId: 's', payload: { n: key } });
    expect(() => outbox.enqueue(record('k0'))).toThrow(/inside the transaction/);
    db.transaction(() => {
      outbox.enqueue(record('k1'));
      outbox.enqueue(record('k2'));
      outbox.enqueue(record('k1'));
    })();
    active = false;
    db.transaction(() => outbox.enqueue(record('k3')))();
    expect(outbox.active()).toBe(false);
    // A rolled-back change leaves no record.
    active = true;
    expect(() =>
      db.transaction(() => {
        outbox.enqueue(record('k4'));
        throw new Error('change failed');
      })(),
    ).toThrow('change failed');
    await Promise.resolve();
    // One wake-up for the whole burst (after the transactions).
    expect(kicks).toBe(1);
    expect(outbox.backlog()).toBe(2);
    const rows = outbox.next(0, 10);
    expect(rows.map((r) => [r.key, JSON.parse(r.payload)])).toEqual([
      ['k1', { n: 'k1' }],
      ['k2', { n: 'k2' }],
    ]);
    expect(outbox.markPublished(rows[0]!.seq)).toBe(true);
    expect(outbox.markPublished(rows[0]!.seq)).toBe(false);
    expect(outbox.backlog()).toBe(1);
    expect(outbox.next(0, 10).map((r) => r.key)).toEqual(['k2']);
    expect(outbox.prunePublished(1000)).toBe(0);
    expect(outbox.prunePublished(1001)).toBe(1);
  });
});
