import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { isTaskOverdue, taskDetailSchema, taskSchema, type CreateTaskInput, type Task } from '../../shared/domain/task';
import type { SyncRecord } from '../sync/recordSink';
import { codeOf, T0, tempStores } from '../telephony/telephonyFixture.test-support';
import { TaskStore } from './taskStore';

const stores = tempStores();
afterEach(() => stores.cleanup());

const HOUR = 3_600_000;
const ME = '值班员张三';

function input(extra: Partial<CreateTaskInput> = {}): CreateTaskInput {
  return {
    title: '核查王庄煤矿皮带机头人员穿越报警',
    description: '调取主斜井皮带机头视频，电话联系矿调度室核实现场情况',
    level: 2,
    receiver: { kind: 'contact', id: 'c-001', name: '王庄煤矿调度室' },
    mineId: 'm1',
    deadline: T0 + 2 * HOUR,
    ...extra,
  };
}

function setup(seatId = 'seat-a', start = T0) {
  const { db } = stores.fresh();
  const clock = { now: start };
  const records: SyncRecord[] = [];
  const store = new TaskStore(db, { seatId, sink: { enqueue: (r) => records.push(r) }, now: () => clock.now });
  return { db, clock, records, store };
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConsoleError);
    return (err as ConsoleError).message;
  }
  throw new Error('did not throw');
}

