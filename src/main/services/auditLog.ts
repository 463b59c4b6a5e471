import type { AuditEntry } from '../../shared/domain/audit';
import type { Db } from './store';

/** Append-only record of user actions (who did what, when). The table refuses updates and deletes. */
export class AuditLog {
  constructor(private readonly db: Db) {}

  record(actor: string, action: string, target: string | null, detail: Record<string, unknown> | null = null): void {
    this.db
      .prepare('INSERT INTO audit_log(at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(Date.now(), actor, action, target, detail ? JSON.stringify(detail) : null);
  }

  list(limit: number): AuditEntry[] {
    const rows = this.db.prepare('SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as {
      id: number;
      at: number;
      actor: string;
      action: string;
      target: string | null;
      detail: string | null;
    }[];
    return rows.map((r) => ({ ...r, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null }));
  }
}
