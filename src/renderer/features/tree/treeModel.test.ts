import { describe, expect, it } from 'vitest';
import type { Channel, Mine } from '../../../shared/domain/catalogue';
import { buildDeviceTree, channelIdsUnder, innerKeys, searchTerms, treeRows } from './treeModel';

const mines: Mine[] = [
  { id: 'M1', name: '山西潞安环保能源开发股份有限公司五阳煤矿', shortName: '五阳煤矿', countyCode: '140423', location: [113.1, 36.5] },
  { id: 'M2', name: '常村煤矿', shortName: '常村煤矿', countyCode: '140405', location: [112.9, 36.3] },
];

function ch(id: string, mineId: string | null, county: string | null, category: string, name: string, online = true): Channel {
  return {
    id: `lab:${id}`,
    backendId: 'lab',
    name,
    gbId: null,
    countyCode: county,
    mineId,
    categoryCode: category,
    place: '',
    location: null,
    online,
    streams: ['janus-webrtc'],
    substream: false,
    ptz: false,
  };
}

const channels = [
  ch('1', 'M1', '140423', '02', '五阳煤矿主井口'),
  ch('2', 'M1', '140423', '05', '五阳煤矿调度室', false),
  ch('3', 'M2', '140405', '02', '常村煤矿主井口'),
  ch('4', null, null, '99', '未知通道'),
];

describe('buildDeviceTree', () => {
  it('groups city → county → mine → category → channel with counts', () => {
    const root = buildDeviceTree({ mines, channels });
    expect(root.title).toBe('长治市');
    expect(root.total).toBe(4);
    expect(root.online).toBe(3);
    // county order follows the adcode list: 屯留区 (140405) before 襄垣县 (140423), unassigned last
    expect(root.children.map((c) => c.title)).toEqual(['屯留区', '襄垣县', '未归属区县']);
    const xiangyuan = root.children[1]!;
    expect(xiangyuan.children[0]!.title).toBe('五阳煤矿');
    expect(xiangyuan.children[0]!.detail).toContain('五阳煤矿');
    expect(xiangyuan.children[0]!.children.map((c) => c.title)).toEqual(['02 主井口', '05 调度室']);
    expect(xiangyuan.online).toBe(1);
    expect(xiangyuan.total).toBe(2);
  });

  it('labels unknown categories as unclassified', () => {
    const root = buildDeviceTree({ mines, channels });
    const unassigned = root.children[2]!;
    expect(unassigned.children[0]!.title).toBe('未归属煤矿');
    expect(unassigned.children[0]!.children[0]!.title).toBe('99 未分类');
  });

  it('filters by every search term over names, categories and counties', () => {
    expect(buildDeviceTree({ mines, channels }, '主井口').total).toBe(2);
    expect(buildDeviceTree({ mines, channels }, '襄垣县 主井口').total).toBe(1);
    expect(buildDeviceTree({ mines, channels }, '调度室').children[0]!.title).toBe('襄垣县');
    expect(buildDeviceTree({ mines, channels }, 'no such thing').children).toEqual([]);
  });

  it('lists inner keys for expansion', () => {
    const keys = innerKeys(buildDeviceTree({ mines, channels }, '常村'));
    expect(keys).toEqual(['city', 'county:140405', 'mine:140405/M2', 'cat:140405/M2/02']);
  });
});

describe('buildDeviceTree with a search', () => {
  it('keeps the full tree order and counts below every kept node', () => {
    const many = [...channels, ch('5', 'M1', '140423', '02', '五阳煤矿副井口', false), ch('6', 'M1', '140423', '02', '五阳煤矿主井口东')];
    const full = buildDeviceTree({ mines, channels: many });
    const filtered = buildDeviceTree({ mines, channels: many }, '五阳 井口');
    expect(channelIdsUnder(filtered)).toEqual(channelIdsUnder(full).filter((id) => ['lab:1', 'lab:5', 'lab:6'].includes(id)));
    expect(filtered).toMatchObject({ total: 3, online: 2 });
    expect(filtered.children[0]).toMatchObject({ title: '襄垣县', total: 3, online: 2 });
    // The full tree is untouched by the search.
    expect(buildDeviceTree({ mines, channels: many })).toBe(full);
    expect(full.total).toBe(6);
  });

  it("finds a channel by its mine's county when the channel names none", () => {
    const noCounty = [ch('7', 'M2', null, '05', '调度室')];
    const root = buildDeviceTree({ mines, channels: noCounty }, '屯留区');
    expect(root.total).toBe(1);
    expect(root.children[0]!.title).toBe('屯留区');
  });

  it('matches case-insensitively, ignoring extra white space', () => {
    const named = [ch('8', 'M1', '140423', '02', 'PTZ Camera 1')];
    expect(buildDeviceTree({ mines, channels: named }, '  ptz   CAMERA ').total).toBe(1);
    expect(searchTerms('  A  b ')).toEqual(['a', 'b']);
  });
});

describe('treeRows', () => {
  it('gives only expanded nodes their children; collapsed inner nodes keep an expand switcher', () => {
    const root = buildDeviceTree({ mines, channels });
    const rows = treeRows(root, new Set(['city', 'county:140423']));
    expect(rows.children!.map((r) => r.key)).toEqual(['county:140405', 'county:140423', 'county:000000']);
    const [tunliu, xiangyuan] = rows.children!;
    expect(tunliu!.isLeaf).toBe(false);
    expect(tunliu!.children).toBeUndefined();
    expect(xiangyuan!.children!.map((r) => r.title)).toEqual(['五阳煤矿']);
    expect(xiangyuan!.children![0]!.isLeaf).toBe(false);
    expect(xiangyuan!.children![0]!.children).toBeUndefined();
    // Every row carries its model node (drag and drop takes channel ids from it).
    expect(channelIdsUnder(xiangyuan!.node)).toEqual(['lab:1', 'lab:2']);

    const all = treeRows(root, new Set(innerKeys(root)));
    const leaf = all.children![0]!.children![0]!.children![0]!.children![0]!;
    expect(leaf).toMatchObject({ key: 'ch:lab:3', isLeaf: true });
    expect(leaf.children).toBeUndefined();
  });
});
