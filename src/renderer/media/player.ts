import type { Disposable } from '../../shared/lifecycle';
import type { StreamSource } from '../../shared/domain/stream';

export type PlayerState = 'connecting' | 'playing' | 'stalled' | 'failed' | 'closed';

export type PlayerErrorCode = 'startup' | 'stalled' | 'transport-lost' | 'not-found' | 'decode' | 'unsupported';

export type PlayerError = { code: PlayerErrorCode; message: string };

/**
 * The real decode/render path: jsmpeg reports Canvas2D when the WebGL budget was spent or WebGL failed/was lost;
 * 'mse' = the browser's decoder fed through Media Source Extensions (FLV via mpegts.js, HLS via hls.js).
 */
export type DecodePath = 'webrtc' | 'jsmpeg-webgl' | 'jsmpeg-canvas2d' | 'mse';

export type PlayerStats = {
  fps: number;
  kbps: number;
  framesDecoded: number;
  width: number;
  height: number;
  decodePath: DecodePath;
  /** ms from mount() to the first decoded frame; null until then. */
  firstFrameMs: number | null;
  /**
   * Estimated ms from the packet leaving the server to the frame being ready for display, where the
   * transport can measure it: WebRTC = RTT/2 + jitter buffer + decode over the last second. null for
   * jsmpeg (no timing in the stream) and until WebRTC has numbers.
   */
  latencyMs: number | null;
};

export type PlayerOptions = {
  /** jsmpeg only: false forces the Canvas2D renderer (WebGL contexts are scarce). Default true (within the page's WebGL budget). */
  useWebGL?: boolean;
};

/**
 * One live video stream in one tile. Implementations: JanusWebrtcPlayer, JsmpegPlayer, MsePlayer (FLV, HLS).
 * A failed player stays failed: the owner disposes it and creates a new one (with a fresh source).
 */
export interface Player extends Disposable {
  readonly kind: StreamSource['kind'];
  /** Creates its own <video>/<canvas> inside `container` and starts playing. Call once. */
  mount(container: HTMLElement): void;
  onState(listener: (state: PlayerState, error?: PlayerError) => void): Disposable;
  /** About once a second while mounted. */
  onStats(listener: (stats: PlayerStats) => void): Disposable;
  /**
   * The current picture in a new canvas (the caller owns it) at the stream's native size; null when
   * there is no picture yet or the player is disposed. Usually resolves at once; a WebGL canvas
   * that cannot redraw its last frame waits for the next one (up to about a second).
   */
  captureFrame(): Promise<HTMLCanvasElement | null>;
  /**
   * A live video-only MediaStream of the picture for local recording (MediaRecorder), or null before
   * there is a picture. Each call returns new tracks: stop them when done; dispose() stops any still
   * running. A jsmpeg player that falls back to Canvas2D mid-stream (lost WebGL context) ends them.
   */
  captureStream(): MediaStream | null;
  /** Idempotent; releases srcObject / canvas / WebGL context and budget slot / WebSocket / Janus handle / capture tracks. */
  dispose(): void;
}
