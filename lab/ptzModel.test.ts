import { describe, expect, it } from 'vitest';
import { PANO_HEIGHT, PANO_WIDTH } from './panorama';
import { zmqMessage } from './ptzCamera';
import {
  clampPosition,
  cropWindow,
  filterSettings,
  fromAbsolute,
  HOME,
  integrate,
  interpolate,
  readoutText,
  STILL,
  toAbsolute,
  WINDOW_MAX_WIDTH,
  ZOOM_MAX,
} from './ptzModel';

describe('PTZ model', () => {
  it('pans right and tilts up at a speed proportional to the window, and stops at the panorama edge', () => {
    const p = integrate(HOME, { ...STILL, pan: 1, tilt: 1 }, 0.5);
    expect(p.x).toBeCloseTo(HOME.x + 0.8 * WINDOW_MAX_WIDTH * 0.5);
    expect(p.y).toBeCloseTo(HOME.y - 0.8 * 720 * 0.5);
    const far = integrate(HOME, { ...STILL, pan: 1, tilt: -1 }, 60);
    const win = cropWindow(far);
    expect(win.x + win.w).toBe(PANO_WIDTH);
    expect(win.y + win.h).toBe(PANO_HEIGHT);
    // Zoomed in, the same speed moves fewer panorama pixels.
    const zoomed = { ...HOME, zoom: 4 };
    expect(integrate(zoomed, { ...STILL, pan: 1 }, 0.5).x - zoomed.x).toBeCloseTo((0.8 * WINDOW_MAX_WIDTH * 0.5) / 4);
  });

  it('zooms geometrically within 1..ZOOM_MAX and keeps the window centred and inside', () => {
    expect(integrate(HOME, { ...STILL, zoom: 1 }, 1).zoom).toBeCloseTo(2);
    expect(integrate(HOME, { ...STILL, zoom: 1 }, 10).zoom).toBe(ZOOM_MAX);
    expect(integrate(HOME, { ...STILL, zoom: -1 }, 10).zoom).toBe(1);
    const corner = clampPosition({ ...HOME, x: 0, y: 0, zoom: 2 });
    expect(cropWindow(corner)).toEqual({ x: 0, y: 0, w: 640, h: 360 });
    // Zooming out at the corner pushes the centre back so the bigger window fits.
    expect(cropWindow(integrate(corner, { ...STILL, zoom: -1 }, 10))).toEqual({ x: 0, y: 0, w: 1280, h: 720 });
  });

  it('quantises the crop window: width a multiple of 32, 16:9, even offsets', () => {
    for (const zoom of [1, 1.13, 1.7, 2.5, 3.33, 5]) {
      const w = cropWindow({ ...HOME, x: 1001, y: 333, zoom });
      expect(w.w % 32).toBe(0);
      expect(w.h).toBe((w.w * 9) / 16);
      expect(w.h % 2).toBe(0);
      expect(w.x % 2).toBe(0);
      expect(w.y % 2).toBe(0);
    }
  });

  it('focus and iris drift with their speed, clamp at ±1 and drive blur and brightness', () => {
    const p = integrate(HOME, { ...STILL, focus: 1, iris: -1 }, 1);
    expect(p.focus).toBeCloseTo(0.6);
    expect(p.iris).toBeCloseTo(-0.6);
    expect(integrate(HOME, { ...STILL, focus: -1 }, 10).focus).toBe(-1);
    const sharp = filterSettings(HOME);
    expect(sharp.get('focus.enable')?.arg).toBe('0');
    expect(sharp.get('iris.enable')?.arg).toBe('0');
    expect(sharp.has('focus.sigma')).toBe(false);
    const s = filterSettings(p);
    expect(s.get('focus.enable')?.arg).toBe('1');
    expect(Number(s.get('focus.sigma')?.arg)).toBeCloseTo(4.8);
    expect(s.get('iris.enable')?.arg).toBe('1');
    expect(Number(s.get('iris.brightness')?.arg)).toBeCloseTo(-0.21);
    expect(s.get('crop.w')).toEqual({ target: 'crop@ptz', command: 'w', arg: '1280' });
  });

  it('interpolates preset recalls and converts to and from ISAPI absolute units', () => {
    const a = { ...HOME, x: 800, zoom: 1 };
    const b = { ...HOME, x: 1600, zoom: 4 };
    expect(interpolate(a, b, 0.5)).toMatchObject({ x: 1200, zoom: 2 });
    expect(interpolate(a, b, 2)).toMatchObject({ x: 1600, zoom: 4 });
    expect(toAbsolute(HOME)).toEqual({ azimuth: 800, elevation: 0, absoluteZoom: 10 });
    expect(fromAbsolute(HOME, { azimuth: 1000, elevation: 100, absoluteZoom: 20 })).toMatchObject({ x: 1600, y: 560, zoom: 2 });
    expect(readoutText(HOME)).toBe('云台 P 80.0° T 0.0° Z 1.0x');
  });

  it('quotes zmq filter messages and refuses what cannot be quoted', () => {
    expect(zmqMessage({ target: 'drawtext@ptz', command: 'reinit', arg: 'text=云台 P 1.0°' })).toBe("drawtext@ptz reinit 'text=云台 P 1.0°'");
    expect(() => zmqMessage({ target: 'crop@ptz', command: 'x', arg: "1'" })).toThrow();
    expect(() => zmqMessage({ target: 'crop ptz', command: 'x', arg: '1' })).toThrow();
  });
});
