import type { BackendState, Channel, Mine, StreamKind } from '../../shared/domain/catalogue';
import type { Disposable } from '../../shared/lifecycle';
import type { PtzCommand, PtzPreset } from '../../shared/domain/ptz';

export type StreamProfileChoice = 'main' | 'sub';

/** What a backend knows about its cameras, already in domain vocabulary. */
export type BackendCatalogue = { mines: Mine[]; channels: Channel[] };

export type BackendHealth = { state: BackendState; message: string | null };

/** A transport-level description of how to play one channel; the stream service turns it into a StreamSource. */
export type PlayTarget =
  | { kind: 'janus-webrtc'; server: string; mountpointId: number }
  | { kind: 'jsmpeg-ws'; /** rtsp:// or MPEG-TS url the relay reads */ sourceUrl: string }
  /** FLV the backend serves itself (http(s):// or ws(s)://, e.g. ZLMediaKit flv / ws_flv); `live` defaults to true. */
  | { kind: 'flv'; url: string; live?: boolean }
  /** FLV made by the console's relay: the source's H.264 copied (no transcoding) from this rtsp:// or MPEG-TS url. */
  | { kind: 'flv-relay'; sourceUrl: string }
  /** An HLS playlist the backend serves. */
  | { kind: 'hls'; url: string };

export type BackendCapabilities = { ptz: boolean; playback: boolean; download: boolean; talk: boolean };

/**
 * One video platform the console connects to (Janus, WVP, ZLMediaKit, Hikvision ...).
 * Vendor vocabulary stays inside the implementation; this interface speaks domain types only.
 */
export interface VideoBackend extends Disposable {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly capabilities: BackendCapabilities;
  /** Connects (or reconnects) and fetches the catalogue; throws a ConsoleError('unavailable') with a clear message. */
  fetchCatalogue(): Promise<BackendCatalogue>;
  health(): BackendHealth;
  onHealthChange(listener: (health: BackendHealth) => void): Disposable;
  /**
   * How to play `localId` (the part of the channel id after `<backendId>:`) with `kind`; `profile` 'sub'
   * asks for the sub stream and falls back to the main one where the channel has none.
   */
  play(localId: string, kind: StreamKind, profile: StreamProfileChoice): Promise<PlayTarget>;
  /** Pan/tilt/zoom, focus, iris and presets; a ConsoleError('unsupported') where the channel has no PTZ. */
  ptz(localId: string, command: PtzCommand): Promise<void>;
  ptzPresets(localId: string): Promise<PtzPreset[]>;
}
