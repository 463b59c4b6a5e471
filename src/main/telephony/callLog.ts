import { ConsoleError } from '../../shared/contract/rpc';
import type { CallKind, CallOutcome, CallQuery, CallRecord, CallRecordState, CallReport } from '../../shared/domain/telephony';
import { checkTime } from '../services/mediaLibrary';
import type { Db } from '../services/store';

export type CallRow = {
  id: string;
  account_id: string;
  direction: string;
  kind: string;
  group_id: string | null;
  caller_number: string;
  caller_name: string | null;
  callee_number: string;
  callee_name: string | null;
  mine_id: string | null;
  state: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  outcome: string | null;
  reason: string | null;
  updated_at: number;
};

type JoinedRow = CallRow & { recording_id: string | null; recording_bytes: number | null };

/** calling and ringing are the same step (which one depends on the SIP provisional replies). */
const RANK: Record<CallRecordState, number> = { calling: 0, ringing: 0, established: 1, ended: 2 };

/** The call's latest recording, joined to every row read. */
const SELECT_JOINED = `
  SELECT c.*, r.id AS recording_id, r.bytes AS recording_bytes
  FROM calls c
  LEFT JOIN call_recordings r ON r.id = (
    SELECT id FROM call_recordings WHERE call_id = c.id ORDER BY started_at DESC, rowid DESC LIMIT 1
  )`;

/**
 * The call history (通话记录, table `calls`). The renderer reports every step of a call under one id; each report
 * is validated against the stored record and written in one transaction before the reply. The life of a record:
 * calling/ringing → established → ended, any → ended; an ended record is final (later reports get it back
 * unchanged); answeredAt is set once.
 */
export class CallLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  report(report: CallReport): CallRecord {
    return this.db.transaction(() => {
      const stored = this.row(report.id);
      if (stored?.state === 'ended') return toRecord(stored);
      const next = merge(stored, report, this.now());
      this.db
        .prepare(
          `INSERT INTO calls (id, account_id, direction, kind, group_id, caller_number, caller_name, callee_number, callee_name, mine_id,
             state, started_at, answered_at, ended_at, outcome, reason, updated_at)
           VALUES (@id, @account_id, @direction, @kind, @group_id, @caller_number, @caller_name, @callee_number, @callee_name, @mine_id,
             @state, @started_at, @answered_at, @ended_at, @outcome, @reason, @updated_at)
           ON CONFLICT(id) DO UPDATE SET group_id = excluded.group_id, caller_number = excluded.caller_number,
             caller_name = excluded.caller_name, callee_number = excluded.callee_number, callee_name = excluded.callee_name,
             mine_id = excluded.mine_id, state = excluded.state, answered_at = excluded.answered_at, ended_at = excluded.ended_at,
             outcome = excluded.outcome, reason = excluded.reason, updated_at = excluded.updated_at
           WHERE calls.state <> 'ended'`,
        )
        .run(next);
      return toRecord(this.row(report.id)!);
    })();
  }

  get(id: string): CallRecord | null {
    const row = this.row(id);
    return row ? toRecord(row) : null;
  }

  list(query: CallQuery): CallRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const like = (name: string, value: string | undefined, columns: string[]) => {
      const v = value?.trim();
      if (!v) return;
      params[name] = `%${v.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      where.push(`(${columns.map((c) => `c.${c} LIKE @${name} ESCAPE '\\'`).join(' OR ')})`);
    };
    like('caller', query.caller, ['caller_number', 'caller_name']);
    like('callee', query.callee, ['callee_number', 'callee_name']);
    like('party', query.party, ['caller_number', 'caller_name', 'callee_number', 'callee_name']);
    if (query.direction) {
      params.direction = query.direction;
      where.push('c.direction = @direction');
    }
    if (query.kind) {
      params.kind = query.kind;
      where.push('c.kind = @kind');
    }
    if (query.result === 'answered') where.push('c.answered_at IS NOT NULL');
    else if (query.result === 'missed') where.push("c.direction = 'in' AND c.state = 'ended' AND c.answered_at IS NULL");
    else if (query.result === 'unanswered') where.push("c.state = 'ended' AND c.answered_at IS NULL");
    if (query.from !== undefined) {
      params.from = query.from;
      where.push('c.started_at >= @from');
    }
    if (query.to !== undefined) {
      params.to = query.to;
      where.push('c.started_at < @to');
    }
    if (query.recorded) where.push('r.id IS NOT NULL');
    params.limit = Math.min(1000, Math.max(1, Math.floor(query.limit)));
    const sql = `${SELECT_JOINED} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.started_at DESC, c.rowid DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as JoinedRow[]).map(toRecord);
  }

  /**
   * Closes calls a killed process left open: outcome 'interrupted', ended at their last report. Returns how many.
   * Call only at start, before any report of this run.
   */
  closeInterrupted(): number {
    return this.db
      .prepare("UPDATE calls SET state = 'ended', outcome = 'interrupted', ended_at = MAX(started_at, updated_at) WHERE state <> 'ended'")
      .run().changes;
  }

  private row(id: string): JoinedRow | undefined {
    return this.db.prepare(`${SELECT_JOINED} WHERE c.id = ?`).get(id) as JoinedRow | undefined;
  }
}

