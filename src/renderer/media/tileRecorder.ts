import { MAX_RECORDING_CHUNK_BYTES } from '../../shared/domain/mediaLibrary';
import { Emitter, type Disposable } from '../../shared/lifecycle';

/**
 * Local recording of one tile: MediaRecorder over Player.captureStream(), cut every ~second, each
 * piece handed to a sink in order (seq 0, 1, 2, …) and awaited before the next, so a slow sink
 * delays but never reorders or drops. stop() resolves once the last piece has been delivered.
 */

/** Saves one piece; must resolve only once it is stored (e.g. ConsoleApi.appendRecording). */
export type RecordingChunkSink = (seq: number, data: Uint8Array) => Promise<void>;

/** In order of preference; the first one MediaRecorder supports is used. */
export const RECORDER_MIME_TYPES = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm', 'video/mp4'] as const;
/** For audio-only recordings (calls), in order of preference. */
export const AUDIO_RECORDER_MIME_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'] as const;

/** 'source-ended': the captured tracks ended (tile closed, player replaced): everything recorded was delivered. */
export type RecorderErrorCode = 'unsupported' | 'start' | 'recorder' | 'sink' | 'source-ended';

export class RecorderError extends Error {
  constructor(
    readonly code: RecorderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RecorderError';
  }
}

/** What the recorder needs of MediaRecorder (a fake in unit tests). */
export interface RecorderEngine {
  readonly mimeType: string;
  /** True between start() and the engine's 'stop' event. */
  readonly active: boolean;
  start(timesliceMs: number): void;
  stop(): void;
}

export type RecorderEngineEvents = {
  data(blob: Blob): void;
  /** The engine stopped (after its last data): asked to, or because its tracks ended, or after an error. */
  stop(): void;
  error(error: Error): void;
};

export type RecorderEngineFactory = (
  stream: MediaStream,
  options: { mimeType: string; videoBitsPerSecond?: number; audioBitsPerSecond?: number },
  events: RecorderEngineEvents,
) => RecorderEngine;

export function pickRecorderMimeType(
  isTypeSupported: (type: string) => boolean = defaultIsTypeSupported,
  candidates: readonly string[] = RECORDER_MIME_TYPES,
): string | null {
  for (const type of candidates) {
    try {
      if (isTypeSupported(type)) return type;
    } catch {
      // A throwing probe means "no".
    }
  }
  return null;
}

function defaultIsTypeSupported(type: string): boolean {
  return typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(type);
}

/** The real engine: a MediaRecorder with its events mapped. */
export const mediaRecorderEngine: RecorderEngineFactory = (stream, options, events) => {
  if (typeof MediaRecorder === 'undefined') throw new RecorderError('unsupported', 'MediaRecorder is not available here');
  const recorder = new MediaRecorder(stream, options);
  let active = false;
  recorder.addEventListener('dataavailable', (ev: BlobEvent) => events.data(ev.data));
  recorder.addEventListener('stop', () => {
    active = false;
    events.stop();
  });
  recorder.addEventListener('error', (ev: Event) => {
    const err = (ev as Event & { error?: unknown }).error;
    events.error(err instanceof Error ? err : new Error(typeof err === 'string' ? err : 'MediaRecorder error'));
  });
  return {
    get mimeType() {
      return recorder.mimeType || options.mimeType;
    },
    get active() {
      return active;
    },
    start(timesliceMs) {
      recorder.start(timesliceMs);
      active = true;
    },
    stop() {
      if (recorder.state !== 'inactive') recorder.stop();
    },
  };
};

export type TileRecorderOptions = {
  /** Length of one piece in ms (MediaRecorder timeslice). Default 1000. */
  timesliceMs?: number;
  videoBitsPerSecond?: number;
  audioBitsPerSecond?: number;
  /** Which tracks must be live to start: 'video' for tiles (default), 'audio' for calls. */
  trackKind?: 'video' | 'audio';
  /** Pieces bigger than this are split (still in order). Default: what appendRecording accepts. */
  maxChunkBytes?: number;
  /** How long stop() waits for the recorder's final data before giving up. Default 5000 ms. */
  stopTimeoutMs?: number;
  engine?: RecorderEngineFactory;
};

export type TileRecordingResult = {
  mimeType: string;
  /** Pieces delivered (the next seq would be this number). */
  chunks: number;
  bytes: number;
  /** 'stop': stop() was called; 'source-ended': the captured tracks ended (player disposed or renderer swapped). */
  endedBy: 'stop' | 'source-ended';
};

