/**
 * The PTZ camera's optics as plain numbers: where the crop window sits in the panorama, how velocities move
 * it, and which ffmpeg filter settings show it. No I/O; ptzCamera.ts drives it.
 *
 * Geometry: the panorama (PANO_WIDTH x PANO_HEIGHT) spans 160° x 90° at 16 px per degree. Zoom 1 shows a
 * 1280x720 window (80° wide), zoom 5 a 256x144 one; the window stays inside the panorama. Focus is the
 * offset from sharp (-1 near … 0 sharp … 1 far), iris the exposure offset (-1 closed … 0 normal … 1 open).
 */
import { PANO_HEIGHT, PANO_WIDTH } from './panorama';

export type PtzPosition = {
  /** Centre of the window in panorama pixels. */
  x: number;
  y: number;
  /** 1 … ZOOM_MAX */
  zoom: number;
  focus: number;
  iris: number;
};

/** Velocities -1..1 as the console and ISAPI (/100) send them. */
export type PtzVelocity = { pan: number; tilt: number; zoom: number; focus: number; iris: number };

export type CropWindow = { x: number; y: number; w: number; h: number };

export type FilterCommand = { target: string; command: string; arg: string };

export const WINDOW_MAX_WIDTH = 1280;
export const ZOOM_MAX = 5;
export const PX_PER_DEGREE = 16;
/** Window widths are multiples of this, so the height (w·9/16) is an even integer. */
const WIDTH_STEP = 32;
/** At full speed the window moves this many of its own widths (heights) per second: slower when zoomed in. */
const PAN_WINDOWS_PER_S = 0.8;
/** At full speed the zoom doubles (halves) this many times per second. */
const ZOOM_DOUBLINGS_PER_S = 1;
const FOCUS_PER_S = 0.6;
const IRIS_PER_S = 0.6;
/** Gaussian blur sigma at full defocus (output pixels). */
const BLUR_SIGMA_MAX = 8;
/** eq brightness at a fully open (closed) iris. */
const BRIGHTNESS_MAX = 0.35;

export const HOME: PtzPosition = { x: PANO_WIDTH / 2, y: PANO_HEIGHT / 2, zoom: 1, focus: 0, iris: 0 };
export const STILL: PtzVelocity = { pan: 0, tilt: 0, zoom: 0, focus: 0, iris: 0 };

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Window size for a zoom, in panorama pixels (not yet quantised). */
function windowSize(zoom: number): { w: number; h: number } {
  const w = WINDOW_MAX_WIDTH / zoom;
  return { w, h: (w * 9) / 16 };
}

/** The same position, with every value in range and the window inside the panorama. */
export function clampPosition(p: PtzPosition): PtzPosition {
  const zoom = clamp(Number.isFinite(p.zoom) ? p.zoom : 1, 1, ZOOM_MAX);
  const { w, h } = windowSize(zoom);
  return {
    x: clamp(Number.isFinite(p.x) ? p.x : HOME.x, w / 2, PANO_WIDTH - w / 2),
    y: clamp(Number.isFinite(p.y) ? p.y : HOME.y, h / 2, PANO_HEIGHT - h / 2),
    zoom,
    focus: clamp(Number.isFinite(p.focus) ? p.focus : 0, -1, 1),
    iris: clamp(Number.isFinite(p.iris) ? p.iris : 0, -1, 1),
  };
}

export function isStill(v: PtzVelocity): boolean {
  return v.pan === 0 && v.tilt === 0 && v.zoom === 0 && v.focus === 0 && v.iris === 0;
}

/** Moves `p` by velocities `v` for `dtS` seconds (pan right +, tilt up +, zoom in +). */
export function integrate(p: PtzPosition, v: PtzVelocity, dtS: number): PtzPosition {
  const { w, h } = windowSize(p.zoom);
  return clampPosition({
    x: p.x + v.pan * PAN_WINDOWS_PER_S * w * dtS,
    y: p.y - v.tilt * PAN_WINDOWS_PER_S * h * dtS,
    zoom: p.zoom * 2 ** (v.zoom * ZOOM_DOUBLINGS_PER_S * dtS),
    focus: p.focus + v.focus * FOCUS_PER_S * dtS,
    iris: p.iris + v.iris * IRIS_PER_S * dtS,
  });
}

