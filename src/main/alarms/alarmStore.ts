import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { ConsoleError } from '../../shared/contract/rpc';
import {
  ALARM_KINDS,
  alarmInputSchema,
  alarmQuerySchema,
  type Alarm,
  type AlarmBox,
  type AlarmCategory,
  type AlarmInput,
  type AlarmQuery,
  type AlarmState,
  type AlarmStep,
  type AlarmStepAction,
  type AlarmStepDetail,
  type SeatRole,
} from '../../shared/domain/alarm';
import { checkTime } from '../services/mediaLibrary';
import { checkActorName, parseRequest } from '../services/badRequest';
import { SqlConditions } from '../services/sqlConditions';
import { statementCache } from '../services/statementCache';
import type { Db } from '../services/store';
import type { RecordSink } from '../sync/recordSink';
import { readSeatId } from '../sync/seat';
import { indexTerms, queryTerms } from './cjkTerms';

/** Where the alarm's channel is, as the linker found it (all null and linked false when its id names nothing). */
export type AlarmLinkInfo = { mineId: string | null; mineName: string | null; county: string | null; linked: boolean };
/** The picture the caller already wrote to disk (path relative to the media folder). */
export type AlarmPictureFile = { path: string; mimeType: string; bytes: number };
export type IngestContext = { link: AlarmLinkInfo; picture: AlarmPictureFile | null };
export type IngestResult = { alarm: Alarm; duplicate: boolean };

/** Where the store's records for other seats go, and how it reads a stored picture to send it along. */
export type AlarmSyncOptions = { sink: RecordSink; readPicture: (rel: string) => Buffer };

/** What the 'alarm' record carries: the alarm as stored where it arrived, and its picture. */
export type AlarmRecordPayload = { alarm: Alarm; picture: { mimeType: string; dataBase64: string } | null };
/** What the 'alarm-step' record carries. */
export type AlarmStepRecordPayload = {
  stepId: string;
  alarmId: string;
  action: AlarmStepAction;
  actor: string;
  at: number;
  reason: string | null;
  seatId: string;
  /** Absent in records of seats from before roles. */
  role?: SeatRole | null;
  detail?: AlarmStepDetail | null;
};
/** How another seat's alarm was taken: stored now, known under another id (same source and source id), or present. */
export type RemoteAlarmOutcome = { outcome: 'new' | 'alias' | 'present'; alarm: Alarm };

export const MAX_DISMISS_REASON = 200;
const MAX_ACTOR = 64;

/**
 * A text search reads at most this many of the newest-inserted matches first: when there are no more, they are
 * fetched and sorted; when there are, the page is taken from them if it provably holds the newest, else the
 * received-time index is walked, keeping the rows among all the matches.
 */
const TEXT_SCAN = 2000;

type AlarmRow = {
  rowid: number;
  id: string;
  source_id: string;
  external_id: string;
  category: string;
  kind: string;
  kind_name: string | null;
  level: number;
  channel_id: string | null;
  device_id: string | null;
  reporter: string | null;
  occurred_at: number;
  received_at: number;
  score: number | null;
  boxes: string;
  description: string | null;
  mine_id: string | null;
  mine_name: string | null;
  county: string | null;
  linked: number;
  picture_path: string | null;
  picture_mime: string | null;
  picture_bytes: number | null;
  state: string;
  handled_by: string | null;
  handled_at: number | null;
  dismiss_reason: string | null;
};

type StepRow = {
  id: string;
  alarm_id: string;
  seq: number;
  action: string;
  actor: string;
  at: number;
  reason: string | null;
  seat_id: string | null;
  role: string | null;
  detail: string | null;
};

const SELECT = 'SELECT a.rowid AS rowid, a.* FROM alarms a';

/**
 * The alarm table (警情, migration 6): every alarm stored once per (source, the source's own id), written before the
 * input acknowledges the push, with its full-text terms (`alarms_fts`, contentless, rowid = the alarm's rowid) in
 * the same transaction; listed newest first with keyset paging; handled by 接警 (accept) and 消警 (dismiss with a
 * reason), each step appended to `alarm_steps` in the transaction that changes the alarm.
 */
