import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConsoleError, formatZodError } from '../../shared/contract/rpc';
import { MAX_CLIP_SECONDS, MAX_CLIP_UPLOAD_BYTES, ttsInputSchema, type BroadcastClip, type TtsInput } from '../../shared/domain/broadcast';
import { fileTime, resolveInside, safeFileLabel } from '../services/mediaLibrary';
import { fileError, fsyncDir, isErrno, removeQuietly, writeFileDurably } from '../services/pieceWriter';
import type { Db } from '../services/store';

const execFileAsync = promisify(execFile);

type ClipRow = {
  id: string;
  name: string;
  kind: 'tts' | 'file';
  text: string | null;
  source_name: string | null;
  duration_ms: number;
  bytes: number;
  mime_type: string;
  path: string;
  created_at: number;
};

export type ClipTools = { ffmpeg?: string; ffprobe?: string; espeak?: string };

/** Sub-folder of the media folder that holds the clips. */
const BROADCAST = 'broadcast';
const MIME_TYPE = 'audio/ogg';
/** Every tool run is bounded: a 10-minute upload converts in well under this on two cores. */
const TOOL_TIMEOUT_MS = 60_000;
const TOOL_MAX_BUFFER = 4 * 1024 * 1024;
const DEFAULT_RATE = 150;
const DEFAULT_NAME_CHARS = 20;
/**
 * Demuxers that follow references to other files or URLs (playlists, concat lists, manifests): an uploaded
 * "audio file" of these kinds could make ffmpeg read something other than the upload, so they are refused.
 */
const REFUSED_FORMATS = new Set(['hls', 'applehttp', 'dash', 'concat', 'ffconcat', 'imf', 'tee']);

/** The conversion every clip goes through: first audio stream → loudness-normalised Ogg Opus, mono 48 kHz, 32 kbit/s. */
function conversionArgs(input: string, output: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-protocol_whitelist',
    'file',
    '-i',
    input,
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-map_metadata',
    '-1',
    // One second past the limit is enough to tell "too long" after conversion when the input had no duration.
    '-t',
    String(MAX_CLIP_SECONDS + 1),
    '-af',
    'loudnorm=I=-16:TP=-1.5:LRA=11',
    '-ac',
    '1',
    '-ar',
    '48000',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-f',
    'ogg',
    output,
  ];
}

/** A tool ran and exited with an error (not a missing tool, not a timeout: those become ConsoleErrors directly). */
class ToolFailed extends Error {
  constructor(
    readonly tool: string,
    readonly stderr: string,
  ) {
    super(`${tool} failed: ${stderr}`);
  }
}

/**
 * Broadcast clips (广播音频): Mandarin text-to-speech made offline with espeak-ng, and uploaded audio files, both
 * converted by ffmpeg to loudness-normalised Ogg Opus mono 48 kHz (what WebRTC sends and AudioBridge plays).
 * Files under `<media>/broadcast/`, rows in `broadcast_clips` (migration 4). A file is stored durably (written,
 * fsync'd, renamed into place) before its row is inserted, so a row never points at a missing or partial file.
 */
export class ClipLibrary {
  private readonly ffmpeg: string;
  private readonly ffprobe: string;
  private readonly espeak: string;

  constructor(
    private readonly db: Db,
    /** The media folder (`<dataDir>/media`). */
    private readonly dir: string,
    tools: ClipTools = {},
  ) {
    this.ffmpeg = tools.ffmpeg ?? 'ffmpeg';
    this.ffprobe = tools.ffprobe ?? 'ffprobe';
    this.espeak = tools.espeak ?? 'espeak-ng';
  }

