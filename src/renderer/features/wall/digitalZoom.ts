/**
 * Digital zoom of a tile's picture: scale 1..MAX_ZOOM about a point, pan by dragging, never showing
 * beyond the picture's edges. Pure math on a view `{scale, x, y}` where the picture is drawn
 * translated by (x, y) and scaled by `scale` from the top-left corner of a w×h box.
 */
export type ZoomView = { scale: number; x: number; y: number };

export const NO_ZOOM: ZoomView = { scale: 1, x: 0, y: 0 };
export const MAX_ZOOM = 8;

function clampPan(v: ZoomView, w: number, h: number): ZoomView {
  const minX = w - w * v.scale;
  const minY = h - h * v.scale;
  return { scale: v.scale, x: Math.min(0, Math.max(minX, v.x)), y: Math.min(0, Math.max(minY, v.y)) };
}

/** Zooms by `factor` keeping the picture point under (px, py) where it is. */
export function zoomAt(v: ZoomView, factor: number, px: number, py: number, w: number, h: number): ZoomView {
  const scale = Math.min(MAX_ZOOM, Math.max(1, v.scale * factor));
  if (scale === 1) return NO_ZOOM;
  const k = scale / v.scale;
  return clampPan({ scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k }, w, h);
}

export function panBy(v: ZoomView, dx: number, dy: number, w: number, h: number): ZoomView {
  if (v.scale === 1) return v;
  return clampPan({ scale: v.scale, x: v.x + dx, y: v.y + dy }, w, h);
}

/** Zooms so the rectangle (x0,y0)-(x1,y1) in box coordinates fills the box (drag a box to zoom). */
export function zoomToRect(v: ZoomView, x0: number, y0: number, x1: number, y1: number, w: number, h: number): ZoomView {
  const rw = Math.abs(x1 - x0);
  const rh = Math.abs(y1 - y0);
  if (rw < 8 || rh < 8) return v;
  const factor = Math.min(w / rw, h / rh);
  const scale = Math.min(MAX_ZOOM, Math.max(1, v.scale * factor));
  const left = Math.min(x0, x1);
  const top = Math.min(y0, y1);
  // Picture coordinates of the rectangle's corner, then place that corner at the box's origin.
  const picX = (left - v.x) / v.scale;
  const picY = (top - v.y) / v.scale;
  return clampPan({ scale, x: -picX * scale, y: -picY * scale }, w, h);
}

export function zoomTransform(v: ZoomView): string {
  return v.scale === 1 ? '' : `translate(${v.x}px, ${v.y}px) scale(${v.scale})`;
}
