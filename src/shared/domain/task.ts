import { z } from 'zod';

/**
 * Tasks (任务管理): a dispatcher hands work to a person, a mine, another seat or a named receiver, with a level and a
 * deadline; the receiver accepts, starts and completes it (or refuses it), the sender may cancel it. Stored locally
 * first (SQLite, before the reply), every change kept as an append-only history row, and sent to the other seats.
 */

/** 待接收 → 已接收 → 处理中 → 已完成; 已退回 (refused by the receiver); 已撤销 (withdrawn by the sender). */
export const TASK_STATES = ['pending', 'accepted', 'in-progress', 'done', 'rejected', 'cancelled'] as const;
export const taskStateSchema = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof taskStateSchema>;

/** States in which a task no longer waits for anyone (never overdue, no longer editable). */
export const FINISHED_TASK_STATES: readonly TaskState[] = ['done', 'cancelled'];

/** What moves a task from one state to the next (接收, 开始处理, 完成, 退回, 撤销). */
export const TASK_TRANSITION_ACTIONS = ['accept', 'start', 'complete', 'reject', 'cancel'] as const;
export const taskTransitionActionSchema = z.enum(TASK_TRANSITION_ACTIONS);
export type TaskTransitionAction = z.infer<typeof taskTransitionActionSchema>;

/** Every transition: the states it leaves from and the one it leads to. */
export const TASK_TRANSITIONS: Record<TaskTransitionAction, { from: readonly TaskState[]; to: TaskState }> = {
  accept: { from: ['pending'], to: 'accepted' },
  start: { from: ['accepted'], to: 'in-progress' },
  complete: { from: ['in-progress'], to: 'done' },
  reject: { from: ['pending', 'accepted'], to: 'rejected' },
  cancel: { from: ['pending', 'accepted', 'in-progress', 'rejected'], to: 'cancelled' },
};

/** The transitions a task in `state` offers, in the order the buttons show them. */
export function allowedTaskActions(state: TaskState): TaskTransitionAction[] {
  return TASK_TRANSITION_ACTIONS.filter((a) => TASK_TRANSITIONS[a].from.includes(state));
}

/** What a history row records: the creation, an edit, or a transition. */
export const taskHistoryActionSchema = z.enum(['create', 'edit', ...TASK_TRANSITION_ACTIONS]);
export type TaskHistoryAction = z.infer<typeof taskHistoryActionSchema>;

/** 1 一般 … 4 特别重大, as the regional tiers are counted (the same as alarms). */
export const taskLevelSchema = z.number().int().min(1).max(4);

/** Who gets the task: a directory contact, a mine of the catalogue, another console seat, or a name typed in. */
export const taskReceiverSchema = z
  .object({
    kind: z.enum(['contact', 'mine', 'seat', 'text']),
    /** The contact's, mine's or seat's id; null for a typed name. */
    id: z.string().min(1).max(64).nullable(),
    name: z.string().trim().min(1).max(64),
  })
  .strict()
  .refine((r) => (r.kind === 'text') === (r.id === null), { message: '接收人类型与编号不符' });
export type TaskReceiver = z.infer<typeof taskReceiverSchema>;

export const MAX_TASK_TITLE = 100;
export const MAX_TASK_DESCRIPTION = 2000;
export const MAX_TASK_NOTE = 500;

const taskIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const taskSchema = z
  .object({
    id: taskIdSchema,
    title: z.string().min(1).max(MAX_TASK_TITLE),
    description: z.string().max(MAX_TASK_DESCRIPTION),
    level: taskLevelSchema,
    /** Who created it (the console's user). */
    sender: z.string().min(1).max(64),
    receiver: taskReceiverSchema,
    mineId: z.string().max(64).nullable(),
    /** Epoch ms. */
    deadline: z.number().int(),
    state: taskStateSchema,
    /** The note of the last transition (the receiver's feedback, the reason for 退回 or 撤销). */
    feedback: z.string().max(MAX_TASK_NOTE).nullable(),
    createdAt: z.number().int(),
    /** Of the last change; with `seatId` it decides which of two concurrent changes wins on every seat. */
    updatedAt: z.number().int(),
    updatedBy: z.string().max(64),
    /** The seat of the last change. */
    seatId: z.string().min(1).max(64),
    eventId: z.string().max(64).nullable(),
    alarmId: z.string().max(64).nullable(),
  })
  .strict();
export type Task = z.infer<typeof taskSchema>;