/** The row a report leads to, or a ConsoleError when the report breaks the record's life. */
function merge(stored: CallRow | undefined, r: CallReport, now: number): CallRow {
  const startedAt = stored?.started_at ?? checkTime(r.startedAt, '通话开始时间');
  if (stored) {
    if (stored.account_id !== r.accountId || stored.direction !== r.direction || stored.kind !== r.kind) {
      throw new ConsoleError('conflict', `通话 ${r.id} 的账号、方向或类型与已记录的不同`);
    }
    if (RANK[r.state] < RANK[stored.state as CallRecordState]) {
      throw new ConsoleError('conflict', `通话状态不能从 ${stored.state} 回到 ${r.state}`);
    }
  }
  // answeredAt is set once: the first value stays.
  const answeredAt = stored?.answered_at ?? (r.answeredAt === null ? null : checkTime(r.answeredAt, '通话接通时间'));
  if (r.state === 'established' && answeredAt === null) throw new ConsoleError('bad-request', '通话已接通但缺少接通时间 (answeredAt)');
  let endedAt: number | null = null;
  let outcome: CallOutcome | null = null;
  if (r.state === 'ended') {
    if (r.outcome === null || r.endedAt === null) throw new ConsoleError('bad-request', '结束的通话必须带结束结果 (outcome) 和结束时间 (endedAt)');
    endedAt = Math.max(startedAt, checkTime(r.endedAt, '通话结束时间'));
    outcome = r.outcome;
  } else if (r.outcome !== null || r.endedAt !== null) {
    throw new ConsoleError('bad-request', '未结束的通话不能带结束结果或结束时间');
  }
  return {
    id: r.id,
    account_id: stored?.account_id ?? r.accountId,
    direction: r.direction,
    kind: r.kind,
    group_id: r.groupId,
    caller_number: r.caller.number,
    caller_name: r.caller.name,
    callee_number: r.callee.number,
    callee_name: r.callee.name,
    mine_id: r.mineId,
    state: r.state,
    started_at: startedAt,
    answered_at: answeredAt,
    ended_at: endedAt,
    outcome,
    reason: r.reason,
    updated_at: now,
  };
}

function toRecord(r: JoinedRow): CallRecord {
  return {
    id: r.id,
    accountId: r.account_id,
    direction: r.direction as CallRecord['direction'],
    kind: r.kind as CallKind,
    groupId: r.group_id,
    caller: { number: r.caller_number, name: r.caller_name },
    callee: { number: r.callee_number, name: r.callee_name },
    mineId: r.mine_id,
    state: r.state as CallRecordState,
    startedAt: r.started_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    outcome: r.outcome as CallOutcome | null,
    reason: r.reason,
    recordingId: r.recording_id,
    recordingBytes: r.recording_bytes,
  };
}
