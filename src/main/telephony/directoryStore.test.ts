import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { contactGroupSchema, contactSchema } from '../../shared/domain/telephony';
import { DirectoryStore } from './directoryStore';
import { contact, tempStores } from './telephonyFixture.test-support';

const stores = tempStores();
afterEach(() => stores.cleanup());

describe('DirectoryStore', () => {
  it('saves, updates, lists and deletes contacts (centre first, then by county and mine)', () => {
    const dir = new DirectoryStore(stores.fresh().db);
    dir.saveContact(contact('a', '2001'));
    dir.saveContact(contact('c', '8001', { county: null, mineId: null, mineName: null, org: '市应急指挥中心' }));
    dir.saveContact(contact('a', '2002', { name: '改名' }));
    const list = dir.listContacts();
    expect(list.map((c) => c.id)).toEqual(['c', 'a']);
    expect(list[1]).toMatchObject({ number: '2002', name: '改名' });
    for (const c of list) expect(contactSchema.parse(c)).toEqual(c);
    expect(dir.deleteContact('a').found).toBe(true);
    expect(dir.deleteContact('a').found).toBe(false);
    expect(dir.countContacts()).toBe(1);
  });

  it('imports by id, or replaces the whole directory in one transaction', () => {
    const dir = new DirectoryStore(stores.fresh().db);
    dir.saveContact(contact('old', '1000'));
    expect(dir.importContacts([contact('a', '2001'), contact('b', '2002'), contact('a', '2003')], false).count).toBe(2);
    expect(dir.listContacts().map((c) => c.id).sort()).toEqual(['a', 'b', 'old']);
    expect(dir.listContacts().find((c) => c.id === 'a')?.number).toBe('2003');
    expect(dir.importContacts([contact('b', '2002'), contact('x', '3001')], true).count).toBe(2);
    expect(dir.listContacts().map((c) => c.id).sort()).toEqual(['b', 'x']);
    // A bad entry anywhere leaves the directory as it was.
    const bad = { ...contact('y', '3002'), number: 'no spaces allowed' };
    expect(() => dir.importContacts([contact('z', '3003'), bad], true)).toThrow();
    expect(dir.listContacts().map((c) => c.id).sort()).toEqual(['b', 'x']);
  });

  it('keeps groups in roll-call order, refuses unknown members, and drops deleted contacts from groups', () => {
    const dir = new DirectoryStore(stores.fresh().db);
    dir.importContacts([contact('a', '2001'), contact('b', '2002'), contact('c', '2003')], false);
    const g = dir.saveGroup({ id: 'g1', name: '王庄点名', memberIds: ['c', 'a', 'c', 'b'] });
    expect(g.memberIds).toEqual(['c', 'a', 'b']);
    dir.saveGroup({ id: 'g2', name: '只有 b', memberIds: ['b'] });
    let err: unknown;
    try {
      dir.saveGroup({ id: 'g3', name: '坏组', memberIds: ['a', 'nobody'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).code).toBe('bad-request');
    expect((err as ConsoleError).message).toContain('nobody');
    expect(dir.listGroups().map((x) => x.id).sort()).toEqual(['g1', 'g2']);

    // Deleting b removes it from g1 and removes g2, which has no one left.
    expect(dir.deleteContact('b').removedGroups).toEqual(['只有 b']);
    expect(dir.listGroups()).toEqual([{ id: 'g1', name: '王庄点名', memberIds: ['c', 'a'] }]);
    // Replacing the directory drops members that are gone.
    dir.importContacts([contact('a', '2001')], true);
    expect(dir.listGroups()).toEqual([{ id: 'g1', name: '王庄点名', memberIds: ['a'] }]);
    for (const x of dir.listGroups()) contactGroupSchema.parse(x);
    // Renaming keeps the id; deleting is idempotent.
    dir.saveGroup({ id: 'g1', name: '新名字', memberIds: ['a'] });
    expect(dir.listGroups()[0]?.name).toBe('新名字');
    expect(dir.deleteGroup('g1')).toBe(true);
    expect(dir.deleteGroup('g1')).toBe(false);
    expect(dir.listContacts()).toHaveLength(1);
  });
});
