import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { broadcastScheduleSchema, type BroadcastDue, type SaveScheduleInput } from '../../shared/domain/broadcast';
import type { Db } from '../services/store';
import { T0, tempStores } from '../telephony/telephonyFixture.test-support';
import { BroadcastSchedules, LATE_GRACE_MS, MIN_LEAD_MS, nextAfter, type ScheduleClock } from './broadcastSchedules';

const stores = tempStores();
const owned: BroadcastSchedules[] = [];
afterEach(() => {
  for (const s of owned.splice(0)) s.dispose();
  stores.cleanup();
});

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** A clock the test moves by hand: timers run (in time order) only inside `advance`/`to`. */
class FakeClock implements ScheduleClock {
  private seq = 0;
  readonly timers = new Map<number, { fn: () => void; at: number }>();

  constructor(public time: number) {}

  now = (): number => this.time;

  setTimer = (fn: () => void, ms: number): unknown => {
    expect(ms).toBeGreaterThanOrEqual(0);
    const id = ++this.seq;
    this.timers.set(id, { fn, at: this.time + ms });
    return id;
  };

  clearTimer = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** When the one armed timer is due (the schedules keep at most one). */
  get armedAt(): number | null {
    expect(this.timers.size).toBeLessThanOrEqual(1);
    const [t] = this.timers.values();
    return t?.at ?? null;
  }

  to(time: number): void {
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= time).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
    }
    this.time = time;
  }

  advance(ms: number): void {
    this.to(this.time + ms);
  }

  /** Runs the armed timer now, before its time (timers may run early or late). */
  runArmedNow(): void {
    const [entry] = this.timers.entries();
    if (!entry) throw new Error('no timer armed');
    this.timers.delete(entry[0]);
    entry[1].fn();
  }

  /** Drops the armed timer and moves the clock, as if the timer had not run on time (a suspended machine). */
  stallUntil(time: number): void {
    const [entry] = this.timers.entries();
    if (!entry) throw new Error('no timer armed');
    this.timers.delete(entry[0]);
    this.time = time;
    entry[1].fn();
  }
}

function setup(db?: Db, start = T0) {
  const clock = new FakeClock(start);
  const schedules = new BroadcastSchedules(db ?? stores.fresh().db, clock);
  owned.push(schedules);
  const fired: BroadcastDue[] = [];
  schedules.onDue((d) => fired.push(d));
  return { clock, schedules, fired };
}

function sched(extra: Partial<SaveScheduleInput> = {}): SaveScheduleInput {
  return { id: 's1', name: '交接班提醒', groupId: 'bg1', clipId: 'clip1', repeat: 2, firstAt: T0 + HOUR, recurrence: 'once', ...extra };
}

function refusal(fn: () => unknown): ConsoleError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).message).toMatch(/[\u4e00-\u9fff]/);
    return err as ConsoleError;
  }
  throw new Error('did not throw');
}

