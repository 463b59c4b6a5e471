import { createContext, useContext } from 'react';
import type { BroadcastEngine } from '../../media/broadcast/broadcastEngine';

/** The console window's one broadcast engine (wall windows have none). */
export const BroadcastEngineContext = createContext<BroadcastEngine | null>(null);

export function useBroadcastEngine(): BroadcastEngine {
  const engine = useContext(BroadcastEngineContext);
  if (!engine) throw new Error('useBroadcastEngine outside BroadcastEngineContext');
  return engine;
}
