import { useCallback, useEffect, useMemo, useState } from 'react';
import { Result, Tag } from 'antd';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { useAppSelector, useT } from '../../app/hooks';
import { WallGrid } from './WallGrid';
import { useTileMedia } from './tileMedia';
import { useWallController } from './useWallController';
import { useWallHealth } from './tileHealth';
import { acceptedTransports, selectTransport } from './wallUiSlice';

/**
 * A wall window (`#/wall/N`): monitor N's tiles over the whole window, nothing else — one per display
 * in Electron, or a second browser window in the web host. Driven from any console window; the CCTV
 * keyboard works here too. F11 or double-click on the monitor label toggles full screen.
 */
export function WallWindow({ api, monitorId }: { api: ConsoleApi; monitorId: number }) {
  const t = useT();
  const transport = useAppSelector(selectTransport);
  const accept = useMemo(() => acceptedTransports(transport), [transport]);
  const [selected, setSelected] = useState(0);
  const [maximised, setMaximised] = useState<number | null>(null);
  const ctl = useWallController(monitorId, selected, { select: setSelected });
  const media = useTileMedia(api, useCallback(() => undefined, []));
  const health = useWallHealth();
  const { wall, monitor, command } = ctl;

  useEffect(() => {
    document.title = `${t('wall.monitor', { n: monitorId })} · ${t('app.title')}`;
  }, [monitorId, t]);
  // A wall window for a monitor the wall does not have yet creates it (the web host's "open monitor 3").
  useEffect(() => {
    if (wall && !monitor) void command({ op: 'ensureMonitors', count: monitorId });
  }, [wall, monitor, monitorId, command]);

  if (ctl.wallError) return <Result status="error" title={t('wall.loadFailed')} />;
  if (!wall || !monitor) return <div className="wall-window" />;
  return (
    <div className="wall-window" data-testid="wall-window" data-monitor={monitorId}>
      <WallGrid
        api={api}
        monitor={monitor}
        wall={wall}
        channels={ctl.channels}
        cameraNumbers={ctl.numbers.byChannel}
        accept={accept}
        selected={selected < monitor.layout.cells.length ? selected : 0}
        maximised={maximised}
        picked={null}
        ptzDragTile={null}
        media={media}
        command={(c) => void command(c)}
        onSelect={setSelected}
        onMaximise={(i) => setMaximised((m) => (m === i ? null : i))}
      />
      <div className="wall-window__label" onDoubleClick={() => void document.documentElement.requestFullscreen().catch(() => undefined)}>
        {t('wall.monitor', { n: monitorId })}
        {ctl.keyboardEntry ? <Tag color="gold">{ctl.keyboardEntry}</Tag> : null}
        <span className="wall-window__health">
          {t('health.playing', { n: health.playing })} · {t('health.stalled', { n: health.stalled })} · {t('health.offline', { n: health.offline })}
        </span>
      </div>
    </div>
  );
}
