import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { ConsoleError } from '../../shared/contract/rpc';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import { MAX_DOWNLOAD_MS, type DownloadState } from '../../shared/domain/playback';
import type { MediaLibrary } from './mediaLibrary';
import type { PlaybackGateway } from '../media/playbackGateway';
import type { VodSegment } from '../media/vodPlaylist';
import { redactUrls } from '../media/ffmpegArgs';

/** Downloads kept in the list after they end (the library keeps the files). */
const KEEP_FINISHED = 50;

type Running = { state: DownloadState; child: ChildProcess | null; token: string | null; cancelled: boolean };

/** One line of ffmpeg's concat list: a gateway segment URL with the part of it inside the span. */
export function concatList(urls: readonly string[], segments: readonly VodSegment[], from: number, to: number): { text: string; seconds: number } {
  const lines = ['ffconcat version 1.0'];
  let seconds = 0;
  segments.forEach((s, i) => {
    const inpoint = Math.max(0, (from - s.start) / 1000);
    const outpoint = Math.min((s.end - s.start) / 1000, (to - s.start) / 1000);
    if (outpoint <= inpoint) return;
    lines.push(`file '${urls[i]}'`);
    if (inpoint > 0) lines.push(`inpoint ${inpoint.toFixed(3)}`);
    if (outpoint < (s.end - s.start) / 1000) lines.push(`outpoint ${outpoint.toFixed(3)}`);
    seconds += outpoint - inpoint;
  });
  return { text: `${lines.join('\n')}\n`, seconds };
}

/**
 * Downloads a span of a channel's recordings into the media library as one MP4 (streams copied, gaps left out),
 * reporting progress as it goes. ffmpeg reads the files through the playback gateway (so a backend's headers,
 * CA and MP4 remux apply the same as for playback) with the concat demuxer, trimmed to the span.
 */
export class RecordDownloads implements Disposable {
  private readonly downloads = new Map<string, Running>();
  private readonly changed = new Emitter<DownloadState>();
  readonly onProgress = this.changed.event;

  constructor(
    private readonly gateway: PlaybackGateway,
    private readonly library: MediaLibrary,
    private readonly warn: (message: string) => void,
    private readonly ffmpegPath = 'ffmpeg',
  ) {}

  list(): DownloadState[] {
    return [...this.downloads.values()].map((d) => d.state).sort((a, b) => b.from - a.from);
  }

  start(input: { channelId: string; channelName: string; from: number; to: number; segments: VodSegment[] }): DownloadState {
    const { from, to } = input;
    if (to - from > MAX_DOWNLOAD_MS) throw new ConsoleError('bad-request', `一次最多下载 ${MAX_DOWNLOAD_MS / 3600_000} 小时的录像`);
    const files = input.segments.filter((s) => s.end > from && s.start < to);
    if (files.length === 0) throw new ConsoleError('not-found', `${input.channelName} 在所选时段没有录像`);
    const opened = this.gateway.open(files);
    const { text, seconds } = concatList(opened.segmentUrls, files, from, to);
    const downloadId = randomUUID();
    const state: DownloadState = {
      downloadId,
      channelId: input.channelId,
      channelName: input.channelName,
      from: Math.max(from, files[0]?.start ?? from),
      to: Math.min(to, files.at(-1)?.end ?? to),
      progress: 0,
      bytes: 0,
      state: 'running',
      message: null,
      recordingId: null,
    };
    const running: Running = { state, child: null, token: opened.token, cancelled: false };
    this.downloads.set(downloadId, running);
    this.trim();
    const listFile = this.library.partialPath(downloadId, 'ffconcat');
    const outFile = this.library.partialPath(downloadId, 'mp4');
    writeFileSync(listFile, text);
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1',
      '-f', 'concat', '-safe', '0', '-protocol_whitelist', 'file,http,tcp', '-i', listFile,
      '-map', '0:v:0', '-map', '0:a?', '-c', 'copy', '-movflags', '+faststart', '-y', outFile,
    ];
    const child = spawn(this.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.child = child;
    let stderr = '';
    let pending = '';
    let block: Partial<Pick<DownloadState, 'progress' | 'bytes'>> = {};
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      // ffmpeg reports in blocks of key=value lines ending with `progress=…`: one push per block.
      for (const line of lines) {
        const [k, v = ''] = line.split('=');
        if (k === 'out_time_us' && /^\d+$/.test(v)) block.progress = Math.min(0.99, Number(v) / 1e6 / Math.max(seconds, 0.001));
        if (k === 'total_size' && /^\d+$/.test(v)) block.bytes = Number(v);
        if (k === 'progress' && (block.progress !== undefined || block.bytes !== undefined)) {
          this.update(running, block);
          block = {};
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('error', (err) => stderr += err.message);
    child.on('close', (code) => {
      running.child = null;
      this.release(running);
      rmSync(listFile, { force: true });
      if (running.cancelled) {
        rmSync(outFile, { force: true });
        this.update(running, { state: 'cancelled', message: '已取消' });
        return;
      }
      if (code !== 0) {
        rmSync(outFile, { force: true });
        const why = redactUrls(stderr.trim()).split('\n').at(-1)?.slice(0, 200) || `ffmpeg 退出码 ${code}`;
        this.warn(`download ${downloadId} failed: ${why}`);
        this.update(running, { state: 'failed', message: `录像下载失败: ${why}` });
        return;
      }
      try {
        const entry = this.library.importRecording({
          file: outFile,
          channelId: state.channelId,
          channelName: state.channelName,
          mimeType: 'video/mp4',
          startedAt: state.from,
          endedAt: state.to,
        });
        this.update(running, { state: 'done', progress: 1, bytes: entry.bytes, recordingId: entry.id });
      } catch (err) {
        rmSync(outFile, { force: true });
        this.update(running, { state: 'failed', message: err instanceof Error ? err.message : String(err) });
      }
    });
    return { ...state };
  }

  cancel(downloadId: string): DownloadState {
    const running = this.downloads.get(downloadId);
    if (!running) throw new ConsoleError('not-found', '下载任务不存在');
    if (running.child) {
      running.cancelled = true;
      running.child.kill('SIGKILL');
    }
    return { ...running.state };
  }

  dispose(): void {
    for (const d of this.downloads.values()) {
      if (d.child) {
        d.cancelled = true;
        d.child.kill('SIGKILL');
      }
      this.release(d);
    }
    this.changed.dispose();
  }

  private release(running: Running): void {
    if (running.token) this.gateway.revoke(running.token);
    running.token = null;
  }

  private update(running: Running, patch: Partial<DownloadState>): void {
    running.state = { ...running.state, ...patch };
    this.changed.fire({ ...running.state });
  }

  /** Forgets the oldest finished downloads beyond KEEP_FINISHED (their files stay in the library). */
  private trim(): void {
    const finished = [...this.downloads.values()].filter((d) => d.state.state !== 'running');
    for (const d of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.downloads.delete(d.state.downloadId);
  }
}
