import { describe, expect, it } from 'vitest';
import { NO_ZOOM, panBy, zoomAt, zoomToRect } from './digitalZoom';

describe('digital zoom', () => {
  it('keeps the point under the cursor fixed and clamps to the picture', () => {
    const v = zoomAt(NO_ZOOM, 2, 100, 50, 400, 200);
    expect(v).toEqual({ scale: 2, x: -100, y: -50 });
    // the picture point under the cursor stays there
    expect((100 - v.x) / v.scale).toBeCloseTo(100);
    expect(panBy(v, 1000, 1000, 400, 200)).toEqual({ scale: 2, x: 0, y: 0 });
    expect(panBy(v, -1000, -1000, 400, 200)).toEqual({ scale: 2, x: -400, y: -200 });
  });

  it('never zooms out below 1 or beyond 8', () => {
    expect(zoomAt(NO_ZOOM, 0.5, 10, 10, 400, 200)).toEqual(NO_ZOOM);
    let v = NO_ZOOM;
    for (let i = 0; i < 10; i++) v = zoomAt(v, 2, 0, 0, 400, 200);
    expect(v.scale).toBe(8);
  });

  it('zooms a dragged rectangle to fill the tile', () => {
    const v = zoomToRect(NO_ZOOM, 200, 100, 300, 150, 400, 200);
    expect(v.scale).toBe(4);
    expect(v.x).toBe(-800);
    expect(v.y).toBe(-400);
    expect(zoomToRect(NO_ZOOM, 10, 10, 12, 12, 400, 200)).toBe(NO_ZOOM);
  });
});