describe('BroadcastSchedules.save', () => {
  it('refuses a time in the past or less than MIN_LEAD_MS ahead, in Chinese, and stores nothing', () => {
    const { schedules, clock } = setup();
    const past = refusal(() => schedules.save(sched({ firstAt: T0 - MIN })));
    expect(past.code).toBe('bad-request');
    expect(past.message).toContain('定时时间已过或太近');
    expect(refusal(() => schedules.save(sched({ firstAt: T0 + MIN_LEAD_MS - 1 }))).code).toBe('bad-request');
    expect(schedules.list()).toEqual([]);
    expect(clock.armedAt).toBeNull();
    // Exactly the lead is enough.
    expect(schedules.save(sched({ firstAt: T0 + MIN_LEAD_MS })).nextAt).toBe(T0 + MIN_LEAD_MS);
  });

  it('stores an active schedule with nextAt at its first time and arms the timer for it', () => {
    const { schedules, clock } = setup();
    const saved = schedules.save(sched());
    expect(broadcastScheduleSchema.parse(saved)).toEqual(saved);
    expect(saved).toMatchObject({ state: 'active', nextAt: T0 + HOUR, lastFiredAt: null, createdAt: T0, firstAt: T0 + HOUR });
    expect(clock.armedAt).toBe(T0 + HOUR);
    // An earlier one re-arms for the earlier time.
    schedules.save(sched({ id: 's2', firstAt: T0 + 10 * MIN }));
    expect(clock.armedAt).toBe(T0 + 10 * MIN);
    expect(schedules.list().map((s) => s.id)).toEqual(['s2', 's1']);
  });

  it('replaces a schedule with the same id (active again, new time)', () => {
    const { schedules, clock } = setup();
    schedules.save(sched());
    schedules.cancel('s1');
    const again = schedules.save(sched({ name: '改时间', firstAt: T0 + 2 * HOUR, recurrence: 'daily' }));
    expect(again).toMatchObject({ name: '改时间', state: 'active', nextAt: T0 + 2 * HOUR, recurrence: 'daily', createdAt: T0 });
    expect(schedules.list()).toHaveLength(1);
    expect(clock.armedAt).toBe(T0 + 2 * HOUR);
  });
});

describe('BroadcastSchedules firing', () => {
  it('fires a one-off once at its time, stored as done before it is announced', () => {
    const { db } = stores.fresh();
    const { schedules, clock, fired } = setup(db);
    schedules.save(sched());
    const seenInListener: unknown[] = [];
    schedules.onDue((d) => {
      // Inside the announcement the firing is already written: a fresh reader of the database sees it.
      seenInListener.push(db.prepare('SELECT state, next_at, last_fired_at FROM broadcast_schedules WHERE id = ?').get(d.scheduleId));
      seenInListener.push(schedules.get(d.scheduleId).state);
    });
    clock.advance(HOUR - 1);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([{ scheduleId: 's1', name: '交接班提醒', groupId: 'bg1', clipId: 'clip1', repeat: 2, dueAt: T0 + HOUR }]);
    expect(seenInListener).toEqual([{ state: 'done', next_at: null, last_fired_at: T0 + HOUR }, 'done']);
    expect(schedules.get('s1')).toMatchObject({ state: 'done', nextAt: null, lastFiredAt: T0 + HOUR });
    expect(clock.armedAt).toBeNull();
    clock.advance(WEEK);
    expect(fired).toHaveLength(1);
  });

  it('fires schedules due at the same time together, each once', () => {
    const { schedules, clock, fired } = setup();
    schedules.save(sched());
    schedules.save(sched({ id: 's2', name: '第二个' }));
    clock.advance(HOUR);
    expect(fired.map((d) => d.scheduleId).sort()).toEqual(['s1', 's2']);
  });

  it('a timer that runs early fires nothing and re-arms', () => {
    const { schedules, clock, fired } = setup();
    schedules.save(sched());
    clock.runArmedNow();
    expect(fired).toEqual([]);
    expect(clock.armedAt).toBe(T0 + HOUR);
  });

  it('advances a daily schedule by a day after each firing', () => {
    const { schedules, clock, fired } = setup();
    schedules.save(sched({ recurrence: 'daily' }));
    clock.advance(HOUR);
    expect(schedules.get('s1')).toMatchObject({ state: 'active', nextAt: T0 + HOUR + DAY, lastFiredAt: T0 + HOUR });
    expect(clock.armedAt).toBe(T0 + HOUR + DAY);
    clock.advance(DAY);
    clock.advance(DAY);
    expect(fired.map((d) => d.dueAt)).toEqual([T0 + HOUR, T0 + HOUR + DAY, T0 + HOUR + 2 * DAY]);
    expect(schedules.get('s1').nextAt).toBe(T0 + HOUR + 3 * DAY);
  });

  it('advances a weekly schedule by a week', () => {
    const { schedules, clock, fired } = setup();
    schedules.save(sched({ recurrence: 'weekly' }));
    clock.advance(HOUR);
    expect(schedules.get('s1')).toMatchObject({ state: 'active', nextAt: T0 + HOUR + WEEK });
    clock.advance(WEEK - 1);
    expect(fired).toHaveLength(1);
    clock.advance(1);
    expect(fired.map((d) => d.dueAt)).toEqual([T0 + HOUR, T0 + HOUR + WEEK]);
  });

  it('a repeating schedule whose timer ran late fires once and skips the occurrences it missed', () => {
    const { schedules, clock, fired } = setup();
    schedules.save(sched({ recurrence: 'daily' }));
    // The timer runs 2.5 days late (a suspended machine): one firing, then the next time after now.
    clock.stallUntil(T0 + HOUR + 2.5 * DAY);
    expect(fired).toEqual([expect.objectContaining({ dueAt: T0 + HOUR })]);
    expect(schedules.get('s1')).toMatchObject({ nextAt: T0 + HOUR + 3 * DAY, lastFiredAt: T0 + HOUR + 2.5 * DAY });
  });

  it('cancel stops a schedule: it never fires and the timer is cleared', () => {
    const { schedules, clock, fired } = setup();
    schedules.save(sched({ recurrence: 'daily' }));
    const cancelled = schedules.cancel('s1');
    expect(cancelled).toMatchObject({ state: 'cancelled', nextAt: null });
    expect(clock.armedAt).toBeNull();
    clock.advance(3 * DAY);
    expect(fired).toEqual([]);
    // Cancelling again, or a done one, returns it as it is; an unknown id is not-found.
    expect(schedules.cancel('s1')).toEqual(cancelled);
    expect(refusal(() => schedules.cancel('nope')).code).toBe('not-found');
    expect(refusal(() => schedules.get('nope')).code).toBe('not-found');
  });

  it('cancel leaves a done one-off done', () => {
    const { schedules, clock } = setup();
    schedules.save(sched());
    clock.advance(HOUR);
    expect(schedules.cancel('s1')).toMatchObject({ state: 'done' });
  });
});