export type TileRecorderState = 'idle' | 'recording' | 'stopping' | 'finished' | 'failed';

/**
 * Usage: `const type = TileRecorder.pickMimeType()` (tell the host), `new TileRecorder(player.captureStream(), type, sink)`,
 * `onError(...)`, `start()`, later `await stop()`.
 */
export class TileRecorder {
  /** The first supported of RECORDER_MIME_TYPES; throws RecorderError('unsupported') when there is none. */
  static pickMimeType(isTypeSupported?: (type: string) => boolean): string {
    const type = pickRecorderMimeType(isTypeSupported);
    if (!type) throw new RecorderError('unsupported', `None of ${RECORDER_MIME_TYPES.join(', ')} can be recorded here`);
    return type;
  }

  /** The first supported of AUDIO_RECORDER_MIME_TYPES (call recordings). */
  static pickAudioMimeType(isTypeSupported?: (type: string) => boolean): string {
    const type = pickRecorderMimeType(isTypeSupported, AUDIO_RECORDER_MIME_TYPES);
    if (!type) throw new RecorderError('unsupported', `None of ${AUDIO_RECORDER_MIME_TYPES.join(', ')} can be recorded here`);
    return type;
  }

  /**
   * Settles once recording is over and every piece has been delivered: resolves after stop() or when
   * the source ended, rejects with a RecorderError when a piece could not be recorded or saved.
   */
  readonly finished: Promise<TileRecordingResult>;
  private readonly errors = new Emitter<RecorderError>();
  private engine: RecorderEngine | null = null;
  private phase: TileRecorderState = 'idle';
  private stopRequested = false;
  private engineStopped = false;
  private error: RecorderError | null = null;
  private queue: Promise<void> = Promise.resolve();
  private seq = 0;
  private delivered = 0;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private resolveFinished!: (r: TileRecordingResult) => void;
  private rejectFinished!: (e: RecorderError) => void;
  private readonly timesliceMs: number;
  private readonly maxChunkBytes: number;
  private readonly stopTimeoutMs: number;

  constructor(
    private readonly stream: MediaStream,
    /** e.g. from TileRecorder.pickMimeType(). */
    readonly mimeType: string,
    private readonly sink: RecordingChunkSink,
    private readonly options: TileRecorderOptions = {},
  ) {
    this.timesliceMs = positive(options.timesliceMs, 1000);
    this.maxChunkBytes = positive(options.maxChunkBytes, MAX_RECORDING_CHUNK_BYTES);
    this.stopTimeoutMs = positive(options.stopTimeoutMs, 5000);
    this.finished = new Promise<TileRecordingResult>((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    // The owner may only ever await stop(): never an unhandled rejection from here.
    this.finished.catch(() => undefined);
  }

  /**
   * Recording ended without stop(): a piece failed ('recorder' | 'sink': nothing more is written) or
   * the source ended ('source-ended': all recorded pieces were delivered). Fired once, after the
   * last delivery. Not fired for stop() or a start() that throws.
   */
  onError(listener: (error: RecorderError) => void): Disposable {
    return this.errors.event(listener);
  }

  get state(): TileRecorderState {
    return this.phase;
  }

  /** Pieces delivered so far. */
  get chunks(): number {
    return this.seq;
  }

  get bytes(): number {
    return this.delivered;
  }

  /** Starts recording; throws RecorderError('start') if the recorder refuses (no video track, bad type…). */
  start(): void {
    if (this.phase !== 'idle') throw new RecorderError('start', `Recorder already ${this.phase}`);
    const kind = this.options.trackKind ?? 'video';
    const tracks = kind === 'video' ? this.stream.getVideoTracks() : this.stream.getAudioTracks();
    if (tracks.every((t) => t.readyState === 'ended')) {
      throw new RecorderError('start', `The stream has no live ${kind} track`);
    }
    const factory = this.options.engine ?? mediaRecorderEngine;
    try {
      const engineOptions: { mimeType: string; videoBitsPerSecond?: number; audioBitsPerSecond?: number } = { mimeType: this.mimeType };
      if (this.options.videoBitsPerSecond !== undefined) engineOptions.videoBitsPerSecond = this.options.videoBitsPerSecond;
      if (this.options.audioBitsPerSecond !== undefined) engineOptions.audioBitsPerSecond = this.options.audioBitsPerSecond;
      this.engine = factory(this.stream, engineOptions, {
        data: (blob) => this.onData(blob),
        stop: () => this.onEngineStop(),
        error: (err) => this.failWith(new RecorderError('recorder', `Recording failed: ${err.message}`, { cause: err })),
      });
      this.engine.start(this.timesliceMs);
    } catch (err) {
      this.engine = null;
      this.phase = 'failed';
      const e = err instanceof RecorderError ? err : new RecorderError('start', `Cannot start recording: ${message(err)}`, { cause: err });
      this.rejectFinished(e);
      throw e;
    }
    this.phase = 'recording';
  }

  /** Stops and resolves after the last piece was delivered (rejects if anything failed). Idempotent. */
  stop(): Promise<TileRecordingResult> {
    if (this.phase === 'idle') {
      this.stopRequested = true;
      this.settle('stop');
    } else if (this.phase === 'recording') {
      this.stopRequested = true;
      this.phase = 'stopping';
      this.stopEngine();
    }
    return this.finished;
  }

  private onData(blob: Blob): void {
    if (blob.size === 0) return;
    this.queue = this.queue.then(() => this.deliver(blob));
  }

  private async deliver(blob: Blob): Promise<void> {
    if (this.error) return; // after a failure nothing more is written: the file would have a hole
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await blob.arrayBuffer());
    } catch (err) {
      this.failWith(new RecorderError('recorder', `Cannot read recorded data: ${message(err)}`, { cause: err }));
      return;
    }
    for (let offset = 0; offset < bytes.byteLength && !this.error; offset += this.maxChunkBytes) {
      const piece = bytes.subarray(offset, Math.min(bytes.byteLength, offset + this.maxChunkBytes));
      const seq = this.seq;
      try {
        await this.sink(seq, piece);
      } catch (err) {
        this.failWith(new RecorderError('sink', `Saving recording piece ${seq} failed: ${message(err)}`, { cause: err }));
        return;
      }
      this.seq = seq + 1;
      this.delivered += piece.byteLength;
    }
  }

