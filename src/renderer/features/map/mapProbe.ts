import type { MapScene } from './engine/mapScene';
import { LAYER_NAMES } from './mapModel';

/**
 * What tests and benchmarks read from a live map: installed only when they define `globalThis.__mdcMapProbe`
 * first (an init script), never in normal use. Window positions are CSS pixels of the globe's canvas.
 */
type MapProbe = {
  toWindow(lon: number, lat: number, height?: number): { x: number; y: number } | null;
  canvasRect(): { left: number; top: number; width: number; height: number };
  tilesLoaded(): boolean;
  /** No flight under way and every visible tile loaded. */
  idle(): boolean;
  layerSizes(): Record<string, number>;
  shown(layer: string, id: string): { lon: number; lat: number } | null;
  trackCursor(): { lon: number; lat: number } | null;
  /** RGBA of a square of the globe's pixels around a canvas point, drawn afresh in this same task (the drawing buffer
   * is not preserved between frames). */
  pixels(x: number, y: number, half: number): number[];
};

export function installMapProbe(scene: MapScene): () => void {
  const g = globalThis as { __mdcMapProbe?: { map?: MapProbe | null } };
  if (!g.__mdcMapProbe) return () => undefined;
  const probe: MapProbe = {
    toWindow: (lon, lat, height) => scene.view.toWindow({ lon, lat, height }),
    canvasRect: () => {
      const r = scene.view.canvas.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    },
    tilesLoaded: () => scene.view.scene.globe.tilesLoaded,
    idle: () => scene.view.still && scene.view.scene.globe.tilesLoaded,
    layerSizes: () => Object.fromEntries(LAYER_NAMES.map((n) => [n, scene.layers[n].size])),
    shown: (layer, id) => {
      const p = scene.layers[layer as (typeof LAYER_NAMES)[number]]?.get(id);
      return p ? { lon: p.lon, lat: p.lat } : null;
    },
    trackCursor: () => scene.track.position,
    pixels: (x, y, half) => {
      const globe = scene.view.scene;
      globe.requestRender();
      globe.render();
      const src = scene.view.canvas;
      const copy = document.createElement('canvas');
      copy.width = src.width;
      copy.height = src.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(src, 0, 0);
      const k = src.width / src.clientWidth;
      return [...ctx.getImageData(Math.round(x * k) - half, Math.round(y * k) - half, 2 * half + 1, 2 * half + 1).data];
    },
  };
  g.__mdcMapProbe.map = probe;
  return () => {
    if (g.__mdcMapProbe?.map === probe) g.__mdcMapProbe.map = null;
  };
}
