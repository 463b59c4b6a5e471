import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { ConsoleError } from '../../shared/contract/rpc';
import type { Mine } from '../../shared/domain/catalogue';
import {
  EVENT_LEVEL_NAMES,
  EVENT_LINK_KIND_NAMES,
  EVENT_STATE_NAMES,
  EVENT_TYPES,
  EVENT_TYPE_CODES,
  MAX_EVENT_FILE_ROWS,
  MAX_EVENT_IMPORT_BYTES,
  eventFieldsSchema,
  eventIdSchema,
  type ConsoleEvent,
  type EventFields,
  type EventFileFormat,
  type EventType,
  type ImportEventsResult,
} from '../../shared/domain/event';
import { localDateTime } from '../../shared/localTime';
import { fileError, fsyncDir, removeQuietly, writeFileDurably } from '../services/pieceWriter';
import type { EventStore } from './eventStore';
import { describeIssue } from './eventStore';

type Column = { header: string; width: number; value: (e: ConsoleEvent) => string | number | null };

const links = (e: ConsoleEvent, ...kinds: string[]) =>
  e.links
    .filter((l) => kinds.includes(l.kind))
    .map((l) => (kinds.length > 1 ? `${EVENT_LINK_KIND_NAMES[l.kind]}：${l.label || l.id}` : l.label || l.id))
    .join('\n');
const time = (ms: number | null) => (ms === null ? '' : localDateTime(ms));

/** The columns of an export, in order; an import reads the same headers back (the ones it knows). */
export const EXPORT_COLUMNS: readonly Column[] = [
  { header: '事件编号', width: 38, value: (e) => e.id },
  { header: '类型', width: 12, value: (e) => EVENT_TYPES[e.type].name },
  { header: '级别', width: 10, value: (e) => EVENT_LEVEL_NAMES[e.level] ?? String(e.level) },
  { header: '状态', width: 8, value: (e) => EVENT_STATE_NAMES[e.state] },
  { header: '煤矿', width: 20, value: (e) => e.mineName ?? '' },
  { header: '地点', width: 24, value: (e) => e.place },
  { header: '经度', width: 12, value: (e) => e.location?.[0] ?? null },
  { header: '纬度', width: 12, value: (e) => e.location?.[1] ?? null },
  { header: '发生时间', width: 20, value: (e) => time(e.occurredAt) },
  { header: '描述', width: 40, value: (e) => e.description },
  { header: '伤亡情况', width: 24, value: (e) => e.casualties },
  { header: '初步原因', width: 24, value: (e) => e.cause },
  { header: '已采取措施', width: 30, value: (e) => e.measures },
  { header: '报告人', width: 12, value: (e) => e.reporter },
  { header: '关联报警', width: 30, value: (e) => links(e, 'alarm') },
  { header: '关联通话', width: 30, value: (e) => links(e, 'call') },
  { header: '关联录音', width: 30, value: (e) => links(e, 'callRecording', 'videoRecording') },
  { header: '创建时间', width: 20, value: (e) => time(e.createdAt) },
  { header: '创建人', width: 12, value: (e) => e.createdBy },
  { header: '更新时间', width: 20, value: (e) => time(e.updatedAt) },
  { header: '更新人', width: 12, value: (e) => e.updatedBy },
  { header: '结束时间', width: 20, value: (e) => time(e.closedAt) },
];

/** Headers an import needs; the others it reads when present (事件编号, 煤矿, 地点, 经度, 纬度 and the texts). */
export const REQUIRED_IMPORT_HEADERS = ['类型', '级别', '发生时间'] as const;

export type EventFile = { path: string; fileName: string; count: number; bytes: number; data: Buffer };

