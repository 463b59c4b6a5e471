import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../shared/domain/telephony';
import { buildDirectory, presenceOf, type DirectoryNode } from './directoryModel';

const c = (id: string, number: string, extra: Partial<Contact> = {}): Contact => ({
  id,
  name: `人员${id}`,
  number,
  role: 'dispatch',
  org: '调度室',
  county: null,
  mineId: null,
  mineName: null,
  ...extra,
});

const contacts: Contact[] = [
  c('a', '1002', { name: '值班员', role: 'duty' }),
  c('b', '8001', { county: '襄垣县', mineId: 'm1', mineName: '五阳煤矿' }),
  c('c', '6002', { county: '襄垣县', role: 'leader', name: '县带班领导' }),
  c('d', '8002', { county: '长子县', mineId: 'm2', mineName: '石哲煤矿' }),
  c('e', '8003', { county: '襄垣县', mineId: 'm1', mineName: '五阳煤矿', role: 'leader', name: '矿长' }),
];

function titles(nodes: DirectoryNode[], depth = 0): string[] {
  return nodes.flatMap((n) =>
    n.kind === 'unit' ? [`${'  '.repeat(depth)}${n.title} ${n.online}/${n.total}`, ...titles(n.children, depth + 1)] : [`${'  '.repeat(depth)}${n.contact.number} ${n.status}`],
  );
}

describe('buildDirectory', () => {
  it('places people under centre, county and mine with online counts', () => {
    const tree = buildDirectory(contacts, (n) => (n === '8002' ? 'offline' : n === '8001' ? 'busy' : 'idle'));
    expect(titles(tree)).toEqual([
      '长治市应急指挥中心 4/5',
      '  1002 idle',
      '  襄垣县 3/3',
      '    6002 idle',
      '    五阳煤矿 2/2',
      '      8001 busy',
      '      8003 idle',
      '  长子县 0/1',
      '    石哲煤矿 0/1',
      '      8002 offline',
    ]);
  });

  it('filters by every term (name, number, mine, county, role)', () => {
    expect(titles(buildDirectory(contacts, () => 'idle', '五阳 矿长'))).toEqual(['长治市应急指挥中心 1/1', '  襄垣县 1/1', '    五阳煤矿 1/1', '      8003 idle']);
    expect(buildDirectory(contacts, () => 'idle', 'nobody')).toEqual([]);
  });
});

describe('presenceOf', () => {
  const presence = { at: 1, available: true, reason: null, states: { '8001': 'idle' as const } };
  it('prefers our own calls, then the PBX, and calls unknown numbers offline only when a PBX answered', () => {
    expect(presenceOf('8001', presence, new Set(['8001']))).toBe('busy');
    expect(presenceOf('8001', presence, new Set())).toBe('idle');
    expect(presenceOf('8002', presence, new Set())).toBe('offline');
    expect(presenceOf('8002', undefined, new Set())).toBe('idle');
  });
});
