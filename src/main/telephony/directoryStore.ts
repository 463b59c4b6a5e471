import { contactSchema, type Contact, type ContactGroup, type ContactRole } from '../../shared/domain/telephony';
import type { Db } from '../services/store';
import { MemberGroups } from './memberGroups';

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
 * The directory (通讯录) in SQLite (migration 3: `contacts`), with its groups: call groups and broadcast groups
 * (see MemberGroups). Deleting a contact removes it from every group; a group left empty goes with it.
 */
export class DirectoryStore {
  /** 自定义组: group calls and roll-call. */
  readonly callGroups: MemberGroups;
  /** 广播分组: emergency broadcast. */
  readonly broadcastGroups: MemberGroups;

  constructor(private readonly db: Db) {
    this.callGroups = new MemberGroups(db, { groups: 'contact_groups', members: 'contact_group_members', noun: '组' });
    this.broadcastGroups = new MemberGroups(db, { groups: 'broadcast_groups', members: 'broadcast_group_members', noun: '广播分组' });
  }

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
    return this.callGroups.list();
  }

  /** Creates or replaces a group; every member must be in the directory (repeats keep their first place). */
  saveGroup(group: ContactGroup): ContactGroup {
    return this.callGroups.save(group);
  }

  deleteGroup(id: string): boolean {
    return this.callGroups.delete(id);
  }

  private upsert() {
    return this.db.prepare(
      `INSERT INTO contacts (id, name, number, role, org, county, mine_id, mine_name, updated_at)
       VALUES (@id, @name, @number, @role, @org, @county, @mine_id, @mine_name, @updated_at)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, number = excluded.number, role = excluded.role, org = excluded.org,
         county = excluded.county, mine_id = excluded.mine_id, mine_name = excluded.mine_name, updated_at = excluded.updated_at`,
    );
  }

  /** Deletes call and broadcast groups left without members (after their last contact went); returns their names. */
  private dropEmptyGroups(): string[] {
    return [...this.callGroups.dropEmpty(), ...this.broadcastGroups.dropEmpty()];
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
