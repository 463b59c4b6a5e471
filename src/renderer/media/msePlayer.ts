import type Mpegts from 'mpegts.js';
import type { FlvSource, HlsSource } from '../../shared/domain/stream';
import { toDisposable, type Disposable } from '../../shared/lifecycle';
import { createLiveVideo, watchVideoFrames, type VideoWithFrameCallback } from './liveVideo';
import type { DecodePath, PlayerErrorCode } from './player';
import { errorMessage, PlayerBase, type StatsSample } from './playerBase';
import { copyFrame } from './snapshot';


/** mpegts.js's error vocabulary (its ErrorTypes / ErrorDetails values). */
const MPEGTS_ERROR = { network: 'NetworkError', media: 'MediaError' } as const;
const MPEGTS_DETAIL = {
  statusCode: 'HttpStatusCodeInvalid',
  mse: 'MediaMSEError',
  formatError: 'FormatError',
  formatUnsupported: 'FormatUnsupported',
  codecUnsupported: 'CodecUnsupported',
} as const;

/** Maps an mpegts.js ERROR event (type, detail, info) to a player error. */
export function classifyMpegtsError(type: string, detail: string, info?: { code?: number; msg?: string }): { code: PlayerErrorCode; message: string } {
  const why = [detail, info?.msg].filter(Boolean).join(': ');
  if (type === MPEGTS_ERROR.network) {
    if (detail === MPEGTS_DETAIL.statusCode && (info?.code === 404 || info?.code === 410)) {
      return { code: 'not-found', message: `Stream not found (HTTP ${info.code})` };
    }
    return { code: 'transport-lost', message: `Stream connection failed (${why})` };
  }
  if (type === MPEGTS_ERROR.media) {
    if (detail === MPEGTS_DETAIL.codecUnsupported || detail === MPEGTS_DETAIL.formatUnsupported) {
      return { code: 'unsupported', message: `Stream format not playable here (${why})` };
    }
    return { code: 'decode', message: `Cannot decode the stream (${why})` };
  }
  return { code: 'decode', message: `Player error (${why || type})` };
}

/** Maps a fatal hls.js error (its ErrorTypes / details) to a player error. */
export function classifyHlsError(type: string, details: string, httpStatus?: number): { code: PlayerErrorCode; message: string } {
  if (type === 'networkError') {
    if (httpStatus === 404 || httpStatus === 410) return { code: 'not-found', message: `HLS stream not found (HTTP ${httpStatus})` };
    return { code: 'transport-lost', message: `HLS loading failed (${details})` };
  }
  if (type === 'mediaError') {
    if (/codec|incompatible/i.test(details)) return { code: 'unsupported', message: `HLS stream not playable here (${details})` };
    return { code: 'decode', message: `Cannot decode the HLS stream (${details})` };
  }
  return { code: 'decode', message: `HLS player error (${details})` };
}

/**
 * Cumulative bytes from a KB/s rate sampled now and then (mpegts.js reports speed, not totals):
 * integrates over the time between samples.
 */
export class ByteIntegrator {
  private total = 0;
  private last: number | null = null;

  /** Adds `kbytesPerSecond` over the time since the previous call; returns the running total in bytes. */
  add(kbytesPerSecond: number, at: number): number {
    if (this.last !== null && Number.isFinite(kbytesPerSecond) && kbytesPerSecond > 0) {
      this.total += (kbytesPerSecond * 1024 * Math.max(0, at - this.last)) / 1000;
    }
    this.last = at;
    return Math.round(this.total);
  }

  get bytes(): number {
    return Math.round(this.total);
  }
}

/**
 * The low-latency live configuration for mpegts.js: no stash buffer (play each tag as it arrives), chase
 * the live edge when the buffer grows, no workers (keeps the CSP strict, a tile's stream is small).
 */
