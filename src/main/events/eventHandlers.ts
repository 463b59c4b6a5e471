import path from 'node:path';
import type { ConsoleHandlers } from '../../shared/contract/consoleApi';
import type { Mine } from '../../shared/domain/catalogue';
import type { EventFields, SaveEventInput } from '../../shared/domain/event';
import { EVENT_FIELD_KEYS } from '../../shared/domain/event';
import type { AuditLog } from '../services/auditLog';
import type { Db } from '../services/store';
import type { RecordApplier, RecordSink } from '../sync/recordSink';
import { NO_SYNC } from '../sync/recordSink';
import { exportEvents, importEvents } from './eventExport';
import { EventReports } from './eventReports';
import { EventStore } from './eventStore';

/** Biggest export sent back over the wire (base64 grows it by a third; the web host's messages are at most 16 MB). */
export const MAX_SENT_EXPORT_BYTES = 10 * 1024 * 1024;

export type EventRequestName =
  | 'listEvents'
  | 'getEvent'
  | 'saveEvent'
  | 'closeEvent'
  | 'exportEvents'
  | 'importEvents'
  | 'listReportTemplates'
  | 'saveReportTemplate'
  | 'deleteReportTemplate'
  | 'renderEventReport';

export type EventService = {
  handlers: Pick<ConsoleHandlers, EventRequestName>;
  store: EventStore;
  /** For seat sync: applies an 'event-change' record from another seat. */
  applyRemote: RecordApplier;
};

/**
 * The Node side of 事件管理: the event store (every change in SQLite, with its history row and its outgoing sync
 * record, before the reply), CSV/xlsx export and import, and 快报 templates rendered here.
 */
export function createEventService(deps: {
  db: Db;
  dataDir: string;
  /** This console's seat id (sync), stamped on every change. */
  seatId: string;
  sink?: RecordSink;
  /** The catalogue's mines (names for a saved event's mine, and for import rows naming a mine). */
  mines: () => readonly Mine[];
  audit: AuditLog;
  actor: string;
  /** Whose report it is (填报单位). */
  unit?: string;
  now?: () => number;
}): EventService {
  const { audit, actor } = deps;
  const now = deps.now ?? Date.now;
  const store = new EventStore(deps.db, { seatId: deps.seatId, sink: deps.sink ?? NO_SYNC, now });
  const reports = new EventReports(deps.db, now);
  const unit = deps.unit ?? '长治市应急指挥中心';

  /** The fields to store: the mine's name from the catalogue when it knows the mine. */
  const fieldsOf = (input: SaveEventInput): EventFields => {
    const out: Record<string, unknown> = {};
    for (const key of EVENT_FIELD_KEYS) out[key] = input[key];
    const fields = out as EventFields;
    const mine = fields.mineId ? deps.mines().find((m) => m.id === fields.mineId) : undefined;
    return mine ? { ...fields, mineName: mine.name } : fields;
  };

  const handlers: EventService['handlers'] = {
    listEvents: async (query) => store.list(query),
    getEvent: async ({ id }) => store.detail(id),
    saveEvent: async (input) => {
      const fields = fieldsOf(input);
      if (input.id !== undefined && store.has(input.id)) {
        const saved = store.update(input.id, fields, actor, input.expectedUpdatedAt);
        audit.record(actor, 'event.update', saved.id, { type: saved.type, level: saved.level });
        return saved;
      }
      const created = store.create(fields, actor, input.id !== undefined ? { id: input.id } : {});
      audit.record(actor, 'event.create', created.id, { type: created.type, level: created.level, mine: created.mineName });
      return created;
    },
    closeEvent: async ({ id, note }) => {
      const closed = store.close(id, actor, note ?? null);
      audit.record(actor, 'event.close', id, note ? { note } : null);
      return closed;
    },
    exportEvents: async ({ filter, format }) => {
      const file = await exportEvents(path.join(deps.dataDir, 'media'), store.listAll(filter, 10_001), format, now());
      audit.record(actor, 'event.export', file.fileName, { count: file.count, format });
      // A file too big for one message stays in the exports folder only (the reply names it, with no data).
      const dataBase64 = file.bytes <= MAX_SENT_EXPORT_BYTES ? file.data.toString('base64') : '';
      return { path: file.path, fileName: file.fileName, count: file.count, bytes: file.bytes, dataBase64 };
    },
    importEvents: async ({ fileName, format, dataBase64, dryRun }) => {
      const result = await importEvents(store, { data: Buffer.from(dataBase64, 'base64'), format, dryRun, actor, mines: deps.mines() });
      if (!dryRun) audit.record(actor, 'event.import', fileName, { created: result.created, errors: result.errors.length });
      return result;
    },
    listReportTemplates: async () => reports.list(),
    saveReportTemplate: async (input) => {
      const saved = reports.save(input);
      audit.record(actor, 'event.template.save', saved.id, { name: saved.name });
      return saved;
    },
    deleteReportTemplate: async ({ id }) => {
      if (reports.delete(id)) audit.record(actor, 'event.template.delete', id);
      return null;
    },
    renderEventReport: async ({ eventId, templateId, body }) => {
      const source = templateId !== undefined ? { templateId } : { body: body ?? '' };
      return reports.render(store.get(eventId), source, unit);
    },
  };
  return { handlers, store, applyRemote: store.applier };
}
