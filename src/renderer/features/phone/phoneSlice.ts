import { createSelector, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { PhoneSnapshot } from '../../media/telephony/phoneEngine';

/** What the phone engine last published (lines, calls, roll-call, notice), plus this window's picks. */
type PhoneState = PhoneSnapshot & { selectedCallIds: string[]; dialText: string };

const initialState: PhoneState = { lines: [], calls: [], rollCall: null, notice: null, selectedCallIds: [], dialText: '' };

export const phoneSlice = createSlice({
  name: 'phone',
  initialState,
  reducers: {
    phoneChanged: (state, action: PayloadAction<PhoneSnapshot>) => {
      const live = new Set(action.payload.calls.filter((c) => c.state !== 'ended').map((c) => c.id));
      return { ...state, ...action.payload, selectedCallIds: state.selectedCallIds.filter((id) => live.has(id)) };
    },
    callSelectionToggled: (state, action: PayloadAction<string>) => {
      const i = state.selectedCallIds.indexOf(action.payload);
      if (i >= 0) state.selectedCallIds.splice(i, 1);
      else state.selectedCallIds.push(action.payload);
    },
    dialTextChanged: (state, action: PayloadAction<string>) => {
      state.dialText = action.payload.replace(/[^0-9A-Za-z*#+._-]/g, '').slice(0, 64);
    },
  },
  selectors: {
    selectLines: (s) => s.lines,
    selectCalls: (s) => s.calls,
    selectRollCall: (s) => s.rollCall,
    selectPhoneNotice: (s) => s.notice,
    selectSelectedCallIds: (s) => s.selectedCallIds,
    selectDialText: (s) => s.dialText,
  },
});

export const { phoneChanged, callSelectionToggled, dialTextChanged } = phoneSlice.actions;
export const { selectLines, selectCalls, selectRollCall, selectPhoneNotice, selectSelectedCallIds, selectDialText } = phoneSlice.selectors;

/** Calls the phone page shows: a broadcast's legs are shown on the broadcast page instead. */
export const selectPhoneCalls = createSelector([selectCalls], (calls) => calls.filter((c) => c.kind !== 'broadcast'));
