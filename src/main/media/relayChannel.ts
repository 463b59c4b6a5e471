import { spawn, type ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { buildFfmpegArgs, buildFlvRemuxArgs, redactUrls } from './ffmpegArgs';
import { FlvCache } from './flvTags';
import { RelayCloseCode, type RelayLog, type RelayState, type RelayStatus } from './relayProtocol';
import { DEFAULT_REPLAY_BUFFER, ReplayBuffer, type ReplayBufferOptions, type ReplayClip } from './replayBuffer';
import { GopCache, TsAligner } from './tsPackets';

/**
 * What a channel sends: 'mpeg1-ts' = MPEG-TS with MPEG-1 video transcoded for jsmpeg (with instant replay);
 * 'flv' = the source's H.264 copied into FLV for MSE players (mpegts.js), no transcoding.
 */
export type RelayFormat = 'mpeg1-ts' | 'flv';

/** Cuts a recipe's output into units a viewer can take and keeps a decodable start for late viewers. */
interface OutputFramer {
  /** A new ffmpeg run starts. */
  restart(): void;
  /** Whole units ready for started viewers, and whether a decodable start (GOP / keyframe) was among them. */
  push(chunk: Buffer): { data: Buffer; sawStart: boolean };
  /** What a new viewer gets first; null until there is a decodable start. */
  snapshot(): Buffer | null;
  clear(): void;
}

class TsFramer implements OutputFramer {
  private aligner = new TsAligner();
  private readonly cache: GopCache;
  constructor(maxBytes: number) {
    this.cache = new GopCache(maxBytes);
  }
  restart(): void {
    this.aligner = new TsAligner();
    this.cache.clear();
  }
  push(chunk: Buffer): { data: Buffer; sawStart: boolean } {
    const data = this.aligner.push(chunk);
    return { data, sawStart: data.length > 0 && this.cache.push(data) };
  }
  snapshot(): Buffer | null {
    return this.cache.snapshot();
  }
  clear(): void {
    this.cache.clear();
  }
}

type Recipe = {
  args: (sourceUrl: string) => string[];
  framer: (cacheBytes: number) => OutputFramer;
  /** Keep the instant-replay buffer of the output. */
  replay: boolean;
  /**
   * A new run sends started viewers a fresh snapshot (MPEG-TS: PAT/PMT + GOP again); FLV viewers must not
   * see a second stream header, so they carry on with the new run's tags (timestamps continued by FlvCache).
   */
  resyncOnRestart: boolean;
};

const RECIPES: Record<RelayFormat, Recipe> = {
  'mpeg1-ts': { args: (u) => buildFfmpegArgs(u), framer: (n) => new TsFramer(n), replay: true, resyncOnRestart: true },
  flv: { args: buildFlvRemuxArgs, framer: (n) => new FlvCache(n), replay: false, resyncOnRestart: false },
};

export type RelayChannelOptions = {
  ffmpegPath: string;
  /** Output recipe (default 'mpeg1-ts'). */
  format?: RelayFormat;
  lingerMs: number;
  log: RelayLog;
  onStatus: (status: RelayStatus) => void;
  /** Called when the channel is stopped (no child) and has no viewers: the owner may forget it. */
  onIdle: () => void;
  /** Restart back-off: first delay and cap, in ms. */
  backoffMs?: { first: number; max: number };
  /** Consecutive failed runs after which viewers are closed with `sourceFailed`. */
  maxFailures?: number;
  /** A run that lasts less than this, or never produced a sequence header, counts as failed. */
  healthyRunMs?: number;
  /** Kill a child that produced no output for this long (start-up gets `startTimeoutMs`). */
  stallMs?: number;
  startTimeoutMs?: number;
  gopCacheBytes?: number;
  /** Back-pressure: a viewer above `softBytes` for `slowMs`, or above `hardBytes` at all, is dropped. */
  viewerBuffer?: { softBytes: number; hardBytes: number; slowMs: number };
  /** Instant-replay ring buffer of the output (default: the last 60 s, at most 24 MB). */
  replayBuffer?: ReplayBufferOptions;
};

type Viewer = { ws: WebSocket; ticketId: string; synced: boolean; overSince: number | null };

const KILL_GRACE_MS = 2000;

/** One source URL: one ffmpeg child shared by all its viewers, started on demand, stopped after a linger. */
export class RelayChannel {
  private readonly viewers = new Set<Viewer>();
  private child: ChildProcess | null = null;
  private childExited: Promise<void> = Promise.resolve();
  private state: RelayState = 'stopped';
  private readonly recipe: Recipe;
  private readonly cache: OutputFramer;
  /** The last minute of output for instant replay; lives as long as the channel runs (linger included). */
  private readonly replay: ReplayBuffer;
  private failures = 0;
  private runStartedAt = 0;
  private runSawHeader = false;
  private lastDataAt = 0;
  private lastStderr: string[] = [];
  private stderrLinesLogged = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private disposed = false;
  private readonly o: Required<Omit<RelayChannelOptions, 'onStatus' | 'onIdle' | 'log' | 'format'>>;
  private readonly logSource: string;

  constructor(
    readonly sourceUrl: string,
    private readonly opts: RelayChannelOptions,
  ) {
    this.o = {
      ffmpegPath: opts.ffmpegPath,
      lingerMs: opts.lingerMs,
      backoffMs: opts.backoffMs ?? { first: 500, max: 8000 },
      maxFailures: opts.maxFailures ?? 6,
      healthyRunMs: opts.healthyRunMs ?? 3000,
      stallMs: opts.stallMs ?? 8000,
      startTimeoutMs: opts.startTimeoutMs ?? 15000,
      gopCacheBytes: opts.gopCacheBytes ?? 4 * 1024 * 1024,
      viewerBuffer: opts.viewerBuffer ?? { softBytes: 1024 * 1024, hardBytes: 8 * 1024 * 1024, slowMs: 2000 },
      replayBuffer: opts.replayBuffer ?? DEFAULT_REPLAY_BUFFER,
    };
    this.recipe = RECIPES[opts.format ?? 'mpeg1-ts'];
    this.cache = this.recipe.framer(this.o.gopCacheBytes);
    this.replay = new ReplayBuffer(this.o.replayBuffer);
    this.logSource = redactUrls(sourceUrl);
    // Validate early so a bad URL never reaches spawn().
    this.recipe.args(sourceUrl);
  }

  get format(): RelayFormat {
    return this.opts.format ?? 'mpeg1-ts';
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get currentState(): RelayState {
    return this.state;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** The buffered output from the first GOP at or after now - `seconds`, or null when nothing is buffered. */
  replayClip(seconds: number): ReplayClip | null {
    return this.replay.clip(seconds, performance.now());
  }

  /** Size and time span of the instant-replay buffer. */
  get replayBuffered(): { bytes: number; spanMs: number } {
    return { bytes: this.replay.bytes, spanMs: this.replay.spanMs };
  }

  addViewer(ws: WebSocket, ticketId: string): void {
    if (this.disposed) {
      ws.close(RelayCloseCode.shutdown, 'relay shutting down');
      return;
    }
    const viewer: Viewer = { ws, ticketId, synced: false, overSince: null };
    this.viewers.add(viewer);
    ws.on('close', () => this.removeViewer(viewer));
    ws.on('error', () => this.removeViewer(viewer));
    // Viewers have nothing to say; anything they send is ignored (maxPayload bounds it).
    this.cancelLinger();
    const snapshot = this.child ? this.cache.snapshot() : null;
    if (snapshot) {
      viewer.synced = true;
      this.send(viewer, snapshot);
    }
    this.emit(this.state);
    if (!this.child && !this.restartTimer) {
      this.failures = 0;
      // A child stopped by the linger may still be exiting (and holding a UDP port): wait for it.
      void this.childExited.then(() => {
        if (this.viewers.size > 0 && !this.child && !this.restartTimer) this.spawnChild();
      });
    }
  }

  /** Closes the viewer that came in with `ticketId`, if any. */
  closeViewer(ticketId: string, code: number, reason: string): boolean {
    for (const v of this.viewers) {
      if (v.ticketId === ticketId) {
        this.dropViewer(v, code, reason);
        return true;
      }
    }
    return false;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return this.childExited;
    this.disposed = true;
    this.cancelLinger();
    this.clearRestart();
    for (const v of [...this.viewers]) this.dropViewer(v, RelayCloseCode.shutdown, 'relay shutting down');
    this.killChild();
    this.replay.clear();
    await this.childExited;
    this.setState('stopped');
  }

  // --- viewers -------------------------------------------------------------------------

  private removeViewer(viewer: Viewer): void {
    if (!this.viewers.delete(viewer)) return;
    this.emit(this.state);
    if (this.viewers.size === 0 && !this.disposed) {
      if (this.restartTimer || this.state === 'failed') {
        // Nobody left to wait for a restart.
        this.clearRestart();
        this.killChild();
        this.setState('stopped');
        void this.childExited.then(() => this.maybeIdle());
      } else {
        this.scheduleLinger();
      }
    }
  }

  private dropViewer(viewer: Viewer, code: number, reason: string): void {
    const ws = viewer.ws;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
      ws.close(code, reason);
      // A close frame queued behind megabytes of video may never leave: cut the socket.
      setTimeout(() => ws.terminate(), 1000).unref();
    }
    this.removeViewer(viewer);
  }

  private send(viewer: Viewer, data: Buffer): void {
    const ws = viewer.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    const { softBytes, hardBytes, slowMs } = this.o.viewerBuffer;
    const buffered = ws.bufferedAmount;
    if (buffered > hardBytes) {
      this.opts.log('warn', 'relay: dropping slow viewer', { source: this.logSource, ticketId: viewer.ticketId, buffered });
      this.dropViewer(viewer, RelayCloseCode.slowViewer, 'viewer too slow');
      return;
    }
    if (buffered > softBytes) {
      const now = Date.now();
      viewer.overSince ??= now;
      if (now - viewer.overSince > slowMs) {
        this.opts.log('warn', 'relay: dropping slow viewer', { source: this.logSource, ticketId: viewer.ticketId, buffered });
        this.dropViewer(viewer, RelayCloseCode.slowViewer, 'viewer too slow');
        return;
      }
    } else {
      viewer.overSince = null;
    }
    ws.send(data, { binary: true });
  }

  private broadcast(aligned: Buffer, sawHeader: boolean): void {
    let snapshot: Buffer | null | undefined;
    for (const v of [...this.viewers]) {
      if (v.synced) {
        this.send(v, aligned);
      } else if (sawHeader) {
        // First picture for this viewer: PAT/PMT + the new GOP so far.
        snapshot ??= this.cache.snapshot();
        if (snapshot) {
          v.synced = true;
          this.send(v, snapshot);
        }
      }
    }
  }

  // --- child process ------------------------------------------------------------------

  private spawnChild(): void {
    if (this.disposed) return;
    this.clearRestart();
    const args = this.recipe.args(this.sourceUrl);
    this.cache.restart();
    this.replay.discontinuity();
    this.runStartedAt = Date.now();
    this.lastDataAt = this.runStartedAt;
    this.runSawHeader = false;
    this.lastStderr = [];
    this.stderrLinesLogged = 0;
    if (this.recipe.resyncOnRestart) for (const v of this.viewers) v.synced = false;
    this.setState(this.failures > 0 ? 'restarting' : 'starting');

    const child = spawn(this.o.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    this.childExited = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });
    this.opts.log('info', 'relay: ffmpeg started', { source: this.logSource, pid: child.pid });

    child.stdout?.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      this.lastDataAt = Date.now();
      const { data: aligned, sawStart: sawHeader } = this.cache.push(chunk);
      if (aligned.length === 0) return;
      if (this.recipe.replay) this.replay.push(aligned, performance.now());
      if (sawHeader && !this.runSawHeader) {
        this.runSawHeader = true;
        this.setState('streaming');
      }
      this.broadcast(aligned, sawHeader);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      for (const line of text.split(/\r?\n/)) {
        const clean = redactUrls(line.trim());
        if (!clean) continue;
        this.lastStderr.push(clean);
        if (this.lastStderr.length > 5) this.lastStderr.shift();
        // Joining a live H.264 stream mid-GOP prints a burst of errors: log only the first few per run.
        if (this.stderrLinesLogged < 5) {
          this.stderrLinesLogged++;
          this.opts.log('warn', 'relay: ffmpeg says', { source: this.logSource, line: clean.slice(0, 300) });
        }
      }
    });
    child.once('error', (err) => {
      this.opts.log('error', 'relay: cannot run ffmpeg', { source: this.logSource, error: err.message });
      this.onChildExit(child, null, null, err.message);
    });
    child.once('exit', (code, signal) => this.onChildExit(child, code, signal, null));
    this.startWatchdog();
  }

  private onChildExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, spawnError: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.stopWatchdog();
    const ranMs = Date.now() - this.runStartedAt;
    this.opts.log('info', 'relay: ffmpeg exited', { source: this.logSource, pid: child.pid, code, signal, ranMs });
    if (this.disposed) return;
    if (this.viewers.size === 0) {
      this.setState('stopped');
      void this.childExited.then(() => this.maybeIdle());
      return;
    }
    const healthy = this.runSawHeader && ranMs >= this.o.healthyRunMs;
    this.failures = healthy ? 1 : this.failures + 1;
    const why = spawnError ?? this.lastStderr.at(-1) ?? `ffmpeg exited (${signal ?? code})`;
    if (this.failures > this.o.maxFailures) {
      this.opts.log('error', 'relay: source failed repeatedly, giving up', { source: this.logSource, failures: this.failures - 1 });
      this.setState('failed', why);
      for (const v of [...this.viewers]) this.dropViewer(v, RelayCloseCode.sourceFailed, truncateReason(`source failed: ${why}`));
      return;
    }
    const delay = Math.min(this.o.backoffMs.max, this.o.backoffMs.first * 2 ** (this.failures - 1));
    this.setState('restarting', `${why}; retry in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.viewers.size > 0) void this.childExited.then(() => this.viewers.size > 0 && !this.child && this.spawnChild());
    }, delay);
  }

  private killChild(): void {
    const child = this.child;
    this.stopWatchdog();
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const hard = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, KILL_GRACE_MS);
      hard.unref();
      void this.childExited.then(() => clearTimeout(hard));
    }
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    this.watchdog = setInterval(() => {
      const child = this.child;
      if (!child) return;
      const silentMs = Date.now() - this.lastDataAt;
      const limit = this.runSawHeader ? this.o.stallMs : this.o.startTimeoutMs;
      if (silentMs > limit) {
        this.opts.log('warn', 'relay: ffmpeg produced nothing, killing it', { source: this.logSource, pid: child.pid, silentMs });
        this.lastStderr.push(this.runSawHeader ? 'source stalled' : 'no video from source');
        child.kill('SIGKILL');
      }
    }, 1000);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  // --- linger / state -----------------------------------------------------------------

  private scheduleLinger(): void {
    this.cancelLinger();
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      if (this.viewers.size > 0) return;
      this.opts.log('info', 'relay: last viewer gone, stopping ffmpeg', { source: this.logSource });
      this.killChild();
      this.cache.clear();
      this.replay.clear();
      this.setState('stopped');
      void this.childExited.then(() => this.maybeIdle());
    }, this.o.lingerMs);
  }

  private cancelLinger(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private maybeIdle(): void {
    if (this.disposed) return;
    if (this.viewers.size === 0 && !this.child && !this.restartTimer && !this.lingerTimer) {
      this.replay.clear();
      this.opts.onIdle();
    } else if (this.viewers.size > 0 && !this.child && !this.restartTimer) this.spawnChild();
  }

  private setState(state: RelayState, message?: string): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed || message) this.emit(state, message);
  }

  private emit(state: RelayState, message?: string): void {
    const status: RelayStatus = { sourceUrl: this.sourceUrl, state, viewers: this.viewers.size };
    if (message) status.message = message;
    this.opts.onStatus(status);
  }
}

/** WebSocket close reasons are limited to 123 bytes of UTF-8. */
function truncateReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 120) out = out.slice(0, -1);
  return out;
}
