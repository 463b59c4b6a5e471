import { ConsoleError } from '../../shared/contract/rpc';
import type {
  BroadcastClip,
  BroadcastQuery,
  BroadcastRecord,
  BroadcastSource,
  BroadcastState,
  Delivery,
  DeliveryState,
  ReportDeliveryInput,
  StartBroadcastInput,
} from '../../shared/domain/broadcast';
import type { CallOutcome, Contact, ContactGroup, ContactRole } from '../../shared/domain/telephony';
import { checkTime } from '../services/mediaLibrary';
import type { Db } from '../services/store';

type BroadcastRow = {
  id: string;
  group_id: string;
  group_name: string;
  source_kind: string;
  clip_id: string | null;
  clip_name: string | null;
  text: string | null;
  repeat: number | null;
  schedule_id: string | null;
  operator: string;
  state: string;
  reason: string | null;
  started_at: number;
  ended_at: number | null;
  recording_id: string | null;
  recording_bytes: number | null;
};

type DeliveryRow = {
  broadcast_id: string;
  endpoint_id: string;
  position: number;
  name: string;
  number: string;
  role: string;
  mine_name: string | null;
  state: string;
  call_id: string | null;
  answered_at: number | null;
  ended_at: number | null;
  outcome: string | null;
  reason: string | null;
};

/** Consoles' clocks against the host's: a firing is claimed by any broadcast of its schedule started since about its time. */
const FIRING_CLOCK_SLACK_MS = 2000;

const RANK: Record<DeliveryState, number> = { pending: 0, calling: 1, answered: 2, ended: 3 };

const SELECT_JOINED = `
  SELECT b.*, r.id AS recording_id, r.bytes AS recording_bytes
  FROM broadcasts b
  LEFT JOIN broadcast_recordings r ON r.id = (
    SELECT id FROM broadcast_recordings WHERE broadcast_id = b.id ORDER BY started_at DESC, rowid DESC LIMIT 1
  )`;

/**
 * Broadcast records (广播记录, tables `broadcasts` and `broadcast_deliveries`): who broadcast what to which group,
 * and what became of every endpoint. A broadcast starts with one pending delivery per group member (names and
 * numbers copied in, so a record outlives its group); the renderer reports each endpoint's steps
 * (pending → calling → answered → ended, an ended delivery is final) and the end of the broadcast. Every report is
 * written before the reply.
 */