  /** Mandarin text-to-speech: espeak-ng -v cmn → ffmpeg → Ogg Opus. `name` defaults to the start of the text. */
  async synthesize(input: TtsInput): Promise<BroadcastClip> {
    const parsed = ttsInputSchema.safeParse(input);
    if (!parsed.success) throw new ConsoleError('bad-request', `语音合成参数无效: ${formatZodError(parsed.error)}`);
    const { text, rate = DEFAULT_RATE } = parsed.data;
    const name = parsed.data.name || defaultName(text);
    return this.withTempDir(async (tmp) => {
      const wav = path.join(tmp, 'speech.wav');
      const ogg = path.join(tmp, 'clip.ogg');
      // The text goes after `--`: a text starting with '-' must not be taken for an option.
      await this.run(this.espeak, ['-v', 'cmn', '-s', String(rate), '-w', wav, '--', text]).catch((err: unknown) => {
        throw toolError(err, '语音合成失败');
      });
      await this.run(this.ffmpeg, conversionArgs(wav, ogg)).catch((err: unknown) => {
        throw toolError(err, '语音转换失败');
      });
      const durationMs = await this.durationOf(ogg).catch((err: unknown) => {
        throw toolError(err, '语音转换失败');
      });
      if (durationMs <= 0) throw new ConsoleError('bad-request', '这段文字没有可播报的内容');
      checkLength(durationMs, '合成的语音', '请缩短文字或加快语速', true);
      return this.save({ name, kind: 'tts', text, sourceName: null, durationMs }, await fs.promises.readFile(ogg));
    });
  }

  /** An uploaded audio file (anything ffmpeg decodes that has an audio stream), converted like a TTS clip. */
  async importFile(input: { name: string; fileName: string; data: Buffer }): Promise<BroadcastClip> {
    const sourceName = baseName(input.fileName) || '未命名文件';
    const name = Array.from(input.name.trim() || stripExtension(sourceName))
      .slice(0, 64)
      .join('');
    if (input.data.length === 0) throw new ConsoleError('bad-request', `「${sourceName}」是空文件`);
    if (input.data.length > MAX_CLIP_UPLOAD_BYTES) {
      throw new ConsoleError(
        'bad-request',
        `「${sourceName}」过大 (${formatBytes(input.data.length)})，上传的音频文件最大 ${formatBytes(MAX_CLIP_UPLOAD_BYTES)}`,
      );
    }
    const notAudio = () => new ConsoleError('bad-request', `「${sourceName}」不是可识别的音频文件，请上传 WAV、MP3、Opus 等格式的音频`);
    return this.withTempDir(async (tmp) => {
      // The extension only helps ffmpeg guess the format; the content decides.
      const ext = /^\.[A-Za-z0-9]{1,8}$/.test(path.extname(sourceName)) ? path.extname(sourceName).toLowerCase() : '';
      const src = path.join(tmp, `upload${ext}`);
      const ogg = path.join(tmp, 'clip.ogg');
      await fs.promises.writeFile(src, input.data);

      const probe = await this.probe(src).catch((err: unknown) => {
        throw err instanceof ToolFailed ? notAudio() : toolError(err, '音频文件检查失败');
      });
      if (!probe.hasAudio || probe.formats.some((f) => REFUSED_FORMATS.has(f))) throw notAudio();
      // Refuse an obviously long file before spending a conversion on it; the converted length is checked again.
      if (probe.durationMs !== null) checkLength(probe.durationMs, `「${sourceName}」`, '请剪短后再上传', false);

      await this.run(this.ffmpeg, conversionArgs(src, ogg)).catch((err: unknown) => {
        throw err instanceof ToolFailed ? notAudio() : toolError(err, '音频转换失败');
      });
      const durationMs = await this.durationOf(ogg).catch((err: unknown) => {
        throw err instanceof ToolFailed ? notAudio() : toolError(err, '音频转换失败');
      });
      if (durationMs <= 0) throw notAudio();
      checkLength(durationMs, `「${sourceName}」`, '请剪短后再上传', true);
      return this.save({ name, kind: 'file', text: null, sourceName, durationMs }, await fs.promises.readFile(ogg));
    });
  }

  /** Newest first. */
  list(): BroadcastClip[] {
    const rows = this.db.prepare('SELECT * FROM broadcast_clips ORDER BY created_at DESC, rowid DESC').all() as ClipRow[];
    return rows.map(toClip);
  }

