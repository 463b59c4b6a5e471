import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { z } from 'zod';
import { ConsoleError } from '../../shared/contract/rpc';
import {
  EVENT_FIELD_KEYS,
  EVENT_LINK_KIND_NAMES,
  EVENT_TYPES,
  eventChangeRecordSchema,
  eventFieldsSchema,
  eventFilterSchema,
  eventIdSchema,
  eventQuerySchema,
  type ConsoleEvent,
  type EventChange,
  type EventChangeAction,
  type EventDetail,
  type EventFields,
  type EventFilter,
  type EventLink,
  type EventLinkKind,
  type EventQuery,
  type EventState,
  type EventType,
} from '../../shared/domain/event';
import { indexTerms, queryTerms } from '../alarms/cjkTerms';
import { SqlConditions } from '../services/sqlConditions';
import { statementCache } from '../services/statementCache';
import type { Db } from '../services/store';
import { NO_SYNC, type RecordApplier, type RecordSink, type SyncRecord } from '../sync/recordSink';

type EventRow = {
  seq: number;
  id: string;
  type: string;
  level: number;
  state: string;
  mine_id: string | null;
  mine_name: string | null;
  place: string;
  lon: number | null;
  lat: number | null;
  occurred_at: number;
  description: string;
  casualties: string;
  cause: string;
  measures: string;
  reporter: string;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  seat_id: string;
  closed_at: number | null;
  closed_by: string | null;
};
type LinkRow = { event_id: string; ord: number; kind: string; target_id: string; label: string };
type HistoryRow = { id: string; event_id: string; action: string; actor: string; seat_id: string; at: number; changes: string; note: string | null };

export type EventStoreOptions = {
  /** This console's seat: stamped on every local change (last writer wins on (updatedAt, seatId)). */
  seatId: string;
  /** Where each change goes for the other seats, inside the change's transaction. */
  sink?: RecordSink;
  now?: () => number;
};

/** What applying a record from another seat did. */
export type RemoteOutcome = 'applied' | 'stale' | 'duplicate';

const MAX_ACTOR = 64;
const MAX_NOTE = 500;

/**
 * The event table (事件管理, migration 8). Every change — create, update, close, import — is one transaction that
 * writes the event, its links and full-text terms, appends a row to `event_history` (who, which seat, when, each
 * changed field before and after) and enqueues the change for the other seats; only then is it acknowledged.
 * Changes from other seats (`applyRemote`) are idempotent by their key and last-writer-wins on (updatedAt, seatId);
 * their history row is always kept.
 */