export class BroadcastLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a record (the same id again returns it unchanged: a retried start). */
  start(input: StartBroadcastInput, ctx: { operator: string; group: ContactGroup; members: readonly Contact[]; clip: BroadcastClip | null }): BroadcastRecord {
    return this.db.transaction(() => {
      if (this.row(input.id)) return this.get(input.id);
      if (input.scheduleId !== null && input.dueAt != null) {
        const claimed = this.db
          .prepare('SELECT 1 FROM broadcasts WHERE schedule_id = ? AND started_at >= ?')
          .get(input.scheduleId, input.dueAt - FIRING_CLOCK_SLACK_MS);
        if (claimed) throw new ConsoleError('conflict', '该定时广播已由其他调度台处理');
      }
      const source = input.source;
      this.db
        .prepare(
          `INSERT INTO broadcasts (id, group_id, group_name, source_kind, clip_id, clip_name, text, repeat, schedule_id, operator, state, reason, started_at, ended_at)
           VALUES (@id, @group_id, @group_name, @source_kind, @clip_id, @clip_name, @text, @repeat, @schedule_id, @operator, 'running', NULL, @started_at, NULL)`,
        )
        .run({
          id: input.id,
          group_id: ctx.group.id,
          group_name: ctx.group.name,
          source_kind: source.kind,
          clip_id: source.kind === 'clip' ? source.clipId : null,
          clip_name: ctx.clip?.name ?? null,
          text: ctx.clip?.text ?? null,
          repeat: source.kind === 'clip' ? source.repeat : null,
          schedule_id: input.scheduleId,
          operator: ctx.operator,
          started_at: this.now(),
        });
      const add = this.db.prepare(
        `INSERT INTO broadcast_deliveries (broadcast_id, endpoint_id, position, name, number, role, mine_name, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
      );
      ctx.members.forEach((m, i) => add.run(input.id, m.id, i, m.name, m.number, m.role, m.mineName));
      return this.get(input.id);
    })();
  }

  reportDelivery(input: ReportDeliveryInput): Delivery {
    return this.db.transaction(() => {
      const stored = this.db
        .prepare('SELECT * FROM broadcast_deliveries WHERE broadcast_id = ? AND endpoint_id = ?')
        .get(input.broadcastId, input.endpointId) as DeliveryRow | undefined;
      if (!stored) throw new ConsoleError('not-found', `广播记录中没有这个终端: ${input.broadcastId} / ${input.endpointId}`);
      if (stored.state === 'ended') return toDelivery(stored);
      if (RANK[input.state] < RANK[stored.state as DeliveryState]) {
        throw new ConsoleError('conflict', `终端状态不能从 ${stored.state} 回到 ${input.state}`);
      }
      const now = this.now();
      if (input.answeredAt !== null) checkTime(input.answeredAt, '接通时间');
      if (input.endedAt !== null) checkTime(input.endedAt, '结束时间');
      const ended = input.state === 'ended';
      const next: DeliveryRow = {
        ...stored,
        state: input.state,
        call_id: stored.call_id ?? input.callId,
        answered_at: stored.answered_at ?? input.answeredAt ?? (input.state === 'answered' ? now : null),
        ended_at: ended ? (input.endedAt ?? now) : null,
        outcome: ended ? (input.outcome ?? (stored.answered_at !== null || input.answeredAt !== null ? 'answered' : 'failed')) : null,
        reason: input.reason ?? stored.reason,
      };
      this.db
        .prepare(
          `UPDATE broadcast_deliveries SET state = @state, call_id = @call_id, answered_at = @answered_at, ended_at = @ended_at,
             outcome = @outcome, reason = @reason WHERE broadcast_id = @broadcast_id AND endpoint_id = @endpoint_id`,
        )
        .run(next);
      return toDelivery(next);
    })();
  }

  /** Ends a running broadcast; deliveries still open end with it (never reached: cancelled; on air: answered). */
  finish(id: string, state: Exclude<BroadcastState, 'running'>, reason: string | null): BroadcastRecord {
    return this.db.transaction(() => {
      const row = this.row(id);
      if (!row) throw new ConsoleError('not-found', `广播记录不存在: ${id}`);
      if (row.state !== 'running') return this.get(id);
      const now = this.now();
      this.db.prepare('UPDATE broadcasts SET state = ?, reason = ?, ended_at = ? WHERE id = ?').run(state, reason, now, id);
      this.closeOpenDeliveries(id, now, state === 'interrupted' ? '调度台退出时中断' : '广播已结束');
      return this.get(id);
    })();
  }

  /** Broadcasts a killed console left running become interrupted (at start-up); returns how many. */
  closeInterrupted(): number {
    const open = this.db.prepare("SELECT id FROM broadcasts WHERE state = 'running'").pluck().all() as string[];
    for (const id of open) this.finish(id, 'interrupted', '调度台退出时广播中断');
    return open.length;
  }

  get(id: string): BroadcastRecord {
    const row = this.db.prepare(`${SELECT_JOINED} WHERE b.id = ?`).get(id) as BroadcastRow | undefined;
    if (!row) throw new ConsoleError('not-found', `广播记录不存在: ${id}`);
    return this.toRecord(row);
  }

  list(query: BroadcastQuery): BroadcastRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit };
    if (query.from !== undefined) {
      where.push('b.started_at >= @from');
      params.from = query.from;
    }
    if (query.to !== undefined) {
      where.push('b.started_at < @to');
      params.to = query.to;
    }
    const text = query.text?.trim();
    if (text) {
      where.push(`(b.group_name LIKE @like ESCAPE '\\' OR b.clip_name LIKE @like ESCAPE '\\' OR b.text LIKE @like ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM broadcast_deliveries d WHERE d.broadcast_id = b.id AND (d.name LIKE @like ESCAPE '\\' OR d.number LIKE @like ESCAPE '\\')))`);
      params.like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const sql = `${SELECT_JOINED} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY b.started_at DESC, b.rowid DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as BroadcastRow[]).map((r) => this.toRecord(r));
  }

  private closeOpenDeliveries(id: string, now: number, reason: string): void {
    this.db
      .prepare(
        `UPDATE broadcast_deliveries SET state = 'ended', ended_at = @now,
           outcome = CASE WHEN answered_at IS NOT NULL THEN 'answered' ELSE 'cancelled' END,
           reason = COALESCE(reason, @reason)
         WHERE broadcast_id = @id AND state <> 'ended'`,
      )
      .run({ id, now, reason });
  }

  private row(id: string): BroadcastRow | undefined {
    return this.db.prepare('SELECT * FROM broadcasts WHERE id = ?').get(id) as BroadcastRow | undefined;
  }

  private toRecord(r: BroadcastRow): BroadcastRecord {
    const deliveries = this.db.prepare('SELECT * FROM broadcast_deliveries WHERE broadcast_id = ? ORDER BY position').all(r.id) as DeliveryRow[];
    const source: BroadcastSource = r.source_kind === 'clip' ? { kind: 'clip', clipId: r.clip_id ?? '', repeat: r.repeat ?? 1 } : { kind: 'live' };
    return {
      id: r.id,
      groupId: r.group_id,
      groupName: r.group_name,
      source,
      clipName: r.clip_name,
      text: r.text,
      scheduleId: r.schedule_id,
      operator: r.operator,
      state: r.state as BroadcastState,
      reason: r.reason,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      deliveries: deliveries.map(toDelivery),
      recordingId: r.recording_id ?? null,
      recordingBytes: r.recording_bytes ?? null,
    };
  }
}

function toDelivery(d: DeliveryRow): Delivery {
  return {
    endpointId: d.endpoint_id,
    name: d.name,
    number: d.number,
    role: d.role as ContactRole,
    mineName: d.mine_name,
    state: d.state as DeliveryState,
    callId: d.call_id,
    answeredAt: d.answered_at,
    endedAt: d.ended_at,
    outcome: d.outcome as CallOutcome | null,
    reason: d.reason,
  };
}
