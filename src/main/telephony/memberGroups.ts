import { ConsoleError } from '../../shared/contract/rpc';
import type { ContactGroup } from '../../shared/domain/telephony';
import type { Db } from '../services/store';

/** The group tables (fixed names only: they go into SQL). */
export type GroupTables =
  | { groups: 'contact_groups'; members: 'contact_group_members'; noun: '组' }
  | { groups: 'broadcast_groups'; members: 'broadcast_group_members'; noun: '广播分组' };

/**
 * Groups of directory entries, in order: call groups (自定义组, migration 3) and broadcast groups (广播分组,
 * migration 4) have the same shape. Members are contacts (foreign keys): deleting a contact removes it from every
 * group, and a group left without members is deleted with it (a group needs at least one member).
 */
export class MemberGroups {
  constructor(
    private readonly db: Db,
    private readonly t: GroupTables,
  ) {}

  list(): ContactGroup[] {
    const groups = this.db.prepare(`SELECT id, name FROM ${this.t.groups} ORDER BY name, id`).all() as { id: string; name: string }[];
    const members = this.db.prepare(`SELECT group_id, contact_id FROM ${this.t.members} ORDER BY group_id, position`).all() as {
      group_id: string;
      contact_id: string;
    }[];
    const byGroup = new Map<string, string[]>();
    for (const m of members) {
      const list = byGroup.get(m.group_id) ?? [];
      list.push(m.contact_id);
      byGroup.set(m.group_id, list);
    }
    return groups.map((g) => ({ id: g.id, name: g.name, memberIds: byGroup.get(g.id) ?? [] })).filter((g) => g.memberIds.length > 0);
  }

  get(id: string): ContactGroup | null {
    return this.list().find((g) => g.id === id) ?? null;
  }

  /** Creates or replaces a group; every member must be in the directory (repeats keep their first place). */
  save(group: ContactGroup): ContactGroup {
    const memberIds = [...new Set(group.memberIds)];
    return this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM contacts WHERE id = ?').pluck();
      const missing = memberIds.filter((id) => exists.get(id) === undefined);
      if (missing.length > 0) {
        const shown = missing.slice(0, 5).join('、') + (missing.length > 5 ? ` 等 ${missing.length} 个` : '');
        throw new ConsoleError('bad-request', `${this.t.noun}成员不在通讯录中: ${shown}`);
      }
      this.db
        .prepare(
          `INSERT INTO ${this.t.groups} (id, name, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at`,
        )
        .run(group.id, group.name, Date.now());
      this.db.prepare(`DELETE FROM ${this.t.members} WHERE group_id = ?`).run(group.id);
      const add = this.db.prepare(`INSERT INTO ${this.t.members} (group_id, contact_id, position) VALUES (?, ?, ?)`);
      memberIds.forEach((id, i) => add.run(group.id, id, i));
      return { id: group.id, name: group.name, memberIds };
    })();
  }

  delete(id: string): boolean {
    return this.db.prepare(`DELETE FROM ${this.t.groups} WHERE id = ?`).run(id).changes > 0;
  }

  /** Deletes groups without members (after their last contact went); returns their names. */
  dropEmpty(): string[] {
    const empty = this.db
      .prepare(`SELECT id, name FROM ${this.t.groups} g WHERE NOT EXISTS (SELECT 1 FROM ${this.t.members} m WHERE m.group_id = g.id)`)
      .all() as { id: string; name: string }[];
    const del = this.db.prepare(`DELETE FROM ${this.t.groups} WHERE id = ?`);
    for (const g of empty) del.run(g.id);
    return empty.map((g) => g.name);
  }
}
