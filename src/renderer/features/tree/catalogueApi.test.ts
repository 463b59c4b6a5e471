import { describe, expect, it } from 'vitest';
import { produce } from 'immer';
import type { Catalogue } from '../../../shared/domain/catalogue';
import { freezeCatalogue } from './catalogueApi';

const catalogue = (): Catalogue => ({
  version: 1,
  mines: [{ id: 'M1', name: '五阳煤矿', shortName: '五阳煤矿', countyCode: '140423', location: [113.1, 36.5] }],
  channels: [
    { id: 'lab:1', backendId: 'lab', name: '主井口', gbId: null, countyCode: '140423', mineId: 'M1', categoryCode: '02', place: '', location: [113.1, 36.5], online: true, streams: ['janus-webrtc'], substream: false, ptz: false },
  ],
  backends: [{ backendId: 'lab', name: 'lab', kind: 'janus', state: 'online', message: null, channelCount: 1, updatedAt: 1 }],
});

describe('freezeCatalogue', () => {
  it('freezes every level, so the store (immer) keeps it as it is without walking it', () => {
    const c = freezeCatalogue(catalogue());
    for (const x of [c, c.channels, c.channels[0]!, c.channels[0]!.streams, c.channels[0]!.location!, c.mines, c.mines[0]!, c.mines[0]!.location!, c.backends, c.backends[0]!]) {
      expect(Object.isFrozen(x)).toBe(true);
    }
    const state = produce({ data: null as Catalogue | null }, (draft) => {
      draft.data = c;
    });
    expect(state.data).toBe(c);
  });
});
