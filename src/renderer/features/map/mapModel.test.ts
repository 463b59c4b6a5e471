import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../shared/domain/alarm';
import type { Channel, Mine } from '../../../shared/domain/catalogue';
import type { GpsUnit } from '../../../shared/domain/gps';
import { groupSelection, mineCategoryCounts, minePoints, mineStatuses } from './mapModel';
import { readMapFocus, mapFocusHash } from './mapFocus';
import { positionAt } from './engine/trackPlayback';

const mine = (id: string): Mine => ({ id, name: `${id}煤矿`, shortName: id, countyCode: '140423', location: [113, 36.5] });
const channel = (id: string, mineId: string, categoryCode: string, online: boolean): Channel => ({
  id,
  backendId: 'b',
  name: id,
  gbId: null,
  countyCode: '140423',
  mineId,
  categoryCode,
  place: '',
  location: [113.001, 36.501],
  online,
  streams: ['janus-webrtc'],
  substream: false,
  ptz: false,
});
const alarm = (mineId: string, level: 1 | 2 | 3 | 4, state: Alarm['state']) => ({ id: `${mineId}-${level}-${state}`, mineId, level, state }) as Alarm;
const unit = (id: string, kind: GpsUnit['kind'], phone: string | null, channelId: string | null): GpsUnit => ({ id, kind, name: id, mineId: null, phone, channelId, last: null, online: true });

describe('mine status', () => {
  it('is red with open alarms, amber below 90 % online, green otherwise, grey without channels', () => {
    const catalogue = {
      mines: [mine('A'), mine('B'), mine('C'), mine('D')],
      channels: [channel('a1', 'A', '01', true), channel('b1', 'B', '01', true), channel('b2', 'B', '02', false), channel('c1', 'C', '05', true)],
    };
    const s = mineStatuses(catalogue, [alarm('A', 3, 'new'), alarm('A', 4, 'accepted'), alarm('C', 2, 'dismissed')]);
    expect(s.get('A')).toMatchObject({ status: 'alarm', openAlarms: 1, maxLevel: 3, total: 1, online: 1 });
    expect(s.get('B')).toMatchObject({ status: 'degraded', total: 2, online: 1 });
    expect(s.get('C')!.status).toBe('ok');
    expect(s.get('D')!.status).toBe('empty');
    expect(minePoints(s).map((p) => p.label)).toEqual(['A', 'B', 'C', 'D']);
  });

  it("lists a mine's 36 point categories with its channel counts", () => {
    const rows = mineCategoryCounts('B', [channel('b1', 'B', '01', true), channel('b2', 'B', '01', false), channel('x', 'X', '01', true)]);
    expect(rows).toHaveLength(36);
    expect(rows[0]).toMatchObject({ code: '01', total: 2, online: 1 });
    expect(rows[1]).toMatchObject({ code: '02', total: 0 });
  });
});

describe('selection grouping', () => {
  it('groups by type and gathers the channels to preview and the numbers to call', () => {
    const channels = new Map([['c1', channel('c1', 'A', '01', true)]]);
    const units = new Map([
      ['s1', unit('s1', 'soldier', '8001', 'c9')],
      ['v1', unit('v1', 'vehicle', '8002', null)],
      ['d1', unit('d1', 'drone', null, 'c8')],
      ['a1', unit('a1', 'app', '8001', null)],
    ]);
    const picked = new Map([
      ['cameras', [{ id: 'c1', lon: 0, lat: 0, color: '' }]],
      ['units', ['s1', 'v1', 'd1', 'a1'].map((id) => ({ id, lon: 0, lat: 0, color: '' }))],
      ['mines', [{ id: 'A', lon: 0, lat: 0, color: '' }]],
    ]);
    const g = groupSelection(picked, channels, units);
    expect(Object.fromEntries(Object.entries(g.byType).map(([k, v]) => [k, v.map((x) => x.id)]))).toEqual({ app: ['a1'], soldier: ['s1'], vehicle: ['v1'], camera: ['c1'], drone: ['d1'] });
    expect(g.channelIds).toEqual(['c1', 'c9', 'c8']);
    expect(g.phones.map((p) => p.number)).toEqual(['8001', '8002', '8001']);
    expect(g.mines).toEqual(['A']);
  });
});

describe('map focus address', () => {
  it('reads alarms, events and places and refuses nonsense', () => {
    expect(readMapFocus('#/map?alarm=a%201')).toEqual({ kind: 'alarm', id: 'a 1' });
    expect(readMapFocus(mapFocusHash({ kind: 'event', id: 'E-1' }))).toEqual({ kind: 'event', id: 'E-1' });
    expect(readMapFocus('#/map?lon=113.1&lat=36.2')).toEqual({ kind: 'place', lon: 113.1, lat: 36.2 });
    expect(readMapFocus('#/map?lon=413&lat=36')).toBeNull();
    expect(readMapFocus('#/map?lon=113&lat=36&h=8000')).toEqual({ kind: 'place', lon: 113, lat: 36, height: 8000 });
    expect(readMapFocus('#/wall?alarm=1')).toBeNull();
  });
});

describe('track playback position', () => {
  const fix = (at: number, lon: number) => ({ unitId: 'u', at, lon, lat: 36, alt: null, speed: null, heading: null });
  const fixes = [fix(1000, 113), fix(2000, 113.01), fix(4000, 113.03)];
  it('interpolates between fixes and holds at the ends', () => {
    expect(positionAt(fixes, 0)).toMatchObject({ lon: 113, index: 0 });
    expect(positionAt(fixes, 1500)!.lon).toBeCloseTo(113.005, 9);
    expect(positionAt(fixes, 3000)).toMatchObject({ index: 1 });
    expect(positionAt(fixes, 3000)!.lon).toBeCloseTo(113.02, 9);
    expect(positionAt(fixes, 9000)).toMatchObject({ lon: 113.03, index: 2 });
    expect(positionAt([], 0)).toBeNull();
  });
});