export class EventStore {
  private readonly stmt: (sql: string) => Statement;
  private readonly seatId: string;
  private readonly sink: RecordSink;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    options: EventStoreOptions,
  ) {
    this.stmt = statementCache(db);
    this.seatId = options.seatId;
    this.sink = options.sink ?? NO_SYNC;
    this.now = options.now ?? Date.now;
  }

  /** A new event (state 处置中). `id` is kept when given and free (an imported row's own id). */
  create(fields: EventFields, actor: string, options: { id?: string; action?: Extract<EventChangeAction, 'create' | 'import'> } = {}): ConsoleEvent {
    const valid = parseFields(fields);
    const who = checkActor(actor);
    return this.db.transaction(() => this.insertLocal(valid, who, options.id, options.action ?? 'create'))();
  }

  /** Several new events in one transaction: all or none (imports). */
  createMany(items: readonly { fields: EventFields; id?: string }[], actor: string, action: Extract<EventChangeAction, 'create' | 'import'> = 'import'): ConsoleEvent[] {
    const valid = items.map((item, i) => ({ fields: parseFields(item.fields, `第 ${i + 1} 条`), id: item.id }));
    const who = checkActor(actor);
    return this.db.transaction(() => valid.map((item) => this.insertLocal(item.fields, who, item.id, action)))();
  }

  /**
   * New fields for an event. `expectedUpdatedAt`: the version the operator edited; a newer stored one (another
   * operator or seat changed it meanwhile) is a conflict. Saving the same fields again changes nothing.
   */
  update(id: string, fields: EventFields, actor: string, expectedUpdatedAt?: number): ConsoleEvent {
    const valid = parseFields(fields);
    const who = checkActor(actor);
    return this.db.transaction(() => {
      const before = this.load(id);
      if (expectedUpdatedAt !== undefined && before.updatedAt !== expectedUpdatedAt) {
        throw new ConsoleError('conflict', `该事件已于 ${new Date(before.updatedAt).toLocaleString('zh-CN')} 被 ${before.updatedBy} 修改，请刷新后再编辑`);
      }
      const changes = diff(before, valid);
      if (Object.keys(changes).length === 0) return before;
      const at = this.nextTime(before.updatedAt);
      const after: ConsoleEvent = { ...before, ...valid, updatedAt: at, updatedBy: who, seatId: this.seatId };
      this.writeEvent(after, before);
      this.recordLocal(after, { action: 'update', actor: who, at, changes, note: null });
      return after;
    })();
  }

  /** 结束: 处置中 → 已结束, with an optional note (how it was resolved). Closing a closed event is a conflict. */
  close(id: string, actor: string, note: string | null = null): ConsoleEvent {
    const who = checkActor(actor);
    const why = note?.trim() || null;
    if (why !== null && why.length > MAX_NOTE) throw new ConsoleError('bad-request', `结束说明不能超过 ${MAX_NOTE} 个字符`);
    return this.db.transaction(() => {
      const before = this.load(id);
      if (before.state === 'closed') throw new ConsoleError('conflict', `该事件已由 ${before.closedBy ?? before.updatedBy} 结束`);
      const at = this.nextTime(before.updatedAt);
      const after: ConsoleEvent = { ...before, state: 'closed', closedAt: at, closedBy: who, updatedAt: at, updatedBy: who, seatId: this.seatId };
      this.writeEvent(after, before);
      this.recordLocal(after, { action: 'close', actor: who, at, changes: { state: { before: 'open', after: 'closed' } }, note: why });
      return after;
    })();
  }

  get(id: string): ConsoleEvent {
    return this.load(id);
  }

  has(id: string): boolean {
    return this.stmt('SELECT 1 FROM events WHERE id = ?').get(id) !== undefined;
  }

  /** The event with its whole history, oldest change first. */
  detail(id: string): EventDetail {
    const event = this.load(id);
    const rows = this.stmt('SELECT * FROM event_history WHERE event_id = ? ORDER BY at, id').all(id) as HistoryRow[];
    return { event, history: rows.map(toChange) };
  }

  count(): number {
    return this.stmt('SELECT COUNT(*) FROM events').pluck().get() as number;
  }

  /**
   * Newest occurredAt first, by (occurredAt, id). Filters: type, minimum level, mine, state, time window on
   * occurredAt (from inclusive, to exclusive) and `text` in `events_fts`; `before` is the last event of the
   * previous page.
   */
  list(query: EventQuery): ConsoleEvent[] {
    const parsed = eventQuerySchema.safeParse(query);
    if (!parsed.success) throw new ConsoleError('bad-request', `事件查询条件无效：${describeIssue(parsed.error)}`);
    const { before, limit, ...filter } = parsed.data;
    return this.select(filter, before, limit);
  }

  /** Every event the filter selects (newest first), at most `max` (exports). */
  listAll(filter: EventFilter, max: number): ConsoleEvent[] {
    const parsed = eventFilterSchema.safeParse(filter);
    if (!parsed.success) throw new ConsoleError('bad-request', `事件筛选条件无效：${describeIssue(parsed.error)}`);
    return this.select(parsed.data, undefined, max);
  }

  /**
   * A change made at another seat: ignored when its key was applied before; its history row always kept; the event
   * takes its state only when (updatedAt, seatId) is newer than the stored one (last writer wins, whatever order the
   * changes arrive in). Throws for a record it cannot read.
   */
  applyRemote(record: SyncRecord): RemoteOutcome {
    if (record.kind !== 'event-change') throw new Error(`not an event change: ${record.kind}`);
    const parsed = eventChangeRecordSchema.safeParse(record.payload);
    if (!parsed.success) throw new Error(`unreadable event change ${record.key}: ${describeIssue(parsed.error)}`);
    const { event, change } = parsed.data;
    if (change.id !== record.key) throw new Error(`event change ${record.key} carries the change id ${change.id}`);
    if (change.eventId !== event.id) throw new Error(`event change ${record.key} is about ${change.eventId}, not ${event.id}`);
    // A seat speaks for itself: a record naming another seat could win every tie of the last-writer rule.
    if (event.seatId !== record.seatId || change.seatId !== record.seatId)
      throw new Error(`event change ${record.key} names seat ${event.seatId}, sent by ${record.seatId}`);
    const fields = eventFieldsSchema.safeParse(pickFields(event));
    if (!fields.success) throw new Error(`event change ${record.key} has invalid fields: ${describeIssue(fields.error)}`);
    return this.db.transaction((): RemoteOutcome => {
      if (this.stmt('SELECT 1 FROM event_history WHERE id = ?').get(change.id) !== undefined) return 'duplicate';
      this.insertHistory(change);
      const stored = this.row(event.id);
      const incoming = { ...event, links: dedupeLinks(event.links) };
      if (!stored) {
        this.insertEvent(incoming);
        return 'applied';
      }
      const newer = event.updatedAt > stored.updated_at || (event.updatedAt === stored.updated_at && event.seatId > stored.seat_id);
      if (!newer) return 'stale';
      this.writeEvent({ ...incoming, createdAt: stored.created_at, createdBy: stored.created_by }, this.toEvent(stored));
      return 'applied';
    })();
  }

  /** The applier seat sync calls for 'event-change' records. */
  readonly applier: RecordApplier = (record) => {
    this.applyRemote(record);
  };

  private select(filter: EventFilter, before: EventQuery['before'], limit: number): ConsoleEvent[] {
    const conditions = new SqlConditions({ limit });
    // The first equality filter present picks its (column, occurred_at) index.
    conditions.equal('e.mine_id', 'mineId', filter.mineId);
    conditions.equal('e.type', 'type', filter.type);
    conditions.equal('e.state', 'state', filter.state);
    if (filter.minLevel !== undefined) conditions.add('e.level >= @minLevel', { minLevel: filter.minLevel });
    conditions.timeWindow('e.occurred_at', filter.from, filter.to);
    if (before) conditions.before('e.occurred_at', 'e.id', before.occurredAt, before.id);
    const text = filter.text?.trim();
    if (text) {
      const match = queryTerms(text);
      if (match === null) return [];
      conditions.add('e.seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH @match)', { match });
    }
    const sql = `SELECT e.* FROM events e ${conditions.where()} ORDER BY e.occurred_at DESC, e.id DESC LIMIT @limit`;
    const rows = this.stmt(sql).all(conditions.params) as EventRow[];
    const links = this.linksOf(rows.map((r) => r.id));
    return rows.map((r) => this.toEvent(r, links.get(r.id) ?? []));
  }

  private insertLocal(fields: EventFields, actor: string, id: string | undefined, action: 'create' | 'import'): ConsoleEvent {
    if (id !== undefined) {
      if (!eventIdSchema.safeParse(id).success) throw new ConsoleError('bad-request', `事件编号无效: ${id}`);
      if (this.has(id)) throw new ConsoleError('conflict', `事件已存在: ${id}`);
    }
    const at = Math.round(this.now());
    const event: ConsoleEvent = {
      ...fields,
      id: id ?? randomUUID(),
      state: 'open',
      createdAt: at,
      createdBy: actor,
      updatedAt: at,
      updatedBy: actor,
      seatId: this.seatId,
      closedAt: null,
      closedBy: null,
    };
    this.insertEvent(event);
    const changes: EventChange['changes'] = {};
    for (const key of EVENT_FIELD_KEYS) changes[key] = { before: null, after: event[key] };
    this.recordLocal(event, { action, actor, at, changes, note: null });
    return event;
  }

  private insertEvent(event: ConsoleEvent): void {
    const { lastInsertRowid } = this.stmt(
      `INSERT INTO events (id, type, level, state, mine_id, mine_name, place, lon, lat, occurred_at, description, casualties, cause, measures,
         reporter, created_at, created_by, updated_at, updated_by, seat_id, closed_at, closed_by)
       VALUES (@id, @type, @level, @state, @mine_id, @mine_name, @place, @lon, @lat, @occurred_at, @description, @casualties, @cause, @measures,
         @reporter, @created_at, @created_by, @updated_at, @updated_by, @seat_id, @closed_at, @closed_by)`,
    ).run(toRow(event));
    this.writeLinks(event);
    this.stmt('INSERT INTO events_fts (rowid, terms) VALUES (?, ?)').run(lastInsertRowid, searchTerms(event));
  }

  /** Replaces a stored event's state (fields, links, terms). */
  private writeEvent(after: ConsoleEvent, before: ConsoleEvent): void {
    const row = toRow(after);
    this.stmt(
      `UPDATE events SET type = @type, level = @level, state = @state, mine_id = @mine_id, mine_name = @mine_name, place = @place, lon = @lon,
         lat = @lat, occurred_at = @occurred_at, description = @description, casualties = @casualties, cause = @cause, measures = @measures,
         reporter = @reporter, created_at = @created_at, created_by = @created_by, updated_at = @updated_at, updated_by = @updated_by,
         seat_id = @seat_id, closed_at = @closed_at, closed_by = @closed_by
       WHERE id = @id`,
    ).run(row);
    if (JSON.stringify(after.links) !== JSON.stringify(before.links)) {
      this.stmt('DELETE FROM event_links WHERE event_id = ?').run(after.id);
      this.writeLinks(after);
    }
    const seq = this.stmt('SELECT seq FROM events WHERE id = ?').pluck().get(after.id) as number;
    this.stmt('DELETE FROM events_fts WHERE rowid = ?').run(seq);
    this.stmt('INSERT INTO events_fts (rowid, terms) VALUES (?, ?)').run(seq, searchTerms(after));
  }

  private writeLinks(event: ConsoleEvent): void {
    const insert = this.stmt('INSERT INTO event_links (event_id, ord, kind, target_id, label) VALUES (?, ?, ?, ?, ?)');
    event.links.forEach((l, i) => insert.run(event.id, i, l.kind, l.id, l.label));
  }

  private recordLocal(event: ConsoleEvent, what: Omit<EventChange, 'id' | 'eventId' | 'seatId'>): void {
    const change: EventChange = { id: randomUUID(), eventId: event.id, seatId: this.seatId, ...what };
    this.insertHistory(change);
    this.sink.enqueue({ kind: 'event-change', key: change.id, seatId: this.seatId, payload: { event, change } });
  }

  private insertHistory(change: EventChange): void {
    this.stmt('INSERT INTO event_history (id, event_id, action, actor, seat_id, at, changes, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      change.id,
      change.eventId,
      change.action,
      change.actor,
      change.seatId,
      change.at,
      JSON.stringify(change.changes),
      change.note,
    );
  }

  /** A change's time: now, but always after the version it replaces (a seat whose clock ran ahead wrote it). */
  private nextTime(previous: number): number {
    return Math.max(Math.round(this.now()), previous + 1);
  }

  private linksOf(ids: readonly string[]): Map<string, EventLink[]> {
    const out = new Map<string, EventLink[]>();
    if (ids.length === 0) return out;
    const rows = this.stmt('SELECT l.* FROM json_each(?) j JOIN event_links l ON l.event_id = j.value ORDER BY l.event_id, l.ord').all(JSON.stringify(ids)) as LinkRow[];
    for (const r of rows) {
      let list = out.get(r.event_id);
      if (!list) out.set(r.event_id, (list = []));
      list.push({ kind: r.kind as EventLinkKind, id: r.target_id, label: r.label });
    }
    return out;
  }

  private row(id: string): EventRow | undefined {
    return this.stmt('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
  }

  private load(id: string): ConsoleEvent {
    const row = this.row(id);
    if (!row) throw new ConsoleError('not-found', `事件不存在: ${id}`);
    return this.toEvent(row);
  }

  private toEvent(r: EventRow, links?: EventLink[]): ConsoleEvent {
    return {
      id: r.id,
      type: r.type as EventType,
      level: r.level,
      mineId: r.mine_id,
      mineName: r.mine_name,
      place: r.place,
      location: r.lon !== null && r.lat !== null ? [r.lon, r.lat] : null,
      occurredAt: r.occurred_at,
      description: r.description,
      casualties: r.casualties,
      cause: r.cause,
      measures: r.measures,
      reporter: r.reporter,
      links: links ?? this.linksOf([r.id]).get(r.id) ?? [],
      state: r.state as EventState,
      createdAt: r.created_at,
      createdBy: r.created_by,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
      seatId: r.seat_id,
      closedAt: r.closed_at,
      closedBy: r.closed_by,
    };
  }
}

