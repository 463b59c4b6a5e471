import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  MAX_RECORDING_CHUNK_BYTES,
  MAX_SNAPSHOT_BYTES,
  type RecordingEntry,
  type SnapshotEntry,
} from '../../shared/domain/mediaLibrary';
import { ConsoleError } from '../../shared/contract/rpc';
import { fileError, fsyncDir, isErrno, PieceWriter, removeQuietly, writeFileDurably } from './pieceWriter';
import type { Db } from './store';

type SnapshotRow = {
  id: string;
  channel_id: string;
  channel_name: string;
  taken_at: number;
  path: string;
  bytes: number;
  width: number;
  height: number;
};

type RecordingRow = {
  id: string;
  channel_id: string;
  channel_name: string;
  started_at: number;
  ended_at: number | null;
  path: string;
  mime_type: string;
  bytes: number;
  next_seq: number;
};

const SNAPSHOTS = 'snapshots';
const RECORDINGS = 'recordings';

/**
 * Snapshots (PNG) and local recordings of wall tiles: files under `<dataDir>/media/`, indexed in SQLite
 * (tables `snapshots` and `recordings`, migration 2).
 *
 * User work is committed before it is acknowledged: every file is written and fsync'd (and its directory
 * entry with it) before its row is inserted or updated and the entry returned. Rows store the file's path
 * relative to the media folder (so the data folder can move); entries carry the absolute path.
 *
 * Everything is synchronous on purpose: better-sqlite3 is, and a file + row step must not interleave
 * with another request for the same recording.
 */
export class MediaLibrary {
  private readonly pieces: PieceWriter;

  constructor(
    private readonly db: Db,
    private readonly dir: string,
  ) {
    this.pieces = new PieceWriter(db, { table: RECORDINGS, noun: '录像', maxChunkBytes: MAX_RECORDING_CHUNK_BYTES, resolve: (rel) => this.resolve(rel) });
  }

  // --- snapshots -----------------------------------------------------------------------

  saveSnapshot(input: { channelId: string; channelName: string; takenAt: number; png: Buffer }): SnapshotEntry {
    const { width, height } = checkPng(input.png);
    const takenAt = checkTime(input.takenAt, '截图时间');
    const id = randomUUID();
    const rel = this.newRelativePath(SNAPSHOTS, takenAt, input.channelName, input.channelId, id, 'png');
    const abs = this.resolve(rel);
    // Written under a temporary name and renamed: a crash leaves no half PNG under a real name.
    const part = path.join(path.dirname(abs), `.${path.basename(abs)}.part`);
    try {
      writeFileDurably(part, input.png);
      fs.renameSync(part, abs);
      fsyncDir(path.dirname(abs));
    } catch (err) {
      removeQuietly(part);
      removeQuietly(abs);
      throw fileError(err, '截图保存失败');
    }
    const row: SnapshotRow = {
      id,
      channel_id: input.channelId,
      channel_name: input.channelName,
      taken_at: takenAt,
      path: rel,
      bytes: input.png.length,
      width,
      height,
    };
    try {
      this.db
        .prepare(
          `INSERT INTO snapshots (id, channel_id, channel_name, taken_at, path, bytes, width, height)
           VALUES (@id, @channel_id, @channel_name, @taken_at, @path, @bytes, @width, @height)`,
        )
        .run(row);
    } catch (err) {
      removeQuietly(abs);
      throw err;
    }
    return this.snapshotEntry(row);
  }