/** The events as a file's bytes: CSV (UTF-8 with BOM, CRLF, so Excel reads the Chinese) or an Excel workbook. */
export async function encodeEvents(events: readonly ConsoleEvent[], format: EventFileFormat): Promise<Buffer> {
  if (format === 'csv') {
    const rows = [EXPORT_COLUMNS.map((c) => c.header), ...events.map((e) => EXPORT_COLUMNS.map((c) => csvSafe(c.value(e))))];
    return Buffer.from(stringifyCsv(rows, { bom: true, record_delimiter: 'windows' }), 'utf8');
  }
  const book = new ExcelJS.Workbook();
  book.creator = '煤矿应急指挥调度台';
  const sheet = book.addWorksheet('事件', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const e of events) {
    const row = sheet.addRow(EXPORT_COLUMNS.map((c) => c.value(e)));
    row.alignment = { vertical: 'top', wrapText: true };
    // The type cell in the type's colour, as the list shows it.
    row.getCell(2).font = { color: { argb: `FF${EVENT_TYPES[e.type].color.slice(1).toUpperCase()}` }, bold: true };
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * Writes the export into `<media>/exports/事件-YYYYMMDD-HHmmss.csv|xlsx` (temporary name, fsync, rename) and
 * returns it with its bytes for a browser download.
 */
export async function exportEvents(mediaDir: string, events: readonly ConsoleEvent[], format: EventFileFormat, now = Date.now()): Promise<EventFile> {
  if (events.length > MAX_EVENT_FILE_ROWS) throw new ConsoleError('bad-request', `所选事件超过 ${MAX_EVENT_FILE_ROWS} 条，请缩小筛选范围后再导出`);
  const data = await encodeEvents(events, format);
  const dir = path.join(mediaDir, 'exports');
  const base = `事件-${localDateTime(now).replace(/[-:]/g, '').replace(' ', '-')}`;
  let fileName = `${base}.${format}`;
  for (let i = 2; fs.existsSync(path.join(dir, fileName)); i++) fileName = `${base}-${i}.${format}`;
  const file = path.join(dir, fileName);
  const part = path.join(dir, `.${fileName}.part`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    removeQuietly(part);
    writeFileDurably(part, data);
    fs.renameSync(part, file);
    fsyncDir(dir);
  } catch (err) {
    removeQuietly(part);
    throw fileError(err, '事件导出失败');
  }
  return { path: file, fileName, count: events.length, bytes: data.length, data };
}

/** One cell as read from a file: text, a number, a date (xlsx) or nothing. */
type Cell = string | number | Date | null;

/** The rows of a CSV or xlsx file (the first is the header), as cells. */
export async function decodeRows(data: Buffer, format: EventFileFormat): Promise<Cell[][]> {
  if (data.length > MAX_EVENT_IMPORT_BYTES) throw new ConsoleError('bad-request', `文件超过 ${MAX_EVENT_IMPORT_BYTES / 1024 / 1024} MB`);
  if (format === 'csv') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      throw new ConsoleError('bad-request', 'CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”');
    }
    try {
      return parseCsv(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
    } catch (err) {
      throw new ConsoleError('bad-request', `CSV 文件无法读取：${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(data as unknown as ArrayBuffer);
  } catch (err) {
    throw new ConsoleError('bad-request', `Excel 文件无法读取（需要 .xlsx）：${err instanceof Error ? err.message : String(err)}`);
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw new ConsoleError('bad-request', 'Excel 文件中没有工作表');
  const rows: Cell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellValue(cell.value);
    });
    rows[number - 1] = Array.from(cells, (c) => c ?? null);
  });
  return Array.from(rows, (r) => r ?? []);
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return v.result === undefined ? null : cellValue(v.result as ExcelJS.CellValue);
    if ('text' in v) return typeof v.text === 'string' ? v.text : null;
    if ('error' in v) return null;
  }
  return null;
}

export type ParsedImport = { rows: number; valid: { fields: EventFields; id?: string; row: number }[]; errors: { row: number; message: string }[] };

/**
 * Reads the rows of an import against the header row (Chinese headers as an export writes them; unknown columns
 * ignored) into event fields, each row checked on its own: what is wrong with a row is reported with its number as
 * the spreadsheet shows it. A row naming an event that exists (事件编号) is refused, so re-importing an export
 * creates nothing twice.
 */
export function parseImport(table: readonly Cell[][], options: { mines: readonly Mine[]; exists: (id: string) => boolean }): ParsedImport {
  const header = (table[0] ?? []).map((c) => text(c).replace(/^\ufeff/, ''));
  const missing = REQUIRED_IMPORT_HEADERS.filter((h) => !header.includes(h));
  if (missing.length) throw new ConsoleError('bad-request', `文件第 1 行应为表头，缺少列：${missing.join('、')}`);
  const col = (name: string) => header.indexOf(name);
  const cols = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c.header, col(c.header)])) as Record<string, number>;
  const dataRows = table.length - 1;
  if (dataRows > MAX_EVENT_FILE_ROWS) throw new ConsoleError('bad-request', `一次最多导入 ${MAX_EVENT_FILE_ROWS} 条事件，文件有 ${dataRows} 行`);
  const mineByName = new Map<string, Mine>();
  for (const m of options.mines) {
    mineByName.set(m.name, m);
    if (m.shortName) mineByName.set(m.shortName, m);
  }
  const seenIds = new Set<string>();
  const out: ParsedImport = { rows: 0, valid: [], errors: [] };
  for (let i = 1; i < table.length; i++) {
    const cells = table[i] ?? [];
    if (cells.every((c) => text(c) === '')) continue;
    out.rows++;
    const row = i + 1;
    const get = (name: string): Cell => {
      const at = cols[name] ?? -1;
      return at >= 0 ? (cells[at] ?? null) : null;
    };
    try {
      const idText = text(get('事件编号'));
      let id: string | undefined;
      if (idText) {
        if (!eventIdSchema.safeParse(idText).success) throw new Error(`事件编号格式无效：${idText}`);
        if (options.exists(idText)) throw new Error(`事件已存在（编号 ${idText}），未重复导入`);
        if (seenIds.has(idText)) throw new Error(`事件编号 ${idText} 在文件中重复`);
        id = idText;
      }
      const mineText = text(get('煤矿'));
      const mine = mineText ? (mineByName.get(mineText) ?? null) : null;
      const fields: EventFields = {
        type: parseType(text(get('类型'))),
        level: parseLevel(text(get('级别'))),
        mineId: mine?.id ?? null,
        mineName: mine?.name ?? (mineText || null),
        place: text(get('地点')),
        location: parseLocation(get('经度'), get('纬度')),
        occurredAt: parseTime(get('发生时间')),
        description: text(get('描述')),
        casualties: text(get('伤亡情况')),
        cause: text(get('初步原因')),
        measures: text(get('已采取措施')),
        reporter: text(get('报告人')),
        links: [],
      };
      const parsed = eventFieldsSchema.safeParse(fields);
      if (!parsed.success) throw new Error(describeIssue(parsed.error));
      if (id) seenIds.add(id);
      out.valid.push(id ? { fields: parsed.data, id, row } : { fields: parsed.data, row });
    } catch (err) {
      out.errors.push({ row, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

/** Reads and checks a file; unless `dryRun`, creates every valid row in one transaction (all or none). */
export async function importEvents(
  store: EventStore,
  input: { data: Buffer; format: EventFileFormat; dryRun: boolean; actor: string; mines: readonly Mine[] },
): Promise<ImportEventsResult> {
  const table = await decodeRows(input.data, input.format);
  if (table.length === 0) throw new ConsoleError('bad-request', '文件是空的');
  const parsed = parseImport(table, { mines: input.mines, exists: (id) => store.has(id) });
  let created = 0;
  if (!input.dryRun && parsed.valid.length > 0) {
    created = store.createMany(
      parsed.valid.map(({ fields, id }) => (id ? { fields, id } : { fields })),
      input.actor,
      'import',
    ).length;
  }
  return { rows: parsed.rows, valid: parsed.valid.length, created, errors: parsed.errors };
}

function text(c: Cell): string {
  if (c === null) return '';
  if (c instanceof Date) return localDateTime(wallClock(c));
  // An export neutralises text a spreadsheet would run as a formula with a leading apostrophe: read it back without.
  return String(c).trim().replace(/^'(?=[=@+\-\t\r])/, '');
}

const TYPE_BY_NAME = new Map<string, EventType>(EVENT_TYPE_CODES.flatMap((code) => [[EVENT_TYPES[code].name, code] as const, [code, code] as const]));

function parseType(s: string): EventType {
  if (!s) throw new Error('缺少类型');
  const type = TYPE_BY_NAME.get(s);
  if (!type) throw new Error(`类型“${s}”无效，应为：${EVENT_TYPE_CODES.map((c) => EVENT_TYPES[c].name).join('、')}`);
  return type;
}

function parseLevel(s: string): number {
  if (!s) throw new Error('缺少级别');
  const bare = s.replace(/级$/, '');
  const byName = Object.entries(EVENT_LEVEL_NAMES).find(([, name]) => name === bare || `${name}事故` === bare);
  if (byName) return Number(byName[0]);
  if (/^[1-4]$/.test(bare)) return Number(bare);
  throw new Error(`级别“${s}”无效，应为 一般、较大、重大、特别重大 或 1–4`);
}

function parseLocation(lonCell: Cell, latCell: Cell): [number, number] | null {
  const lonText = text(lonCell);
  const latText = text(latCell);
  if (!lonText && !latText) return null;
  const lon = Number(lonText);
  const lat = Number(latText);
  if (!lonText || !latText || !Number.isFinite(lon) || !Number.isFinite(lat)) throw new Error('经度和纬度应同时填写数字');
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw new Error(`坐标超出范围：${lonText}, ${latText}`);
  return [lon, lat];
}

/** An xlsx date cell is a wall-clock time without zone, which ExcelJS hands over as that time in UTC. */
function wallClock(d: Date): number {
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()).getTime();
}

/** `2026-03-15 14:23[:01]` (or with /, or T) in local time, an xlsx date cell, or an Excel serial day number. */
function parseTime(c: Cell): number {
  if (c instanceof Date) return wallClock(c);
  if (typeof c === 'number') {
    if (c > 20_000 && c < 80_000) return wallClock(new Date(Math.round((c - 25_569) * 86_400_000)));
    throw new Error(`发生时间无效：${c}`);
  }
  const s = text(c);
  if (!s) throw new Error('缺少发生时间');
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?)?)?$/.exec(s);
  if (!m) throw new Error(`发生时间“${s}”无效，应为 2026-03-15 14:23:01`);
  const [y, mo, d, h = '0', mi = '0', se = '0'] = m.slice(1).map((x) => x ?? undefined) as string[];
  const at = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  if (at.getMonth() !== Number(mo) - 1 || at.getDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) {
    throw new Error(`发生时间“${s}”不是有效的日期时间`);
  }
  return at.getTime();
}

/** Text a spreadsheet would run as a formula gets a leading apostrophe (CSV has no cell types to say it is text). */
function csvSafe(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  // `+`/`-` only pass as a plain number (coordinates, counts): `-1+cmd|…` or `+1+HYPERLINK(…)` would run.
  return /^[=@\t\r]/.test(v) || (/^[+-]/.test(v) && !/^[+-]\d+(\.\d+)?$/.test(v)) ? `'${v}` : v;
}