export function mpegtsConfig(live: boolean): Mpegts.Config {
  return {
    enableWorker: false,
    enableWorkerForMSE: false,
    enableStashBuffer: false,
    stashInitialSize: 128 * 1024,
    isLive: live,
    liveBufferLatencyChasing: live,
    liveBufferLatencyMaxLatency: 1.2,
    liveBufferLatencyMinRemain: 0.3,
    lazyLoad: !live,
    autoCleanupSourceBuffer: true,
    autoCleanupMaxBackwardDuration: 30,
    autoCleanupMinBackwardDuration: 10,
    statisticsInfoReportInterval: 1000,
  };
}

/** The part of a media engine the player drives. */
type Engine = { destroy(): void; bytes(): number };

/**
 * Plays FLV (http(s)/ws(s), e.g. WVP/ZLMediaKit flv and ws_flv, or the console relay's H.264 remux)
 * with mpegts.js, or HLS with hls.js, into a <video> through Media Source Extensions. Both libraries are
 * loaded on first use.
 */
export class MsePlayer extends PlayerBase {
  readonly kind: 'flv' | 'hls';
  private video: VideoWithFrameCallback | null = null;
  private engine: Engine | null = null;
  private frames: Disposable | null = null;

  constructor(private readonly source: FlvSource | HlsSource) {
    super(source.channelId);
    this.kind = source.kind;
  }

  protected get decodePath(): DecodePath {
    return 'mse';
  }

  protected start(container: HTMLElement): void {
    if (typeof MediaSource === 'undefined' && typeof (globalThis as { ManagedMediaSource?: unknown }).ManagedMediaSource === 'undefined') {
      throw new Error('Media Source Extensions are not available');
    }
    const video = createLiveVideo(container, this.source.channelId, 'mse');
    this.video = video;
    this.store.add(toDisposable(() => this.releaseVideo()));
    this.frames = watchVideoFrames(video, (now) => this.frameDecoded(video, now));
    const onVideoError = (): void => {
      const err = video.error;
      if (err) this.fail(err.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED ? 'unsupported' : 'decode', `Video element: ${err.message || err.code}`);
    };
    video.addEventListener('error', onVideoError);
    this.store.add(toDisposable(() => video.removeEventListener('error', onVideoError)));
    void (this.source.kind === 'flv' ? this.startFlv(video, this.source) : this.startHls(video, this.source)).catch((err: unknown) =>
      this.fail('unsupported', `Cannot start the MSE player: ${errorMessage(err)}`),
    );
  }

  protected sampleStats(): StatsSample | null {
    const video = this.video;
    if (!video || !this.engine) return null;
    const quality = typeof video.getVideoPlaybackQuality === 'function' ? video.getVideoPlaybackQuality() : null;
    const legacy = video as HTMLVideoElement & { webkitDecodedFrameCount?: number };
    const frames = quality ? quality.totalVideoFrames - quality.droppedVideoFrames : (legacy.webkitDecodedFrameCount ?? 0);
    return { at: performance.now(), frames, bytes: this.engine.bytes(), width: video.videoWidth, height: video.videoHeight, latencyMs: this.bufferLatencyMs(video) };
  }

  captureFrame(): Promise<HTMLCanvasElement | null> {
    const video = this.video;
    // HAVE_CURRENT_DATA: there is a frame to draw.
    if (this.isDisposed || !video || video.readyState < 2) return Promise.resolve(null);
    return Promise.resolve(copyFrame(video, video.videoWidth, video.videoHeight));
  }

  captureStream(): MediaStream | null {
    const video = this.video as (VideoWithFrameCallback & { captureStream?: () => MediaStream }) | null;
    if (this.isDisposed || !video || video.readyState < 2 || typeof video.captureStream !== 'function') return null;
    const stream = video.captureStream();
    const live = stream.getVideoTracks().filter((t) => t.readyState === 'live');
    for (const t of stream.getAudioTracks()) stream.removeTrack(t);
    if (live.length === 0) return null;
    return this.adoptCapture(stream);
  }

