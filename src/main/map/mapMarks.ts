import { randomUUID } from 'node:crypto';
import { ConsoleError } from '../../shared/contract/rpc';
import { saveMapMarkInputSchema, type MapMark, type SaveMapMarkInput } from '../../shared/domain/map';
import type { Db } from '../services/store';

type Row = { id: string; name: string; note: string; lon: number; lat: number; created_at: number; updated_at: number };

/** The operators' named marks on the map (标记), in SQLite (`map_marks`); each change is written before it returns. */
export class MapMarks {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Oldest first: the order they were placed in. */
  list(): MapMark[] {
    const rows = this.db.prepare('SELECT * FROM map_marks ORDER BY created_at, id').all() as Row[];
    return rows.map(toMark);
  }

  /** Without id a new mark; with the id of a stored one its new name, note or place (an unknown id is not found). */
  save(input: SaveMapMarkInput): { mark: MapMark; created: boolean } {
    const { id, name, note, lon, lat } = saveMapMarkInputSchema.parse(input);
    const at = this.now();
    if (id === undefined) {
      const mark: MapMark = { id: randomUUID(), name, note, lon, lat, createdAt: at, updatedAt: at };
      this.db
        .prepare('INSERT INTO map_marks (id, name, note, lon, lat, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(mark.id, name, note, lon, lat, at, at);
      return { mark, created: true };
    }
    const changed = this.db.prepare('UPDATE map_marks SET name = ?, note = ?, lon = ?, lat = ?, updated_at = ? WHERE id = ?').run(name, note, lon, lat, at, id);
    if (changed.changes === 0) throw new ConsoleError('not-found', '该标记不存在或已被删除');
    return { mark: toMark(this.db.prepare('SELECT * FROM map_marks WHERE id = ?').get(id) as Row), created: false };
  }

  /** True when it was there. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM map_marks WHERE id = ?').run(id).changes > 0;
  }
}

function toMark(r: Row): MapMark {
  return { id: r.id, name: r.name, note: r.note, lon: r.lon, lat: r.lat, createdAt: r.created_at, updatedAt: r.updated_at };
}
