import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Alarm, AlarmEvent } from '../../../shared/domain/alarm';
import type { RootState } from '../../app/store';

/** At most this many unhandled alarms are kept for the pop-up (the list page has every one). */
const MAX_PENDING = 300;
/** The newest arrivals, for the list page to show before its next fetch. */
const MAX_LIVE = 100;

export type AlarmsState = {
  /** Unhandled alarms at or above the pop-up level, newest first. */
  pending: Alarm[];
  /** The pop-up is open (a new alarm opens it; 稍后处理 closes it until the next one). */
  popupOpen: boolean;
  /** The alarm the pop-up shows (null: the newest pending). */
  popupId: string | null;
  /** The newest alarms that arrived live (any level), newest first. */
  live: Alarm[];
  /** Bumped whenever something arrives or is handled (sound and list refresh follow it). */
  arrivals: number;
  /** The alarm whose detail is open on the alarm page (the pop-up's 详情 opens it too). */
  detailId: string | null;
  /** How many times the alarm sound played (shown on the pop-up for tests and diagnostics). */
  chimes: number;
  /**
   * The operator is on the shown alarm (pointer over the pop-up, its 消警 reason open, or picked with ‹ ›): new
   * alarms then do not replace it under the hand — they are counted in `newWhileHeld` instead.
   */
  held: boolean;
  newWhileHeld: number;
  /** performance.now() when the last batch was applied (benchmarks read push→screen from the pop-up). */
  lastBatchAt: number;
};

const initialState: AlarmsState = { pending: [], popupOpen: false, popupId: null, live: [], arrivals: 0, detailId: null, chimes: 0, held: false, newWhileHeld: 0, lastBatchAt: 0 };

export const alarmsSlice = createSlice({
  name: 'alarms',
  initialState,
  reducers: {
    /** A batch of pushes, in the order they arrived; `popupMinLevel` from the settings. */
    alarmEventsReceived(state, action: PayloadAction<{ events: AlarmEvent[]; popupMinLevel: number; at: number }>) {
      const { events, popupMinLevel } = action.payload;
      let popped = 0;
      for (const { change, alarm } of events) {
        state.live = [alarm, ...state.live.filter((a) => a.id !== alarm.id)].slice(0, MAX_LIVE);
        if (change === 'new' && alarm.state === 'new' && alarm.level >= popupMinLevel) {
          state.pending = [alarm, ...state.pending.filter((a) => a.id !== alarm.id)].slice(0, MAX_PENDING);
          popped++;
        } else if (alarm.state !== 'new') {
          state.pending = state.pending.filter((a) => a.id !== alarm.id);
        }
      }
      // The alarm the operator is on was handled (here or at another seat): let go of it.
      if (state.popupId && !state.pending.some((a) => a.id === state.popupId)) {
        state.popupId = null;
        state.held = false;
      }
      if (popped > 0) {
        state.popupOpen = true;
        if (state.held) state.newWhileHeld += popped;
        else state.popupId = null;
      }
      if (state.pending.length === 0) state.popupOpen = false;
      state.arrivals += events.length;
      state.lastBatchAt = action.payload.at;
    },
    /** Unhandled alarms found at start (the pop-up stays closed; the badge counts them). */
    pendingLoaded(state, action: PayloadAction<Alarm[]>) {
      const known = new Set(state.pending.map((a) => a.id));
      const merged = [...state.pending, ...action.payload.filter((a) => !known.has(a.id))];
      state.pending = merged.sort((a, b) => b.receivedAt - a.receivedAt).slice(0, MAX_PENDING);
    },
    /** ‹ › or a click on 「N 条新报警」 (null: the newest, letting go). */
    popupShown(state, action: PayloadAction<string | null>) {
      state.popupOpen = true;
      state.popupId = action.payload;
      state.held = action.payload !== null;
      state.newWhileHeld = 0;
    },
    /** The pointer is over the pop-up, or its 消警 reason is open: keep the shown alarm. */
    popupHeld(state, action: PayloadAction<string>) {
      if (!state.held) state.newWhileHeld = 0;
      state.popupId = action.payload;
      state.held = true;
    },
    /** The pointer left (and no reason is open): newer alarms show again, the newest first. */
    popupReleased(state) {
      if (!state.held) return;
      state.held = false;
      if (state.newWhileHeld > 0) state.popupId = null;
      state.newWhileHeld = 0;
    },
    popupClosed(state) {
      state.popupOpen = false;
    },
    alarmChimed(state) {
      state.chimes++;
    },
    detailOpened(state, action: PayloadAction<string | null>) {
      state.detailId = action.payload;
    },
  },
});

export const { alarmEventsReceived, pendingLoaded, popupShown, popupHeld, popupReleased, popupClosed, detailOpened, alarmChimed } = alarmsSlice.actions;

export const selectPending = (s: RootState) => s.alarms.pending;
export const selectPopup = (s: RootState): Alarm | null => {
  const { pending, popupOpen, popupId } = s.alarms;
  if (!popupOpen || pending.length === 0) return null;
  return (popupId && pending.find((a) => a.id === popupId)) || pending[0]!;
};
export const selectLiveAlarms = (s: RootState) => s.alarms.live;
export const selectAlarmArrivals = (s: RootState) => s.alarms.arrivals;
export const selectNewWhileHeld = (s: RootState) => s.alarms.newWhileHeld;
export const selectAlarmChimes = (s: RootState) => s.alarms.chimes;
export const selectAlarmDetailId = (s: RootState) => s.alarms.detailId;
