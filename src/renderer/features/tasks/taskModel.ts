import type { TaskHistoryAction, TaskState } from '../../../shared/domain/task';
import type { StringKey } from '../../app/strings';

type T = (key: StringKey, vars?: Record<string, string | number>) => string;

export const TASK_LEVEL_COLORS: Record<number, string> = { 1: 'blue', 2: 'gold', 3: 'orange', 4: 'red' };
export const TASK_STATE_COLORS: Record<TaskState, string> = {
  pending: 'gold',
  accepted: 'blue',
  'in-progress': 'processing',
  done: 'success',
  rejected: 'magenta',
  cancelled: 'default',
};

export const stateKey = (s: TaskState): StringKey => `tasks.state.${s}`;
export const actionKey = (a: TaskHistoryAction): StringKey => `tasks.action.${a}`;
export const levelKey = (level: number): StringKey => `tasks.level.${Math.min(4, Math.max(1, level)) as 1 | 2 | 3 | 4}`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A span for the deadline column: minutes under an hour, hours and minutes under two days, then days. */
export function spanText(t: T, ms: number): string {
  const minutes = Math.max(1, Math.floor(Math.abs(ms) / MINUTE));
  if (minutes < 60) return t('tasks.unit.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? t('tasks.unit.hoursMinutes', { h: hours, m: minutes % 60 }) : t('tasks.unit.hours', { n: hours });
  return t('tasks.unit.days', { n: Math.floor(hours / 24) });
}

/** 剩余 N … before the deadline, 超期 N … after it. */
export function deadlineText(t: T, deadline: number, now: number): string {
  return now > deadline ? t('tasks.overdue', { time: spanText(t, now - deadline) }) : t('tasks.remaining', { time: spanText(t, deadline - now) });
}

/** Less than this left: the countdown turns amber. */
export const DUE_SOON_MS = HOUR;

/** The deadline quick buttons: from now, or the end of today / tomorrow (local time). */
export function quickDeadline(kind: '30m' | '2h' | 'today' | 'tomorrow', now: number): number {
  if (kind === '30m') return now + 30 * MINUTE;
  if (kind === '2h') return now + 2 * HOUR;
  const d = new Date(now);
  d.setHours(23, 59, 0, 0);
  if (kind === 'tomorrow') d.setDate(d.getDate() + 1);
  return d.getTime();
}
