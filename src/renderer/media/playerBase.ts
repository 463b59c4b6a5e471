import { DisposableStore, Emitter, toDisposable, type Disposable } from '../../shared/lifecycle';
import type { StreamSource } from '../../shared/domain/stream';
import { emitFrameProbe } from './frameProbe';
import { DEFAULT_WATCHDOG, FrameWatchdog, type WatchdogLimits } from './frameWatchdog';
import type { DecodePath, Player, PlayerError, PlayerErrorCode, PlayerState, PlayerStats } from './player';
import { RateMeter } from './statsMeter';

/** Cumulative counters a transport reports once a second; the base turns them into PlayerStats. */
export type StatsSample = {
  at: number;
  frames: number;
  bytes: number;
  width: number;
  height: number;
  /** Where the transport can estimate it (see PlayerStats.latencyMs). */
  latencyMs?: number | null;
};

const STATS_INTERVAL_MS = 1000;
const WATCHDOG_INTERVAL_MS = 250;

/**
 * What every transport shares: state and stats events, the frame watchdog, first-frame timing,
 * the frame probe, and an idempotent dispose that runs the subclass's teardown once.
 */
export abstract class PlayerBase implements Player {
  abstract readonly kind: StreamSource['kind'];
  /** Owns everything the subclass creates; disposed (in reverse order) by dispose(). */
  protected readonly store = new DisposableStore();
  private readonly stateEvents = new Emitter<{ state: PlayerState; error?: PlayerError }>();
  private readonly statsEvents = new Emitter<PlayerStats>();
  private readonly watchdog: FrameWatchdog;
  private readonly rates = new RateMeter();
  private currentState: PlayerState = 'connecting';
  private mounted = false;
  private mountedAt = 0;
  private firstFrameAt: number | null = null;
  private disposed = false;
  private timers: Disposable | null = null;
  /** Tracks handed out by captureStream(); stopped on dispose (or by endCaptures()). */
  private readonly captureTracks = new Set<MediaStreamTrack>();

  protected constructor(
    protected readonly channelId: string,
    limits: WatchdogLimits = DEFAULT_WATCHDOG,
  ) {
    this.watchdog = new FrameWatchdog(limits);
  }

  get state(): PlayerState {
    return this.currentState;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** True once the player failed or was closed: no more transitions. */
  protected get isTerminal(): boolean {
    return this.currentState === 'failed' || this.currentState === 'closed';
  }

  mount(container: HTMLElement): void {
    if (this.disposed) throw new Error('Player is disposed');
    if (this.mounted) throw new Error('Player is already mounted');
    this.mounted = true;
    this.mountedAt = performance.now();
    this.watchdog.start(this.mountedAt);
    this.timers = this.store.add(this.startTimers());
    try {
      this.start(container);
    } catch (err) {
      this.fail('unsupported', errorMessage(err));
    }
  }

  onState(listener: (state: PlayerState, error?: PlayerError) => void): Disposable {
    return this.stateEvents.event((e) => listener(e.state, e.error));
  }

  onStats(listener: (stats: PlayerStats) => void): Disposable {
    return this.statsEvents.event(listener);
  }

  abstract captureFrame(): Promise<HTMLCanvasElement | null>;
  abstract captureStream(): MediaStream | null;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.endCaptures();
    this.store.dispose();
    this.setState('closed');
    this.stateEvents.dispose();
    this.statsEvents.dispose();
  }

  /** Create the element(s) inside `container` and start the transport. May throw → failed/unsupported. */
  protected abstract start(container: HTMLElement): void;
  /** Current cumulative counters, or null if nothing to report yet. */
  protected abstract sampleStats(): Promise<StatsSample | null> | StatsSample | null;
  protected abstract get decodePath(): DecodePath;

  /** Call once per decoded/presented frame. */
  protected frameDecoded(element: HTMLVideoElement | HTMLCanvasElement, at = performance.now()): void {
    if (this.disposed) return;
    this.firstFrameAt ??= at;
    this.watchdog.frame(at);
    if (this.currentState === 'connecting' || this.currentState === 'stalled') this.setState('playing');
    emitFrameProbe(this.channelId, element, at);
  }

  /** Registers a stream returned by captureStream() so dispose() stops its tracks. */
  protected adoptCapture(stream: MediaStream): MediaStream {
    // 'ended' does not fire for track.stop(): forget the ones their owners stopped.
    for (const track of this.captureTracks) if (track.readyState === 'ended') this.captureTracks.delete(track);
    for (const track of stream.getTracks()) {
      this.captureTracks.add(track);
      track.addEventListener('ended', () => this.captureTracks.delete(track), { once: true });
    }
    return stream;
  }

  /** Stops every capture track still running (their MediaRecorders then stop too). */
  protected endCaptures(): void {
    for (const track of [...this.captureTracks]) {
      try {
        track.stop();
      } catch {
        // Already gone.
      }
    }
    this.captureTracks.clear();
  }

  /** Terminal failure; resources stay until the owner disposes the player. */
  protected fail(code: PlayerErrorCode, message: string): void {
    if (this.isTerminal || this.disposed) return;
    this.timers?.dispose();
    this.timers = null;
    this.setState('failed', { code, message });
  }

  private setState(state: PlayerState, error?: PlayerError): void {
    if (this.currentState === state && !error) return;
    if (this.currentState === 'closed') return;
    this.currentState = state;
    this.stateEvents.fire(error ? { state, error } : { state });
  }

  private startTimers(): Disposable {
    const watch = window.setInterval(() => this.checkWatchdog(), WATCHDOG_INTERVAL_MS);
    const stats = window.setInterval(() => void this.emitStats(), STATS_INTERVAL_MS);
    return toDisposable(() => {
      window.clearInterval(watch);
      window.clearInterval(stats);
    });
  }

  private checkWatchdog(): void {
    if (this.isTerminal) return;
    const verdict = this.watchdog.check(performance.now(), document.visibilityState === 'hidden');
    switch (verdict) {
      case 'startup-timeout':
        this.fail('startup', 'No video frame within the start-up time');
        break;
      case 'stall-timeout':
        this.fail('stalled', 'No video frame for too long');
        break;
      case 'soft-stall':
        if (this.currentState === 'playing') this.setState('stalled');
        break;
      default:
        break;
    }
  }

  private async emitStats(): Promise<void> {
    if (this.isTerminal || this.statsEvents.size === 0) return;
    let sample: StatsSample | null;
    try {
      sample = await this.sampleStats();
    } catch {
      return;
    }
    if (!sample || this.isTerminal) return;
    const { fps, kbps } = this.rates.next(sample);
    this.statsEvents.fire({
      fps,
      kbps,
      framesDecoded: sample.frames,
      width: sample.width,
      height: sample.height,
      decodePath: this.decodePath,
      firstFrameMs: this.firstFrameAt === null ? null : Math.round(this.firstFrameAt - this.mountedAt),
      latencyMs: sample.latencyMs ?? null,
    });
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'unknown error';
}
