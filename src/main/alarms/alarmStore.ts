import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { z } from 'zod';
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
} from '../../shared/domain/alarm';
import { checkTime } from '../services/mediaLibrary';
import type { Db } from '../services/store';
import { indexTerms, queryTerms } from './cjkTerms';

/** Where the alarm's channel is, as the linker found it (all null and linked false when its id names nothing). */
export type AlarmLinkInfo = { mineId: string | null; mineName: string | null; county: string | null; linked: boolean };
/** The picture the caller already wrote to disk (path relative to the media folder). */
export type AlarmPictureFile = { path: string; mimeType: string; bytes: number };
export type IngestContext = { link: AlarmLinkInfo; picture: AlarmPictureFile | null };
export type IngestResult = { alarm: Alarm; duplicate: boolean };

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

type StepRow = { alarm_id: string; seq: number; action: string; actor: string; at: number; reason: string | null };

const SELECT = 'SELECT a.rowid AS rowid, a.* FROM alarms a';

/**
 * The alarm table (警情, migration 6): every alarm stored once per (source, the source's own id), written before the
 * input acknowledges the push, with its full-text terms (`alarms_fts`, contentless, rowid = the alarm's rowid) in
 * the same transaction; listed newest first with keyset paging; handled by 接警 (accept) and 消警 (dismiss with a
 * reason), each step appended to `alarm_steps` in the transaction that changes the alarm.
 */
export class AlarmStore {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

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
    const parsed = alarmQuerySchema.safeParse(query);
    if (!parsed.success) throw new ConsoleError('bad-request', `报警查询条件无效：${describeIssue(parsed.error)}`);
    const q = parsed.data;
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: q.limit };
    // Equality filters, most selective first: the first one present picks the (column, received_at) index, the others
    // are checked on its rows (a unary + keeps the planner, which has no statistics, from choosing a broader one).
    let indexed = false;
    const equal = (column: string, name: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${indexed ? '+' : ''}a.${column} = @${name}`);
      params[name] = value;
      indexed = true;
    };
    equal('mine_id', 'mineId', q.mineId);
    equal('county', 'county', q.county);
    equal('kind', 'kind', q.kind);
    equal('state', 'state', q.state);
    equal('category', 'category', q.category);
    if (q.minLevel !== undefined) {
      where.push('a.level >= @minLevel');
      params.minLevel = q.minLevel;
    }
    if (q.from !== undefined) {
      where.push('a.received_at >= @from');
      params.from = q.from;
    }
    if (q.to !== undefined) {
      where.push('a.received_at < @to');
      params.to = q.to;
    }
    if (q.before) {
      // The range on received_at alone lets every (x, received_at) index seek; the OR settles ties by id.
      where.push('a.received_at <= @beforeAt AND (a.received_at < @beforeAt OR a.id < @beforeId)');
      params.beforeAt = q.before.receivedAt;
      params.beforeId = q.before.id;
    }
    const order = 'ORDER BY a.received_at DESC, a.id DESC LIMIT @limit';
    const text = q.text?.trim();
    if (!text) {
      const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order}`;
      return (this.stmt(sql).all(params) as AlarmRow[]).map(toAlarm);
    }
    const match = queryTerms(text);
    // Punctuation only: nothing can match it.
    if (match === null) return [];
    const filters = where.map((w) => ` AND ${w}`).join('');
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
    const params: Record<string, string | number> = { at: last.receivedAt, id: last.id, below };
    let sql = 'SELECT 1 FROM alarms a WHERE a.received_at >= @at AND (a.received_at > @at OR a.id > @id) AND +a.rowid < @below';
    if (before) {
      sql += ' AND a.received_at <= @beforeAt AND (a.received_at < @beforeAt OR a.id < @beforeId)';
      params.beforeAt = before.receivedAt;
      params.beforeId = before.id;
    }
    return this.stmt(`${sql} LIMIT 1`).get(params) !== undefined;
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
      const when = this.stepTime(at);
      this.stmt("UPDATE alarms SET state = 'accepted', handled_by = ?, handled_at = ? WHERE id = ?").run(who, when, id);
      this.addStep(id, 'accept', who, when, null);
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
      const when = this.stepTime(at);
      this.stmt("UPDATE alarms SET state = 'dismissed', handled_by = ?, handled_at = ?, dismiss_reason = ? WHERE id = ?").run(who, when, why, id);
      this.addStep(id, 'dismiss', who, when, why);
      return this.get(id);
    })();
  }

  /** The handling steps of an alarm, in order. */
  steps(id: string): AlarmStep[] {
    this.row(id);
    const rows = this.stmt('SELECT * FROM alarm_steps WHERE alarm_id = ? ORDER BY seq').all(id) as StepRow[];
    return rows.map((s) => ({ alarmId: s.alarm_id, seq: s.seq, action: s.action as AlarmStepAction, actor: s.actor, at: s.at, reason: s.reason }));
  }

  private insert(input: AlarmInput, ctx: IngestContext): IngestResult {
    const existing = this.stmt(`${SELECT} WHERE a.source_id = ? AND a.external_id = ?`).get(input.sourceId, input.externalId) as AlarmRow | undefined;
    if (existing) return { alarm: toAlarm(existing), duplicate: true };
    const receivedAt = Math.round(this.now());
    const { link, picture } = ctx;
    const row = {
      id: randomUUID(),
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
    return { alarm: toAlarm({ ...row, rowid: Number(lastInsertRowid) }), duplicate: false };
  }

  private addStep(id: string, action: AlarmStepAction, actor: string, at: number, reason: string | null): void {
    const seq = this.stmt('SELECT COALESCE(MAX(seq), 0) + 1 FROM alarm_steps WHERE alarm_id = ?').pluck().get(id) as number;
    this.stmt('INSERT INTO alarm_steps (alarm_id, seq, action, actor, at, reason) VALUES (?, ?, ?, ?, ?, ?)').run(id, seq, action, actor, at, reason);
  }

  private stepTime(at: number | undefined): number {
    return at === undefined ? Math.round(this.now()) : checkTime(at, '处理时间');
  }

  private row(id: string): AlarmRow {
    const row = this.stmt(`${SELECT} WHERE a.id = ?`).get(id) as AlarmRow | undefined;
    if (!row) throw new ConsoleError('not-found', `报警不存在: ${id}`);
    return row;
  }

  /** Statements are prepared once per store (ingest runs them per alarm in bursts). */
  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** What the operator reads for the alarm's kind: ours for a known code, else the source's name, else its code. */
function kindLabel(input: Pick<AlarmInput, 'kind' | 'kindName'>): string {
  return Object.hasOwn(ALARM_KINDS, input.kind) ? ALARM_KINDS[input.kind as keyof typeof ALARM_KINDS] : (input.kindName ?? input.kind);
}

function parseInput(input: AlarmInput, which = ''): AlarmInput {
  const parsed = alarmInputSchema.safeParse(input);
  if (!parsed.success) throw new ConsoleError('bad-request', `报警数据${which}无效：${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** The first problem by field name and rule, never the value (a push may carry anything). */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return '格式不符';
  const field = issue.path.map(String).join('.');
  return field ? `${field}（${issue.message}）` : issue.message;
}

function checkActor(actor: string): string {
  const who = typeof actor === 'string' ? actor.trim() : '';
  if (!who) throw new ConsoleError('bad-request', '处理人不能为空');
  if (who.length > MAX_ACTOR) throw new ConsoleError('bad-request', `处理人不能超过 ${MAX_ACTOR} 个字符`);
  return who;
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
