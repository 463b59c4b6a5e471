import { useEffect, useRef, useState, type DragEvent } from 'react';
import { Button, Tooltip } from 'antd';
import { CloseOutlined } from '@ant-design/icons';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import type { Channel, StreamKind } from '../../../shared/domain/catalogue';
import { useT } from '../../app/hooks';
import { TileSession, type TileView } from './tileSession';
import { CHANNEL_DRAG_TYPE } from '../tree/dragAndDrop';

export type PlayerTileProps = {
  index: number;
  api: ConsoleApi;
  channel: Channel | null;
  channelId: string | null;
  generation: number;
  accept: StreamKind[];
  selected: boolean;
  onSelect: () => void;
  onClose: () => void;
  onDropChannel: (channelId: string) => void;
};

const DECODE_PATH_LABEL: Record<string, string> = { webrtc: 'WebRTC', 'jsmpeg-webgl': 'JSMpeg·WebGL', 'jsmpeg-canvas2d': 'JSMpeg·Canvas' };

/** One video tile: owns a TileSession while it shows a channel; overlays name, state and stats. */
export function PlayerTile(props: PlayerTileProps) {
  const { api, channelId, generation, accept, index } = props;
  const t = useT();
  const surface = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<TileView | null>(null);
  const acceptKey = accept.join(',');

  useEffect(() => {
    const el = surface.current;
    if (!el || !channelId) {
      setView(null);
      return;
    }
    const session = new TileSession(api, channelId, acceptKey.split(',') as StreamKind[], el, setView);
    session.start();
    return () => {
      session.dispose();
      el.replaceChildren();
    };
  }, [api, channelId, generation, acceptKey]);

  const onDrop = (e: DragEvent) => {
    const id = e.dataTransfer.getData(CHANNEL_DRAG_TYPE);
    if (id) {
      e.preventDefault();
      props.onDropChannel(id);
    }
  };

  const phase = channelId ? (view?.phase ?? 'connecting') : 'empty';
  const stats = view?.stats;
  return (
    <div
      className={`tile${props.selected ? ' tile--selected' : ''}`}
      data-testid="tile"
      data-tile-index={index}
      data-channel-id={channelId ?? ''}
      data-phase={phase}
      data-kind={view?.kind ?? ''}
      data-frames={stats?.framesDecoded ?? 0}
      data-decode-path={stats?.decodePath ?? ''}
      onClick={props.onSelect}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(CHANNEL_DRAG_TYPE)) e.preventDefault();
      }}
      onDrop={onDrop}
    >
      <div className="tile__surface" ref={surface} />
      {channelId ? (
        <>
          {/* Nothing over the picture's own OSD (time top-left, name bottom-right): close button top-right, our line bottom-left. */}
          <div className="tile__actions">
            <Tooltip title={t('tile.close')}>
              <Button
                size="small"
                type="text"
                icon={<CloseOutlined />}
                aria-label={t('tile.close')}
                onClick={(e) => {
                  e.stopPropagation();
                  props.onClose();
                }}
              />
            </Tooltip>
          </div>
          <div className={`tile__status tile__status--${phase}`}>
            <span className="tile__name">{props.channel?.name ?? channelId}</span>
            {phase === 'connecting' && <span> · {t('tile.connecting')}</span>}
            {phase === 'retrying' && (
              <span> · {t('tile.retrying', { seconds: ((view?.retryInMs ?? 0) / 1000).toFixed(1), attempt: view?.attempt ?? 0 })}</span>
            )}
            {phase === 'playing' && stats ? (
              <span className="tile__stats">
                {' · '}
                {t('tile.stats', {
                  fps: stats.fps.toFixed(0),
                  kbps: stats.kbps.toFixed(0),
                  path: DECODE_PATH_LABEL[stats.decodePath] ?? stats.decodePath,
                })}
              </span>
            ) : null}
            {phase === 'retrying' && view?.message ? <div className="tile__reason">{view.message}</div> : null}
          </div>
        </>
      ) : (
        <div className="tile__empty">{t('tile.empty')}</div>
      )}
    </div>
  );
}
