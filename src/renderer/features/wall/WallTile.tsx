import { useEffect, useRef, useState, type DragEvent, type PointerEvent as ReactPointerEvent, type CSSProperties } from 'react';
import { Button, Tooltip } from 'antd';
import {
  CameraOutlined,
  CloseOutlined,
  CompressOutlined,
  ExpandOutlined,
  HistoryOutlined,
  VideoCameraAddOutlined,
  ZoomOutOutlined,
  AimOutlined,
} from '@ant-design/icons';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import type { Channel, StreamKind } from '../../../shared/domain/catalogue';
import type { WallTile as WallTileState } from '../../../shared/domain/wall';
import { useT } from '../../app/hooks';
import { CHANNEL_DRAG_TYPE, CHANNELS_DRAG_TYPE, TILE_DRAG_TYPE } from '../tree/dragAndDrop';
import { TileSession, type TileView } from './tileSession';
import { chooseProfile } from './streamProfile';
import { NO_ZOOM, panBy, zoomAt, zoomTransform, type ZoomView } from './digitalZoom';
import { tileHealth } from './tileHealth';
import { usePtzDrag } from './usePtzDrag';
import type { TileMedia } from './tileMedia';

export type WallTileProps = {
  api: ConsoleApi;
  monitor: number;
  index: number;
  style: CSSProperties;
  tile: WallTileState;
  channel: Channel | null;
  cameraNumber: number | null;
  accept: StreamKind[];
  selected: boolean;
  maximised: boolean;
  picked: boolean;
  /** Mouse-drag PTZ armed for this tile. */
  ptzDrag: boolean;
  /** Present while a tour runs on this tile or its monitor. */
  touring: string | null;
  media: TileMedia;
  onSelect: () => void;
  onClose: () => void;
  onMaximise: () => void;
  onDropChannels: (channelIds: string[]) => void;
  onDropTile: (from: { monitor: number; tile: number }) => void;
};

const DECODE_PATH_LABEL: Record<string, string> = { webrtc: 'WebRTC', 'jsmpeg-webgl': 'JSMpeg·WebGL', 'jsmpeg-canvas2d': 'JSMpeg·Canvas', mse: 'MSE' };

/** Width the tile needs to change its stream profile (hysteresis, so a resize at the edge does not flap). */
const PROFILE_HYSTERESIS = 1.15;

/**
 * One wall tile: plays its channel through a TileSession (main or sub stream by size), overlays name,
 * state and stats, and offers digital zoom, snapshot, local recording, instant replay, maximise, PTZ
 * drag and drag-to-swap.
 */
