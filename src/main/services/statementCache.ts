import type { Statement } from 'better-sqlite3';
import type { Db } from './store';

/** `db.prepare`, but each SQL text is prepared once and its statement reused (stores run theirs in bursts). */
export function statementCache(db: Db): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
}
