import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { ConsoleError } from '../../shared/contract/rpc';
import {
  createTaskInputSchema,
  FINISHED_TASK_STATES,
  MAX_TASK_NOTE,
  TASK_TRANSITIONS,
  taskChangePayloadSchema,
  taskQuerySchema,
  transitionTaskInputSchema,
  updateTaskInputSchema,
  type CreateTaskInput,
  type Task,
  type TaskChangePayload,
  type TaskDetail,
  type TaskHistoryAction,
  type TaskHistoryEntry,
  type TaskQuery,
  type TaskReceiver,
  type TaskState,
  type TransitionTaskInput,
  type UpdateTaskInput,
} from '../../shared/domain/task';
import { indexTerms, queryTerms } from '../alarms/cjkTerms';
import { checkActorName, describeIssue, parseRequest } from '../services/badRequest';
import { SqlConditions } from '../services/sqlConditions';
import { statementCache } from '../services/statementCache';
import type { Db } from '../services/store';
import { NO_SYNC, type RecordSink, type SyncRecord } from '../sync/recordSink';

export const TASK_STATE_NAMES: Record<TaskState, string> = {
  pending: '待接收',
  accepted: '已接收',
  'in-progress': '处理中',
  done: '已完成',
  rejected: '已退回',
  cancelled: '已撤销',
};

export const TASK_ACTION_NAMES: Record<TaskHistoryAction, string> = {
  create: '新建',
  edit: '修改',
  accept: '接收',
  start: '开始处理',
  complete: '完成',
  reject: '退回',
  cancel: '撤销',
};

const MAX_ACTOR = 64;

type TaskRow = {
  seq: number;
  id: string;
  title: string;
  description: string;
  level: number;
  sender: string;
  receiver_kind: string;
  receiver_id: string | null;
  receiver_name: string;
  mine_id: string | null;
  deadline: number;
  state: string;
  feedback: string | null;
  created_at: number;
  updated_at: number;
  updated_by: string;
  seat_id: string;
  event_id: string | null;
  alarm_id: string | null;
};

type HistoryRow = {
  change_id: string;
  task_id: string;
  action: string;
  actor: string;
  seat_id: string;
  at: number;
  note: string | null;
  changed: string;
  before: string | null;
  after: string;
};

/** The fields a change may alter, in the order `changed` lists them. */
const CONTENT_FIELDS = ['title', 'description', 'level', 'receiver', 'mineId', 'deadline', 'state', 'feedback', 'eventId', 'alarmId'] as const;

export type TaskStoreOptions = {
  /** This console's seat: stamped on every change made here. */
  seatId: string;
  /** Where this seat's changes go for the other seats (enqueued in each change's transaction). */
  sink?: RecordSink;
  now?: () => number;
};

/**
 * Tasks (任务, migration 9). Every change (create, edit, transition) is one transaction that writes the task, its
 * full-text terms, an append-only `task_history` row and the outgoing `task-change` record, before the caller replies.
 * Changes from other seats come in through `applyRemote`: idempotent by the record's key (the history row's
 * change id), the task itself taken only when the change is newer by (updatedAt, seatId), its history row always.
 */
