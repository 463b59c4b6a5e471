import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConsoleError } from '../../shared/contract/rpc';
import { MAX_CALL_RECORDING_CHUNK_BYTES, MAX_CALL_RECORDING_READ_BYTES } from '../../shared/domain/telephony';
import { fileTime, resolveInside, safeFileLabel } from './mediaLibrary';
import { fileError, isErrno, PieceWriter, removeQuietly } from './pieceWriter';
import type { Db } from './store';

type AudioRecordingRow = {
  id: string;
  owner_id: string;
  started_at: number;
  ended_at: number | null;
  path: string;
  mime_type: string;
  bytes: number;
  next_seq: number;
};

/** One recording as the contract gives it out (`ownerId`: the call or broadcast it belongs to). */
export type AudioRecordingEntry = {
  id: string;
  ownerId: string;
  startedAt: number;
  endedAt: number | null;
  mimeType: string;
  bytes: number;
  path: string;
};

/** Where a kind of recording lives (fixed names only: they go into SQL). */
export type AudioRecordingKind =
  | { table: 'call_recordings'; ownerColumn: 'call_id'; ownerTable: 'calls'; folder: 'calls'; noun: '通话录音' }
  | { table: 'broadcast_recordings'; ownerColumn: 'broadcast_id'; ownerTable: 'broadcasts'; folder: 'broadcasts'; noun: '广播录音' };

/**
 * Audio recordings made by the renderer's MediaRecorder (call recordings: both directions mixed; broadcast
 * recordings: what went out), sent as ordered pieces and written by the same PieceWriter as the wall's recordings
 * (fsync before ack, idempotent repeat, gaps refused). Files under `<media>/<folder>/`; every recording belongs to
 * a row of its owner table; the file name carries `label(owner)`.
 */
export class AudioRecordings {
  private readonly pieces: PieceWriter;

  constructor(
    private readonly db: Db,
    /** The media folder (`<dataDir>/media`). */
    private readonly dir: string,
    private readonly kind: AudioRecordingKind,
    /** Words for the file name, from the owner's row. */
    private readonly label: (owner: Record<string, unknown>) => string,
  ) {
    this.pieces = new PieceWriter(db, {
      table: kind.table,
      noun: kind.noun,
      maxChunkBytes: MAX_CALL_RECORDING_CHUNK_BYTES,
      resolve: (rel) => resolveInside(dir, rel),
    });
  }

  start(input: { ownerId: string; mimeType: string; startedAt?: number }): AudioRecordingEntry {
    const { table, ownerColumn, ownerTable, folder, noun } = this.kind;
    const owner = this.db.prepare(`SELECT * FROM ${ownerTable} WHERE id = ?`).get(input.ownerId) as Record<string, unknown> | undefined;
    if (!owner) throw new ConsoleError('not-found', `${noun}所属的记录不存在: ${input.ownerId}`);
    const mimeType = input.mimeType.trim();
    if (!/^audio\/[\w.+-]+(;.{0,80})?$/.test(mimeType)) throw new ConsoleError('bad-request', `不支持的录音格式: ${mimeType.slice(0, 100)}`);
    const startedAt = Math.round(input.startedAt ?? Date.now());
    const id = randomUUID();
    fs.mkdirSync(path.join(this.dir, folder), { recursive: true });
    const rel = `${folder}/${fileTime(startedAt)}_${safeFileLabel(this.label(owner)) || 'x'}_${id.slice(0, 8)}.${audioExtension(mimeType)}`;
    const abs = resolveInside(this.dir, rel);
    this.pieces.createFile(abs);
    const row: AudioRecordingRow = { id, owner_id: input.ownerId, started_at: startedAt, ended_at: null, path: rel, mime_type: mimeType, bytes: 0, next_seq: 0 };
    try {
      this.db
        .prepare(
          `INSERT INTO ${table} (id, ${ownerColumn}, started_at, ended_at, path, mime_type, bytes, next_seq)
           VALUES (@id, @owner_id, @started_at, @ended_at, @path, @mime_type, @bytes, @next_seq)`,
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

  stop(id: string): AudioRecordingEntry {
    this.pieces.stop(id);
    return this.entry(this.row(id));
  }

  get(id: string): AudioRecordingEntry {
    return this.entry(this.row(id));
  }

  read(id: string): { mimeType: string; data: Buffer } {
    const row = this.row(id);
    const abs = resolveInside(this.dir, row.path);
    let size: number;
    try {
      size = fs.statSync(abs).size;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new ConsoleError('not-found', `${this.kind.noun}文件已不存在: ${abs}`);
      throw fileError(err, `${this.kind.noun}读取失败`);
    }
    if (size > MAX_CALL_RECORDING_READ_BYTES) {
      throw new ConsoleError(
        'bad-request',
        `${this.kind.noun}过大 (${size} 字节)，超过单次读取上限 ${MAX_CALL_RECORDING_READ_BYTES} 字节，请用“导出”下载: ${abs}`,
      );
    }
    try {
      return { mimeType: row.mime_type, data: fs.readFileSync(abs) };
    } catch (err) {
      throw fileError(err, `${this.kind.noun}读取失败`);
    }
  }

  /** Closes recordings a killed process left open (like the wall's recordings); returns how many. */
  recoverUnfinished(): number {
    return this.pieces.recoverUnfinished();
  }

  private row(id: string): AudioRecordingRow {
    const { table, ownerColumn, noun } = this.kind;
    const row = this.db.prepare(`SELECT *, ${ownerColumn} AS owner_id FROM ${table} WHERE id = ?`).get(id) as AudioRecordingRow | undefined;
    if (!row) throw new ConsoleError('not-found', `${noun}不存在: ${id}`);
    return row;
  }

  private entry(r: AudioRecordingRow): AudioRecordingEntry {
    return {
      id: r.id,
      ownerId: r.owner_id,
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