describe('TaskStore: create and transitions', () => {
  it('creates a pending task stamped with the sender, seat and time, with its history row and sync record', () => {
    const { store, records } = setup();
    const task = store.create(input(), ME);
    expect(taskSchema.parse(task)).toEqual(task);
    expect(task).toMatchObject({ state: 'pending', sender: ME, seatId: 'seat-a', createdAt: T0, updatedAt: T0, updatedBy: ME, feedback: null });
    const detail = store.get(task.id);
    expect(taskDetailSchema.parse(detail)).toEqual(detail);
    expect(detail.task).toEqual(task);
    expect(detail.history).toHaveLength(1);
    expect(detail.history[0]).toMatchObject({ action: 'create', actor: ME, seatId: 'seat-a', at: T0, before: null, after: task });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'task-change', seatId: 'seat-a', key: detail.history[0]!.changeId });
    expect(records[0]!.payload).toMatchObject({ task, action: 'create', actor: ME, at: T0 });
  });

  it('a repeated client id returns the stored task without a second change', () => {
    const { store, records } = setup();
    const a = store.create(input({ id: 'task-1' }), ME);
    const b = store.create(input({ id: 'task-1', title: '另一个' }), ME);
    expect(b).toEqual(a);
    expect(records).toHaveLength(1);
  });

  it('refuses bad input with Chinese messages', () => {
    const { store } = setup();
    expect(codeOf(() => store.create(input({ title: '  ' }), ME))).toBe('bad-request');
    expect(codeOf(() => store.create(input({ level: 5 }), ME))).toBe('bad-request');
    expect(codeOf(() => store.create(input({ deadline: T0 - 1 }), ME))).toBe('bad-request');
    expect(codeOf(() => store.create(input({ receiver: { kind: 'text', id: 'x', name: '某人' } }), ME))).toBe('bad-request');
    expect(codeOf(() => store.create(input(), ''))).toBe('bad-request');
    expect(store.count()).toBe(0);
  });

  it('walks 待接收 → 已接收 → 处理中 → 已完成, each note kept as feedback and in the history', () => {
    const { store, clock } = setup();
    const t = store.create(input(), ME);
    clock.now += 60_000;
    expect(store.transition({ id: t.id, action: 'accept', note: '收到' }, '王调度')).toMatchObject({ state: 'accepted', feedback: '收到', updatedBy: '王调度' });
    clock.now += 60_000;
    expect(store.transition({ id: t.id, action: 'start' }, '王调度')).toMatchObject({ state: 'in-progress', feedback: null });
    clock.now += 60_000;
    const done = store.transition({ id: t.id, action: 'complete', note: '已核实，系误报' }, '王调度');
    expect(done).toMatchObject({ state: 'done', feedback: '已核实，系误报', updatedAt: T0 + 180_000 });
    const history = store.get(t.id).history;
    expect(history.map((h) => h.action)).toEqual(['create', 'accept', 'start', 'complete']);
    expect(history.map((h) => h.note)).toEqual([null, '收到', null, '已核实，系误报']);
    expect(history[1]!.before?.state).toBe('pending');
    expect(history[1]!.changed).toEqual(['state', 'feedback']);
  });

  it('refuses a transition the state does not allow, naming both in Chinese, and writes nothing', () => {
    const { store, records } = setup();
    const t = store.create(input(), ME);
    expect(codeOf(() => store.transition({ id: t.id, action: 'complete' }, ME))).toBe('conflict');
    expect(messageOf(() => store.transition({ id: t.id, action: 'start' }, ME))).toBe('任务当前为「待接收」，不能开始处理');
    store.transition({ id: t.id, action: 'reject', note: '不归我单位负责' }, ME);
    expect(codeOf(() => store.transition({ id: t.id, action: 'accept' }, ME))).toBe('conflict');
    store.transition({ id: t.id, action: 'cancel' }, ME);
    expect(messageOf(() => store.transition({ id: t.id, action: 'cancel' }, ME))).toBe('任务当前为「已撤销」，不能撤销');
    expect(codeOf(() => store.update({ id: t.id, title: '改' }, ME))).toBe('conflict');
    expect(codeOf(() => store.transition({ id: 'nope', action: 'accept' }, ME))).toBe('not-found');
    expect(store.get(t.id).history).toHaveLength(3);
    expect(records).toHaveLength(3);
  });

  it('edits only what differs; an edit that changes nothing leaves no history', () => {
    const { store, clock } = setup();
    const t = store.create(input(), ME);
    clock.now += 1000;
    expect(store.update({ id: t.id, title: t.title }, ME)).toEqual(t);
    const edited = store.update({ id: t.id, level: 3, deadline: T0 + 5 * HOUR, note: '升级' }, ME);
    expect(edited).toMatchObject({ level: 3, deadline: T0 + 5 * HOUR, updatedAt: T0 + 1000 });
    const last = store.get(t.id).history.at(-1)!;
    expect(last).toMatchObject({ action: 'edit', note: '升级', changed: ['level', 'deadline'] });
    expect(codeOf(() => store.update({ id: t.id, deadline: T0 }, ME))).toBe('bad-request');
  });

  it('keeps the history append-only in SQLite', () => {
    const { store, db } = setup();
    store.create(input(), ME);
    expect(() => db.prepare("UPDATE task_history SET actor = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM task_history').run()).toThrow(/append-only/);
  });

  it('a change is stored with its record or not at all (the sink fails: nothing written)', () => {
    const { db } = stores.fresh();
    const store = new TaskStore(db, { seatId: 's', sink: { enqueue: () => { throw new Error('outbox full'); } }, now: () => T0 });
    expect(() => store.create(input(), ME)).toThrow('outbox full');
    expect(store.count()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM task_history').pluck().get()).toBe(0);
  });
});

describe('TaskStore.list', () => {
  function seeded() {
    const s = setup();
    const { store, clock } = s;
    const mk = (extra: Partial<CreateTaskInput>, actor = ME) => {
      clock.now += 60_000;
      return store.create(input(extra), actor);
    };
    const a = mk({ title: '排查主井提升机异响', deadline: T0 + 10 * 60_000, level: 1 });
    const b = mk({ title: '组织撤离三采区人员', deadline: T0 + 3 * HOUR, level: 4, receiver: { kind: 'text', id: null, name: ME } }, '指挥长李四');
    const c = mk({ title: '上报瓦斯超限处置情况', deadline: T0 + 20 * 60_000, level: 3, mineId: 'm2' }, '指挥长李四');
    const d = mk({ title: '核查一键报警', deadline: T0 + HOUR, receiver: { kind: 'seat', id: 'seat-a', name: '二号调度台' } }, '其他席位');
    return { ...s, a, b, c, d };
  }
  const ids = (tasks: Task[]) => tasks.map((t) => t.title.slice(0, 4));

  it('lists newest created first, or soonest deadline first', () => {
    const { store } = seeded();
    expect(ids(store.list({ limit: 10 }, ME))).toEqual(['核查一键', '上报瓦斯', '组织撤离', '排查主井']);
    expect(ids(store.list({ limit: 10, order: 'deadline' }, ME))).toEqual(['排查主井', '上报瓦斯', '核查一键', '组织撤离']);
  });

  it('filters by scope (mine: sent by me, addressed to me or to this seat; sent), state, level, sender, mine and times', () => {
    const { store, a, b, c, d } = seeded();
    store.transition({ id: c.id, action: 'accept' }, '矿调度');
    expect(store.list({ limit: 10, scope: 'mine' }, ME).map((t) => t.id).sort()).toEqual([a.id, b.id, d.id].sort());
    expect(store.list({ limit: 10, scope: 'sent' }, ME).map((t) => t.id)).toEqual([a.id]);
    expect(store.list({ limit: 10, state: 'accepted' }, ME).map((t) => t.id)).toEqual([c.id]);
    expect(store.list({ limit: 10, level: 4 }, ME).map((t) => t.id)).toEqual([b.id]);
    expect(store.list({ limit: 10, sender: '指挥长李四' }, ME).map((t) => t.id)).toEqual([c.id, b.id]);
    expect(store.list({ limit: 10, mineId: 'm2' }, ME).map((t) => t.id)).toEqual([c.id]);
    expect(store.list({ limit: 10, createdFrom: b.createdAt, createdTo: d.createdAt }, ME).map((t) => t.id)).toEqual([c.id, b.id]);
    expect(store.list({ limit: 10, deadlineFrom: T0 + 20 * 60_000, deadlineTo: T0 + 3 * HOUR }, ME).map((t) => t.id)).toEqual([d.id, c.id]);
  });

  it('finds Chinese text in title, description and receiver; punctuation finds nothing', () => {
    const { store, b, c } = seeded();
    expect(store.list({ limit: 10, text: '撤离' }, ME).map((t) => t.id)).toEqual([b.id]);
    expect(store.list({ limit: 10, text: '瓦斯超限' }, ME).map((t) => t.id)).toEqual([c.id]);
    expect(store.list({ limit: 10, text: '王庄煤矿调度' }, ME)).toHaveLength(2);
    expect(store.list({ limit: 10, text: '“”' }, ME)).toEqual([]);
    // An edit re-indexes the text.
    store.update({ id: b.id, title: '组织疏散三采区人员' }, ME);
    expect(store.list({ limit: 10, text: '撤离' }, ME)).toEqual([]);
    expect(store.list({ limit: 10, text: '疏散' }, ME).map((t) => t.id)).toEqual([b.id]);
  });

  it('overdue: not done or cancelled after the deadline, at read time', () => {
    const { store, clock, a, c, d } = seeded();
    clock.now = T0 + 30 * 60_000;
    expect(store.list({ limit: 10, overdueOnly: true }, ME).map((t) => t.id)).toEqual([c.id, a.id]);
    store.transition({ id: c.id, action: 'cancel' }, ME);
    expect(store.list({ limit: 10, overdueOnly: true }, ME).map((t) => t.id)).toEqual([a.id]);
    expect(isTaskOverdue(store.get(a.id).task, clock.now)).toBe(true);
    expect(isTaskOverdue(store.get(c.id).task, clock.now)).toBe(false);
    expect(isTaskOverdue(d, clock.now)).toBe(false);
    clock.now = T0 + 2 * HOUR;
    expect(store.list({ limit: 10, overdueOnly: true, order: 'deadline' }, ME).map((t) => t.id)).toEqual([a.id, d.id]);
  });

  it('pages by keyset in both orders, ties on the key settled by id', () => {
    const { store, clock } = setup();
    for (let i = 0; i < 25; i++) {
      // Groups of five share a creation time and a deadline.
      clock.now = T0 + Math.floor(i / 5) * 1000;
      store.create(input({ id: `t-${String(i).padStart(2, '0')}`, deadline: T0 + HOUR + (i % 5) * 1000 }), ME);
    }
    for (const order of ['created', 'deadline'] as const) {
      const seen: string[] = [];
      let after: { key: number; id: string } | undefined;
      for (;;) {
        const page = store.list({ limit: 7, order, ...(after ? { after } : {}) }, ME);
        seen.push(...page.map((t) => t.id));
        if (page.length < 7) break;
        const last = page.at(-1)!;
        after = { key: order === 'created' ? last.createdAt : last.deadline, id: last.id };
      }
      const all = store.list({ limit: 100, order }, ME).map((t) => t.id);
      expect(seen).toEqual(all);
      expect(new Set(seen).size).toBe(25);
    }
  });
});

describe('TaskStore.applyRemote', () => {
  function pair() {
    const a = setup('seat-a');
    const b = setup('seat-b');
    return { a, b };
  }
  const deliver = (to: TaskStore, records: readonly SyncRecord[]) => records.forEach((r) => to.applyRemote(r));
  const historyOf = (s: TaskStore, id: string) => s.get(id).history.map((h) => h.changeId).sort();

  it('takes another seat’s task with its history, once however often it arrives, sending nothing back', () => {
    const { a, b } = pair();
    const t = a.store.create(input(), ME);
    a.store.transition({ id: t.id, action: 'accept' }, ME);
    deliver(b.store, a.records);
    deliver(b.store, a.records);
    expect(b.store.get(t.id).task).toEqual(a.store.get(t.id).task);
    expect(b.store.get(t.id).history).toEqual(a.store.get(t.id).history);
    expect(b.records).toEqual([]);
    expect(b.store.list({ limit: 10, text: '皮带' }, ME).map((x) => x.id)).toEqual([t.id]);
  });

  it('converges when two seats change one task concurrently and apply each other’s changes in different orders', () => {
    const { a, b } = pair();
    const t = a.store.create(input(), ME);
    deliver(b.store, a.records);
    const sent = { a: a.records.length, b: 0 };
    // Concurrent: both seats act on the pending task; b's change is later.
    a.clock.now = T0 + 1000;
    b.clock.now = T0 + 2000;
    a.store.transition({ id: t.id, action: 'accept', note: 'A 接收' }, '甲');
    b.store.transition({ id: t.id, action: 'cancel', note: 'B 撤销' }, '乙');
    a.store.update({ id: t.id, level: 3 }, '甲');
    const fromA = a.records.slice(sent.a);
    const fromB = b.records.slice(sent.b);
    deliver(a.store, fromB);
    deliver(b.store, [...fromA].reverse());
    const ta = a.store.get(t.id).task;
    expect(ta).toEqual(b.store.get(t.id).task);
    expect(ta).toMatchObject({ state: 'cancelled', seatId: 'seat-b', feedback: 'B 撤销' });
    expect(historyOf(a.store, t.id)).toEqual(historyOf(b.store, t.id));
    expect(historyOf(a.store, t.id)).toHaveLength(4);
  });

  it('breaks a tie on updatedAt by seat id, the same on both seats', () => {
    const { a, b } = pair();
    const t = a.store.create(input(), ME);
    deliver(b.store, a.records);
    const n = a.records.length;
    a.clock.now = b.clock.now = T0 + 5000;
    a.store.transition({ id: t.id, action: 'accept' }, '甲');
    b.store.transition({ id: t.id, action: 'reject' }, '乙');
    deliver(a.store, b.records);
    deliver(b.store, a.records.slice(n));
    expect(a.store.get(t.id).task).toEqual(b.store.get(t.id).task);
    expect(a.store.get(t.id).task.state).toBe('rejected');
  });

  it('a local change after a remote one from a clock ahead still wins (its time follows the task’s last change)', () => {
    const { a, b } = pair();
    const t = a.store.create(input(), ME);
    deliver(b.store, a.records);
    b.clock.now = T0 + HOUR;
    b.store.transition({ id: t.id, action: 'accept' }, '乙');
    deliver(a.store, b.records);
    a.clock.now = T0 + 1000;
    const started = a.store.transition({ id: t.id, action: 'start' }, '甲');
    expect(started.updatedAt).toBe(T0 + HOUR + 1);
    deliver(b.store, a.records.slice(1));
    expect(b.store.get(t.id).task).toEqual(started);
  });

  it('refuses records it cannot read, writing nothing', () => {
    const { b } = pair();
    expect(() => b.store.applyRemote({ kind: 'task-change', key: 'k1', seatId: 'seat-x', payload: { task: { id: 'x' } } })).toThrow(/unreadable/);
    expect(() => b.store.applyRemote({ kind: 'alarm', key: 'k2', seatId: 'seat-x', payload: {} })).toThrow();
    expect(b.store.count()).toBe(0);
  });
});
