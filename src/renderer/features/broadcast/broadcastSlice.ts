import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { BroadcastSnapshot } from '../../media/broadcast/broadcastEngine';

/** What the broadcast engine last published: the running (or just ended) broadcast and a notice. */
const initialState: BroadcastSnapshot = { active: null, notice: null };

export const broadcastSlice = createSlice({
  name: 'broadcast',
  initialState,
  reducers: {
    broadcastChanged: (_state, action: PayloadAction<BroadcastSnapshot>) => action.payload,
  },
  selectors: {
    selectActiveBroadcast: (s) => s.active,
    selectBroadcastNotice: (s) => s.notice,
  },
});

export const { broadcastChanged } = broadcastSlice.actions;
export const { selectActiveBroadcast, selectBroadcastNotice } = broadcastSlice.selectors;
