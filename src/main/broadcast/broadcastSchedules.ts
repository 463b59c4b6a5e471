import { ConsoleError } from '../../shared/contract/rpc';
import type { BroadcastDue, BroadcastSchedule, SaveScheduleInput, ScheduleRecurrence } from '../../shared/domain/broadcast';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import { localDateTime } from '../../shared/localTime';
import type { Db } from '../services/store';

type ScheduleRow = {
  id: string;
  name: string;
  group_id: string;
  clip_id: string;
  repeat: number;
  first_at: number;
  recurrence: string;
  state: string;
  next_at: number | null;
  last_fired_at: number | null;
  created_at: number;
};

/** A schedule must be at least this far in the future when it is saved. */
export const MIN_LEAD_MS = 5_000;
/** A one-off found this late at start-up (the console was not running) is marked missed, not played late. */
export const LATE_GRACE_MS = 60_000;
const DAY_MS = 86_400_000;
/** setTimeout's ceiling; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type ScheduleClock = {
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
};

const realClock: ScheduleClock = {
  now: Date.now,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Scheduled broadcasts (定时广播, table `broadcast_schedules`): one-off, daily or weekly. The Node side keeps the
 * time and fires `onDue`; the console's broadcast engine plays it (the calls run in the renderer). A firing is
 * written (lastFiredAt, nextAt advanced, a one-off done) before it is announced, so a crash never fires twice.
 * Times missed while no console ran: a one-off becomes `missed`; a repeating schedule skips to its next time.
 */
export class BroadcastSchedules implements Disposable {
  private timer: unknown = null;
  private readonly due = new Emitter<BroadcastDue>();
  readonly onDue = this.due.event;

  constructor(
    private readonly db: Db,
    private readonly clock: ScheduleClock = realClock,
    /** A firing no console listened for (none was open). */
    private readonly unheard?: (due: BroadcastDue) => void,
  ) {}

  /** Settles what was missed while stopped and arms the timer. */
  start(): { missed: number } {
    const now = this.clock.now();
    let missed = 0;
    this.db.transaction(() => {
      for (const row of this.activeRows()) {
        if (row.next_at === null || row.next_at >= now - LATE_GRACE_MS) continue;
        if (row.recurrence === 'once') {
          this.db.prepare("UPDATE broadcast_schedules SET state = 'missed', next_at = NULL WHERE id = ?").run(row.id);
          missed++;
        } else {
          this.db.prepare('UPDATE broadcast_schedules SET next_at = ? WHERE id = ?').run(nextAfter(row.next_at, row.recurrence as ScheduleRecurrence, now), row.id);
        }
      }
    })();
    this.arm();
    return { missed };
  }

  list(): BroadcastSchedule[] {
    return (this.db.prepare("SELECT * FROM broadcast_schedules ORDER BY state <> 'active', next_at, created_at DESC").all() as ScheduleRow[]).map(toSchedule);
  }

  get(id: string): BroadcastSchedule {
    const row = this.db.prepare('SELECT * FROM broadcast_schedules WHERE id = ?').get(id) as ScheduleRow | undefined;
    if (!row) throw new ConsoleError('not-found', `定时广播不存在: ${id}`);
    return toSchedule(row);
  }

  /** Creates or replaces a schedule (active again); its first time must still be ahead. */
  save(input: SaveScheduleInput): BroadcastSchedule {
    const now = this.clock.now();
    if (input.firstAt < now + MIN_LEAD_MS) {
      throw new ConsoleError('bad-request', `定时时间已过或太近（${localDateTime(input.firstAt)}），请选择至少 ${MIN_LEAD_MS / 1000} 秒之后的时间`);
    }
    this.db
      .prepare(
        `INSERT INTO broadcast_schedules (id, name, group_id, clip_id, repeat, first_at, recurrence, state, next_at, last_fired_at, created_at)
         VALUES (@id, @name, @group_id, @clip_id, @repeat, @first_at, @recurrence, 'active', @first_at, NULL, @now)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, group_id = excluded.group_id, clip_id = excluded.clip_id, repeat = excluded.repeat,
           first_at = excluded.first_at, recurrence = excluded.recurrence, state = 'active', next_at = excluded.next_at`,
      )
      .run({ id: input.id, name: input.name, group_id: input.groupId, clip_id: input.clipId, repeat: input.repeat, first_at: input.firstAt, recurrence: input.recurrence, now });
    this.arm();
    return this.get(input.id);
  }

  cancel(id: string): BroadcastSchedule {
    const changed = this.db.prepare("UPDATE broadcast_schedules SET state = 'cancelled', next_at = NULL WHERE id = ? AND state = 'active'").run(id).changes;
    if (changed === 0) this.get(id); // not-found, or already ended: returned as it is
    this.arm();
    return this.get(id);
  }

  /** Whether an active schedule plays this clip or to this group (they must not be deleted under it). */
  usedBy(what: { clipId?: string; groupId?: string }): BroadcastSchedule[] {
    return this.activeRows()
      .filter((r) => (what.clipId !== undefined && r.clip_id === what.clipId) || (what.groupId !== undefined && r.group_id === what.groupId))
      .map(toSchedule);
  }

  dispose(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.due.dispose();
  }

  /** Fires every schedule whose time has come, then re-arms. */
  fire(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    const now = this.clock.now();
    const fired: BroadcastDue[] = [];
    this.db.transaction(() => {
      for (const row of this.activeRows()) {
        if (row.next_at === null || row.next_at > now) continue;
        const recurrence = row.recurrence as ScheduleRecurrence;
        const next = recurrence === 'once' ? null : nextAfter(row.next_at, recurrence, now);
        this.db
          .prepare('UPDATE broadcast_schedules SET state = ?, next_at = ?, last_fired_at = ? WHERE id = ?')
          .run(next === null ? 'done' : 'active', next, now, row.id);
        fired.push({ scheduleId: row.id, name: row.name, groupId: row.group_id, clipId: row.clip_id, repeat: row.repeat, dueAt: row.next_at });
      }
    })();
    for (const due of fired) {
      // No console window listens: nobody will play it, and the centre must see that it did not go out.
      if (this.due.size === 0) this.unheard?.(due);
      else this.due.fire(due);
    }
    this.arm();
  }

  private activeRows(): ScheduleRow[] {
    return this.db.prepare("SELECT * FROM broadcast_schedules WHERE state = 'active'").all() as ScheduleRow[];
  }

  private arm(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    const next = this.db.prepare("SELECT MIN(next_at) FROM broadcast_schedules WHERE state = 'active'").pluck().get() as number | null;
    if (next === null) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, next - this.clock.now()));
    this.timer = this.clock.setTimer(() => this.fire(), wait);
  }
}

/** The first time of the series after `now` (missed times are skipped, not replayed). */
export function nextAfter(at: number, recurrence: Exclude<ScheduleRecurrence, 'once'> | ScheduleRecurrence, now: number): number | null {
  if (recurrence === 'once') return null;
  const step = recurrence === 'daily' ? DAY_MS : 7 * DAY_MS;
  if (at > now) return at;
  return at + (Math.floor((now - at) / step) + 1) * step;
}

function toSchedule(r: ScheduleRow): BroadcastSchedule {
  return {
    id: r.id,
    name: r.name,
    groupId: r.group_id,
    clipId: r.clip_id,
    repeat: r.repeat,
    firstAt: r.first_at,
    recurrence: r.recurrence as ScheduleRecurrence,
    state: r.state as BroadcastSchedule['state'],
    nextAt: r.next_at,
    lastFiredAt: r.last_fired_at,
    createdAt: r.created_at,
  };
}