  private onEngineStop(): void {
    if (this.engineStopped) return;
    this.engineStopped = true;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    const endedBy = this.stopRequested ? 'stop' : 'source-ended';
    if (this.phase === 'recording') this.phase = 'stopping';
    // The engine's last data came before its stop event: once the queue drains, all is delivered.
    void this.queue.then(() => this.settle(endedBy));
  }

  private failWith(error: RecorderError): void {
    if (this.error || this.phase === 'finished' || this.phase === 'failed') return;
    this.error = error;
    if (this.phase === 'recording') this.phase = 'stopping';
    if (this.engine?.active) this.stopEngine();
    else void this.queue.then(() => this.settle('stop'));
  }

  private stopEngine(): void {
    const engine = this.engine;
    if (!engine || this.engineStopped) return;
    try {
      engine.stop();
    } catch (err) {
      this.error ??= new RecorderError('recorder', `Cannot stop recording: ${message(err)}`, { cause: err });
    }
    if (!engine.active) {
      this.onEngineStop();
      return;
    }
    this.stopTimer ??= setTimeout(() => {
      this.stopTimer = null;
      this.error ??= new RecorderError('recorder', `Recorder did not stop within ${this.stopTimeoutMs} ms`);
      void this.queue.then(() => this.settle('stop'));
    }, this.stopTimeoutMs);
  }

  private settle(endedBy: TileRecordingResult['endedBy']): void {
    if (this.phase === 'finished' || this.phase === 'failed') return;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    const error = this.error;
    if (error) {
      this.phase = 'failed';
      this.rejectFinished(error);
      if (!this.stopRequested) this.errors.fire(error);
    } else {
      this.phase = 'finished';
      const result = this.result(endedBy);
      this.resolveFinished(result);
      if (endedBy === 'source-ended') {
        this.errors.fire(
          new RecorderError('source-ended', `The video source ended; recording stopped after ${result.chunks} pieces (${result.bytes} bytes)`),
        );
      }
    }
    this.errors.dispose();
  }

  private result(endedBy: TileRecordingResult['endedBy']): TileRecordingResult {
    return { mimeType: this.engine?.mimeType || this.mimeType, chunks: this.seq, bytes: this.delivered, endedBy };
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'unknown error';
}
