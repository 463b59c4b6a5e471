import fs from 'node:fs';
import path from 'node:path';
import { ConsoleError } from '../../shared/contract/rpc';
import type { Db } from './store';

/** The columns every piece-written recording table has (`recordings`, `call_recordings`). */
export type PieceRow = {
  id: string;
  started_at: number;
  ended_at: number | null;
  path: string;
  bytes: number;
  next_seq: number;
};

export type PieceWriterOptions = {
  /** Table with the PieceRow columns. Fixed names only (it goes into SQL). */
  table: 'recordings' | 'call_recordings' | 'broadcast_recordings';
  /** What the user calls it, for messages: 录像, 通话录音. */
  noun: string;
  maxChunkBytes: number;
  /** Absolute path of a row's stored (relative) path. */
  resolve: (rel: string) => string;
};

/**
 * Recordings written as ordered pieces (seq 0, 1, 2, …) by a renderer's MediaRecorder: one file plus one row.
 * Shared by the wall's local recordings and call recordings.
 *
 * User work is committed before it is acknowledged: every piece is written and fsync'd before the row moves on,
 * and the row's byte count is the committed length, so a retry after a crash between the two truncates the file
 * back to it first and a piece is never stored twice. Repeating the last piece is acknowledged without writing
 * again; a gap is refused. Synchronous on purpose (better-sqlite3 is, and a file + row step must not interleave
 * with another request for the same recording).
 */
export class PieceWriter {
  /** Recordings started by this process and not stopped yet (recoverUnfinished leaves them alone). */
  private readonly active = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly opts: PieceWriterOptions,
  ) {}

  /** Creates the empty file of a new recording durably (its row is inserted by the caller, then `started`). */
  createFile(abs: string): void {
    try {
      writeFileDurably(abs, Buffer.alloc(0));
      fsyncDir(path.dirname(abs));
    } catch (err) {
      removeQuietly(abs);
      throw fileError(err, `${this.opts.noun}文件创建失败`);
    }
  }

  /** Marks a recording as being written by this process. */
  started(id: string): void {
    this.active.add(id);
  }

  row(id: string): PieceRow {
    const row = this.db.prepare(`SELECT id, started_at, ended_at, path, bytes, next_seq FROM ${this.opts.table} WHERE id = ?`).get(id) as
      | PieceRow
      | undefined;
    if (!row) throw new ConsoleError('not-found', `${this.opts.noun}不存在: ${id}`);
    return row;
  }

  append(id: string, seq: number, data: Buffer): { bytes: number } {
    const { noun, maxChunkBytes, table } = this.opts;
    const row = this.row(id);
    if (!Number.isSafeInteger(seq) || seq < 0) throw new ConsoleError('bad-request', `${noun}分段序号无效: ${seq}`);
    if (seq === row.next_seq - 1) return { bytes: row.bytes }; // a retried piece that already landed
    if (row.ended_at !== null) throw new ConsoleError('conflict', `${noun}已停止，不能再追加`);
    if (seq !== row.next_seq) {
      throw new ConsoleError('conflict', `${noun}分段序号不连续: 期望 ${row.next_seq}，收到 ${seq}`);
    }
    if (data.length > maxChunkBytes) {
      throw new ConsoleError('bad-request', `${noun}分段过大 (${data.length} 字节，上限 ${maxChunkBytes} 字节)`);
    }
    const abs = this.opts.resolve(row.path);
    const bytes = row.bytes + data.length;
    let fd: number | null = null;
    try {
      fd = fs.openSync(abs, 'r+');
      fs.ftruncateSync(fd, row.bytes);
      writeAll(fd, data, row.bytes);
      fs.fsyncSync(fd);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new ConsoleError('conflict', `${noun}文件已不存在: ${abs}`);
      throw fileError(err, `${noun}写入失败`);
    } finally {
      if (fd !== null) fs.closeSync(fd);
    }
    const changed = this.db
      .prepare(`UPDATE ${table} SET bytes = ?, next_seq = ? WHERE id = ? AND next_seq = ? AND ended_at IS NULL`)
      .run(bytes, seq + 1, id, seq).changes;
    if (changed !== 1) throw new ConsoleError('conflict', `${noun}状态已被其他操作改变`);
    return { bytes };
  }

  /** Closes a recording; stopping one that is already closed changes nothing. */
  stop(id: string, now = Date.now()): void {
    const row = this.row(id);
    this.active.delete(id);
    if (row.ended_at !== null) return;
    this.db.prepare(`UPDATE ${this.opts.table} SET ended_at = ? WHERE id = ? AND ended_at IS NULL`).run(Math.max(row.started_at, now), id);
  }

  /**
   * Closes recordings a killed process left open (end time from the file's mtime, size from the file);
   * returns how many. Recordings this instance is still writing are left alone.
   */
  recoverUnfinished(): number {
    const { table } = this.opts;
    const open = this.db.prepare(`SELECT id, started_at, ended_at, path, bytes, next_seq FROM ${table} WHERE ended_at IS NULL`).all() as PieceRow[];
    const close = this.db.prepare(`UPDATE ${table} SET ended_at = ?, bytes = ? WHERE id = ? AND ended_at IS NULL`);
    let count = 0;
    this.db.transaction(() => {
      for (const row of open) {
        if (this.active.has(row.id)) continue;
        let endedAt = row.started_at;
        let bytes = 0;
        try {
          const st = fs.statSync(this.opts.resolve(row.path));
          endedAt = Math.max(row.started_at, Math.round(st.mtimeMs));
          bytes = st.size;
        } catch {
          // The file is gone (or the path is unusable): keep the row as an empty recording.
        }
        count += close.run(endedAt, bytes, row.id).changes;
      }
    })();
    return count;
  }
}

// --- durable files -----------------------------------------------------------------------

/** Creates `file` (refusing to overwrite one), writes `data` and fsyncs it before returning. */
export function writeFileDurably(file: string, data: Buffer): void {
  const fd = fs.openSync(file, 'wx');
  try {
    writeAll(fd, data, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function writeAll(fd: number, data: Buffer, position: number): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, position + done);
}

/** Makes a new directory entry durable (POSIX); Windows cannot open directories and commits names itself. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Best effort: the original error is what matters.
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

export function fileError(err: unknown, what: string): ConsoleError {
  if (err instanceof ConsoleError) return err;
  if (isErrno(err, 'ENOSPC') || isErrno(err, 'EDQUOT')) return new ConsoleError('unavailable', `${what}: 磁盘空间不足`);
  if (isErrno(err, 'EACCES') || isErrno(err, 'EPERM') || isErrno(err, 'EROFS')) return new ConsoleError('unavailable', `${what}: 没有写入权限`);
  return new ConsoleError('internal', `${what}: ${err instanceof Error ? err.message : String(err)}`);
}
