import { afterEach, describe, expect, it } from 'vitest';
import { requestContract, type RequestName } from '../../shared/contract/consoleApi';
import { DEFAULT_REPORT_TEMPLATE_ID } from '../../shared/domain/event';
import { AuditLog } from '../services/auditLog';
import type { SyncRecord } from '../sync/recordSink';
import { T0, tempStores } from '../telephony/telephonyFixture.test-support';
import { fields } from './eventFixture.test-support';
import { createEventService } from './eventHandlers';

const stores = tempStores();
afterEach(() => stores.cleanup());

function setup() {
  const { db, dir } = stores.fresh();
  const audit = new AuditLog(db);
  const sent: SyncRecord[] = [];
  const service = createEventService({
    db,
    dataDir: dir,
    seatId: 'seat-1',
    sink: { enqueue: (r) => sent.push(r) },
    mines: () => [{ id: 'm1', name: '王庄煤矿（集团）', shortName: '王庄', countyCode: null, location: null }],
    audit,
    actor: '值班员',
    now: () => T0,
  });
  /** Calls a handler with input parsed by the contract, and checks its output against the contract. */
  const call = async <K extends RequestName & keyof typeof service.handlers>(name: K, input: unknown) => {
    const parsedInput = requestContract[name].input.parse(input);
    const handler = service.handlers[name] as (i: unknown) => Promise<unknown>;
    return requestContract[name].output.parse(await handler(parsedInput)) as Awaited<ReturnType<(typeof service.handlers)[K]>>;
  };
  return { audit, sent, service, call };
}

describe('event requests', () => {
  it('create, edit, close, list, detail, export, import and report through the contract, each audited', async () => {
    const { audit, sent, call } = setup();
    const created = await call('saveEvent', fields());
    // The catalogue's name for the mine wins over what the renderer sent.
    expect(created.mineName).toBe('王庄煤矿（集团）');
    const edited = await call('saveEvent', { ...fields({ level: 4 }), id: created.id, expectedUpdatedAt: created.updatedAt });
    expect(edited.level).toBe(4);
    await call('closeEvent', { id: created.id, note: '处置完毕' });
    expect((await call('listEvents', { limit: 10, state: 'closed' })).map((e) => e.id)).toEqual([created.id]);
    const detail = await call('getEvent', { id: created.id });
    expect(detail.history.map((h) => h.action)).toEqual(['create', 'update', 'close']);
    expect(sent.map((r) => r.kind)).toEqual(['event-change', 'event-change', 'event-change']);

    const exported = await call('exportEvents', { filter: { type: 'gas' }, format: 'xlsx' });
    expect(exported).toMatchObject({ count: 1 });
    const imported = await call('importEvents', { fileName: 'x.xlsx', format: 'xlsx', dataBase64: exported.dataBase64, dryRun: false });
    expect(imported.errors[0]?.message).toContain('已存在');

    const templates = await call('listReportTemplates', {});
    expect(templates[0]?.id).toBe(DEFAULT_REPORT_TEMPLATE_ID);
    const report = await call('renderEventReport', { eventId: created.id, templateId: DEFAULT_REPORT_TEMPLATE_ID });
    expect(report.text).toContain('特别重大');
    expect(report.text).toContain('长治市应急指挥中心');
    const preview = await call('renderEventReport', { eventId: created.id, body: '{{状态}}' });
    expect(preview.text).toBe('已结束');
    expect(() => requestContract.renderEventReport.input.parse({ eventId: created.id })).toThrow();
    const own = await call('saveReportTemplate', { name: '简报', body: '{{类型}}' });
    await call('deleteReportTemplate', { id: own.id });

    expect(audit.list(20).map((a) => a.action).reverse()).toEqual([
      'event.create',
      'event.update',
      'event.close',
      'event.export',
      'event.import',
      'event.template.save',
      'event.template.delete',
    ]);
  });

  it('applies records of another seat through applyRemote', async () => {
    const a = setup();
    const b = setup();
    const created = await a.call('saveEvent', fields());
    b.service.applyRemote(a.sent[0]!);
    b.service.applyRemote(a.sent[0]!);
    expect((await b.call('getEvent', { id: created.id })).history).toHaveLength(1);
  });
});
