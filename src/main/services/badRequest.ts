import type { z } from 'zod';
import { ConsoleError } from '../../shared/contract/rpc';

/** `schema.parse`, but what fails is a bad request naming `what` (e.g. 任务查询条件) and the first problem. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConsoleError('bad-request', `${what}无效：${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** The first problem by field name and rule, never the value (a push may carry anything). */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return '格式不符';
  const field = issue.path.map(String).join('.');
  return field ? `${field}（${issue.message}）` : issue.message;
}

/** Who takes a step (`label`: 处理人, 操作人): trimmed, required and at most `max` characters. */
export function checkActorName(actor: string, label: string, max: number): string {
  const who = typeof actor === 'string' ? actor.trim() : '';
  if (!who) throw new ConsoleError('bad-request', `${label}不能为空`);
  if (who.length > max) throw new ConsoleError('bad-request', `${label}不能超过 ${max} 个字符`);
  return who;
}
