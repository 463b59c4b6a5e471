import type { ConsoleHandlers } from '../../shared/contract/consoleApi';
import type { AuditLog } from '../services/auditLog';
import type { Db } from '../services/store';
import { NO_SYNC, type RecordApplier, type RecordSink } from '../sync/recordSink';
import { TaskStore } from './taskStore';

export type TaskRequestName = 'listTasks' | 'getTask' | 'createTask' | 'updateTask' | 'transitionTask';

export type TaskService = {
  handlers: Pick<ConsoleHandlers, TaskRequestName>;
  store: TaskStore;
  /** For seat sync: applies a 'task-change' record from another seat. */
  applyRemote: RecordApplier;
};

/**
 * The Node side of 任务管理: every change is in SQLite (task, history row, outgoing sync record) before the reply;
 * `actor` is who acts on this console (until sign-in exists), `seatId` the console seat.
 */
export function createTaskService(deps: {
  db: Db;
  audit: AuditLog;
  actor: string;
  seatId: string;
  sink?: RecordSink;
  now?: () => number;
}): TaskService {
  const { audit, actor } = deps;
  const store = new TaskStore(deps.db, { seatId: deps.seatId, sink: deps.sink ?? NO_SYNC, ...(deps.now ? { now: deps.now } : {}) });
  const handlers: TaskService['handlers'] = {
    listTasks: async (query) => store.list(query, actor),
    getTask: async ({ id }) => store.get(id),
    createTask: async (input) => {
      const task = store.create(input, actor);
      audit.record(actor, 'task.create', task.id, { title: task.title, receiver: task.receiver.name, level: task.level, deadline: task.deadline });
      return task;
    },
    updateTask: async (input) => {
      const task = store.update(input, actor);
      audit.record(actor, 'task.update', task.id, { fields: Object.keys(input).filter((k) => k !== 'id') });
      return task;
    },
    transitionTask: async (input) => {
      const task = store.transition(input, actor);
      audit.record(actor, `task.${input.action}`, task.id, input.note ? { note: input.note } : null);
      return task;
    },
  };
  return { handlers, store, applyRemote: store.applyRemote };
}