describe('BroadcastSchedules.start', () => {
  it('marks a one-off missed when its time passed more than LATE_GRACE_MS ago, and advances a repeating one', () => {
    const { db } = stores.fresh();
    const before = setup(db);
    before.schedules.save(sched({ id: 'once-late', firstAt: T0 + HOUR }));
    before.schedules.save(sched({ id: 'once-grace', firstAt: T0 + 2 * HOUR }));
    before.schedules.save(sched({ id: 'daily-late', firstAt: T0 + HOUR, recurrence: 'daily' }));
    before.schedules.save(sched({ id: 'weekly-late', firstAt: T0 + HOUR, recurrence: 'weekly' }));
    before.schedules.save(sched({ id: 'once-ahead', firstAt: T0 + 5 * DAY }));
    before.schedules.dispose();
    expect(before.fired).toEqual([]);

    // The console was not running; it starts again just inside once-grace's grace (its time + LATE_GRACE_MS - 1).
    const startAt = T0 + 2 * HOUR + LATE_GRACE_MS - 1;
    const after = setup(db, startAt);
    expect(after.schedules.start()).toEqual({ missed: 1 });
    expect(after.schedules.get('once-late')).toMatchObject({ state: 'missed', nextAt: null, lastFiredAt: null });
    expect(after.schedules.get('daily-late')).toMatchObject({ state: 'active', nextAt: T0 + HOUR + DAY });
    expect(after.schedules.get('weekly-late')).toMatchObject({ state: 'active', nextAt: T0 + HOUR + WEEK });
    expect(after.schedules.get('once-ahead')).toMatchObject({ state: 'active', nextAt: T0 + 5 * DAY });
    // Within the grace a one-off is still played, late, at once.
    expect(after.schedules.get('once-grace')).toMatchObject({ state: 'active', nextAt: T0 + 2 * HOUR });
    expect(after.clock.armedAt).toBe(startAt);
    after.clock.advance(0);
    expect(after.fired.map((d) => d.scheduleId)).toEqual(['once-grace']);
    expect(after.schedules.get('once-grace')).toMatchObject({ state: 'done', lastFiredAt: startAt });
    expect(after.clock.armedAt).toBe(T0 + HOUR + DAY);
  });

  it('skips every missed occurrence of a repeating schedule, several days late', () => {
    const { db } = stores.fresh();
    setup(db).schedules.save(sched({ recurrence: 'daily' }));
    const after = setup(db, T0 + HOUR + 10 * DAY + 5 * MIN);
    expect(after.schedules.start()).toEqual({ missed: 0 });
    expect(after.schedules.get('s1').nextAt).toBe(T0 + HOUR + 11 * DAY);
    after.clock.advance(DAY - 5 * MIN - 1);
    expect(after.fired).toEqual([]);
    after.clock.advance(1);
    expect(after.fired).toEqual([expect.objectContaining({ scheduleId: 's1', dueAt: T0 + HOUR + 11 * DAY })]);
  });

  it('arms nothing without active schedules', () => {
    const { schedules, clock } = setup();
    expect(schedules.start()).toEqual({ missed: 0 });
    expect(clock.armedAt).toBeNull();
  });
});

