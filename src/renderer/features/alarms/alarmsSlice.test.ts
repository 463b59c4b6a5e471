import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent } from '../../../shared/domain/alarm';
import { alarmEventsReceived, alarmsSlice, popupHeld, popupReleased, popupShown, type AlarmsState } from './alarmsSlice';

const reduce = alarmsSlice.reducer;

function alarm(id: string, state: Alarm['state'] = 'new', level = 3): Alarm {
  return { id, state, level } as Alarm;
}
const news = (...ids: string[]): AlarmEvent[] => ids.map((id) => ({ change: 'new', alarm: alarm(id) }));
const receive = (s: AlarmsState, events: AlarmEvent[]) => reduce(s, alarmEventsReceived({ events, popupMinLevel: 2, at: 0 }));
const shown = (s: AlarmsState) => (s.popupOpen ? (s.popupId ?? s.pending[0]?.id ?? null) : null);

describe('alarm pop-up state', () => {
  it('shows the newest unhandled alarm at or above the pop-up level; a handled one leaves', () => {
    let s = receive(reduce(undefined, { type: 'init' }), news('a', 'b'));
    expect(shown(s)).toBe('b');
    s = receive(s, [{ change: 'new', alarm: alarm('low', 'new', 1) }]);
    expect(shown(s)).toBe('b');
    s = receive(s, [{ change: 'handled', alarm: alarm('b', 'accepted') }]);
    expect(shown(s)).toBe('a');
    s = receive(s, [{ change: 'handled', alarm: alarm('a', 'dismissed') }]);
    expect(s.popupOpen).toBe(false);
  });

  it('keeps the alarm the operator is on while a burst arrives, counts the newer ones, and moves on when let go', () => {
    let s = receive(reduce(undefined, { type: 'init' }), news('a'));
    s = reduce(s, popupHeld('a'));
    s = receive(s, news('b', 'c'));
    s = receive(s, news('d'));
    expect(shown(s)).toBe('a');
    expect(s.newWhileHeld).toBe(3);
    s = reduce(s, popupReleased());
    expect(shown(s)).toBe('d');
    expect(s.newWhileHeld).toBe(0);
  });

  it('lets go when the held alarm is handled (here or at another seat), and ‹ › picks one to stay on', () => {
    let s = receive(reduce(undefined, { type: 'init' }), news('a', 'b'));
    s = reduce(s, popupShown('a'));
    s = receive(s, news('c'));
    expect(shown(s)).toBe('a');
    s = receive(s, [{ change: 'handled', alarm: alarm('a', 'accepted') }]);
    expect(s.held).toBe(false);
    expect(shown(s)).toBe('c');
  });
});
