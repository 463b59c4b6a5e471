import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { StreamKind } from '../../../shared/domain/catalogue';

export type TransportChoice = 'auto' | StreamKind;
export type SidePanel = 'ptz' | 'tours' | 'scenes' | 'media' | null;

/**
 * What one window decides for itself (the wall's content lives on the Node side): which monitor this
 * console page drives, the selected tile, the transport preference, the maximised tile, the cells
 * picked for a merge, and the open side panel.
 */
type WallUiState = {
  monitor: number;
  selected: number;
  transport: TransportChoice;
  /** Index of the tile shown full-window, or null. */
  maximised: number | null;
  /** Cells picked while editing a custom layout (merge mode), null when not editing. */
  merging: number[] | null;
  panel: SidePanel;
};

const initialState: WallUiState = { monitor: 1, selected: 0, transport: 'auto', maximised: null, merging: null, panel: null };

export const wallUiSlice = createSlice({
  name: 'wallUi',
  initialState,
  reducers: {
    monitorChosen: (state, action: PayloadAction<number>) => {
      state.monitor = action.payload;
      state.selected = 0;
      state.maximised = null;
      state.merging = null;
    },
    tileSelected: (state, action: PayloadAction<number>) => {
      state.selected = action.payload;
      if (state.merging) {
        const i = state.merging.indexOf(action.payload);
        if (i >= 0) state.merging.splice(i, 1);
        else state.merging.push(action.payload);
      }
    },
    transportChanged: (state, action: PayloadAction<TransportChoice>) => {
      state.transport = action.payload;
    },
    maximisedToggled: (state, action: PayloadAction<number | null>) => {
      state.maximised = state.maximised === action.payload ? null : action.payload;
    },
    mergeModeSet: (state, action: PayloadAction<boolean>) => {
      state.merging = action.payload ? [] : null;
    },
    panelToggled: (state, action: PayloadAction<SidePanel>) => {
      state.panel = state.panel === action.payload ? null : action.payload;
    },
  },
  selectors: {
    selectMonitorId: (s) => s.monitor,
    selectSelectedTile: (s) => s.selected,
    selectTransport: (s) => s.transport,
    selectMaximised: (s) => s.maximised,
    selectMerging: (s) => s.merging,
    selectPanel: (s) => s.panel,
  },
});

export const { monitorChosen, tileSelected, transportChanged, maximisedToggled, mergeModeSet, panelToggled } = wallUiSlice.actions;
export const { selectMonitorId, selectSelectedTile, selectTransport, selectMaximised, selectMerging, selectPanel } = wallUiSlice.selectors;

/** Transports to ask the host for, best first, given the user's choice ('auto': WebRTC, then jsmpeg). */
export function acceptedTransports(choice: TransportChoice): StreamKind[] {
  if (choice === 'auto') return ['janus-webrtc', 'jsmpeg-ws'];
  return [choice];
}