/** Linear interpolation between two positions (zoom geometric), t in 0..1. */
export function interpolate(a: PtzPosition, b: PtzPosition, t: number): PtzPosition {
  const k = clamp(t, 0, 1);
  // The end of a move is exactly the target (a + (b - a) * 1 can differ from b in the last bit).
  if (k === 1) return clampPosition(b);
  return clampPosition({
    x: a.x + (b.x - a.x) * k,
    y: a.y + (b.y - a.y) * k,
    zoom: a.zoom * (b.zoom / a.zoom) ** k,
    focus: a.focus + (b.focus - a.focus) * k,
    iris: a.iris + (b.iris - a.iris) * k,
  });
}

/** The crop window ffmpeg cuts: width a multiple of 32, 16:9, even offsets, inside the panorama. */
export function cropWindow(p: PtzPosition): CropWindow {
  const exact = windowSize(clamp(p.zoom, 1, ZOOM_MAX));
  const w = clamp(Math.round(exact.w / WIDTH_STEP) * WIDTH_STEP, WINDOW_MAX_WIDTH / ZOOM_MAX, WINDOW_MAX_WIDTH);
  const h = (w * 9) / 16;
  const even = (v: number): number => 2 * Math.round(v / 2);
  return { x: clamp(even(p.x - w / 2), 0, PANO_WIDTH - w), y: clamp(even(p.y - h / 2), 0, PANO_HEIGHT - h), w, h };
}

export function blurSigma(p: PtzPosition): number {
  return Math.round(Math.abs(p.focus) * BLUR_SIGMA_MAX * 100) / 100;
}

export function brightness(p: PtzPosition): number {
  return Math.round(p.iris * BRIGHTNESS_MAX * 1000) / 1000;
}

/** Pan/tilt in tenths of a degree and zoom ×10, the way ISAPI's <AbsoluteHigh> reports them. */
export function toAbsolute(p: PtzPosition): { azimuth: number; elevation: number; absoluteZoom: number } {
  return {
    azimuth: Math.round((p.x / PX_PER_DEGREE) * 10),
    elevation: Math.round(((PANO_HEIGHT / 2 - p.y) / PX_PER_DEGREE) * 10),
    absoluteZoom: Math.round(p.zoom * 10),
  };
}

export function fromAbsolute(base: PtzPosition, a: { azimuth?: number; elevation?: number; absoluteZoom?: number }): PtzPosition {
  return clampPosition({
    ...base,
    x: a.azimuth === undefined ? base.x : (a.azimuth / 10) * PX_PER_DEGREE,
    y: a.elevation === undefined ? base.y : PANO_HEIGHT / 2 - (a.elevation / 10) * PX_PER_DEGREE,
    zoom: a.absoluteZoom === undefined ? base.zoom : a.absoluteZoom / 10,
  });
}

/** Filter instance names in the camera's graph (see ptzCameraArgs). */
export const CROP_FILTER = 'crop@ptz';
export const FOCUS_FILTER = 'gblur@focus';
export const IRIS_FILTER = 'eq@iris';
export const READOUT_FILTER = 'drawtext@ptz';

/** The PTZ readout drawn in the picture (no characters that drawtext or its option parser treat specially). */
export function readoutText(p: PtzPosition): string {
  const a = toAbsolute(p);
  return `云台 P ${(a.azimuth / 10).toFixed(1)}° T ${(a.elevation / 10).toFixed(1)}° Z ${p.zoom.toFixed(1)}x`;
}

/**
 * Every filter setting that shows `p`, keyed so a caller can send only what changed. The readout is not
 * here: it is re-rendered at a lower rate (drawtext reinit costs more than the rest together).
 */
export function filterSettings(p: PtzPosition): Map<string, FilterCommand> {
  const win = cropWindow(p);
  const sigma = blurSigma(p);
  const bright = brightness(p);
  const s = new Map<string, FilterCommand>();
  s.set('crop.w', { target: CROP_FILTER, command: 'w', arg: String(win.w) });
  s.set('crop.x', { target: CROP_FILTER, command: 'x', arg: String(win.x) });
  s.set('crop.y', { target: CROP_FILTER, command: 'y', arg: String(win.y) });
  s.set('focus.enable', { target: FOCUS_FILTER, command: 'enable', arg: sigma >= 0.3 ? '1' : '0' });
  if (sigma >= 0.3) s.set('focus.sigma', { target: FOCUS_FILTER, command: 'sigma', arg: sigma.toFixed(2) });
  s.set('iris.enable', { target: IRIS_FILTER, command: 'enable', arg: bright !== 0 ? '1' : '0' });
  if (bright !== 0) s.set('iris.brightness', { target: IRIS_FILTER, command: 'brightness', arg: bright.toFixed(3) });
  return s;
}
