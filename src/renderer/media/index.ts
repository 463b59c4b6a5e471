export type { Player, PlayerState, PlayerErrorCode, PlayerError, PlayerStats, PlayerOptions, DecodePath } from './player';
export { createPlayer, playerRegistry, type PlayerContext } from './createPlayer';
export { JanusWebrtcPlayer } from './janusWebrtcPlayer';
export { JsmpegPlayer, classifyRelayClose } from './jsmpegPlayer';
export { createJanusSessionPool, type JanusSessionPool } from './janusSession';
export type { FrameProbe, FrameProbeEvent } from './frameProbe';
