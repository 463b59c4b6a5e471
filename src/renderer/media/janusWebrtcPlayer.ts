import type { JanusJS } from 'janus-gateway';
import type { JanusWebrtcSource } from '../../shared/domain/stream';
import { toDisposable, type Disposable } from '../../shared/lifecycle';
import { createLiveVideo, watchVideoFrames, type VideoWithFrameCallback } from './liveVideo';
import type { JanusSessionPool } from './janusSession';
import type { DecodePath } from './player';
import { errorMessage, PlayerBase, type StatsSample } from './playerBase';
import type { Lease } from './sessionPool';
import type { JanusSession } from './janusSession';
import { copyFrame } from './snapshot';
import { estimateLatencyMs, pickInboundVideo, pickLatencyCounters, type LatencyCounters } from './statsMeter';

/** Streaming plugin error codes that mean "this mountpoint is not there". */
const NO_SUCH_MOUNTPOINT = new Set([455, 456]);


/**
 * Watches one Janus streaming mountpoint over WebRTC. The Janus session is shared per server
 * through the pool; the plugin handle is this player's own.
 */
export class JanusWebrtcPlayer extends PlayerBase {
  readonly kind = 'janus-webrtc' as const;
  private video: VideoWithFrameCallback | null = null;
  private handle: JanusJS.PluginHandle | null = null;
  private lease: Lease<JanusSession> | null = null;
  private frames: Disposable | null = null;
  private latencyPrev: LatencyCounters | null = null;

  constructor(
    private readonly source: JanusWebrtcSource,
    private readonly pool: JanusSessionPool,
  ) {
    super(source.channelId);
  }

  protected get decodePath(): DecodePath {
    return 'webrtc';
  }

  protected start(container: HTMLElement): void {
    const video = createLiveVideo(container, this.source.channelId, 'webrtc');
    this.video = video;
    this.store.add(toDisposable(() => this.releaseVideo()));
    this.frames = watchVideoFrames(video, (now) => this.frameDecoded(video, now));
    void this.connect();
  }

  protected async sampleStats(): Promise<StatsSample | null> {
    const pc = this.handle?.webrtcStuff?.pc;
    if (!pc) return null;
    const report = [...(await pc.getStats()).values()];
    const inbound = pickInboundVideo(report);
    if (!inbound) return null;
    const counters = pickLatencyCounters(report);
    const latencyMs = counters ? estimateLatencyMs(this.latencyPrev, counters) : null;
    if (counters) this.latencyPrev = counters;
    return {
      latencyMs,
      at: inbound.timestamp || performance.now(),
      frames: inbound.framesDecoded,
      bytes: inbound.bytesReceived,
      width: inbound.frameWidth || this.video?.videoWidth || 0,
      height: inbound.frameHeight || this.video?.videoHeight || 0,
    };
  }

  captureFrame(): Promise<HTMLCanvasElement | null> {
    const video = this.video;
    // HAVE_CURRENT_DATA: there is a frame to draw.
    if (this.isDisposed || !video || video.readyState < 2) return Promise.resolve(null);
    return Promise.resolve(copyFrame(video, video.videoWidth, video.videoHeight));
  }

  captureStream(): MediaStream | null {
    const video = this.video;
    const stream = video?.srcObject;
    if (this.isDisposed || !(stream instanceof MediaStream)) return null;
    const live = stream.getVideoTracks().filter((t) => t.readyState === 'live');
    if (live.length === 0) return null;
    // Clones: the recorder's owner may stop them without touching the tile's picture.
    return this.adoptCapture(new MediaStream(live.map((t) => t.clone())));
  }

  private async connect(): Promise<void> {
    let lease: Lease<JanusSession>;
    try {
      lease = await this.pool.acquire({ server: this.source.server, iceServers: this.source.iceServers });
    } catch (err) {
      this.fail('transport-lost', `Cannot open a Janus session: ${errorMessage(err)}`);
      return;
    }
    if (this.isDisposed || this.isTerminal) {
      lease.dispose();
      return;
    }
    this.lease = lease;
    // Detach (or drop locally when the session is gone) before the lease goes.
    this.store.add(lease);
    this.store.add(toDisposable(() => this.detach()));
    this.store.add(lease.onLost((reason) => this.fail('transport-lost', `Janus connection lost: ${reason}`)));
    lease.session.attach({
      plugin: 'janus.plugin.streaming',
      opaqueId: `mdc-${this.source.sessionId}`,
      success: (handle) => {
        if (this.isDisposed || this.isTerminal) {
          handle.detach({ noRequest: false });
          return;
        }
        this.handle = handle;
        handle.send({ message: { request: 'watch', id: this.source.mountpointId } });
      },
      error: (error) => this.fail('transport-lost', `Cannot attach to the streaming plugin: ${error}`),
      onmessage: (msg, jsep) => this.onMessage(msg, jsep),
      onremotetrack: (track, _mid, on) => this.onRemoteTrack(track, on),
      iceState: (state) => {
        if (state === 'failed') this.fail('transport-lost', 'ICE failed');
      },
      webrtcState: (up) => {
        if (!up && !this.isDisposed) this.fail('transport-lost', 'Janus hung up the PeerConnection');
      },
      oncleanup: () => undefined,
    });
  }

  private onMessage(msg: JanusJS.Message, jsep?: JanusJS.JSEP): void {
    const handle = this.handle;
    if (!handle || this.isDisposed || this.isTerminal) return;
    if (msg.error) {
      const code = typeof msg.error_code === 'number' ? msg.error_code : 0;
      this.fail(NO_SUCH_MOUNTPOINT.has(code) ? 'not-found' : 'startup', `Janus: ${String(msg.error)}`);
      return;
    }
    const status = msg.result?.status;
    if (status === 'stopped') {
      this.fail('transport-lost', 'Mountpoint stopped');
      return;
    }
    if (jsep) {
      handle.createAnswer({
        jsep,
        // Receive only: the offered tracks are received without any local capture.
        tracks: [],
        success: (answer) => {
          if (this.handle === handle && !this.isTerminal) handle.send({ message: { request: 'start' }, jsep: answer });
        },
        error: (error) => this.fail('decode', `Cannot answer the Janus offer: ${errorMessage(error)}`),
      });
    }
  }

  private onRemoteTrack(track: MediaStreamTrack, on: boolean): void {
    const video = this.video;
    if (!video || this.isDisposed || track.kind !== 'video' || !on) return;
    video.srcObject = new MediaStream([track]);
    void video.play().catch(() => undefined); // muted autoplay; a rejection only means "not yet"
  }


  private detach(): void {
    const handle = this.handle;
    this.handle = null;
    if (!handle) return;
    // If the session is gone, the request cannot be sent: clean up the PeerConnection locally.
    const sessionAlive = this.lease !== null && this.lease.session.isConnected();
    try {
      handle.detach({ noRequest: !sessionAlive });
    } catch {
      // Detach on a half-dead session may throw; the PeerConnection is closed first by janus.js.
    }
  }

  private releaseVideo(): void {
    const video = this.video;
    this.video = null;
    if (!video) return;
    this.frames?.dispose();
    this.frames = null;
    const stream = video.srcObject;
    video.srcObject = null;
    if (stream instanceof MediaStream) for (const t of stream.getTracks()) t.stop();
    video.removeAttribute('src');
    video.load();
    video.remove();
  }
}
