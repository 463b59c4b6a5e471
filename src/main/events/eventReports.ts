import { randomUUID } from 'node:crypto';
import { ConsoleError } from '../../shared/contract/rpc';
import {
  DEFAULT_REPORT_TEMPLATE_BODY,
  DEFAULT_REPORT_TEMPLATE_ID,
  EVENT_LEVEL_NAMES,
  EVENT_STATE_NAMES,
  EVENT_TYPES,
  REPORT_PLACEHOLDERS,
  saveReportTemplateInputSchema,
  type ConsoleEvent,
  type RenderedReport,
  type ReportPlaceholder,
  type ReportTemplate,
  type SaveReportTemplateInput,
} from '../../shared/domain/event';
import { localDateTime } from '../../shared/localTime';
import type { Db } from '../services/store';
import { describeIssue } from './eventStore';

type TemplateRow = { id: string; name: string; body: string; builtin: number; updated_at: number };

/** Shown for a field the event leaves empty, so the report never has a gap. */
const BLANK = '（暂无）';

/**
 * 快报 templates (`event_templates`): the built-in one (煤矿安全生产事故快报, editable, never deleted) and the
 * operators' own; a report is a template's body with its `{{占位符}}` replaced by the event's fields. The
 * replacement is plain text substitution (no expressions, nothing is compiled), on the Node side.
 */
export class EventReports {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    // The built-in template exists from the first start on; an edited one is kept as edited.
    this.db
      .prepare('INSERT OR IGNORE INTO event_templates (id, name, body, builtin, updated_at) VALUES (?, ?, ?, 1, ?)')
      .run(DEFAULT_REPORT_TEMPLATE_ID, '煤矿安全生产事故快报', DEFAULT_REPORT_TEMPLATE_BODY, Math.round(this.now()));
  }

  /** The built-in template first, then the others by name. */
  list(): ReportTemplate[] {
    const rows = this.db.prepare('SELECT * FROM event_templates ORDER BY builtin DESC, name, id').all() as TemplateRow[];
    return rows.map(toTemplate);
  }

  get(id: string): ReportTemplate {
    const row = this.db.prepare('SELECT * FROM event_templates WHERE id = ?').get(id) as TemplateRow | undefined;
    if (!row) throw new ConsoleError('not-found', `快报模板不存在: ${id}`);
    return toTemplate(row);
  }

  /** Without id a new template; names are unique. */
  save(input: SaveReportTemplateInput): ReportTemplate {
    const parsed = saveReportTemplateInputSchema.safeParse(input);
    if (!parsed.success) throw new ConsoleError('bad-request', `快报模板无效：${describeIssue(parsed.error)}`);
    const { name, body } = parsed.data;
    return this.db.transaction(() => {
      const id = parsed.data.id ?? randomUUID();
      const existing = this.db.prepare('SELECT * FROM event_templates WHERE id = ?').get(id) as TemplateRow | undefined;
      if (parsed.data.id !== undefined && !existing) throw new ConsoleError('not-found', `快报模板不存在: ${id}`);
      const clash = this.db.prepare('SELECT 1 FROM event_templates WHERE name = ? AND id <> ?').get(name, id);
      if (clash) throw new ConsoleError('conflict', `已有同名的快报模板「${name}」`);
      const at = Math.round(this.now());
      if (existing) this.db.prepare('UPDATE event_templates SET name = ?, body = ?, updated_at = ? WHERE id = ?').run(name, body, at, id);
      else this.db.prepare('INSERT INTO event_templates (id, name, body, builtin, updated_at) VALUES (?, ?, ?, 0, ?)').run(id, name, body, at);
      return this.get(id);
    })();
  }

  /** Deletes an operator's template (the built-in one stays); false when it did not exist. */
  delete(id: string): boolean {
    const row = this.db.prepare('SELECT builtin FROM event_templates WHERE id = ?').get(id) as { builtin: number } | undefined;
    if (!row) return false;
    if (row.builtin === 1) throw new ConsoleError('bad-request', '内置快报模板不能删除，可以修改它的内容');
    this.db.prepare('DELETE FROM event_templates WHERE id = ?').run(id);
    return true;
  }

  /** The report of `event` from a stored template or a body being edited. */
  render(event: ConsoleEvent, source: { templateId?: string; body?: string }, unit: string): RenderedReport {
    const template = source.templateId !== undefined ? this.get(source.templateId) : null;
    const body = template?.body ?? source.body ?? '';
    const { text, unknown } = renderTemplate(body, reportValues(event, unit, this.now()));
    const name = template?.name ?? '快报';
    const fileName = `${safeName(name)}-${EVENT_TYPES[event.type].name}-${localDateTime(event.occurredAt).slice(0, 10)}.txt`;
    return { text, unknown, fileName };
  }
}

/** What each placeholder stands for in the report of `event`. */
export function reportValues(event: ConsoleEvent, unit: string, now: number): Record<ReportPlaceholder, string> {
  const count = (...kinds: string[]) => String(event.links.filter((l) => kinds.includes(l.kind)).length);
  const labels = (kind: string) =>
    event.links
      .filter((l) => l.kind === kind)
      .map((l) => l.label || l.id)
      .join('\n');
  const or = (s: string | null | undefined) => (s && s.trim() ? s.trim() : BLANK);
  return {
    事件编号: event.id,
    类型: EVENT_TYPES[event.type].name,
    级别: EVENT_LEVEL_NAMES[event.level] ?? String(event.level),
    状态: EVENT_STATE_NAMES[event.state],
    煤矿: or(event.mineName),
    地点: or(event.place),
    坐标: event.location ? `${event.location[0].toFixed(6)}, ${event.location[1].toFixed(6)}` : BLANK,
    发生时间: localDateTime(event.occurredAt),
    描述: or(event.description),
    伤亡情况: or(event.casualties),
    初步原因: or(event.cause),
    已采取措施: or(event.measures),
    报告人: or(event.reporter),
    关联报警数: count('alarm'),
    关联通话数: count('call'),
    关联录音数: count('callRecording', 'videoRecording'),
    关联报警: or(labels('alarm')),
    关联通话: or(labels('call')),
    报告时间: localDateTime(now),
    填报单位: or(unit),
  };
}

/**
 * `{{ 名称 }}` → its value; a name that is not known is left as written and reported. Only a lookup in `values`:
 * no expressions, sections or code.
 */
export function renderTemplate(body: string, values: Readonly<Record<string, string>>): { text: string; unknown: string[] } {
  const unknown = new Set<string>();
  const text = body.replace(/\{\{\s*([^{}\s][^{}]{0,31}?)\s*\}\}/g, (whole, name: string) => {
    if (Object.hasOwn(values, name)) return values[name]!;
    unknown.add(name);
    return whole;
  });
  return { text, unknown: [...unknown] };
}

export const PLACEHOLDER_NAMES = Object.keys(REPORT_PLACEHOLDERS) as ReportPlaceholder[];

function toTemplate(r: TemplateRow): ReportTemplate {
  return { id: r.id, name: r.name, body: r.body, builtin: r.builtin === 1, updatedAt: r.updated_at };
}

function safeName(s: string): string {
  return s.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 40) || '快报';
}