  listSnapshots(limit: number): SnapshotEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM snapshots ORDER BY taken_at DESC, rowid DESC LIMIT ?')
      .all(clampLimit(limit)) as SnapshotRow[];
    return rows.map((r) => this.snapshotEntry(r));
  }

  readSnapshot(id: string): Buffer {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRow | undefined;
    if (!row) throw new ConsoleError('not-found', `截图不存在: ${id}`);
    const abs = this.resolve(row.path);
    let data: Buffer;
    try {
      data = fs.readFileSync(abs);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new ConsoleError('not-found', `截图文件已不存在: ${abs}`);
      throw fileError(err, '截图读取失败');
    }
    return data;
  }

  // --- recordings ----------------------------------------------------------------------

  startRecording(input: { channelId: string; channelName: string; mimeType: string; startedAt?: number }): RecordingEntry {
    const startedAt = checkTime(input.startedAt ?? Date.now(), '录像开始时间');
    const mimeType = input.mimeType.trim();
    if (!/^video\/[\w.+-]+(;.{0,80})?$/.test(mimeType)) throw new ConsoleError('bad-request', `不支持的录像格式: ${mimeType.slice(0, 100)}`);
    const id = randomUUID();
    const rel = this.newRelativePath(RECORDINGS, startedAt, input.channelName, input.channelId, id, extensionFor(mimeType));
    const abs = this.resolve(rel);
    this.pieces.createFile(abs);
    const row: RecordingRow = {
      id,
      channel_id: input.channelId,
      channel_name: input.channelName,
      started_at: startedAt,
      ended_at: null,
      path: rel,
      mime_type: mimeType,
      bytes: 0,
      next_seq: 0,
    };
    this.insertRecordingRow(row, abs);
    this.pieces.started(id);
    return this.recordingEntry(row);
  }

  /** Appends piece `seq` (0, 1, 2, …), on disk before the reply (see PieceWriter). */
  appendRecording(id: string, seq: number, data: Buffer): { bytes: number } {
    return this.pieces.append(id, seq, data);
  }

  /** Closes a recording; stopping one that is already closed returns it unchanged. */
  stopRecording(id: string): RecordingEntry {
    this.pieces.stop(id);
    return this.recordingEntry(this.recordingRow(id));
  }

  /** Where a file that importRecording will take is written first (inside the media folder, same file system). */
  partialPath(id: string, ext: string): string {
    const dir = path.join(this.dir, '.partial');
    fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, `${safeFileLabel(id)}.${safeFileLabel(ext)}`);
  }

  /**
   * Takes a finished file (e.g. a downloaded span of a backend's recording, written at partialPath) into the
   * library as a closed recording: fsync'd and renamed into place before its row is inserted.
   */
  importRecording(input: { file: string; channelId: string; channelName: string; mimeType: string; startedAt: number; endedAt: number }): RecordingEntry {
    const startedAt = checkTime(input.startedAt, '录像开始时间');
    const endedAt = checkTime(input.endedAt, '录像结束时间');
    const id = randomUUID();
    const rel = this.newRelativePath(RECORDINGS, startedAt, input.channelName, input.channelId, id, extensionFor(input.mimeType));
    const abs = this.resolve(rel);
    let bytes: number;
    try {
      const fd = fs.openSync(input.file, 'r');
      try {
        fs.fsyncSync(fd);
        bytes = fs.fstatSync(fd).size;
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(input.file, abs);
      fsyncDir(path.dirname(abs));
    } catch (err) {
      throw fileError(err, '录像文件保存失败');
    }
    const row: RecordingRow = {
      id,
      channel_id: input.channelId,
      channel_name: input.channelName,
      started_at: startedAt,
      ended_at: Math.max(startedAt, endedAt),
      path: rel,
      mime_type: input.mimeType,
      bytes,
      next_seq: 0,
    };
    this.insertRecordingRow(row, abs);
    return this.recordingEntry(row);
  }

  listRecordings(limit: number): RecordingEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM recordings ORDER BY started_at DESC, rowid DESC LIMIT ?')
      .all(clampLimit(limit)) as RecordingRow[];
    return rows.map((r) => this.recordingEntry(r));
  }

  /** Closes recordings a killed process left open; returns how many (see PieceWriter.recoverUnfinished). */
  recoverUnfinished(): number {
    return this.pieces.recoverUnfinished();
  }

  // --- helpers -------------------------------------------------------------------------

  private recordingRow(id: string): RecordingRow {
    const row = this.db.prepare('SELECT * FROM recordings WHERE id = ?').get(id) as RecordingRow | undefined;
    if (!row) throw new ConsoleError('not-found', `录像不存在: ${id}`);
    return row;
  }

  private snapshotEntry(r: SnapshotRow): SnapshotEntry {
    return {
      id: r.id,
      channelId: r.channel_id,
      channelName: r.channel_name,
      takenAt: r.taken_at,
      path: this.resolve(r.path),
      bytes: r.bytes,
      width: r.width,
      height: r.height,
    };
  }

  private recordingEntry(r: RecordingRow): RecordingEntry {
    return {
      id: r.id,
      channelId: r.channel_id,
      channelName: r.channel_name,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      path: this.resolve(r.path),
      mimeType: r.mime_type,
      bytes: r.bytes,
    };
  }

  /** `<kind>/<local time>_<channel>_<id prefix>.<ext>`, creating the folder; never leaves `<dir>/<kind>`. */
  private newRelativePath(kind: string, at: number, channelName: string, channelId: string, id: string, ext: string): string {
    fs.mkdirSync(path.join(this.dir, kind), { recursive: true });
    const label = safeFileLabel(channelName) || safeFileLabel(channelId) || 'channel';
    return `${kind}/${fileTime(at)}_${label}_${id.slice(0, 8)}.${ext}`;
  }

  /** Inserts a recording's row; the file (already on disk) is removed again if that fails. */
  private insertRecordingRow(row: RecordingRow, abs: string): void {
    try {
      this.db
        .prepare(
          `INSERT INTO recordings (id, channel_id, channel_name, started_at, ended_at, path, mime_type, bytes, next_seq)
           VALUES (@id, @channel_id, @channel_name, @started_at, @ended_at, @path, @mime_type, @bytes, @next_seq)`,
        )
        .run(row);
    } catch (err) {
      removeQuietly(abs);
      throw err;
    }
  }

  /** Absolute path of a stored relative path; refuses anything that would leave the media folder. */
  private resolve(rel: string): string {
    return resolveInside(this.dir, rel);
  }
}

