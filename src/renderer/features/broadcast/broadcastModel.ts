import type { BroadcastRecord, BroadcastState, DeliveryState } from '../../../shared/domain/broadcast';
import type { Contact } from '../../../shared/domain/telephony';
import { localDateTime } from '../../../shared/localTime';
import { formatDuration } from '../../media/telephony/callOutcome';

/** Roles that are broadcast devices (listed first when a broadcast group is edited). */
export function isBroadcastDevice(c: Contact): boolean {
  return c.role === 'speaker' || c.role === 'column' || c.role === 'ipc';
}

export const DELIVERY_COLOR: Record<DeliveryState, string> = { pending: 'default', calling: 'processing', answered: 'success', ended: 'default' };

export const RESULT_COLOR: Record<BroadcastState, string> = { running: 'processing', completed: 'success', stopped: 'warning', failed: 'error', interrupted: 'error' };

/** A clip's length as mm:ss. */
export function clipLength(ms: number): string {
  return formatDuration(ms);
}

/** How long an endpoint was on air (answered → ended), or null. */
export function onAirMs(d: { answeredAt: number | null; endedAt: number | null }): number | null {
  return d.answeredAt !== null && d.endedAt !== null ? Math.max(0, d.endedAt - d.answeredAt) : null;
}

/** Answered endpoints of a record, of all. */
export function reached(r: BroadcastRecord): { answered: number; total: number } {
  return { answered: r.deliveries.filter((d) => d.answeredAt !== null).length, total: r.deliveries.length };
}

export const timeText = localDateTime;
