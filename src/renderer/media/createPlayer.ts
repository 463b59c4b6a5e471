import type { FlvSource, HlsSource, JanusWebrtcSource, JsmpegSource, StreamSource } from '../../shared/domain/stream';
import { createJanusSessionPool, type JanusSessionPool } from './janusSession';
import { JanusWebrtcPlayer } from './janusWebrtcPlayer';
import { JsmpegPlayer } from './jsmpegPlayer';
import { MsePlayer } from './msePlayer';
import type { Player, PlayerOptions } from './player';

/** What a player factory gets besides the source: the shared pieces a page owns. */
export type PlayerContext = { janusPool: () => JanusSessionPool };

type SourceOf<K extends StreamSource['kind']> = Extract<StreamSource, { kind: K }>;
type Factory<K extends StreamSource['kind']> = (source: SourceOf<K>, options: PlayerOptions, ctx: PlayerContext) => Player;

/** One entry per StreamSource kind: adding a kind to the union without a player is a compile error. */
export const playerRegistry: { readonly [K in StreamSource['kind']]: Factory<K> } = {
  'janus-webrtc': (source: JanusWebrtcSource, _options, ctx) => new JanusWebrtcPlayer(source, ctx.janusPool()),
  'jsmpeg-ws': (source: JsmpegSource, options) => new JsmpegPlayer(source, options),
  flv: (source: FlvSource) => new MsePlayer(source),
  hls: (source: HlsSource) => new MsePlayer(source),
};

/** The page's Janus sessions, shared by all its players (created on first use). */
let sharedJanusPool: JanusSessionPool | null = null;
const defaultContext: PlayerContext = {
  janusPool: () => (sharedJanusPool ??= createJanusSessionPool()),
};

/** Picks the player class from `source.kind`. The caller mounts it and owns its dispose(). */
export function createPlayer(source: StreamSource, options: PlayerOptions = {}, ctx: PlayerContext = defaultContext): Player {
  return createFromRegistry(source, options, ctx);
}

function createFromRegistry<K extends StreamSource['kind']>(source: SourceOf<K>, options: PlayerOptions, ctx: PlayerContext): Player {
  const factory = playerRegistry[source.kind] as Factory<K>;
  return factory(source, options, ctx);
}