export function WallTile(props: WallTileProps) {
  const { api, tile, channel, index, monitor, media } = props;
  const channelId = tile.channelId;
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  const surface = useRef<HTMLDivElement>(null);
  const session = useRef<TileSession | null>(null);
  const [view, setView] = useState<TileView | null>(null);
  // Digital zoom belongs to what the tile shows: a new channel or generation starts unzoomed.
  const zoomKey = `${channelId ?? ''}#${tile.generation}`;
  const [zoomState, setZoomState] = useState<{ key: string; view: ZoomView }>({ key: zoomKey, view: NO_ZOOM });
  const zoom = zoomState.key === zoomKey ? zoomState.view : NO_ZOOM;
  const setZoom = (next: ZoomView | ((v: ZoomView) => ZoomView)) =>
    setZoomState((s) => {
      const current = s.key === zoomKey ? s.view : NO_ZOOM;
      return { key: zoomKey, view: typeof next === 'function' ? next(current) : next };
    });
  const acceptKey = props.accept.join(',');
  const profile = useTileProfile(box, tile.profile, channel?.substream ?? false);

  useEffect(() => {
    const el = surface.current;
    if (!el || !channelId) {
      setView(null);
      return;
    }
    const s = new TileSession(api, channelId, acceptKey.split(',') as StreamKind[], el, setView, { profile });
    session.current = s;
    s.start();
    return () => {
      session.current = null;
      s.dispose();
      el.replaceChildren();
    };
  }, [api, channelId, tile.generation, acceptKey, profile]);

  const healthKey = `${monitor}/${index}`;
  useEffect(() => {
    if (!channelId) {
      tileHealth.report(healthKey, null);
      return;
    }
    tileHealth.report(healthKey, {
      phase: view?.phase ?? 'connecting',
      online: channel?.online ?? true,
      fps: view?.stats?.fps ?? 0,
      kbps: view?.stats?.kbps ?? 0,
      latencyMs: view?.stats?.latencyMs ?? null,
      decodePath: view?.stats?.decodePath ?? '',
    });
  }, [healthKey, channelId, view, channel?.online]);
  useEffect(() => () => tileHealth.report(healthKey, null), [healthKey]);

  const ptz = usePtzDrag(api, props.ptzDrag && channel?.ptz ? channelId : null);
  const pan = useRef<{ x: number; y: number } | null>(null);

  const onWheel = (e: React.WheelEvent) => {
    const el = box.current;
    if (!el || !channelId) return;
    const r = el.getBoundingClientRect();
    setZoom((v) => zoomAt(v, e.deltaY < 0 ? 1.25 : 0.8, e.clientX - r.left, e.clientY - r.top, r.width, r.height));
  };
  const onPointerDown = (e: ReactPointerEvent) => {
    if (e.button !== 0) return;
    if (ptz.active) return ptz.onPointerDown(e);
    if (zoom.scale > 1) {
      pan.current = { x: e.clientX, y: e.clientY };
      (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    }
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    if (ptz.active) return ptz.onPointerMove(e);
    const start = pan.current;
    const el = box.current;
    if (!start || !el) return;
    const r = el.getBoundingClientRect();
    setZoom((v) => panBy(v, e.clientX - start.x, e.clientY - start.y, r.width, r.height));
    pan.current = { x: e.clientX, y: e.clientY };
  };
  const onPointerUp = () => {
    if (ptz.active) return ptz.onPointerUp();
    pan.current = null;
  };

  const onDrop = (e: DragEvent) => {
    const single = e.dataTransfer.getData(CHANNEL_DRAG_TYPE);
    const group = e.dataTransfer.getData(CHANNELS_DRAG_TYPE);
    const from = e.dataTransfer.getData(TILE_DRAG_TYPE);
    if (!single && !group && !from) return;
    e.preventDefault();
    if (single) props.onDropChannels([single]);
    else if (group) props.onDropChannels(parseIds(group));
    else props.onDropTile(JSON.parse(from) as { monitor: number; tile: number });
  };

  const phase = channelId ? (view?.phase ?? 'connecting') : 'empty';
  const stats = view?.stats;
  const recording = channelId ? media.recordingOf(healthKey) : null;
  const replaying = media.replayOf(healthKey);
  const stop = (e: React.MouseEvent) => e.stopPropagation();
  const className = [
    'tile',
    props.selected ? 'tile--selected' : '',
    props.maximised ? 'tile--maximised' : '',
    props.picked ? 'tile--picked' : '',
    ptz.active ? 'tile--ptz' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      ref={box}
      className={className}
      style={props.style}
      data-testid="tile"
      data-monitor={monitor}
      data-tile-index={index}
      data-channel-id={channelId ?? ''}
      data-generation={tile.generation}
      data-phase={phase}
      data-kind={view?.kind ?? ''}
      data-profile={channelId ? profile : ''}
      data-frames={stats?.framesDecoded ?? 0}
      data-decode-path={stats?.decodePath ?? ''}
      data-zoom={zoom.scale.toFixed(2)}
      data-recording={recording ? 'true' : 'false'}
      onClick={props.onSelect}
      onDoubleClick={props.onMaximise}
      onDragOver={(e) => {
        const types = e.dataTransfer.types;
        if (types.includes(CHANNEL_DRAG_TYPE) || types.includes(CHANNELS_DRAG_TYPE) || types.includes(TILE_DRAG_TYPE)) e.preventDefault();
      }}
      onDrop={onDrop}
      onWheel={onWheel}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      <div className="tile__surface" ref={surface} style={{ transform: zoomTransform(zoom) }} />
      <div className="tile__replay" ref={media.replayContainer(healthKey)} hidden={!replaying} />
      <div className="tile__index">{index + 1}</div>
      {channelId ? (
        <>
          <div className="tile__actions" onClick={stop} onDoubleClick={stop} onPointerDown={stop}>
            {zoom.scale > 1 ? (
              <Tooltip title={t('tile.zoomReset')}>
                <Button size="small" type="text" icon={<ZoomOutOutlined />} aria-label={t('tile.zoomReset')} onClick={() => setZoom(NO_ZOOM)} />
              </Tooltip>
            ) : null}
            <Tooltip title={t('tile.snapshot')}>
              <Button
                size="small"
                type="text"
                icon={<CameraOutlined />}
                aria-label={t('tile.snapshot')}
                data-testid="tile-snapshot"
                onClick={() => void media.snapshot(healthKey, channelId, channel?.name ?? channelId, session.current?.currentPlayer ?? null)}
              />
            </Tooltip>
            <Tooltip title={recording ? t('tile.recordStop') : t('tile.record')}>
              <Button
                size="small"
                type="text"
                danger={Boolean(recording)}
                icon={<VideoCameraAddOutlined />}
                aria-label={recording ? t('tile.recordStop') : t('tile.record')}
                data-testid="tile-record"
                onClick={() => void media.toggleRecording(healthKey, channelId, session.current?.currentPlayer ?? null)}
              />
            </Tooltip>
            <Tooltip title={replaying ? t('tile.replayStop') : t('tile.replay')}>
              <Button
                size="small"
                type="text"
                icon={<HistoryOutlined />}
                aria-label={t('tile.replay')}
                data-testid="tile-replay"
                onClick={() => void media.toggleReplay(healthKey, channelId)}
              />
            </Tooltip>
            {channel?.ptz ? (
              <Tooltip title={t('tile.ptz')}>
                <Button size="small" type="text" icon={<AimOutlined />} aria-label={t('tile.ptz')} data-testid="tile-ptz" onClick={() => media.openPtz(index)} />
              </Tooltip>
            ) : null}
            <Tooltip title={props.maximised ? t('tile.restore') : t('tile.maximise')}>
              <Button
                size="small"
                type="text"
                icon={props.maximised ? <CompressOutlined /> : <ExpandOutlined />}
                aria-label={t('tile.maximise')}
                onClick={props.onMaximise}
              />
            </Tooltip>
            <Tooltip title={t('tile.close')}>
              <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t('tile.close')} data-testid="tile-close" onClick={props.onClose} />
            </Tooltip>
          </div>
          {recording ? <div className="tile__rec">● REC {recording}</div> : null}
          {replaying ? <div className="tile__badge">{t('tile.replaying')}</div> : null}
          <div
            className={`tile__status tile__status--${phase}`}
            draggable
            onDragStart={(e) => {
              e.dataTransfer.setData(TILE_DRAG_TYPE, JSON.stringify({ monitor, tile: index }));
              e.dataTransfer.effectAllowed = 'move';
            }}
            title={t('tile.dragToSwap')}
          >
            <span className="tile__name">
              {props.cameraNumber !== null ? <span className="tile__camno">#{props.cameraNumber}</span> : null}
              {channel?.name ?? channelId}
              {props.touring ? <span className="tile__tour"> · {props.touring}</span> : null}
            </span>
            {phase === 'connecting' && <span> · {t('tile.connecting')}</span>}
            {phase === 'stalled' && <span> · {t('tile.stalled')}</span>}
            {channel && !channel.online && <span> · {t('tile.offline')}</span>}
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
                {stats.latencyMs !== null && stats.latencyMs !== undefined ? ` · ${t('tile.latency', { ms: Math.round(stats.latencyMs) })}` : ''}
                {profile === 'sub' ? ` · ${t('tile.sub')}` : ''}
              </span>
            ) : null}
            {phase === 'retrying' && view?.message ? <div className="tile__reason">{view.message}</div> : null}
          </div>
        </>
      ) : (
        <div className="tile__empty">{props.picked ? t('tile.picked') : t('tile.empty')}</div>
      )}
    </div>
  );
}

function parseIds(json: string): string[] {
  try {
    const ids = JSON.parse(json) as unknown;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Main or sub stream for this tile, following its size on screen (with hysteresis). */
function useTileProfile(box: React.RefObject<HTMLDivElement | null>, choice: WallTileState['profile'], hasSub: boolean): 'main' | 'sub' {
  const [profile, setProfile] = useState<'main' | 'sub'>(() => chooseProfile(choice, hasSub, box.current?.clientWidth ?? 0, window.devicePixelRatio));
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const decide = () => {
      setProfile((current) => {
        const width = el.clientWidth;
        const next = chooseProfile(choice, hasSub, width, window.devicePixelRatio);
        if (next === current || choice !== 'auto') return next;
        // Only switch once clearly past the threshold.
        const other = chooseProfile(choice, hasSub, next === 'main' ? width / PROFILE_HYSTERESIS : width * PROFILE_HYSTERESIS, window.devicePixelRatio);
        return other === next ? next : current;
      });
    };
    decide();
    const ro = new ResizeObserver(decide);
    ro.observe(el);
    return () => ro.disconnect();
  }, [box, choice, hasSub]);
  return profile;
}
