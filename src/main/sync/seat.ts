import type { Db } from '../services/store';

/** This data folder's seat id (made once by migration 7, stable across restarts). */
export function readSeatId(db: Db): string {
  const id = db.prepare('SELECT seat_id FROM sync_seat WHERE only = 1').pluck().get() as string | undefined;
  if (!id) throw new Error('the seat id is missing (migration 7 not applied)');
  return id;
}