/** One change of a task, append-only: who, where and when, the note, and the task before and after. */
export const taskHistoryEntrySchema = z
  .object({
    changeId: z.string(),
    taskId: z.string(),
    action: taskHistoryActionSchema,
    actor: z.string(),
    seatId: z.string(),
    at: z.number().int(),
    note: z.string().nullable(),
    /** Field names that changed (`state`, `deadline` …); every field for a creation. */
    changed: z.array(z.string()),
    before: taskSchema.nullable(),
    after: taskSchema,
  })
  .strict();
export type TaskHistoryEntry = z.infer<typeof taskHistoryEntrySchema>;

/** Overdue: still waiting for someone (not done, not cancelled) after its deadline. Computed, never stored. */
export function isTaskOverdue(task: Pick<Task, 'state' | 'deadline'>, now: number): boolean {
  return !FINISHED_TASK_STATES.includes(task.state) && now > task.deadline;
}

const noteSchema = z.string().max(MAX_TASK_NOTE);

export const createTaskInputSchema = z
  .object({
    /** Made by the client so a repeated request (a lost reply) is the same task; generated when omitted. */
    id: taskIdSchema.optional(),
    title: z.string().trim().min(1).max(MAX_TASK_TITLE),
    description: z.string().max(MAX_TASK_DESCRIPTION),
    level: taskLevelSchema,
    receiver: taskReceiverSchema,
    mineId: z.string().max(64).nullable().optional(),
    deadline: z.number().int(),
    eventId: z.string().max(64).nullable().optional(),
    alarmId: z.string().max(64).nullable().optional(),
  })
  .strict();
export type CreateTaskInput = z.input<typeof createTaskInputSchema>;

/** Changes the fields given (title, description, level, receiver, mine, deadline) of an unfinished task. */
export const updateTaskInputSchema = z
  .object({
    id: taskIdSchema,
    title: z.string().trim().min(1).max(MAX_TASK_TITLE).optional(),
    description: z.string().max(MAX_TASK_DESCRIPTION).optional(),
    level: taskLevelSchema.optional(),
    receiver: taskReceiverSchema.optional(),
    mineId: z.string().max(64).nullable().optional(),
    deadline: z.number().int().optional(),
    note: noteSchema.optional(),
  })
  .strict();
export type UpdateTaskInput = z.input<typeof updateTaskInputSchema>;

export const transitionTaskInputSchema = z
  .object({ id: taskIdSchema, action: taskTransitionActionSchema, note: noteSchema.optional() })
  .strict();
export type TransitionTaskInput = z.input<typeof transitionTaskInputSchema>;

/** The list's sort: newest created first, or soonest deadline first. */
export const taskOrderSchema = z.enum(['created', 'deadline']);
export type TaskOrder = z.infer<typeof taskOrderSchema>;

export const taskQuerySchema = z
  .object({
    /** mine: the user sent or receives it; sent: the user sent it; all (default). */
    scope: z.enum(['mine', 'sent', 'all']).optional(),
    state: taskStateSchema.optional(),
    level: taskLevelSchema.optional(),
    sender: z.string().max(64).optional(),
    mineId: z.string().max(64).optional(),
    /** On createdAt: from inclusive, to exclusive. */
    createdFrom: z.number().optional(),
    createdTo: z.number().optional(),
    /** On deadline: from inclusive, to exclusive. */
    deadlineFrom: z.number().optional(),
    deadlineTo: z.number().optional(),
    overdueOnly: z.boolean().optional(),
    /** Full text over title, description and receiver (Chinese by characters and pairs). */
    text: z.string().max(64).optional(),
    order: taskOrderSchema.optional(),
    /** Keyset paging: the sort key (createdAt or deadline) and id of the previous page's last row. */
    after: z.object({ key: z.number(), id: z.string() }).strict().optional(),
    limit: z.number().int().min(1).max(500),
  })
  .strict();
export type TaskQuery = z.infer<typeof taskQuerySchema>;

export const taskDetailSchema = z.object({ task: taskSchema, history: z.array(taskHistoryEntrySchema) }).strict();
export type TaskDetail = z.infer<typeof taskDetailSchema>;

/** The payload of a `task-change` sync record: the full task after the change, and the change itself. */
export const taskChangePayloadSchema = z
  .object({
    task: taskSchema,
    before: taskSchema.nullable(),
    action: taskHistoryActionSchema,
    changed: z.array(z.string().max(32)).max(32),
    actor: z.string().min(1).max(64),
    at: z.number().int(),
    note: z.string().max(MAX_TASK_NOTE).nullable(),
  })
  .strict();
export type TaskChangePayload = z.infer<typeof taskChangePayloadSchema>;
