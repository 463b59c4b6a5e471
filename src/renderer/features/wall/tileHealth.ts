import { useSyncExternalStore } from 'react';
import type { TilePhase } from './tileSession';

/** What one tile reports about itself, about once a second. */
export type TileHealth = {
  phase: TilePhase;
  online: boolean;
  fps: number;
  kbps: number;
  latencyMs: number | null;
  decodePath: string;
};

export type WallHealthSummary = { tiles: number; playing: number; stalled: number; connecting: number; offline: number; fps: number; kbps: number };

/**
 * A per-window store of tile health (frequent, window-local: not worth Redux actions): tiles
 * report, the toolbar's wall summary subscribes.
 */
class TileHealthStore {
  private readonly tiles = new Map<string, TileHealth>();
  private readonly listeners = new Set<() => void>();
  private summary: WallHealthSummary = summarise([]);
  private scheduled = false;

  report(key: string, health: TileHealth | null): void {
    if (health) this.tiles.set(key, health);
    else this.tiles.delete(key);
    // One recomputation per animation frame however many tiles report at once.
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.summary = summarise([...this.tiles.values()]);
      for (const l of this.listeners) l();
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): WallHealthSummary => this.summary;
}

export function summarise(tiles: readonly TileHealth[]): WallHealthSummary {
  const s: WallHealthSummary = { tiles: tiles.length, playing: 0, stalled: 0, connecting: 0, offline: 0, fps: 0, kbps: 0 };
  for (const t of tiles) {
    if (!t.online || t.phase === 'failed') s.offline += 1;
    else if (t.phase === 'playing') s.playing += 1;
    else if (t.phase === 'stalled' || t.phase === 'retrying') s.stalled += 1;
    else s.connecting += 1;
    s.fps += t.fps;
    s.kbps += t.kbps;
  }
  return s;
}

export const tileHealth = new TileHealthStore();

export function useWallHealth(): WallHealthSummary {
  return useSyncExternalStore(tileHealth.subscribe, tileHealth.snapshot);
}