  get(id: string): BroadcastClip {
    return toClip(this.row(id));
  }

  /** The stored Ogg Opus file. */
  read(id: string): { mimeType: string; data: Buffer } {
    const row = this.row(id);
    const abs = resolveInside(this.dir, row.path);
    try {
      return { mimeType: row.mime_type, data: fs.readFileSync(abs) };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new ConsoleError('not-found', `广播音频文件已不存在: ${abs}`);
      throw fileError(err, '广播音频读取失败');
    }
  }

  /** Removes the row and then the file; false if there was no such clip. */
  delete(id: string): boolean {
    const row = this.db.prepare('SELECT * FROM broadcast_clips WHERE id = ?').get(id) as ClipRow | undefined;
    if (!row) return false;
    const changed = this.db.prepare('DELETE FROM broadcast_clips WHERE id = ?').run(id).changes;
    if (changed === 0) return false;
    let abs: string | null = null;
    try {
      abs = resolveInside(this.dir, row.path);
    } catch {
      // A stored path outside the media folder is never deleted.
    }
    if (abs) removeQuietly(abs);
    return true;
  }

  // --- internals -------------------------------------------------------------------------

  private row(id: string): ClipRow {
    const row = this.db.prepare('SELECT * FROM broadcast_clips WHERE id = ?').get(id) as ClipRow | undefined;
    if (!row) throw new ConsoleError('not-found', `广播音频不存在: ${id}`);
    return row;
  }

  /** Stores the converted file durably under `<media>/broadcast/`, then inserts its row (removing the file if that fails). */
  private save(meta: Pick<BroadcastClip, 'name' | 'kind' | 'text' | 'sourceName' | 'durationMs'>, data: Buffer): BroadcastClip {
    const id = randomUUID();
    const createdAt = Date.now();
    const rel = `${BROADCAST}/${fileTime(createdAt)}_${safeFileLabel(meta.name) || 'clip'}_${id.slice(0, 8)}.ogg`;
    const abs = resolveInside(this.dir, rel);
    const folder = path.dirname(abs);
    const part = `${abs}.part`;
    try {
      fs.mkdirSync(folder, { recursive: true });
      writeFileDurably(part, data);
      fs.renameSync(part, abs);
      fsyncDir(folder);
    } catch (err) {
      removeQuietly(part);
      removeQuietly(abs);
      throw fileError(err, '广播音频保存失败');
    }
    const row: ClipRow = {
      id,
      name: meta.name,
      kind: meta.kind,
      text: meta.text,
      source_name: meta.sourceName,
      duration_ms: meta.durationMs,
      bytes: data.length,
      mime_type: MIME_TYPE,
      path: rel,
      created_at: createdAt,
    };
    try {
      this.db
        .prepare(
          `INSERT INTO broadcast_clips (id, name, kind, text, source_name, duration_ms, bytes, mime_type, path, created_at)
           VALUES (@id, @name, @kind, @text, @source_name, @duration_ms, @bytes, @mime_type, @path, @created_at)`,
        )
        .run(row);
    } catch (err) {
      removeQuietly(abs);
      throw err;
    }
    return toClip(row);
  }

  private async withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mdc-clip-'));
    try {
      return await fn(tmp);
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** Runs a tool without a shell, bounded in time and output. */
  private async run(tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    try {
      return await execFileAsync(tool, args, { timeout: TOOL_TIMEOUT_MS, maxBuffer: TOOL_MAX_BUFFER, windowsHide: true, encoding: 'utf8' });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) {
        const pkg = tool === this.espeak ? 'espeak-ng' : 'ffmpeg';
        const what = tool === this.espeak ? '语音合成程序 espeak-ng' : tool === this.ffprobe ? '音频分析程序 ffprobe' : '音频转换程序 ffmpeg';
        throw new ConsoleError('unavailable', `找不到${what} (${tool})，请安装 ${pkg} 软件包 (Debian/Ubuntu: apt install ${pkg})`);
      }
      const e = err as { killed?: boolean; signal?: string | null; stderr?: string };
      if (e.killed) throw new ConsoleError('timeout', `${path.basename(tool)} 运行超过 ${TOOL_TIMEOUT_MS / 1000} 秒，已终止`);
      throw new ToolFailed(path.basename(tool), lastLines(String(e.stderr ?? (err instanceof Error ? err.message : err))));
    }
  }

