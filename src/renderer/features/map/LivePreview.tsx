import { useEffect, useMemo, useRef, useState } from 'react';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { useAppSelector, useT } from '../../app/hooks';
import { TileSession, type TileView } from '../wall/tileSession';
import { acceptedTransports, selectTransport } from '../wall/wallUiSlice';

/** A camera's live video inside the map's detail panel (sub stream: the panel is small). */
export function LivePreview({ api, channelId }: { api: ConsoleApi; channelId: string }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const transport = useAppSelector(selectTransport);
  const accept = useMemo(() => acceptedTransports(transport), [transport]);
  const [view, setView] = useState<TileView | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const session = new TileSession(api, channelId, accept, el, setView, { profile: 'sub' });
    session.start();
    return () => {
      session.dispose();
      el.replaceChildren();
    };
  }, [api, channelId, accept]);
  const phase = view?.phase ?? 'connecting';
  return (
    <div className="map-live" data-testid="map-live" data-phase={phase}>
      <div ref={ref} className="map-live__video" />
      {phase !== 'playing' ? <div className="map-live__state">{view?.message ?? t(phase === 'failed' ? 'map.live.failed' : 'map.live.connecting')}</div> : null}
    </div>
  );
}
