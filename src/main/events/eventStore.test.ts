import { afterEach, describe, expect, it } from 'vitest';
import { eventChangeRecordSchema, eventSchema } from '../../shared/domain/event';
import type { SyncRecord } from '../sync/recordSink';
import { T0, codeOf, tempStores } from '../telephony/telephonyFixture.test-support';
import { fields } from './eventFixture.test-support';
import { EventStore } from './eventStore';

const stores = tempStores();
afterEach(() => stores.cleanup());

function setup(seatId = 'seat-a') {
  const { db } = stores.fresh();
  const clock = { now: T0 };
  const sent: SyncRecord[] = [];
  const store = new EventStore(db, { seatId, sink: { enqueue: (r) => sent.push(r) }, now: () => clock.now });
  return { db, clock, sent, store };
}

describe('EventStore local changes', () => {
  it('creates an open event, with its history row and a sync record carrying the full state, in one transaction', () => {
    const { store, sent } = setup();
    const event = store.create(fields(), '张调度');
    expect(eventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({ state: 'open', createdAt: T0, updatedAt: T0, updatedBy: '张调度', seatId: 'seat-a', closedAt: null });
    expect(store.get(event.id)).toEqual(event);
    const { history } = store.detail(event.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ action: 'create', actor: '张调度', seatId: 'seat-a', at: T0 });
    expect(history[0]!.changes.type).toEqual({ before: null, after: 'gas' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'event-change', key: history[0]!.id, seatId: 'seat-a' });
    expect(eventChangeRecordSchema.parse(sent[0]!.payload)).toEqual({ event, change: history[0] });
  });

  it('writes nothing when the sink throws (the change and its record are one transaction)', () => {
    const { db } = stores.fresh();
    const store = new EventStore(db, {
      seatId: 's',
      sink: {
        enqueue: () => {
          throw new Error('outbox full');
        },
      },
    });
    expect(() => store.create(fields(), 'op')).toThrow('outbox full');
    expect(store.count()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM event_history').pluck().get()).toBe(0);
  });

  it('updates only what changed, records before and after, and refuses a stale edit', () => {
    const { store, clock, sent } = setup();
    const event = store.create(fields(), 'op');
    clock.now += 1000;
    const updated = store.update(event.id, fields({ level: 3, casualties: '1 人轻伤' }), '李值班', event.updatedAt);
    expect(updated).toMatchObject({ level: 3, casualties: '1 人轻伤', updatedAt: T0 + 1000, updatedBy: '李值班', createdBy: 'op' });
    const last = store.detail(event.id).history.at(-1)!;
    expect(last.action).toBe('update');
    expect(last.changes).toEqual({ level: { before: 2, after: 3 }, casualties: { before: '无', after: '1 人轻伤' } });
    expect(sent).toHaveLength(2);
    // Same fields again: nothing to record.
    expect(store.update(event.id, fields({ level: 3, casualties: '1 人轻伤' }), 'op')).toEqual(updated);
    expect(sent).toHaveLength(2);
    expect(codeOf(() => store.update(event.id, fields(), 'op', event.updatedAt))).toBe('conflict');
    expect(codeOf(() => store.update('nope', fields(), 'op'))).toBe('not-found');
  });

  it('keeps time moving forward past a stored version from a clock that ran ahead', () => {
    const { store, clock } = setup();
    const event = store.create(fields(), 'op');
    clock.now = T0 - 5000;
    expect(store.update(event.id, fields({ level: 4 }), 'op').updatedAt).toBe(T0 + 1);
  });

  it('closes once, with a note in the history', () => {
    const { store, clock } = setup();
    const event = store.create(fields(), 'op');
    clock.now += 5000;
    const closed = store.close(event.id, '李值班', '  已恢复通风  ');
    expect(closed).toMatchObject({ state: 'closed', closedAt: T0 + 5000, closedBy: '李值班' });
    const last = store.detail(event.id).history.at(-1)!;
    expect(last).toMatchObject({ action: 'close', note: '已恢复通风', changes: { state: { before: 'open', after: 'closed' } } });
    expect(codeOf(() => store.close(event.id, 'op'))).toBe('conflict');
  });

  it('refuses bad fields and keeps one link per target', () => {
    const { store } = setup();
    expect(codeOf(() => store.create(fields({ level: 5 }), 'op'))).toBe('bad-request');
    expect(codeOf(() => store.create({ ...fields(), type: 'flood' as never }, 'op'))).toBe('bad-request');
    const event = store.create(
      fields({
        links: [
          { kind: 'alarm', id: 'a1', label: 'first' },
          { kind: 'alarm', id: 'a1', label: 'again' },
          { kind: 'call', id: 'a1', label: 'a call' },
        ],
      }),
      'op',
    );
    expect(event.links.map((l) => l.label)).toEqual(['first', 'a call']);
    expect(store.get(event.id).links).toEqual(event.links);
  });

  it('never lets history rows change or go', () => {
    const { store, db } = setup();
    store.create(fields(), 'op');
    expect(() => db.prepare("UPDATE event_history SET actor = 'x'").run()).toThrow('append-only');
    expect(() => db.prepare('DELETE FROM event_history').run()).toThrow('append-only');
  });
});

describe('EventStore.list', () => {
  it('filters by type, level, mine, state, time and Chinese text, newest first with keyset paging', () => {
    const { store, clock } = setup();
    const a = store.create(fields({ occurredAt: T0 - 3000 }), 'op');
    const b = store.create(fields({ type: 'water', level: 3, mineId: 'm2', mineName: '常村煤矿', place: '中央水泵房', description: '突水', occurredAt: T0 - 2000, links: [] }), 'op');
    const c = store.create(fields({ type: 'fire', level: 1, description: '皮带机头冒烟', occurredAt: T0 - 1000, links: [] }), 'op');
    clock.now += 10;
    store.close(a.id, 'op');
    const ids = (q: Parameters<EventStore['list']>[0]) => store.list(q).map((e) => e.id);
    expect(ids({ limit: 10 })).toEqual([c.id, b.id, a.id]);
    expect(ids({ limit: 10, type: 'water' })).toEqual([b.id]);
    expect(ids({ limit: 10, minLevel: 2 })).toEqual([b.id, a.id]);
    expect(ids({ limit: 10, mineId: 'm1' })).toEqual([c.id, a.id]);
    expect(ids({ limit: 10, state: 'closed' })).toEqual([a.id]);
    expect(ids({ limit: 10, from: T0 - 2000, to: T0 - 1000 })).toEqual([b.id]);
    expect(ids({ limit: 10, text: '水泵' })).toEqual([b.id]);
    expect(ids({ limit: 10, text: '常村' })).toEqual([b.id]);
    expect(ids({ limit: 10, text: '传感器' })).toEqual([a.id]);
    expect(ids({ limit: 10, text: '瓦斯' })).toEqual([a.id]);
    expect(ids({ limit: 10, text: '"OR' })).toEqual([]);
    expect(ids({ limit: 10, text: '！' })).toEqual([]);
    const first = store.list({ limit: 2 });
    const last = first.at(-1)!;
    expect(ids({ limit: 2, before: { occurredAt: last.occurredAt, id: last.id } })).toEqual([a.id]);
    expect(codeOf(() => store.list({ limit: 0 }))).toBe('bad-request');
  });

  it('finds an event by its new text after an update, not by the old', () => {
    const { store } = setup();
    const e = store.create(fields({ description: '顶板离层' }), 'op');
    store.update(e.id, fields({ description: '片帮冒顶' }), 'op');
    expect(store.list({ limit: 5, text: '离层' })).toEqual([]);
    expect(store.list({ limit: 5, text: '冒顶' }).map((x) => x.id)).toEqual([e.id]);
  });
});

describe('EventStore.applyRemote', () => {
  function twoSeats() {
    const a = setup('seat-a');
    const b = setup('seat-b');
    return { a, b };
  }

  it('applies another seat’s changes once, in any order, last writer wins, every history row kept', () => {
    const { a, b } = twoSeats();
    const created = a.store.create(fields(), 'op-a');
    a.clock.now += 1000;
    a.store.update(created.id, fields({ level: 3 }), 'op-a');
    a.clock.now += 1000;
    a.store.close(created.id, 'op-a');
    const [r1, r2, r3] = a.sent;
    // Out of order, one twice.
    expect(b.store.applyRemote(r3!)).toBe('applied');
    expect(b.store.applyRemote(r1!)).toBe('stale');
    expect(b.store.applyRemote(r2!)).toBe('stale');
    expect(b.store.applyRemote(r2!)).toBe('duplicate');
    expect(b.store.get(created.id)).toEqual(a.store.get(created.id));
    expect(b.store.detail(created.id).history).toEqual(a.store.detail(created.id).history);
    expect(b.sent).toHaveLength(0);
    expect(b.store.list({ limit: 5, text: '瓦斯' }).map((e) => e.id)).toEqual([created.id]);
  });

  it('breaks a tie in updatedAt by seat id, the same way on both seats', () => {
    const { a, b } = twoSeats();
    const created = a.store.create(fields(), 'op-a');
    b.store.applyRemote(a.sent[0]!);
    a.clock.now = b.clock.now = T0 + 500;
    a.store.update(created.id, fields({ place: 'A 改' }), 'op-a');
    b.store.update(created.id, fields({ place: 'B 改' }), 'op-b');
    a.store.applyRemote(b.sent.at(-1)!);
    b.store.applyRemote(a.sent.at(-1)!);
    expect(a.store.get(created.id).place).toBe('B 改');
    expect(b.store.get(created.id)).toEqual(a.store.get(created.id));
    expect(a.store.detail(created.id).history).toHaveLength(3);
    expect(b.store.detail(created.id).history).toHaveLength(3);
  });

  it('refuses records it cannot read', () => {
    const { a, b } = twoSeats();
    a.store.create(fields(), 'op');
    const good = a.sent[0]!;
    expect(() => b.store.applyRemote({ ...good, kind: 'alarm' })).toThrow();
    expect(() => b.store.applyRemote({ ...good, key: 'other' })).toThrow();
    expect(() => b.store.applyRemote({ ...good, payload: { event: {}, change: {} } })).toThrow();
    // A seat that claims another seat's changes (it would win every tie).
    expect(() => b.store.applyRemote({ ...good, seatId: 'someone-else' })).toThrow('names seat');
    expect(b.store.count()).toBe(0);
  });
});