  /** What an input holds: whether it has an audio stream, its container's duration if known and its format names. */
  private async probe(file: string): Promise<{ hasAudio: boolean; durationMs: number | null; formats: string[] }> {
    const { stdout } = await this.run(this.ffprobe, [
      '-v',
      'error',
      '-protocol_whitelist',
      'file',
      '-show_entries',
      'stream=codec_type:format=duration,format_name',
      '-of',
      'json',
      file,
    ]);
    const info = parseJson(stdout) as { streams?: { codec_type?: string }[]; format?: { duration?: string; format_name?: string } };
    const seconds = Number(info.format?.duration);
    return {
      hasAudio: (info.streams ?? []).some((s) => s.codec_type === 'audio'),
      durationMs: Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null,
      formats: (info.format?.format_name ?? '').split(',').filter(Boolean),
    };
  }

  /** Duration of a converted file, from ffprobe's container duration. */
  private async durationOf(file: string): Promise<number> {
    const { stdout } = await this.run(this.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', file]);
    const seconds = Number((parseJson(stdout) as { format?: { duration?: string } }).format?.duration);
    if (!Number.isFinite(seconds) || seconds < 0) throw new ToolFailed('ffprobe', `no duration in: ${stdout.slice(0, 200)}`);
    return Math.round(seconds * 1000);
  }
}

function toClip(r: ClipRow): BroadcastClip {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    text: r.text,
    sourceName: r.source_name,
    durationMs: r.duration_ms,
    bytes: r.bytes,
    mimeType: r.mime_type,
    createdAt: r.created_at,
  };
}

/** A failed tool run as a ConsoleError (ConsoleErrors — missing tool, timeout — pass through). */
function toolError(err: unknown, what: string): ConsoleError {
  if (err instanceof ConsoleError) return err;
  if (err instanceof ToolFailed) return new ConsoleError('internal', `${what} (${err.tool}): ${err.stderr}`);
  return fileError(err, what);
}

/**
 * Refuses a clip longer than MAX_CLIP_SECONDS. `converted`: the length is of a converted file, which the
 * conversion cut one second past the limit, so a length there means "at least that long".
 */
function checkLength(durationMs: number, what: string, hint: string, converted: boolean): void {
  if (durationMs <= MAX_CLIP_SECONDS * 1000) return;
  const cut = converted && durationMs >= MAX_CLIP_SECONDS * 1000 + 900;
  const length = cut ? `超过 ${formatDuration(durationMs)}` : formatDuration(durationMs);
  throw new ConsoleError('bad-request', `${what}时长 ${length}，超过上限 ${formatDuration(MAX_CLIP_SECONDS * 1000)}，${hint}`);
}

/** The first ~20 characters of the text, on one line. */
function defaultName(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > DEFAULT_NAME_CHARS ? `${chars.slice(0, DEFAULT_NAME_CHARS).join('')}…` : chars.join('');
}

/** The file name without any folder part (browsers may send `C:\fakepath\x.mp3`), at most 255 characters. */
function baseName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  return Array.from(last.replace(/[\u0000-\u001f\u007f]/g, '').trim()).slice(0, 255).join('');
}

function stripExtension(fileName: string): string {
  const ext = path.extname(fileName);
  return (ext ? fileName.slice(0, -ext.length) : fileName) || fileName;
}

function formatDuration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m} 分 ${s} 秒` : `${s} 秒`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB` : `${Math.ceil(n / 1024)} KB`;
}

function lastLines(text: string): string {
  const t = text.trim();
  return t.length > 300 ? `…${t.slice(-300)}` : t;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}
