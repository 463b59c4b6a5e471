import type { BackendState, Channel, Mine, StreamKind } from '../../shared/domain/catalogue';
import type { Disposable } from '../../shared/lifecycle';
import type { PtzCommand, PtzPreset } from '../../shared/domain/ptz';
import type { RecordSource } from '../../shared/domain/playback';

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

/** A recorded file the console may fetch itself: MPEG-TS goes into a playlist as it is, MP4 is remuxed (copy) first. */
export type RecordFile = {
  url: string;
  container: 'mpegts' | 'mp4';
  /** Request headers the backend wants (e.g. an access token); never logged. */
  headers?: Record<string, string>;
  /** PEM of a private CA the backend's HTTPS certificate chains to. */
  caCertPem?: string;
};

/** One recording of a channel: its time (epoch ms, end exclusive), where it is kept, and a file where one is fetchable. */
export type RecordSegment = { start: number; end: number; source: RecordSource; file: RecordFile | null };

/** Pause, resume, seek and speed of a playback stream the backend paces (GB/T 28181 device playback). */
export interface PlaybackControl {
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Jump to wall-clock `ms` inside the session's window. */
  seek(ms: number): Promise<void>;
  speed(factor: number): Promise<void>;
  stop(): Promise<void>;
}

/** A playback stream the backend serves and paces itself. */
export type PlaybackStream = { target: PlayTarget; control: PlaybackControl };

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
  /**
   * Recordings of `localId` overlapping [from, to), sorted by start; [] where there are none. Segments with a
   * `file` are played by the console itself (seek, speed, step and sync happen in the player); a
   * ConsoleError('unsupported') where the backend keeps no recordings.
   */
  queryRecords(localId: string, from: number, to: number): Promise<RecordSegment[]>;
  /**
   * A backend-paced playback stream of [from, to) from `source`, for recordings without fetchable files;
   * ConsoleError('unsupported') where the backend has none.
   */
  openPlaybackStream(localId: string, from: number, to: number, source: RecordSource): Promise<PlaybackStream>;
}