export class TaskStore {
  private readonly stmt: (sql: string) => Statement;
  private readonly seatId: string;
  private readonly sink: RecordSink;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    options: TaskStoreOptions,
  ) {
    this.stmt = statementCache(db);
    this.seatId = options.seatId;
    this.sink = options.sink ?? NO_SYNC;
    this.now = options.now ?? Date.now;
  }

  /** A new task, 待接收. A repeated id (a retried request) returns the stored task unchanged. */
  create(input: CreateTaskInput, actor: string): Task {
    const v = parseRequest(createTaskInputSchema, input, '任务内容');
    const who = checkActor(actor);
    return this.db.transaction(() => {
      if (v.id) {
        const existing = this.find(v.id);
        if (existing) return existing;
      }
      const at = this.time();
      if (v.deadline <= at) throw new ConsoleError('bad-request', '截止时间应晚于当前时间');
      const task: Task = {
        id: v.id ?? randomUUID(),
        title: v.title,
        description: v.description.trim(),
        level: v.level,
        sender: who,
        receiver: v.receiver,
        mineId: v.mineId ?? null,
        deadline: v.deadline,
        state: 'pending',
        feedback: null,
        createdAt: at,
        updatedAt: at,
        updatedBy: who,
        seatId: this.seatId,
        eventId: v.eventId ?? null,
        alarmId: v.alarmId ?? null,
      };
      this.commit(null, task, 'create', who, at, null);
      return task;
    })();
  }

  /** Changes the given fields of a task not yet done or cancelled; nothing different is no change (no history row). */
  update(input: UpdateTaskInput, actor: string): Task {
    const v = parseRequest(updateTaskInputSchema, input, '任务修改');
    const who = checkActor(actor);
    return this.db.transaction(() => {
      const before = this.getTask(v.id);
      if (FINISHED_TASK_STATES.includes(before.state)) throw new ConsoleError('conflict', `任务${TASK_STATE_NAMES[before.state]}，不能再修改`);
      const at = this.time();
      const next: Task = {
        ...before,
        ...(v.title !== undefined ? { title: v.title } : {}),
        ...(v.description !== undefined ? { description: v.description.trim() } : {}),
        ...(v.level !== undefined ? { level: v.level } : {}),
        ...(v.receiver !== undefined ? { receiver: v.receiver } : {}),
        ...(v.mineId !== undefined ? { mineId: v.mineId } : {}),
        ...(v.deadline !== undefined ? { deadline: v.deadline } : {}),
      };
      const changed = changedFields(before, next);
      if (changed.length === 0) return before;
      if (changed.includes('deadline') && next.deadline <= at) throw new ConsoleError('bad-request', '截止时间应晚于当前时间');
      const after = this.stamp(before, next, who, at);
      this.commit(before, after, 'edit', who, at, note(v.note));
      return after;
    })();
  }

  /** 接收, 开始处理, 完成, 退回, 撤销: only from the states the transition leaves from; the note becomes the feedback. */
  transition(input: TransitionTaskInput, actor: string): Task {
    const v = parseRequest(transitionTaskInputSchema, input, '任务操作');
    const who = checkActor(actor);
    return this.db.transaction(() => {
      const before = this.getTask(v.id);
      const rule = TASK_TRANSITIONS[v.action];
      if (!rule.from.includes(before.state)) {
        throw new ConsoleError('conflict', `任务当前为「${TASK_STATE_NAMES[before.state]}」，不能${TASK_ACTION_NAMES[v.action]}`);
      }
      const at = this.time();
      const feedback = note(v.note);
      const after = this.stamp(before, { ...before, state: rule.to, feedback }, who, at);
      this.commit(before, after, v.action, who, at, feedback);
      return after;
    })();
  }

  get(id: string): TaskDetail {
    const task = this.getTask(id);
    const rows = this.stmt('SELECT * FROM task_history WHERE task_id = ? ORDER BY at, seq').all(id) as HistoryRow[];
    return { task, history: rows.map(toHistory) };
  }

  /**
   * Keyset-paged list: newest created first (created_at, id descending) or soonest deadline first (deadline, id
   * ascending); `after` is the previous page's last row. `me` is the user whose tasks `scope: 'mine' | 'sent'` are:
   * mine = sent by them or addressed to them (by name, or to this seat); overdue is decided at `now`.
   */
  list(query: TaskQuery, me: string, now = this.now()): Task[] {
    const q = parseRequest(taskQuerySchema, query, '任务查询条件');
    const conditions = new SqlConditions({ limit: q.limit });
    if (q.scope === 'sent') conditions.add('t.sender = @me', { me });
    if (q.scope === 'mine') conditions.add("(t.sender = @me OR t.receiver_name = @me OR (t.receiver_kind = 'seat' AND t.receiver_id = @seat))", { me, seat: this.seatId });
    if (q.state !== undefined) conditions.add('t.state = @state', { state: q.state });
    if (q.level !== undefined) conditions.add('t.level = @level', { level: q.level });
    if (q.sender !== undefined && q.sender.trim()) conditions.add('t.sender = @sender', { sender: q.sender.trim() });
    if (q.mineId !== undefined) conditions.add('t.mine_id = @mineId', { mineId: q.mineId });
    if (q.createdFrom !== undefined) conditions.add('t.created_at >= @createdFrom', { createdFrom: q.createdFrom });
    if (q.createdTo !== undefined) conditions.add('t.created_at < @createdTo', { createdTo: q.createdTo });
    if (q.deadlineFrom !== undefined) conditions.add('t.deadline >= @deadlineFrom', { deadlineFrom: q.deadlineFrom });
    if (q.deadlineTo !== undefined) conditions.add('t.deadline < @deadlineTo', { deadlineTo: q.deadlineTo });
    if (q.overdueOnly) conditions.add(`t.state NOT IN (${FINISHED_TASK_STATES.map((s) => `'${s}'`).join(', ')}) AND t.deadline < @now`, { now });
    const text = q.text?.trim();
    if (text) {
      const match = queryTerms(text);
      // Punctuation only: nothing can match it.
      if (match === null) return [];
      conditions.add('t.seq IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH @match)', { match });
    }
    const byDeadline = q.order === 'deadline';
    if (q.after) {
      conditions.add(
        byDeadline
          ? 't.deadline >= @afterKey AND (t.deadline > @afterKey OR t.id > @afterId)'
          : 't.created_at <= @afterKey AND (t.created_at < @afterKey OR t.id < @afterId)',
        { afterKey: q.after.key, afterId: q.after.id },
      );
    }
    const order = byDeadline ? 'ORDER BY t.deadline, t.id' : 'ORDER BY t.created_at DESC, t.id DESC';
    const sql = `SELECT t.* FROM tasks t ${conditions.where()} ${order} LIMIT @limit`;
    return (this.stmt(sql).all(conditions.params) as TaskRow[]).map(toTask);
  }

  count(): number {
    return this.stmt('SELECT COUNT(*) FROM tasks').pluck().get() as number;
  }

  /**
   * Applies a `task-change` record from another seat: a key already in the history is a repeat (nothing happens);
   * otherwise the history row is kept and the task taken when it is newer than ours by (updatedAt, seatId).
   * Throws (nothing written) for a record it cannot read.
   */
  readonly applyRemote = (record: SyncRecord): void => {
    if (record.kind !== 'task-change') throw new Error(`not a task change: ${record.kind}`);
    const parsed = taskChangePayloadSchema.safeParse(record.payload);
    if (!parsed.success) throw new Error(`unreadable task change ${record.key}: ${describeIssue(parsed.error)}`);
    const p = parsed.data;
    if (p.task.seatId !== record.seatId) throw new Error(`task change ${record.key} names seat ${p.task.seatId}, sent by ${record.seatId}`);
    this.db.transaction(() => {
      if (this.stmt('SELECT 1 FROM task_history WHERE change_id = ?').get(record.key)) return;
      this.insertHistory(record.key, p, record.seatId);
      const local = this.find(p.task.id);
      if (!local || newer(p.task, local)) this.writeTask(p.task);
    })();
  };

  private getTask(id: string): Task {
    const task = this.find(id);
    if (!task) throw new ConsoleError('not-found', `任务不存在: ${id}`);
    return task;
  }

  private find(id: string): Task | null {
    const row = this.stmt('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row ? toTask(row) : null;
  }

  /** A change's time: never before the task's last change (clocks of seats differ), so it always wins over it. */
  private stamp(before: Task, next: Task, actor: string, at: number): Task {
    return { ...next, updatedAt: Math.max(at, before.updatedAt + 1), updatedBy: actor, seatId: this.seatId };
  }

  private time(): number {
    return Math.round(this.now());
  }

  /** Inside the caller's transaction: the task, its history row and the outgoing record. */
  private commit(before: Task | null, after: Task, action: TaskHistoryAction, actor: string, at: number, noteText: string | null): void {
    const key = randomUUID();
    const payload: TaskChangePayload = { task: after, before, action, changed: changedFields(before, after), actor, at, note: noteText };
    this.writeTask(after);
    this.insertHistory(key, payload, this.seatId);
    this.sink.enqueue({ kind: 'task-change', key, seatId: this.seatId, payload });
  }

  private writeTask(t: Task): void {
    const row: Omit<TaskRow, 'seq'> = {
      id: t.id,
      title: t.title,
      description: t.description,
      level: t.level,
      sender: t.sender,
      receiver_kind: t.receiver.kind,
      receiver_id: t.receiver.id,
      receiver_name: t.receiver.name,
      mine_id: t.mineId,
      deadline: t.deadline,
      state: t.state,
      feedback: t.feedback,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
      updated_by: t.updatedBy,
      seat_id: t.seatId,
      event_id: t.eventId,
      alarm_id: t.alarmId,
    };
    const columns = Object.keys(row);
    const seq = this.stmt(
      `INSERT INTO tasks (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
       ON CONFLICT(id) DO UPDATE SET ${columns.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}
       RETURNING seq`,
    )
      .pluck()
      .get(row) as number;
    this.stmt('DELETE FROM tasks_fts WHERE rowid = ?').run(seq);
    this.stmt('INSERT INTO tasks_fts (rowid, terms) VALUES (?, ?)').run(seq, indexTerms([t.title, t.description, t.receiver.name].join('\n')));
  }

  private insertHistory(changeId: string, p: TaskChangePayload, seatId: string): void {
    this.stmt(
      `INSERT INTO task_history (change_id, task_id, action, actor, seat_id, at, note, changed, before, after)
       VALUES (@change_id, @task_id, @action, @actor, @seat_id, @at, @note, @changed, @before, @after)`,
    ).run({
      change_id: changeId,
      task_id: p.task.id,
      action: p.action,
      actor: p.actor,
      seat_id: seatId,
      at: p.at,
      note: p.note,
      changed: JSON.stringify(p.changed),
      before: p.before ? JSON.stringify(p.before) : null,
      after: JSON.stringify(p.task),
    });
  }
}

