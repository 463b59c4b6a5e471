import { useEffect, useRef } from 'react';
import type { PlaybackSession } from '../../../shared/domain/playback';
import { VodPlayer, type VodStatus } from '../../media/vodPlayer';
import { useT } from '../../app/hooks';
import { usePlaybackControlMutation } from './playbackApi';
import type { PlaybackGroup } from './playbackGroup';
import { clockText } from './timeFormat';

/** One channel's recording on screen: the player joins the group while mounted. */
export function PlaybackTile(props: {
  name: string;
  session: PlaybackSession;
  group: PlaybackGroup;
  status: VodStatus | undefined;
  active: boolean;
  onSelect: () => void;
  onError: (message: string) => void;
}) {
  const t = useT();
  const { name, session, group, status, active, onSelect, onError } = props;
  const host = useRef<HTMLDivElement>(null);
  const [control] = usePlaybackControlMutation();
  const channelId = session.source.channelId;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const sessionId = session.source.sessionId;
    const player = new VodPlayer(el, session, async (op, value) => {
      await control({ sessionId, op, ...(value !== undefined ? { value } : {}) }).unwrap();
    });
    let gone = false;
    player
      .load()
      .then(() => {
        if (!gone) group.add(channelId, player);
      })
      .catch((err: unknown) => onError(err instanceof Error ? err.message : String(err)));
    return () => {
      gone = true;
      group.remove(channelId);
      player.dispose();
    };
  }, [session, group, channelId, control, onError]);

  const phase = status?.phase ?? 'loading';
  return (
    <div
      className={`pb-tile${active ? ' pb-tile--active' : ''}`}
      data-testid="playback-tile"
      data-channel-id={channelId}
      data-phase={phase}
      data-wall-ms={status?.wallMs === null || status?.wallMs === undefined ? '' : Math.round(status.wallMs)}
      data-frames={status?.frames ?? 0}
      data-rate={status?.rate ?? 1}
      onClick={onSelect}
    >
      <div className="pb-tile__video" ref={host} />
      <div className="pb-tile__label">
        <span>{name}</span>
        <span className="pb-tile__time">{status?.wallMs ? clockText(status.wallMs) : '--:--:--'}</span>
      </div>
      {phase === 'gap' || phase === 'error' || phase === 'ended' ? (
        <div className="pb-tile__overlay">{status?.message ?? t(`playback.phase.${phase}`)}</div>
      ) : null}
    </div>
  );
}