function toRow(e: ConsoleEvent) {
  return {
    id: e.id,
    type: e.type,
    level: e.level,
    state: e.state,
    mine_id: e.mineId,
    mine_name: e.mineName,
    place: e.place,
    lon: e.location?.[0] ?? null,
    lat: e.location?.[1] ?? null,
    occurred_at: e.occurredAt,
    description: e.description,
    casualties: e.casualties,
    cause: e.cause,
    measures: e.measures,
    reporter: e.reporter,
    created_at: e.createdAt,
    created_by: e.createdBy,
    updated_at: e.updatedAt,
    updated_by: e.updatedBy,
    seat_id: e.seatId,
    closed_at: e.closedAt,
    closed_by: e.closedBy,
  };
}

function toChange(r: HistoryRow): EventChange {
  return {
    id: r.id,
    eventId: r.event_id,
    action: r.action as EventChangeAction,
    actor: r.actor,
    seatId: r.seat_id,
    at: r.at,
    changes: JSON.parse(r.changes) as EventChange['changes'],
    note: r.note,
  };
}

/** What the full-text index holds for an event. */
function searchTerms(e: ConsoleEvent): string {
  const parts = [
    EVENT_TYPES[e.type].name,
    e.mineName,
    e.place,
    e.description,
    e.casualties,
    e.cause,
    e.measures,
    e.reporter,
    ...e.links.map((l) => `${EVENT_LINK_KIND_NAMES[l.kind]} ${l.label}`),
  ];
  return indexTerms(parts.filter((t) => t).join('\n'));
}

/** The fields that differ, each before and after (JSON values). */
function diff(before: ConsoleEvent, after: EventFields): EventChange['changes'] {
  const changes: EventChange['changes'] = {};
  for (const key of EVENT_FIELD_KEYS) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { before: before[key], after: after[key] };
  }
  return changes;
}

function pickFields(e: ConsoleEvent): EventFields {
  const out: Record<string, unknown> = {};
  for (const key of EVENT_FIELD_KEYS) out[key] = e[key];
  return out as EventFields;
}

/** The same alarm, call or recording linked twice is one link (the first label). */
function dedupeLinks(links: readonly EventLink[]): EventLink[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    const key = `${l.kind}\u0000${l.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function parseFields(fields: EventFields, which = ''): EventFields {
  const parsed = eventFieldsSchema.safeParse(fields);
  if (!parsed.success) throw new ConsoleError('bad-request', `事件数据${which}无效：${describeIssue(parsed.error)}`);
  return { ...parsed.data, links: dedupeLinks(parsed.data.links) };
}

function checkActor(actor: string): string {
  const who = typeof actor === 'string' ? actor.trim() : '';
  if (!who || who.length > MAX_ACTOR) throw new ConsoleError('bad-request', '操作人无效');
  return who;
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return '格式错误';
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