export class AlarmStore {
  /** Statements are prepared once per store (ingest runs them per alarm in bursts). */
  private readonly stmt: (sql: string) => Statement;
  private readonly sync: AlarmSyncOptions | null;
  /** This console's seat (steps taken here carry it). */
  readonly seatId: string;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    sync: AlarmSyncOptions | null = null,
    /** This seat's role now (the settings), stamped on the steps taken here. */
    private readonly role: () => SeatRole | null = () => null,
  ) {
    this.stmt = statementCache(db);
    this.sync = sync;
    this.seatId = readSeatId(db);
  }

  /** Stores one alarm; a repeat of a stored (sourceId, externalId) returns the first one unchanged, duplicate: true. */
  ingest(input: AlarmInput, ctx: IngestContext): IngestResult {
    const valid = parseInput(input);
    return this.db.transaction(() => this.insert(valid, ctx))();
  }

  /**
   * A burst in one transaction (one commit instead of one per alarm); results in the order given. Every item is
   * checked first: one that fails the contract refuses the whole batch (bad-request naming its index), nothing is
   * written. A repeat within the batch is a duplicate of the earlier item.
   */
  ingestMany(items: readonly { input: AlarmInput; ctx: IngestContext }[]): IngestResult[] {
    const valid = items.map((item, i) => ({ input: parseInput(item.input, `第 ${i + 1} 条`), ctx: item.ctx }));
    return this.db.transaction(() => valid.map((item) => this.insert(item.input, item.ctx)))();
  }

  get(id: string): Alarm {
    return toAlarm(this.row(id));
  }

  /** The stored picture's path (relative to the media folder) for whoever serves it, or null when it has none. */
  picturePath(id: string): string | null {
    return this.row(id).picture_path;
  }

  /**
   * Newest first by (receivedAt, id). Equality filters and the time window (from inclusive, to exclusive, on
   * receivedAt) run on the index of one of them, in received order; `text` is matched in `alarms_fts`;
   * `before` is the last alarm of the previous page.
   */
  list(query: AlarmQuery): Alarm[] {
    const q = parseRequest(alarmQuerySchema, query, '报警查询条件');
    const conditions = new SqlConditions({ limit: q.limit });
    // Equality filters, most selective first: the first one present picks the (column, received_at) index, the others
    // are checked on its rows.
    conditions.equal('a.mine_id', 'mineId', q.mineId);
    conditions.equal('a.county', 'county', q.county);
    conditions.equal('a.kind', 'kind', q.kind);
    conditions.equal('a.state', 'state', q.state);
    conditions.equal('a.category', 'category', q.category);
    if (q.minLevel !== undefined) conditions.add('a.level >= @minLevel', { minLevel: q.minLevel });
    conditions.timeWindow('a.received_at', q.from, q.to);
    if (q.before) conditions.before('a.received_at', 'a.id', q.before.receivedAt, q.before.id);
    const { params } = conditions;
    const order = 'ORDER BY a.received_at DESC, a.id DESC LIMIT @limit';
    const text = q.text?.trim();
    if (!text) {
      const sql = `${SELECT} ${conditions.where()} ${order}`;
      return (this.stmt(sql).all(params) as AlarmRow[]).map(toAlarm);
    }
    const match = queryTerms(text);
    // Punctuation only: nothing can match it.
    if (match === null) return [];
    const filters = conditions.clauses.map((w) => ` AND ${w}`).join('');
    // The newest-inserted matches first: FTS5 reads a term's rowids backwards without gathering them all.
    const recent = this.stmt(`SELECT rowid FROM alarms_fts WHERE alarms_fts MATCH @match ORDER BY rowid DESC LIMIT ${TEXT_SCAN + 1}`)
      .pluck()
      .all({ match }) as number[];
    const byRowids = (ids: readonly number[]) =>
      (
        this.stmt(
          `SELECT a.rowid AS rowid, a.* FROM json_each(@ids) j CROSS JOIN alarms a WHERE a.rowid = j.value${filters} ${order}`,
        ).all({ ...params, ids: JSON.stringify(ids) }) as AlarmRow[]
      ).map(toAlarm);
    // Few matches: these are all of them, sorted.
    if (recent.length <= TEXT_SCAN) return byRowids(recent);
    // Many: the page is among the newest-inserted ones, unless an older row was received later (a clock set back):
    // checked on the received-time index, which only reads the alarms newer than the page's last one.
    const page = byRowids(recent);
    const last = page[page.length - 1];
    if (last && page.length === q.limit && !this.olderReceivedLater(last, recent[recent.length - 1]!, q.before)) return page;
    // Otherwise walk the newest first (by the filters' index) and keep the matching ones; the matches' rowids are
    // gathered once, and the unary + keeps the planner from driving the query by them instead.
    const sql = `${SELECT} WHERE +a.rowid IN (SELECT rowid FROM alarms_fts WHERE alarms_fts MATCH @match)${filters} ${order}`;
    return (this.stmt(sql).all({ ...params, match }) as AlarmRow[]).map(toAlarm);
  }

  /** Whether an alarm stored before rowid `below` sorts after `last` (and before `before`, when paging). */
  private olderReceivedLater(last: Alarm, below: number, before: AlarmQuery['before']): boolean {
    const conditions = new SqlConditions({ at: last.receivedAt, id: last.id, below });
    conditions.add('a.received_at >= @at AND (a.received_at > @at OR a.id > @id) AND +a.rowid < @below');
    if (before) conditions.before('a.received_at', 'a.id', before.receivedAt, before.id);
    return this.stmt(`SELECT 1 FROM alarms a ${conditions.where()} LIMIT 1`).get(conditions.params) !== undefined;
  }

  /** When the newest alarm of a source happened (its own clock), or null: where a polling input picks up after a restart. */
  latestOccurredAt(sourceId: string): number | null {
    return (this.stmt('SELECT MAX(occurred_at) FROM alarms WHERE source_id = ?').pluck().get(sourceId) as number | null) ?? null;
  }

  count(): number {
    return this.stmt('SELECT COUNT(*) FROM alarms').pluck().get() as number;
  }

  /** 接警: new → accepted. Accepting one already accepted or dismissed is a conflict naming who handled it. */
  accept(id: string, actor: string, at?: number): Alarm {
    const who = checkActor(actor);
    return this.db.transaction(() => {
      const row = this.row(id);
      if (row.state !== 'new') throw handledConflict(row);
      this.addLocalStep(id, 'accept', who, this.stepTime(at), null, this.role(), null);
      return this.get(id);
    })();
  }

  /** 消警: new or accepted → dismissed, with a reason (trimmed, 1–200 characters). Dismissing again is a conflict. */
  dismiss(id: string, actor: string, reason: string, at?: number): Alarm {
    const who = checkActor(actor);
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!why) throw new ConsoleError('bad-request', '消警需要填写原因');
    if (why.length > MAX_DISMISS_REASON) throw new ConsoleError('bad-request', `消警原因不能超过 ${MAX_DISMISS_REASON} 个字符`);
    return this.db.transaction(() => {
      const row = this.row(id);
      if (row.state === 'dismissed') throw handledConflict(row);
      this.addLocalStep(id, 'dismiss', who, this.stepTime(at), why, this.role(), null);
      return this.get(id);
    })();
  }

  /** The handling steps of an alarm, in order. */
  steps(id: string): AlarmStep[] {
    this.row(id);
    const rows = this.stmt('SELECT * FROM alarm_steps WHERE alarm_id = ? ORDER BY seq').all(id) as StepRow[];
    return rows.map((s) => ({
      id: s.id,
      alarmId: s.alarm_id,
      seq: s.seq,
      action: s.action as AlarmStepAction,
      actor: s.actor,
      at: s.at,
      reason: s.reason,
      seatId: s.seat_id,
      role: s.role === 'government' || s.role === 'enterprise' ? s.role : null,
      detail: s.detail ? (JSON.parse(s.detail) as AlarmStepDetail) : null,
    }));
  }

  /**
   * A workflow step (确认收到, 审核, 处置反馈): appended with the seat's role, sent to the other seats; the state is
   * not changed by it. A government step on a dismissed alarm is still allowed (a review comes after 消警), but the
   * same seat confirming receipt twice is a conflict.
   */
  addStep(id: string, action: Exclude<AlarmStepAction, 'accept' | 'dismiss'>, actor: string, role: SeatRole, text: string | null, detail: AlarmStepDetail | null): Alarm {
    const who = checkActor(actor);
    const why = text?.trim() || null;
    if (why && why.length > MAX_DISMISS_REASON) throw new ConsoleError('bad-request', `说明不能超过 ${MAX_DISMISS_REASON} 个字符`);
    return this.db.transaction(() => {
      this.row(id);
      if (action === 'receipt' && this.stmt("SELECT 1 FROM alarm_steps WHERE alarm_id = ? AND action = 'receipt' AND seat_id = ?").get(id, this.seatId) !== undefined)
        throw new ConsoleError('conflict', '本席位已确认收到该报警');
      this.addLocalStep(id, action, who, this.stepTime(undefined), why, role, detail);
      return this.get(id);
    })();
  }

  /**
   * Another seat's alarm (run inside the sync's transaction). Stored under its id when absent; when this seat
   * holds the same (source, source id) under its own id (both received the push), the other id becomes an alias of
   * it. Steps that arrived before it are applied now. `picture`: already written by the caller (discarded by it
   * unless the outcome is 'new').
   */
  applyRemoteAlarm(alarm: Alarm, picture: AlarmPictureFile | null): RemoteAlarmOutcome {
    return this.db.transaction((): RemoteAlarmOutcome => {
      const present = this.stmt(`${SELECT} WHERE a.id = ?`).get(alarm.id) as AlarmRow | undefined;
      if (present) return { outcome: 'present', alarm: toAlarm(present) };
      const same = this.stmt(`${SELECT} WHERE a.source_id = ? AND a.external_id = ?`).get(alarm.sourceId, alarm.externalId) as AlarmRow | undefined;
      if (same) {
        this.stmt('INSERT OR IGNORE INTO alarm_aliases (alias_id, alarm_id) VALUES (?, ?)').run(alarm.id, same.id);
        this.applyParked(alarm.id, same.id);
        return { outcome: 'alias', alarm: this.get(same.id) };
      }
      const input = parseInput(pickInput(alarm));
      this.insertRow(alarm.id, input, alarm.receivedAt, { mineId: alarm.mineId, mineName: alarm.mineName, county: alarm.county, linked: alarm.linked }, picture);
      this.applyParked(alarm.id, alarm.id);
      return { outcome: 'new', alarm: this.get(alarm.id) };
    })();
  }

  /**
   * Another seat's handling step (inside the sync's transaction): appended once (by its id), then the alarm's state
   * is derived from all its steps, so that every seat reaches the same state whatever the order the steps came in.
   * A step for an alarm not here yet is parked until it arrives (returns null, as does a repeat).
   */
  applyRemoteStep(step: AlarmStepRecordPayload): Alarm | null {
    return this.db.transaction((): Alarm | null => {
      if (this.stmt('SELECT 1 FROM alarm_steps WHERE id = ?').get(step.stepId) !== undefined) return null;
      const target = this.resolveId(step.alarmId);
      if (target === null) {
        this.stmt('INSERT OR IGNORE INTO alarm_steps_parked (step_id, alarm_id, step, received_at) VALUES (?, ?, ?, ?)').run(
          step.stepId,
          step.alarmId,
          JSON.stringify(step),
          Math.round(this.now()),
        );
        return null;
      }
      this.insertStep(target, step);
      this.deriveState(target);
      return this.get(target);
    })();
  }

  /** The local id of an alarm another seat names (its own id, or an alias of one stored here). */
  private resolveId(id: string): string | null {
    if (this.stmt('SELECT 1 FROM alarms WHERE id = ?').get(id) !== undefined) return id;
    return (this.stmt('SELECT alarm_id FROM alarm_aliases WHERE alias_id = ?').pluck().get(id) as string | undefined) ?? null;
  }

  private applyParked(remoteId: string, localId: string): void {
    const parked = this.stmt('SELECT step FROM alarm_steps_parked WHERE alarm_id = ? ORDER BY rowid').pluck().all(remoteId) as string[];
    if (parked.length === 0) return;
    for (const text of parked) {
      const step = JSON.parse(text) as AlarmStepRecordPayload;
      if (this.stmt('SELECT 1 FROM alarm_steps WHERE id = ?').get(step.stepId) === undefined) this.insertStep(localId, step);
    }
    this.stmt('DELETE FROM alarm_steps_parked WHERE alarm_id = ?').run(remoteId);
    this.deriveState(localId);
  }

  private insert(input: AlarmInput, ctx: IngestContext): IngestResult {
    const existing = this.stmt(`${SELECT} WHERE a.source_id = ? AND a.external_id = ?`).get(input.sourceId, input.externalId) as AlarmRow | undefined;
    if (existing) return { alarm: toAlarm(existing), duplicate: true };
    const alarm = this.insertRow(randomUUID(), input, Math.round(this.now()), ctx.link, ctx.picture);
    if (this.sync && this.sync.sink.active?.() !== false) {
      const { picture } = ctx;
      const payload: AlarmRecordPayload = {
        alarm,
        picture: picture ? { mimeType: picture.mimeType, dataBase64: this.sync.readPicture(picture.path).toString('base64') } : null,
      };
      this.sync.sink.enqueue({ kind: 'alarm', key: alarm.id, seatId: this.seatId, payload });
    }
    return { alarm, duplicate: false };
  }

  private insertRow(
    id: string,
    input: AlarmInput,
    receivedAt: number,
    link: AlarmLinkInfo,
    picture: AlarmPictureFile | null,
  ): Alarm {
    const row = {
      id,
      source_id: input.sourceId,
      external_id: input.externalId,
      category: input.category,
      kind: input.kind,
      kind_name: input.kindName,
      level: input.level,
      channel_id: input.channelId,
      device_id: input.deviceId,
      reporter: input.reporter,
      occurred_at: input.occurredAt,
      received_at: receivedAt,
      score: input.score,
      boxes: JSON.stringify(input.boxes),
      description: input.description,
      mine_id: link.mineId,
      mine_name: link.mineName,
      county: link.county,
      linked: link.linked ? 1 : 0,
      picture_path: picture?.path ?? null,
      picture_mime: picture?.mimeType ?? null,
      picture_bytes: picture ? Math.max(0, Math.round(picture.bytes)) : null,
      state: 'new',
      handled_by: null,
      handled_at: null,
      dismiss_reason: null,
    };
    const { lastInsertRowid } = this.stmt(
      `INSERT INTO alarms (id, source_id, external_id, category, kind, kind_name, level, channel_id, device_id, reporter, occurred_at,
         received_at, score, boxes, description, mine_id, mine_name, county, linked, picture_path, picture_mime, picture_bytes, state,
         handled_by, handled_at, dismiss_reason)
       VALUES (@id, @source_id, @external_id, @category, @kind, @kind_name, @level, @channel_id, @device_id, @reporter, @occurred_at,
         @received_at, @score, @boxes, @description, @mine_id, @mine_name, @county, @linked, @picture_path, @picture_mime, @picture_bytes,
         @state, @handled_by, @handled_at, @dismiss_reason)`,
    ).run(row);
    const terms = indexTerms([kindLabel(input), input.description, input.reporter, input.deviceId, link.mineName, link.county].filter((t) => t).join('\n'));
    this.stmt('INSERT INTO alarms_fts (rowid, terms) VALUES (?, ?)').run(lastInsertRowid, terms);
    return toAlarm({ ...row, rowid: Number(lastInsertRowid) });
  }

  /** A step taken here: appended, sent to the other seats (same transaction), and the state derived. */
  private addLocalStep(
    id: string,
    action: AlarmStepAction,
    actor: string,
    at: number,
    reason: string | null,
    role: SeatRole | null,
    detail: AlarmStepDetail | null,
  ): void {
    const step: AlarmStepRecordPayload = { stepId: randomUUID(), alarmId: id, action, actor, at, reason, seatId: this.seatId, role, detail };
    this.insertStep(id, step);
    this.sync?.sink.enqueue({ kind: 'alarm-step', key: step.stepId, seatId: this.seatId, payload: step });
    this.deriveState(id);
  }

  private insertStep(localId: string, step: AlarmStepRecordPayload): void {
    const seq = this.stmt('SELECT COALESCE(MAX(seq), 0) + 1 FROM alarm_steps WHERE alarm_id = ?').pluck().get(localId) as number;
    this.stmt('INSERT INTO alarm_steps (id, alarm_id, seq, action, actor, at, reason, seat_id, role, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      step.stepId,
      localId,
      seq,
      step.action,
      step.actor,
      step.at,
      step.reason,
      step.seatId,
      step.role ?? null,
      step.detail ? JSON.stringify(step.detail) : null,
    );
  }

  /**
   * The state from all the steps, the same on every seat: dismissed if any step dismissed it, else accepted if any
   * accepted it, else new; who, when and why from the deciding step, the earliest by (at, seat, id) of that action.
   */
  private deriveState(id: string): void {
    const rows = this.stmt('SELECT * FROM alarm_steps WHERE alarm_id = ?').all(id) as StepRow[];
    const first = (action: AlarmStepAction): StepRow | undefined =>
      rows
        .filter((r) => r.action === action)
        .sort((a, b) => a.at - b.at || compare(a.seat_id ?? '', b.seat_id ?? '') || compare(a.id, b.id))[0];
    const dismissed = first('dismiss');
    const accepted = dismissed ? undefined : first('accept');
    const deciding = dismissed ?? accepted;
    const state: AlarmState = dismissed ? 'dismissed' : accepted ? 'accepted' : 'new';
    this.stmt('UPDATE alarms SET state = ?, handled_by = ?, handled_at = ?, dismiss_reason = ? WHERE id = ?').run(
      state,
      deciding?.actor ?? null,
      deciding?.at ?? null,
      dismissed?.reason ?? null,
      id,
    );
  }

  private stepTime(at: number | undefined): number {
    return at === undefined ? Math.round(this.now()) : checkTime(at, '处理时间');
  }

  private row(id: string): AlarmRow {
    const row = this.stmt(`${SELECT} WHERE a.id = ?`).get(id) as AlarmRow | undefined;
    if (!row) throw new ConsoleError('not-found', `报警不存在: ${id}`);
    return row;
  }
}