  /** Seconds of video buffered ahead of the play head, as ms: the player's own share of the latency. */
  private bufferLatencyMs(video: HTMLVideoElement): number | null {
    const b = video.buffered;
    if (b.length === 0) return null;
    return Math.max(0, Math.round((b.end(b.length - 1) - video.currentTime) * 1000));
  }

  private async startFlv(video: HTMLVideoElement, source: FlvSource): Promise<void> {
    const mpegts = (await import('mpegts.js')).default;
    if (this.isDisposed || this.isTerminal || this.video !== video) return;
    if (!mpegts.getFeatureList().mseLivePlayback) throw new Error('This browser cannot play live FLV through MSE');
    mpegts.LoggingControl.applyConfig({ enableAll: false, enableError: false, enableWarn: false, enableInfo: false, enableDebug: false, enableVerbose: false });
    const player = mpegts.createPlayer({ type: 'flv', url: source.url, isLive: source.live, hasAudio: false, hasVideo: true }, mpegtsConfig(source.live));
    const counter = new ByteIntegrator();
    const onStats = (s: Mpegts.MSEPlayerStatisticsInfo): void => void counter.add(s.speed ?? 0, performance.now());
    const onError = (type: string, detail: string, info?: { code?: number; msg?: string }): void => {
      const e = classifyMpegtsError(type, detail, info);
      this.fail(e.code, e.message);
    };
    // A WebSocket closed by the far end reaches mpegts.js as "loading complete": for a live stream, the end.
    const onComplete = (): void => {
      if (source.live) this.fail('transport-lost', 'The stream ended (connection closed)');
    };
    player.on(mpegts.Events.STATISTICS_INFO, onStats);
    player.on(mpegts.Events.ERROR, onError);
    player.on(mpegts.Events.LOADING_COMPLETE, onComplete);
    this.engine = {
      bytes: () => counter.bytes,
      destroy: () => {
        player.off(mpegts.Events.STATISTICS_INFO, onStats);
        player.off(mpegts.Events.ERROR, onError);
        player.off(mpegts.Events.LOADING_COMPLETE, onComplete);
        try {
          player.pause();
          player.unload();
          player.detachMediaElement();
        } finally {
          player.destroy();
        }
      },
    };
    player.attachMediaElement(video);
    player.load();
    void Promise.resolve(player.play()).catch(() => undefined); // muted autoplay; a rejection only means "not yet"
  }

  private async startHls(video: HTMLVideoElement, source: HlsSource): Promise<void> {
    const Hls = (await import('hls.js')).default;
    if (this.isDisposed || this.isTerminal || this.video !== video) return;
    if (!Hls.isSupported()) {
      // Safari plays HLS natively.
      if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = source.url;
        this.engine = { bytes: () => 0, destroy: () => undefined };
        void video.play().catch(() => undefined);
        return;
      }
      throw new Error('This browser cannot play HLS');
    }
    // No worker (keeps the CSP strict); live edge with a short back buffer.
    const hls = new Hls({ enableWorker: false, lowLatencyMode: true, backBufferLength: 10, liveDurationInfinity: true });
    let bytes = 0;
    hls.on(Hls.Events.FRAG_LOADED, (_e, data) => {
      bytes += data.frag.stats.loaded;
    });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      const e = classifyHlsError(data.type, data.details, data.response?.code);
      this.fail(e.code, e.message);
    });
    this.engine = {
      bytes: () => bytes,
      destroy: () => {
        hls.detachMedia();
        hls.destroy();
      },
    };
    hls.attachMedia(video);
    hls.loadSource(source.url);
    void video.play().catch(() => undefined);
  }


  private releaseVideo(): void {
    const video = this.video;
    this.video = null;
    const engine = this.engine;
    this.engine = null;
    if (engine) {
      try {
        engine.destroy();
      } catch {
        // A half-started engine may throw while tearing down; the element is released below anyway.
      }
    }
    if (!video) return;
    this.frames?.dispose();
    this.frames = null;
    video.removeAttribute('src');
    video.load();
    video.remove();
  }
}