/** Last writer wins: the later updatedAt, then the greater seat id (the same answer on every seat). */
function newer(a: Pick<Task, 'updatedAt' | 'seatId'>, b: Pick<Task, 'updatedAt' | 'seatId'>): boolean {
  return a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.seatId > b.seatId);
}

function changedFields(before: Task | null, after: Task): string[] {
  if (!before) return [...CONTENT_FIELDS];
  return CONTENT_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

function note(text: string | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  if (trimmed.length > MAX_TASK_NOTE) throw new ConsoleError('bad-request', `说明不能超过 ${MAX_TASK_NOTE} 个字符`);
  return trimmed || null;
}

function checkActor(actor: string): string {
  return checkActorName(actor, '操作人', MAX_ACTOR);
}

function toTask(r: TaskRow): Task {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    level: r.level,
    sender: r.sender,
    receiver: { kind: r.receiver_kind as TaskReceiver['kind'], id: r.receiver_id, name: r.receiver_name },
    mineId: r.mine_id,
    deadline: r.deadline,
    state: r.state as TaskState,
    feedback: r.feedback,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    seatId: r.seat_id,
    eventId: r.event_id,
    alarmId: r.alarm_id,
  };
}

function toHistory(r: HistoryRow): TaskHistoryEntry {
  return {
    changeId: r.change_id,
    taskId: r.task_id,
    action: r.action as TaskHistoryAction,
    actor: r.actor,
    seatId: r.seat_id,
    at: r.at,
    note: r.note,
    changed: JSON.parse(r.changed) as string[],
    before: r.before ? (JSON.parse(r.before) as Task) : null,
    after: JSON.parse(r.after) as Task,
  };
}
