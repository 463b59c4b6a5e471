import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { StreamKind } from '../../../shared/domain/catalogue';

/**
 * The live view's tiles. A first, renderer-local wall: the full multi-monitor wall with its state
 * on the Node side is a later step (see docs/ARCHITECTURE.md).
 */
export const LAYOUTS = [1, 4, 9] as const;
export type Layout = (typeof LAYOUTS)[number];
export type TransportChoice = 'auto' | StreamKind;

type Tile = { channelId: string | null; /** bumped to force a fresh player for the same channel */ generation: number };
type LiveState = { layout: Layout; tiles: Tile[]; selected: number; transport: TransportChoice };

const emptyTiles = (n: number): Tile[] => Array.from({ length: n }, () => ({ channelId: null, generation: 0 }));

const initialState: LiveState = { layout: 4, tiles: emptyTiles(9), selected: 0, transport: 'auto' };

export const liveSlice = createSlice({
  name: 'live',
  initialState,
  reducers: {
    layoutChanged: (state, action: PayloadAction<Layout>) => {
      state.layout = action.payload;
      if (state.selected >= action.payload) state.selected = 0;
    },
    tileSelected: (state, action: PayloadAction<number>) => {
      if (action.payload >= 0 && action.payload < state.layout) state.selected = action.payload;
    },
    /** Opens a channel in the selected tile (or `tile`), then selects the next tile so repeated opens fill the layout. */
    channelOpened: (state, action: PayloadAction<{ channelId: string; tile?: number }>) => {
      const index = action.payload.tile ?? state.selected;
      const tile = state.tiles[index];
      if (!tile) return;
      tile.channelId = action.payload.channelId;
      tile.generation += 1;
      if (action.payload.tile === undefined) state.selected = (index + 1) % state.layout;
    },
    tileClosed: (state, action: PayloadAction<number>) => {
      const tile = state.tiles[action.payload];
      if (tile) tile.channelId = null;
    },
    transportChanged: (state, action: PayloadAction<TransportChoice>) => {
      state.transport = action.payload;
      for (const tile of state.tiles) tile.generation += 1;
    },
  },
  selectors: {
    selectLayout: (s) => s.layout,
    selectTiles: (s) => s.tiles,
    selectSelectedTile: (s) => s.selected,
    selectTransport: (s) => s.transport,
  },
});

export const { layoutChanged, tileSelected, channelOpened, tileClosed, transportChanged } = liveSlice.actions;
export const { selectLayout, selectTiles, selectSelectedTile, selectTransport } = liveSlice.selectors;

/** Transports to ask the host for, best first, given the user's choice. */
export function acceptedTransports(choice: TransportChoice): StreamKind[] {
  if (choice === 'auto') return ['janus-webrtc', 'jsmpeg-ws'];
  return [choice];
}
