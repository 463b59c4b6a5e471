import { useCallback, useMemo, useRef, useState } from 'react';
import { Result } from 'antd';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { useAppDispatch, useAppSelector, useT } from '../../app/hooks';
import { useElementHeight } from '../../app/useElementHeight';
import { selectHost } from '../../app/uiSlice';
import { wallWindowUrl } from '../../api/hostConnection';
import { DeviceTree } from '../tree/DeviceTree';
import { WallGrid } from './WallGrid';
import { WallToolbar } from './WallToolbar';
import { PtzPanel } from './PtzPanel';
import { TourPanel } from './TourPanel';
import { ScenePanel } from './ScenePanel';
import { MediaPanel } from './MediaPanel';
import { useTileMedia } from './tileMedia';
import { useWallController } from './useWallController';
import {
  acceptedTransports,
  maximisedToggled,
  monitorChosen,
  panelToggled,
  selectMaximised,
  selectMerging,
  selectMonitorId,
  selectPanel,
  selectSelectedTile,
  selectTransport,
  tileSelected,
} from './wallUiSlice';

/** 视频墙 (console window): device tree, the monitor this window drives, toolbar and side panels. */
export function WallPage({ api }: { api: ConsoleApi }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const monitorId = useAppSelector(selectMonitorId);
  const selected = useAppSelector(selectSelectedTile);
  const maximised = useAppSelector(selectMaximised);
  const merging = useAppSelector(selectMerging);
  const panel = useAppSelector(selectPanel);
  const transport = useAppSelector(selectTransport);
  const host = useAppSelector(selectHost);
  const accept = useMemo(() => acceptedTransports(transport), [transport]);
  const [treeBox, treeHeight] = useElementHeight<HTMLDivElement>();
  const gridBox = useRef<HTMLDivElement>(null);
  const [ptzDrag, setPtzDrag] = useState(false);

  const select = useCallback((tile: number) => dispatch(tileSelected(tile)), [dispatch]);
  const ctl = useWallController(monitorId, selected, { select, chooseMonitor: (m) => dispatch(monitorChosen(m)) });
  const openPtz = useCallback(
    (tile: number) => {
      dispatch(tileSelected(tile));
      if (panel !== 'ptz') dispatch(panelToggled('ptz'));
    },
    [dispatch, panel],
  );
  const media = useTileMedia(api, openPtz);
  const { wall, monitor, command } = ctl;

  if (ctl.wallError) return <Result status="error" title={t('wall.loadFailed')} subTitle={'message' in ctl.wallError ? ctl.wallError.message : ''} />;
  if (!wall || !monitor) return <div className="wall-page" />;

  const layoutSize = monitor.layout.cells.length;
  const sel = selected < layoutSize ? selected : 0;
  const selectedChannelId = monitor.tiles[sel]?.channelId ?? null;
  const selectedChannel = selectedChannelId ? (ctl.channels.get(selectedChannelId) ?? null) : null;

  const openFromTree = (channelId: string) => {
    void command({ op: 'open', monitor: monitor.id, tile: sel, channelId });
    select((sel + 1) % layoutSize);
  };

  return (
    <div className="wall-page">
      <aside className="wall-page__tree" ref={treeBox}>
        <DeviceTree onOpenChannel={openFromTree} height={Math.max(200, treeHeight - 56)} />
      </aside>
      <section className="wall-page__wall">
        <WallToolbar
          wall={wall}
          monitor={monitor}
          keyboardEntry={ctl.keyboardEntry}
          command={(c) => void command(c)}
          onFullscreen={() => void gridBox.current?.requestFullscreen().catch(() => undefined)}
          openWindow={host === 'websocket' ? (m) => window.open(wallWindowUrl(m), `mdc-wall-${m}`) : null}
        />
        <div className="wall-page__grid" ref={gridBox}>
          <WallGrid
            api={api}
            monitor={monitor}
            wall={wall}
            channels={ctl.channels}
            cameraNumbers={ctl.numbers.byChannel}
            accept={accept}
            selected={sel}
            maximised={maximised !== null && maximised < layoutSize ? maximised : null}
            picked={merging}
            ptzDragTile={panel === 'ptz' && ptzDrag ? sel : null}
            media={media}
            command={(c) => void command(c)}
            onSelect={select}
            onMaximise={(i) => dispatch(maximisedToggled(i))}
          />
        </div>
      </section>
      {panel ? (
        <aside className="wall-page__panel" data-testid="side-panel">
          {panel === 'ptz' ? <PtzPanel channel={selectedChannel} dragEnabled={ptzDrag} onDragEnabled={setPtzDrag} /> : null}
          {panel === 'tours' ? <TourPanel wall={wall} monitor={monitor} selected={sel} catalogue={ctl.catalogue} command={(c) => void command(c)} /> : null}
          {panel === 'scenes' ? <ScenePanel wall={wall} command={(c) => void command(c)} /> : null}
          {panel === 'media' ? <MediaPanel api={api} /> : null}
        </aside>
      ) : null}
    </div>
  );
}
