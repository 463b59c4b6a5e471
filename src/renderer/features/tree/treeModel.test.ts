import { describe, expect, it } from 'vitest';
import type { Channel, Mine } from '../../../shared/domain/catalogue';
import { buildDeviceTree, innerKeys } from './treeModel';

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