describe('BroadcastSchedules.usedBy and dispose', () => {
  it('finds active schedules by clip or group', () => {
    const { schedules, clock } = setup();
    schedules.save(sched({ id: 'a', clipId: 'c1', groupId: 'g1' }));
    schedules.save(sched({ id: 'b', clipId: 'c2', groupId: 'g1', recurrence: 'daily' }));
    schedules.save(sched({ id: 'c', clipId: 'c1', groupId: 'g2', firstAt: T0 + 2 * HOUR }));
    const ids = (what: { clipId?: string; groupId?: string }) => schedules.usedBy(what).map((s) => s.id).sort();
    expect(ids({ clipId: 'c1' })).toEqual(['a', 'c']);
    expect(ids({ groupId: 'g1' })).toEqual(['a', 'b']);
    expect(ids({ clipId: 'c2', groupId: 'g2' })).toEqual(['b', 'c']);
    expect(ids({ clipId: 'zz' })).toEqual([]);
    expect(ids({})).toEqual([]);
    // Cancelled and done ones no longer count.
    schedules.cancel('c');
    clock.advance(HOUR); // a fires (done), b fires (still active)
    expect(ids({ clipId: 'c1' })).toEqual([]);
    expect(ids({ groupId: 'g1' })).toEqual(['b']);
  });

  it('dispose clears the timer and drops the listeners', () => {
    const { schedules, clock, fired } = setup();
    schedules.save(sched());
    expect(clock.timers.size).toBe(1);
    schedules.dispose();
    expect(clock.timers.size).toBe(0);
    clock.advance(2 * HOUR);
    expect(fired).toEqual([]);
  });
});

describe('nextAfter', () => {
  it('gives the first time of the series after now, skipping missed ones', () => {
    expect(nextAfter(T0, 'once', T0 + DAY)).toBeNull();
    expect(nextAfter(T0 + HOUR, 'daily', T0)).toBe(T0 + HOUR);
    expect(nextAfter(T0, 'daily', T0)).toBe(T0 + DAY);
    expect(nextAfter(T0, 'daily', T0 + DAY - 1)).toBe(T0 + DAY);
    expect(nextAfter(T0, 'daily', T0 + DAY)).toBe(T0 + 2 * DAY);
    expect(nextAfter(T0, 'daily', T0 + 3 * DAY + 7)).toBe(T0 + 4 * DAY);
    expect(nextAfter(T0, 'weekly', T0)).toBe(T0 + WEEK);
    expect(nextAfter(T0, 'weekly', T0 + 20 * DAY)).toBe(T0 + 3 * WEEK);
  });
});
