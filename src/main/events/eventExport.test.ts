import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mine } from '../../shared/domain/catalogue';
import { localDateTime } from '../../shared/localTime';
import { T0, codeOf, tempStores } from '../telephony/telephonyFixture.test-support';
import { decodeRows, encodeEvents, EXPORT_COLUMNS, exportEvents, importEvents } from './eventExport';
import { fields } from './eventFixture.test-support';
import { EventStore } from './eventStore';

const stores = tempStores();
afterEach(() => stores.cleanup());

const MINES: Mine[] = [
  { id: 'm1', name: '王庄煤矿', shortName: '王庄', countyCode: '140403', location: null },
  { id: 'm2', name: '常村煤矿', shortName: '常村', countyCode: '140404', location: null },
];

function setup() {
  const { db, media } = stores.fresh();
  const store = new EventStore(db, { seatId: 's', now: () => T0 });
  return { db, media, store };
}

const csv = (lines: string[]) => Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8');

describe('event export', () => {
  it('writes CSV as UTF-8 with BOM and CRLF, Chinese headers, formulas neutralised, into the exports folder', async () => {
    const { store, media } = setup();
    store.create(fields({ description: '=HYPERLINK("x")', links: [{ kind: 'alarm', id: 'a1', label: '报警一' }, { kind: 'callRecording', id: 'r1', label: '录音一' }] }), 'op');
    const file = await exportEvents(media, store.listAll({}, 100), 'csv', T0);
    expect(file.fileName).toMatch(/^事件-\d{8}-\d{6}\.csv$/);
    expect(fs.readFileSync(file.path)).toEqual(file.data);
    expect(file.data.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = file.data.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\ufeff' + EXPORT_COLUMNS.map((c) => c.header).join(','));
    expect(text).toContain(`'=HYPERLINK(""x"")`);
    expect(text).toContain('瓦斯超限,较大,处置中,王庄煤矿');
    expect(text).toContain('通话录音：录音一');
    // A second export the same second gets its own name.
    const again = await exportEvents(media, [], 'csv', T0);
    expect(again.fileName).not.toBe(file.fileName);
    expect(again.count).toBe(0);
  });

  it('writes an xlsx workbook ExcelJS reads back with the same cells', async () => {
    const { store } = setup();
    const e = store.create(fields(), 'op');
    const data = await encodeEvents([e], 'xlsx');
    expect(data.subarray(0, 2).toString()).toBe('PK');
    const rows = await decodeRows(data, 'xlsx');
    expect(rows[0]).toEqual(EXPORT_COLUMNS.map((c) => c.header));
    expect(rows[1]?.slice(0, 9)).toEqual([e.id, '瓦斯超限', '较大', '处置中', '王庄煤矿', e.place, 113.1, 36.2, localDateTime(e.occurredAt)]);
  });

  it('refuses an export over the row limit', async () => {
    const { store, media } = setup();
    const e = store.create(fields(), 'op');
    expect(await exportEvents(media, Array(10_001).fill(e), 'csv').catch((err: { code: string }) => err.code)).toBe('bad-request');
  });
});

describe('event import', () => {
  it('round-trips an export into another console (CSV and xlsx), and never twice', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const a = setup();
      const b = setup();
      const one = a.store.create(fields(), 'op');
      const two = a.store.create(fields({ type: 'water', level: 4, mineId: 'm2', mineName: '常村煤矿', location: null, links: [] }), 'op');
      const data = await encodeEvents(a.store.listAll({}, 100), format);
      const result = await importEvents(b.store, { data, format, dryRun: false, actor: '导入员', mines: MINES });
      expect(result).toEqual({ rows: 2, valid: 2, created: 2, errors: [] });
      for (const original of [one, two]) {
        const copy = b.store.get(original.id);
        const { links: _l, createdBy: _c, updatedBy: _u, ...same } = original;
        void _l;
        void _c;
        void _u;
        expect(copy).toMatchObject({ ...same, createdBy: '导入员', links: [] });
        expect(b.store.detail(original.id).history[0]?.action).toBe('import');
      }
      const again = await importEvents(b.store, { data, format, dryRun: false, actor: '导入员', mines: MINES });
      expect(again.created).toBe(0);
      expect(again.errors.map((e) => e.row)).toEqual([2, 3]);
      expect(again.errors[0]?.message).toContain('已存在');
    }
  });

  it('reads back text an export neutralised as a formula, unchanged', async () => {
    const a = setup();
    const b = setup();
    const e = a.store.create(fields({ description: '=1+1', cause: "-1+cmd|' /C calc'!A0", measures: '+3 人下井', casualties: '-2' }), 'op');
    const data = await encodeEvents([e], 'csv');
    // Everything a spreadsheet would run starts with an apostrophe; a plain number stays a number.
    expect(data.toString('utf8')).toContain(`'-1+cmd|`);
    expect(data.toString('utf8')).toContain(`'+3 人下井`);
    expect(data.toString('utf8')).not.toContain(`'-2`);
    const result = await importEvents(b.store, { data, format: 'csv', dryRun: false, actor: 'op', mines: MINES });
    expect(result.errors).toEqual([]);
    expect(b.store.get(e.id)).toMatchObject({ description: '=1+1', cause: "-1+cmd|' /C calc'!A0", measures: '+3 人下井', casualties: '-2' });
  });

  it('reports each bad row by its number, creates the valid ones, and writes nothing on a dry run', async () => {
    const { store } = setup();
    const data = csv([
      '类型,级别,煤矿,地点,发生时间,描述,经度,纬度,备注',
      '水害,较大,常村,中央水泵房,2026-03-15 14:23:01,突水,,,x',
      '洪水,较大,常村,,2026-03-15 14:23,,,,',
      '火灾,5,王庄,,2026-03-15 14:23,,,,',
      ',,,,,,,,',
      '火灾,重大,王庄,,2026/3/15 8:05,,113.5,,',
      '火灾,重大,王庄,,2026-02-30 08:00,,,,',
      '顶板事故,1,新矿,,2026年3月15日 08:00,"片帮，冒顶",,,',
    ]);
    const dry = await importEvents(store, { data, format: 'csv', dryRun: true, actor: 'op', mines: MINES });
    expect(dry.created).toBe(0);
    expect(store.count()).toBe(0);
    const result = await importEvents(store, { data, format: 'csv', dryRun: false, actor: 'op', mines: MINES });
    expect(result).toMatchObject({ rows: 6, valid: 2, created: 2 });
    expect(result.errors.map((e) => e.row)).toEqual([3, 4, 6, 7]);
    expect(result.errors[0]?.message).toContain('类型');
    expect(result.errors[1]?.message).toContain('级别');
    expect(result.errors[2]?.message).toContain('经度');
    expect(result.errors[3]?.message).toContain('有效的日期');
    const [water, roof] = store.list({ limit: 10 });
    expect(water).toMatchObject({ type: 'water', level: 2, mineId: 'm2', mineName: '常村煤矿', occurredAt: new Date(2026, 2, 15, 14, 23, 1).getTime(), description: '突水' });
    expect(roof).toMatchObject({ type: 'roof', level: 1, mineId: null, mineName: '新矿', occurredAt: new Date(2026, 2, 15, 8, 0).getTime(), description: '片帮，冒顶' });
  });

  it('reads xlsx date cells as the wall-clock time they show', async () => {
    const { store } = setup();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('导入');
    sheet.addRow(['类型', '级别', '发生时间', '地点']);
    sheet.addRow(['火灾', '特别重大', new Date(Date.UTC(2026, 2, 15, 9, 30, 0)), { richText: [{ text: '主井' }, { text: '口' }] }]);
    const data = Buffer.from(await book.xlsx.writeBuffer());
    const result = await importEvents(store, { data, format: 'xlsx', dryRun: false, actor: 'op', mines: MINES });
    expect(result.errors).toEqual([]);
    expect(store.list({ limit: 1 })[0]).toMatchObject({ level: 4, place: '主井口', occurredAt: new Date(2026, 2, 15, 9, 30, 0).getTime() });
  });

  it('refuses a file without the needed headers, not UTF-8, or not a workbook', async () => {
    const { store } = setup();
    const run = (data: Buffer, format: 'csv' | 'xlsx') => importEvents(store, { data, format, dryRun: false, actor: 'op', mines: MINES }).then(() => 'ok', (e: { code: string; message: string }) => `${e.code} ${e.message}`);
    expect(await run(csv(['类型,地点', '火灾,x']), 'csv')).toMatch(/^bad-request .*级别、发生时间/);
    expect(await run(Buffer.from([0xc0, 0xfe, 0x41]), 'csv')).toMatch(/UTF-8/);
    expect(await run(Buffer.from('not a zip'), 'xlsx')).toMatch(/^bad-request/);
    expect(codeOf(() => store.get('x'))).toBe('not-found');
  });
});
