import type { Channel } from '../../shared/domain/catalogue';

/** A catalogue channel for wall tests: online, lab backend, county 140404, mine-a, category 01, unless overridden. */
export function channel(id: string, over: Partial<Channel> = {}): Channel {
  return {
    id,
    backendId: 'lab',
    name: id,
    gbId: null,
    countyCode: '140404',
    mineId: 'mine-a',
    categoryCode: '01',
    place: '',
    location: null,
    online: true,
    streams: ['janus-webrtc'],
    substream: false,
    ptz: false,
    ...over,
  };
}
