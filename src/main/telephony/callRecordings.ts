import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConsoleError } from '../../shared/contract/rpc';
import { MAX_CALL_RECORDING_CHUNK_BYTES, MAX_CALL_RECORDING_READ_BYTES, type CallRecordingEntry } from '../../shared/domain/telephony';
import { fileTime, resolveInside, safeFileLabel } from '../services/mediaLibrary';
import { fileError, isErrno, PieceWriter, removeQuietly } from '../services/pieceWriter';
import type { Db } from '../services/store';
import type { CallRow } from './callLog';

type CallRecordingRow = {
  id: string;
  call_id: string;
  started_at: number;
  ended_at: number | null;
  path: string;
  mime_type: string;
  bytes: number;
  next_seq: number;
};

const CALLS = 'calls';

/**
 * Call recordings (通话录音): both directions mixed by the renderer's MediaRecorder, sent as ordered pieces and
 * written by the same PieceWriter as the wall's recordings (fsync before ack, idempotent repeat, gaps refused).
 * Files under `<media>/calls/`, rows in `call_recordings` (migration 3); every recording belongs to a call.
 */
export class CallRecordings {
  private readonly pieces: PieceWriter;

  constructor(
    private readonly db: Db,
    /** The media folder (`<dataDir>/media`). */
    private readonly dir: string,
  ) {
    this.pieces = new PieceWriter(db, {
      table: 'call_recordings',
      noun: '通话录音',
      maxChunkBytes: MAX_CALL_RECORDING_CHUNK_BYTES,
      resolve: (rel) => resolveInside(dir, rel),
    });
  }

  start(input: { callId: string; mimeType: string; startedAt?: number }): CallRecordingEntry {
    const call = this.db.prepare('SELECT * FROM calls WHERE id = ?').get(input.callId) as CallRow | undefined;
    if (!call) throw new ConsoleError('not-found', `通话记录不存在，不能录音: ${input.callId}`);
    const mimeType = input.mimeType.trim();
    if (!/^audio\/[\w.+-]+(;.{0,80})?$/.test(mimeType)) throw new ConsoleError('bad-request', `不支持的录音格式: ${mimeType.slice(0, 100)}`);
    const startedAt = Math.round(input.startedAt ?? Date.now());
    const id = randomUUID();
    fs.mkdirSync(path.join(this.dir, CALLS), { recursive: true });
    const parties = [call.caller_number, call.callee_number].map((n) => safeFileLabel(n) || 'x').join('-');
    const rel = `${CALLS}/${fileTime(startedAt)}_${parties}_${id.slice(0, 8)}.${audioExtension(mimeType)}`;
    const abs = resolveInside(this.dir, rel);
    this.pieces.createFile(abs);
    const row: CallRecordingRow = { id, call_id: call.id, started_at: startedAt, ended_at: null, path: rel, mime_type: mimeType, bytes: 0, next_seq: 0 };
    try {
      this.db
        .prepare(
          `INSERT INTO call_recordings (id, call_id, started_at, ended_at, path, mime_type, bytes, next_seq)
           VALUES (@id, @call_id, @started_at, @ended_at, @path, @mime_type, @bytes, @next_seq)`,
        )
        .run(row);
    } catch (err) {
      removeQuietly(abs);
      throw err;
    }
    this.pieces.started(id);
    return this.entry(row);
  }

  append(id: string, seq: number, data: Buffer): { bytes: number } {
    return this.pieces.append(id, seq, data);
  }

  stop(id: string): CallRecordingEntry {
    this.pieces.stop(id);
    return this.entry(this.row(id));
  }

  get(id: string): CallRecordingEntry {
    return this.entry(this.row(id));
  }

  read(id: string): { mimeType: string; data: Buffer } {
    const row = this.row(id);
    const abs = resolveInside(this.dir, row.path);
    let size: number;
    try {
      size = fs.statSync(abs).size;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new ConsoleError('not-found', `通话录音文件已不存在: ${abs}`);
      throw fileError(err, '通话录音读取失败');
    }
    if (size > MAX_CALL_RECORDING_READ_BYTES) {
      throw new ConsoleError(
        'bad-request',
        `通话录音过大 (${size} 字节)，超过单次读取上限 ${MAX_CALL_RECORDING_READ_BYTES} 字节，请用“导出”下载: ${abs}`,
      );
    }
    try {
      return { mimeType: row.mime_type, data: fs.readFileSync(abs) };
    } catch (err) {
      throw fileError(err, '通话录音读取失败');
    }
  }

  /** Closes recordings a killed process left open (like the wall's recordings); returns how many. */
  recoverUnfinished(): number {
    return this.pieces.recoverUnfinished();
  }

  private row(id: string): CallRecordingRow {
    const row = this.db.prepare('SELECT * FROM call_recordings WHERE id = ?').get(id) as CallRecordingRow | undefined;
    if (!row) throw new ConsoleError('not-found', `通话录音不存在: ${id}`);
    return row;
  }

  private entry(r: CallRecordingRow): CallRecordingEntry {
    return {
      id: r.id,
      callId: r.call_id,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      mimeType: r.mime_type,
      bytes: r.bytes,
      path: resolveInside(this.dir, r.path),
    };
  }
}

const AUDIO_EXTENSIONS: Record<string, string> = {
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mp4': 'm4a',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
};

export function audioExtension(mimeType: string): string {
  const base = (mimeType.split(';')[0] ?? '').trim().toLowerCase();
  return AUDIO_EXTENSIONS[base] ?? 'bin';
}
