import { useMemo } from 'react';
import type { PresenceState } from '../../../shared/domain/telephony';
import { useAppSelector } from '../../app/hooks';
import { presenceOf } from './directoryModel';
import { useGetPresenceQuery } from './phoneApi';
import { selectCalls } from './phoneSlice';

/**
 * A number's live status: the PBX's view, with this console's own calls on top. `notSip`: numbers of devices the PBX
 * does not know by design (RTP speakers), shown as idle rather than 异常.
 */
export function usePresenceStatus(notSip?: ReadonlySet<string>): (number: string) => PresenceState {
  const { data: presence } = useGetPresenceQuery();
  const calls = useAppSelector(selectCalls);
  // Calls change every second (their figures); the status changes only when who is in a call changes.
  const busyKey = calls
    .filter((c) => c.state !== 'ended')
    .map((c) => c.party.number)
    .sort()
    .join(',');
  const ourBusy = useMemo(() => new Set(busyKey ? busyKey.split(',') : []), [busyKey]);
  return useMemo(() => (n: string) => (notSip?.has(n) && !ourBusy.has(n) ? 'idle' : presenceOf(n, presence, ourBusy)), [presence, ourBusy, notSip]);
}
