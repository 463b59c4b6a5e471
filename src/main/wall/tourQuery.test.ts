import { channel } from './channelFixture.test-support';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/domain/catalogue';
import type { Tour, TourSource } from '../../shared/domain/wall';
import { resolveTour } from './tourQuery';


const tour = (source: TourSource): Tour => ({ id: 't', name: '轮巡', dwellSeconds: 10, source });
const query = (over: Partial<Extract<TourSource, { kind: 'query' }>> = {}): TourSource => ({
  kind: 'query',
  countyCode: null,
  mineId: null,
  categoryCode: null,
  onlineOnly: false,
  ...over,
});

const catalogue: Channel[] = [
  channel('lab:1', { countyCode: '140404', mineId: 'mine-a', categoryCode: '01' }),
  channel('lab:2', { countyCode: '140404', mineId: 'mine-a', categoryCode: '05', online: false }),
  channel('lab:3', { countyCode: '140404', mineId: 'mine-b', categoryCode: '05' }),
  channel('lab:4', { countyCode: '140425', mineId: 'mine-c', categoryCode: '01' }),
  channel('lab:5', { countyCode: null, mineId: null, categoryCode: '00' }),
];

describe('resolveTour: list', () => {
  it('keeps the list order (not the catalogue order) and drops channels the catalogue no longer has', () => {
    expect(resolveTour(tour({ kind: 'list', channelIds: ['lab:4', 'lab:1', 'gone:9', 'lab:2'] }), catalogue)).toEqual(['lab:4', 'lab:1', 'lab:2']);
  });

  it('keeps offline channels (a list is what the operator chose)', () => {
    expect(resolveTour(tour({ kind: 'list', channelIds: ['lab:2'] }), catalogue)).toEqual(['lab:2']);
  });

  it('keeps the whole list while the catalogue is empty (backend still connecting)', () => {
    expect(resolveTour(tour({ kind: 'list', channelIds: ['lab:1', 'gone:9'] }), [])).toEqual(['lab:1', 'gone:9']);
  });

  it('returns a copy, never the tour’s own array', () => {
    const t = tour({ kind: 'list', channelIds: ['lab:1'] });
    const ids = resolveTour(t, []);
    ids.push('x');
    expect(t.source.kind === 'list' && t.source.channelIds).toEqual(['lab:1']);
  });
});

describe('resolveTour: query', () => {
  it('with no filter takes every channel in catalogue order', () => {
    expect(resolveTour(tour(query()), catalogue)).toEqual(['lab:1', 'lab:2', 'lab:3', 'lab:4', 'lab:5']);
  });

  it('filters by county, mine, point category and online, all combined', () => {
    expect(resolveTour(tour(query({ countyCode: '140404' })), catalogue)).toEqual(['lab:1', 'lab:2', 'lab:3']);
    expect(resolveTour(tour(query({ mineId: 'mine-a' })), catalogue)).toEqual(['lab:1', 'lab:2']);
    expect(resolveTour(tour(query({ categoryCode: '05' })), catalogue)).toEqual(['lab:2', 'lab:3']);
    expect(resolveTour(tour(query({ onlineOnly: true })), catalogue)).toEqual(['lab:1', 'lab:3', 'lab:4', 'lab:5']);
    expect(resolveTour(tour(query({ countyCode: '140404', categoryCode: '05', onlineOnly: true })), catalogue)).toEqual(['lab:3']);
    expect(resolveTour(tour(query({ countyCode: '140425', mineId: 'mine-a' })), catalogue)).toEqual([]);
  });

  it('is evaluated afresh: a camera added to the mine joins, one that goes offline leaves an online-only tour', () => {
    const t = tour(query({ mineId: 'mine-b', onlineOnly: true }));
    expect(resolveTour(t, catalogue)).toEqual(['lab:3']);
    const later = [...catalogue.map((c) => (c.id === 'lab:3' ? { ...c, online: false } : c)), channel('lab:6', { mineId: 'mine-b' })];
    expect(resolveTour(t, later)).toEqual(['lab:6']);
  });

  it('an empty catalogue gives an empty query tour', () => {
    expect(resolveTour(tour(query()), [])).toEqual([]);
  });
});