/** What the operator reads for the alarm's kind: ours for a known code, else the source's name, else its code. */
function kindLabel(input: Pick<AlarmInput, 'kind' | 'kindName'>): string {
  return Object.hasOwn(ALARM_KINDS, input.kind) ? ALARM_KINDS[input.kind as keyof typeof ALARM_KINDS] : (input.kindName ?? input.kind);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The input fields of a stored alarm (what another seat's record is checked against). */
function pickInput(alarm: Alarm): AlarmInput {
  const { sourceId, externalId, category, kind, kindName, level, channelId, deviceId, reporter, occurredAt, score, boxes, description } = alarm;
  return { sourceId, externalId, category, kind, kindName, level, channelId, deviceId, reporter, occurredAt, score, boxes, description };
}

function parseInput(input: AlarmInput, which = ''): AlarmInput {
  return parseRequest(alarmInputSchema, input, `报警数据${which}`);
}

function checkActor(actor: string): string {
  return checkActorName(actor, '处理人', MAX_ACTOR);
}

function handledConflict(row: AlarmRow): ConsoleError {
  const by = row.handled_by ? `已由 ${row.handled_by} ` : '已';
  return new ConsoleError('conflict', row.state === 'dismissed' ? `该报警${by}消警` : `该报警${by}接警`);
}

function toAlarm(r: AlarmRow): Alarm {
  return {
    id: r.id,
    sourceId: r.source_id,
    externalId: r.external_id,
    category: r.category as AlarmCategory,
    kind: r.kind,
    kindName: r.kind_name,
    level: r.level,
    channelId: r.channel_id,
    deviceId: r.device_id,
    reporter: r.reporter,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    skewMs: r.received_at - r.occurred_at,
    score: r.score,
    boxes: JSON.parse(r.boxes) as AlarmBox[],
    description: r.description,
    mineId: r.mine_id,
    mineName: r.mine_name,
    county: r.county,
    linked: r.linked === 1,
    picture: r.picture_path !== null && r.picture_mime !== null ? { mimeType: r.picture_mime, bytes: r.picture_bytes ?? 0 } : null,
    state: r.state as AlarmState,
    handledBy: r.handled_by,
    handledAt: r.handled_at,
    dismissReason: r.dismiss_reason,
  };
}
