import { ConsoleError } from '../../shared/contract/rpc';
import { contactSchema, type Contact, type ContactGroup, type ContactRole } from '../../shared/domain/telephony';
import type { Db } from '../services/store';

type ContactRow = {
  id: string;
  name: string;
  number: string;
  role: string;
  org: string;
  county: string | null;
  mine_id: string | null;
  mine_name: string | null;
};

/**
 * The directory (通讯录) and custom groups in SQLite (migration 3: `contacts`, `contact_groups`,
 * `contact_group_members`). Group members are contacts (foreign keys): deleting a contact removes it from every
 * group, and a group left without members is deleted with it (a group needs at least one member).
 */
export class DirectoryStore {
  constructor(private readonly db: Db) {}

  listContacts(): Contact[] {
    const rows = this.db.prepare('SELECT * FROM contacts ORDER BY county IS NOT NULL, county, mine_name, org, name, id').all() as ContactRow[];
    return rows.map(toContact);
  }

  countContacts(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM contacts').get() as { n: number }).n;
  }

  saveContact(contact: Contact): Contact {
    this.upsert().run(toRow(contact, Date.now()));
    return contact;
  }

  /** Deletes a contact (and its group memberships); returns the names of groups that were left empty and removed. */
  deleteContact(id: string): { found: boolean; removedGroups: string[] } {
    return this.db.transaction(() => {
      const found = this.db.prepare('DELETE FROM contacts WHERE id = ?').run(id).changes > 0;
      return { found, removedGroups: this.dropEmptyGroups() };
    })();
  }

  /** Adds or replaces by id; with `replace` the directory becomes exactly these (one transaction). */
  importContacts(contacts: readonly Contact[], replace: boolean): { count: number; removedGroups: string[] } {
    const parsed = contacts.map((c) => contactSchema.parse(c));
    return this.db.transaction(() => {
      const now = Date.now();
      if (replace) {
        const keep = new Set(parsed.map((c) => c.id));
        const del = this.db.prepare('DELETE FROM contacts WHERE id = ?');
        for (const { id } of this.db.prepare('SELECT id FROM contacts').all() as { id: string }[]) if (!keep.has(id)) del.run(id);
      }
      const put = this.upsert();
      for (const c of parsed) put.run(toRow(c, now));
      return { count: new Set(parsed.map((c) => c.id)).size, removedGroups: this.dropEmptyGroups() };
    })();
  }

  listGroups(): ContactGroup[] {
    const groups = this.db.prepare('SELECT id, name FROM contact_groups ORDER BY name, id').all() as { id: string; name: string }[];
    const members = this.db.prepare('SELECT group_id, contact_id FROM contact_group_members ORDER BY group_id, position').all() as {
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

  /** Creates or replaces a group; every member must be in the directory (repeats keep their first place). */
  saveGroup(group: ContactGroup): ContactGroup {
    const memberIds = [...new Set(group.memberIds)];
    return this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM contacts WHERE id = ?').pluck();
      const missing = memberIds.filter((id) => exists.get(id) === undefined);
      if (missing.length > 0) {
        const shown = missing.slice(0, 5).join('、') + (missing.length > 5 ? ` 等 ${missing.length} 个` : '');
        throw new ConsoleError('bad-request', `组成员不在通讯录中: ${shown}`);
      }
      this.db
        .prepare('INSERT INTO contact_groups (id, name, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at')
        .run(group.id, group.name, Date.now());
      this.db.prepare('DELETE FROM contact_group_members WHERE group_id = ?').run(group.id);
      const add = this.db.prepare('INSERT INTO contact_group_members (group_id, contact_id, position) VALUES (?, ?, ?)');
      memberIds.forEach((id, i) => add.run(group.id, id, i));
      return { id: group.id, name: group.name, memberIds };
    })();
  }

  deleteGroup(id: string): boolean {
    return this.db.prepare('DELETE FROM contact_groups WHERE id = ?').run(id).changes > 0;
  }

  private upsert() {
    return this.db.prepare(
      `INSERT INTO contacts (id, name, number, role, org, county, mine_id, mine_name, updated_at)
       VALUES (@id, @name, @number, @role, @org, @county, @mine_id, @mine_name, @updated_at)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, number = excluded.number, role = excluded.role, org = excluded.org,
         county = excluded.county, mine_id = excluded.mine_id, mine_name = excluded.mine_name, updated_at = excluded.updated_at`,
    );
  }

  /** Deletes groups without members (after their last contact went); returns their names. */
  private dropEmptyGroups(): string[] {
    const empty = this.db
      .prepare('SELECT id, name FROM contact_groups g WHERE NOT EXISTS (SELECT 1 FROM contact_group_members m WHERE m.group_id = g.id)')
      .all() as { id: string; name: string }[];
    const del = this.db.prepare('DELETE FROM contact_groups WHERE id = ?');
    for (const g of empty) del.run(g.id);
    return empty.map((g) => g.name);
  }
}

function toRow(c: Contact, now: number): ContactRow & { updated_at: number } {
  return {
    id: c.id,
    name: c.name,
    number: c.number,
    role: c.role,
    org: c.org,
    county: c.county,
    mine_id: c.mineId,
    mine_name: c.mineName,
    updated_at: now,
  };
}

function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    name: r.name,
    number: r.number,
    role: r.role as ContactRole,
    org: r.org,
    county: r.county,
    mineId: r.mine_id,
    mineName: r.mine_name,
  };
}
