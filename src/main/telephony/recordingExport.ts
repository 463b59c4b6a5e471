import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { ConsoleError } from '../../shared/contract/rpc';
import { MAX_CALL_RECORDING_READ_BYTES, type CallRecord, type CallRecordingEntry } from '../../shared/domain/telephony';
import { safeFileLabel } from '../services/mediaLibrary';
import { fileError, fsyncDir, isErrno, removeQuietly } from '../services/pieceWriter';
import { audioExtension } from '../services/audioRecordings';
import { localDateTime } from '../../shared/localTime';

/** Most bytes of recordings one export takes (the zip also goes back over the wire as base64). */
export const MAX_EXPORT_BYTES = 8 * MAX_CALL_RECORDING_READ_BYTES;

export type ExportItem = { recording: CallRecordingEntry; call: CallRecord | null };
export type ExportResult = { path: string; fileName: string; bytes: number; zipBase64: string };

const DIRECTION: Record<string, string> = { out: '呼出', in: '呼入' };
const KIND: Record<string, string> = { single: '单呼', group: '组呼', rollcall: '点名', consult: '咨询' };
const OUTCOME: Record<string, string> = {
  answered: '已接通',
  missed: '未接',
  rejected: '拒接',
  busy: '占线',
  'no-answer': '无人接听',
  'not-found': '空号',
  failed: '失败',
  cancelled: '已取消',
  dropped: '通话中断',
  interrupted: '调度台中止',
};

/**
 * Zips call recordings into `<media>/exports/通话录音-YYYYMMDD-HHmmss.zip`: one entry per recording named by
 * local time and caller→callee, plus `清单.csv` (UTF-8 with BOM, so Excel reads the Chinese) listing them. The zip
 * is written under a temporary name, fsync'd and renamed; it comes back as base64 for a browser download too.
 */
export async function exportCallRecordings(mediaDir: string, items: readonly ExportItem[], now = Date.now()): Promise<ExportResult> {
  if (items.length === 0) throw new ConsoleError('bad-request', '没有选择要导出的通话录音');
  let total = 0;
  for (const { recording } of items) {
    try {
      total += fs.statSync(recording.path).size;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new ConsoleError('not-found', `通话录音文件已不存在，无法导出: ${recording.path}`);
      throw fileError(err, '通话录音读取失败');
    }
  }
  if (total > MAX_EXPORT_BYTES) {
    throw new ConsoleError('bad-request', `所选通话录音共 ${total} 字节，超过一次导出的上限 ${MAX_EXPORT_BYTES} 字节，请分批导出`);
  }

  const dir = path.join(mediaDir, 'exports');
  fs.mkdirSync(dir, { recursive: true });
  const zip = new yazl.ZipFile();
  const used = new Set<string>();
  const manifest: string[][] = [['时间', '方向', '类型', '主叫', '被叫', '通话时长', '结果', '文件']];
  for (const { recording, call } of items) {
    const at = call?.startedAt ?? recording.startedAt;
    const caller = call ? partyLabel(call.caller) : '';
    const callee = call ? partyLabel(call.callee) : '';
    const base = `${localDateTime(at).replace(/:/g, '.')} ${safeFileLabel(caller) || '未知'}→${safeFileLabel(callee) || '未知'}`;
    const name = uniqueName(used, base, audioExtension(recording.mimeType));
    zip.addFile(recording.path, name, { compress: false, mtime: new Date(recording.endedAt ?? recording.startedAt) });
    manifest.push([
      localDateTime(at),
      call ? (DIRECTION[call.direction] ?? call.direction) : '',
      call ? (KIND[call.kind] ?? call.kind) : '',
      caller,
      callee,
      call ? duration(call) : '',
      call?.outcome ? (OUTCOME[call.outcome] ?? call.outcome) : '',
      name,
    ]);
  }
  const csv = '\ufeff' + manifest.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
  zip.addBuffer(Buffer.from(csv, 'utf8'), '清单.csv', { mtime: new Date(now) });

  const fileName = freeName(dir, `通话录音-${stamp(now)}`);
  const file = path.join(dir, fileName);
  const part = path.join(dir, `.${fileName}.part`);
  try {
    await new Promise<void>((resolve, reject) => {
      const out = fs.createWriteStream(part, { flags: 'wx' });
      zip.on('error', reject);
      out.on('error', reject);
      out.on('close', resolve);
      zip.outputStream.pipe(out);
      zip.end();
    });
    const fd = fs.openSync(part, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(part, file);
    fsyncDir(dir);
  } catch (err) {
    removeQuietly(part);
    throw fileError(err, '通话录音导出失败');
  }
  const data = fs.readFileSync(file);
  return { path: file, fileName, bytes: data.length, zipBase64: data.toString('base64') };
}

function partyLabel(p: { number: string; name: string | null }): string {
  return p.name && p.name !== p.number ? `${p.name} ${p.number}` : p.number;
}

/** `20260315-142301`, local time. */
function stamp(at: number): string {
  return localDateTime(at).replace(/[-:]/g, '').replace(' ', '-');
}

/** Talk time (answer to end) as `m:ss` or `h:mm:ss`; 0:00 for calls never answered. */
function duration(call: CallRecord): string {
  const ms = call.answeredAt !== null && call.endedAt !== null ? Math.max(0, call.endedAt - call.answeredAt) : 0;
  const s = Math.round(ms / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}` : `${Math.floor(s / 60)}:${p(s % 60)}`;
}

function uniqueName(used: Set<string>, base: string, ext: string): string {
  let name = `${base}.${ext}`;
  for (let i = 2; used.has(name); i++) name = `${base} (${i}).${ext}`;
  used.add(name);
  return name;
}

function freeName(dir: string, base: string): string {
  let name = `${base}.zip`;
  for (let i = 2; fs.existsSync(path.join(dir, name)); i++) name = `${base}-${i}.zip`;
  return name;
}

/** A CSV field, quoted when needed; text a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvField(value: string): string {
  let v = value;
  if (/^[=@\t\r]/.test(v) || /^[+-][^0-9]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
