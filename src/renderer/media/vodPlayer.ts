import type Hls from 'hls.js';
import type Mpegts from 'mpegts.js';
import { mediaTimeAt, wallTimeAt, type PlaybackSession } from '../../shared/domain/playback';
import { classifyHlsError, classifyMpegtsError, mpegtsConfig } from './msePlayer';
import { copyFrame } from './snapshot';

export type VodPhase = 'loading' | 'playing' | 'paused' | 'gap' | 'ended' | 'error';
export type VodStatus = { phase: VodPhase; wallMs: number | null; frames: number; rate: number; message: string | null };

/** Frame step in seconds (the lab and most GB/T 28181 cameras run at 25 fps). */
const FRAME_S = 1 / 25;

/**
 * Plays one channel's recordings on a <video>: an HLS VOD playlist with hls.js ('client' control: seek, speed
 * and frame steps happen here, media time maps to the wall clock through the session's timeline), or a
 * backend-paced FLV stream with mpegts.js ('server' control: pause, seek and speed are requests to the host,
 * made by `serverControl`).
 */
export class VodPlayer {
  readonly video: HTMLVideoElement;
  private hls: Hls | null = null;
  private flv: Mpegts.Player | null = null;
  private disposed = false;
  private wanted: 'play' | 'pause' = 'pause';
  private inGap = false;
  private failure: string | null = null;
  private rate = 1;
  /** For 'server' control: the wall time the backend stream started at, and media time then. */
  private serverBase = { wallMs: 0, mediaT: 0 };

  constructor(
    container: HTMLElement,
    readonly session: PlaybackSession,
    private readonly serverControl: (op: 'pause' | 'resume' | 'seek' | 'speed', value?: number) => Promise<void>,
  ) {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    video.style.width = '100%';
    video.style.height = '100%';
    video.style.objectFit = 'contain';
    video.style.background = '#000';
    video.dataset.channelId = session.source.channelId;
    container.appendChild(video);
    this.video = video;
    this.serverBase = { wallMs: session.timeline[0]?.start ?? 0, mediaT: 0 };
  }

  async load(): Promise<void> {
    const src = this.session.source;
    if (src.kind === 'hls') {
      const HlsClass = (await import('hls.js')).default;
      if (this.disposed) return;
      if (!HlsClass.isSupported()) throw new Error('此浏览器不能播放 HLS 录像');
      const hls = new HlsClass({ enableWorker: false, maxBufferLength: 20, maxMaxBufferLength: 60, backBufferLength: 30, startPosition: 0 });
      this.hls = hls;
      hls.on(HlsClass.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        this.failure = `录像加载失败: ${classifyHlsError(data.type, data.details, data.response?.code).message}`;
      });
      hls.loadSource(src.url);
      hls.attachMedia(this.video);
      return;
    }
    if (src.kind === 'flv') {
      const mpegts = (await import('mpegts.js')).default;
      if (this.disposed) return;
      const player = mpegts.createPlayer({ type: 'flv', isLive: false, url: src.url }, mpegtsConfig(false));
      this.flv = player;
      player.on(mpegts.Events.ERROR, (type: string, detail: string, info?: { code?: number; msg?: string }) => {
        this.failure = `录像流中断: ${classifyMpegtsError(type, detail, info).message}`;
      });
      player.attachMediaElement(this.video);
      player.load();
      return;
    }
    throw new Error(`不支持的回放格式 ${src.kind}`);
  }

  /** Wall-clock time of the picture on screen. */
  wallTime(): number | null {
    const t = this.video.currentTime;
    if (this.session.control === 'server') return this.serverBase.wallMs + (t - this.serverBase.mediaT) * 1000;
    return wallTimeAt(this.session.timeline, t);
  }

  /**
   * Shows wall-clock `ms`. Inside a gap of this channel's recordings the player waits at the next recording
   * (`gap`); past its last recording it reports `end`.
   */
  async seekWall(ms: number): Promise<'ok' | 'gap' | 'end'> {
    if (this.session.control === 'server') {
      await this.serverControl('seek', ms);
      this.serverBase = { wallMs: ms, mediaT: this.video.currentTime };
      this.inGap = false;
      return 'ok';
    }
    const at = mediaTimeAt(this.session.timeline, ms);
    if (!at) {
      this.inGap = false;
      this.video.pause();
      const last = this.session.timeline.at(-1);
      if (last) this.video.currentTime = Math.max(0, last.mediaStart + last.duration - 0.05);
      return 'end';
    }
    this.video.currentTime = at.t;
    this.inGap = at.inGap;
    if (at.inGap) this.video.pause();
    else if (this.wanted === 'play') void this.video.play().catch(() => undefined);
    return at.inGap ? 'gap' : 'ok';
  }

  /** The wall time of the next recording after `ms` in this channel, null if none. */
  nextRecordingAfter(ms: number): number | null {
    const next = this.session.timeline.find((p) => p.start > ms);
    return next ? next.start : null;
  }

  play(): void {
    this.wanted = 'play';
    if (this.session.control === 'server') void this.serverControl('resume').catch(() => undefined);
    if (!this.inGap) void this.video.play().catch(() => undefined);
  }

  pause(): void {
    this.wanted = 'pause';
    this.video.pause();
    if (this.session.control === 'server') void this.serverControl('pause').catch(() => undefined);
  }

  /** Leaves a gap: the shared clock reached this channel's next recording. */
  resumeFromGap(): void {
    this.inGap = false;
    if (this.wanted === 'play') void this.video.play().catch(() => undefined);
  }

  async setRate(rate: number): Promise<void> {
    this.rate = rate;
    if (this.session.control === 'server') {
      await this.serverControl('speed', rate);
      return;
    }
    this.video.playbackRate = rate;
  }

  /** One frame forward or back, paused. */
  step(direction: 1 | -1): void {
    this.pause();
    if (this.session.control === 'server') return;
    this.video.currentTime = Math.max(0, this.video.currentTime + direction * FRAME_S);
  }

  /** Nudges the rate a little to close a small drift from the shared clock (sync without visible seeks). */
  trim(driftMs: number): void {
    if (this.session.control === 'server') return;
    const factor = Math.abs(driftMs) < 40 ? 1 : driftMs > 0 ? 0.92 : 1.08;
    this.video.playbackRate = this.rate * factor;
  }

  status(): VodStatus {
    const v = this.video;
    const quality = typeof v.getVideoPlaybackQuality === 'function' ? v.getVideoPlaybackQuality() : null;
    const frames = quality ? quality.totalVideoFrames - quality.droppedVideoFrames : 0;
    const wallMs = this.wallTime();
    let phase: VodPhase;
    if (this.failure) phase = 'error';
    else if (this.inGap) phase = 'gap';
    else if (v.ended) phase = 'ended';
    else if (v.readyState < 2) phase = 'loading';
    else phase = v.paused ? 'paused' : 'playing';
    return { phase, wallMs, frames, rate: this.rate, message: this.failure };
  }

  /** The picture on screen at native size, or null before the first frame. */
  captureFrame(): HTMLCanvasElement | null {
    if (this.video.readyState < 2) return null;
    return copyFrame(this.video, this.video.videoWidth, this.video.videoHeight);
  }

  dispose(): void {
    this.disposed = true;
    this.hls?.destroy();
    this.hls = null;
    if (this.flv) {
      this.flv.pause();
      this.flv.unload();
      this.flv.detachMediaElement();
      this.flv.destroy();
      this.flv = null;
    }
    this.video.removeAttribute('src');
    this.video.load();
    this.video.remove();
  }
}
