import type { Disposable } from '../../shared/lifecycle';
import type { StreamSource } from '../../shared/domain/stream';

export type PlayerState = 'connecting' | 'playing' | 'stalled' | 'failed' | 'closed';

export type PlayerErrorCode = 'startup' | 'stalled' | 'transport-lost' | 'not-found' | 'decode' | 'unsupported';

export type PlayerError = { code: PlayerErrorCode; message: string };

export type DecodePath = 'webrtc' | 'jsmpeg-webgl' | 'jsmpeg-canvas2d';

export type PlayerStats = {
  fps: number;
  kbps: number;
  framesDecoded: number;
  width: number;
  height: number;
  decodePath: DecodePath;
  /** ms from mount() to the first decoded frame; null until then. */
  firstFrameMs: number | null;
};

export type PlayerOptions = {
  /** jsmpeg only: false forces the Canvas2D renderer (WebGL contexts are scarce). Default true. */
  useWebGL?: boolean;
};

/**
 * One live video stream in one tile. Implementations: JanusWebrtcPlayer, JsmpegPlayer.
 * A failed player stays failed: the owner disposes it and creates a new one (with a fresh source).
 */
export interface Player extends Disposable {
  readonly kind: StreamSource['kind'];
  /** Creates its own <video>/<canvas> inside `container` and starts playing. Call once. */
  mount(container: HTMLElement): void;
  onState(listener: (state: PlayerState, error?: PlayerError) => void): Disposable;
  /** About once a second while mounted. */
  onStats(listener: (stats: PlayerStats) => void): Disposable;
  /** Idempotent; releases srcObject / canvas / WebGL context / WebSocket / Janus handle. */
  dispose(): void;
}
