export type { Player, PlayerState, PlayerErrorCode, PlayerError, PlayerStats, PlayerOptions, DecodePath } from './player';
export { createPlayer, playerRegistry, type PlayerContext } from './createPlayer';
export { JanusWebrtcPlayer } from './janusWebrtcPlayer';
export { JsmpegPlayer, classifyRelayClose, type Canvas2dReason } from './jsmpegPlayer';
export { MsePlayer } from './msePlayer';
export { createJanusSessionPool, type JanusSessionPool } from './janusSession';
export type { FrameProbe, FrameProbeEvent } from './frameProbe';
export { DEFAULT_WEBGL_BUDGET, WebglBudget, pageWebglBudget } from './webglBudget';
export {
  CAPTION_FONT_STACK,
  base64ToBytes,
  bytesToBase64,
  canvasToPngBase64,
  captionLayout,
  composeSnapshot,
  copyFrame,
  formatSnapshotTime,
  type CaptionLayout,
  type SnapshotCaption,
} from './snapshot';
export {
  RECORDER_MIME_TYPES,
  RecorderError,
  TileRecorder,
  mediaRecorderEngine,
  pickRecorderMimeType,
  type RecorderEngine,
  type RecorderEngineEvents,
  type RecorderEngineFactory,
  type RecorderErrorCode,
  type RecordingChunkSink,
  type TileRecorderOptions,
  type TileRecorderState,
  type TileRecordingResult,
} from './tileRecorder';