// --- PNG -----------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** Bit depths allowed per colour type (PNG spec, table 11.1). */
const PNG_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Largest side a snapshot may have (a few 8K monitors side by side). */
const MAX_PNG_SIDE = 32_768;

/** Checks that `png` is a whole PNG (signature, a valid IHDR first, IEND last); returns its size in pixels. */
export function checkPng(png: Buffer): { width: number; height: number } {
  const bad = (why: string) => new ConsoleError('bad-request', `截图不是有效的 PNG 图片: ${why}`);
  if (png.length === 0) throw bad('内容为空');
  if (png.length > MAX_SNAPSHOT_BYTES) {
    throw new ConsoleError('bad-request', `截图过大 (${png.length} 字节，上限 ${MAX_SNAPSHOT_BYTES} 字节)`);
  }
  if (png.length < PNG_SIGNATURE.length + 25 + PNG_IEND.length) throw bad('文件过短');
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw bad('文件头不是 PNG 签名');
  const len = png.readUInt32BE(8);
  if (len !== 13 || png.toString('latin1', 12, 16) !== 'IHDR') throw bad('缺少 IHDR 块');
  const crc = png.readUInt32BE(29);
  if (crc32(png.subarray(12, 29)) !== crc) throw bad('IHDR 校验和错误');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const depth = png.readUInt8(24);
  const colour = png.readUInt8(25);
  if (width === 0 || height === 0 || width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) throw bad(`图像尺寸无效 (${width}×${height})`);
  if (!PNG_DEPTHS[colour]?.includes(depth)) throw bad('颜色类型或位深无效');
  if (png.readUInt8(26) !== 0 || png.readUInt8(27) !== 0 || png.readUInt8(28) > 1) throw bad('压缩、滤波或隔行方式无效');
  if (!png.subarray(png.length - PNG_IEND.length).equals(PNG_IEND)) throw bad('文件不完整 (缺少 IEND 结尾)');
  return { width, height };
}

let crcTable: Uint32Array | null = null;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// --- names and files ---------------------------------------------------------------------

/** Absolute path of a stored path relative to `dir`; refuses anything that would leave that folder. */
export function resolveInside(dir: string, rel: string): string {
  const root = path.resolve(dir);
  const abs = path.resolve(root, rel);
  if (path.isAbsolute(rel) || !abs.startsWith(root + path.sep)) throw new ConsoleError('internal', `媒体文件路径无效: ${rel}`);
  return abs;
}

/**
 * A channel name or id made safe as part of a file name on every platform: letters and digits of any script,
 * `-` and `_`; everything else (separators, dots, control characters, `:` …) becomes `_`. At most 40 characters.
 */
export function safeFileLabel(text: string): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '_')
    .replace(/_+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '');
  return Array.from(cleaned).slice(0, 40).join('').replace(/[_-]+$/, '');
}

/** Local time as `YYYYMMDD-HHmmss-SSS` (what an operator browsing the folder expects). */
export function fileTime(at: number): string {
  const d = new Date(at);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${p(d.getMilliseconds(), 3)}`;
}

const EXTENSIONS: Record<string, string> = {
  'video/webm': 'webm',
  'video/mp4': 'mp4',
  'video/x-matroska': 'mkv',
  'video/quicktime': 'mov',
  'video/mp2t': 'ts',
  'video/ogg': 'ogv',
};
function extensionFor(mimeType: string): string {
  const base = (mimeType.split(';')[0] ?? '').trim().toLowerCase();
  return EXTENSIONS[base] ?? 'bin';
}

export function checkTime(at: number, what: string): number {
  // Between 2000 and 2100: anything else is a unit mistake (seconds, microseconds) or garbage.
  if (!Number.isFinite(at) || at < 946_684_800_000 || at > 4_102_444_800_000) throw new ConsoleError('bad-request', `${what}无效: ${at}`);
  return Math.round(at);
}

export function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(1000, Math.max(1, Math.floor(limit))) : 100;
}
