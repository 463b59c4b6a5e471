import { describe, expect, it } from 'vitest';
import { acceptedTransports, channelOpened, layoutChanged, liveSlice, tileClosed } from './liveSlice';

const reduce = liveSlice.reducer;

describe('liveSlice', () => {
  it('fills tiles in order and wraps within the layout', () => {
    let s = reduce(undefined, layoutChanged(4));
    for (const id of ['a', 'b', 'c', 'd', 'e']) s = reduce(s, channelOpened({ channelId: id }));
    expect(s.tiles.slice(0, 4).map((t) => t.channelId)).toEqual(['e', 'b', 'c', 'd']);
    expect(s.selected).toBe(1);
  });

  it('reopening the same channel makes a new generation (fresh player)', () => {
    let s = reduce(undefined, channelOpened({ channelId: 'a', tile: 2 }));
    const g = s.tiles[2]!.generation;
    s = reduce(s, channelOpened({ channelId: 'a', tile: 2 }));
    expect(s.tiles[2]!.generation).toBe(g + 1);
    s = reduce(s, tileClosed(2));
    expect(s.tiles[2]!.channelId).toBeNull();
  });

  it('maps the transport choice to an accept list', () => {
    expect(acceptedTransports('auto')).toEqual(['janus-webrtc', 'jsmpeg-ws']);
    expect(acceptedTransports('jsmpeg-ws')).toEqual(['jsmpeg-ws']);
  });
});
