import { describe, expect, it } from 'vitest';
import { clockLatencyMs, encodeClock, paintClockGray, readClock } from './clockBarcode';

const W = 640;
const H = 360;

/** A gray test picture with a gradient background and the barcode for `ms`. */
function grayFrame(ms: number): Uint8Array {
  const plane = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) plane[y * W + x] = (x * 3 + y) % 200;
  paintClockGray(plane, W, H, ms);
  return plane;
}

/** Bilinear resample of a gray plane to RGBA at another size, with optional deterministic noise. */
function toRgba(plane: Uint8Array, w: number, h: number, noise = 0): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = ((x + 0.5) * W) / w - 0.5;
      const sy = ((y + 0.5) * H) / h - 0.5;
      const x0 = Math.max(0, Math.min(W - 1, Math.floor(sx)));
      const y0 = Math.max(0, Math.min(H - 1, Math.floor(sy)));
      const x1 = Math.min(W - 1, x0 + 1);
      const y1 = Math.min(H - 1, y0 + 1);
      const fx = Math.max(0, Math.min(1, sx - x0));
      const fy = Math.max(0, Math.min(1, sy - y0));
      const at = (xx: number, yy: number): number => plane[yy * W + xx] ?? 0;
      const v =
        at(x0, y0) * (1 - fx) * (1 - fy) + at(x1, y0) * fx * (1 - fy) + at(x0, y1) * (1 - fx) * fy + at(x1, y1) * fx * fy;
      const n = v + noise * rand();
      const p = (y * w + x) * 4;
      out[p] = n;
      out[p + 1] = n;
      out[p + 2] = n;
      out[p + 3] = 255;
    }
  }
  return out;
}

describe('clock barcode', () => {
  const samples = [0, 1, 123456789, 0x7fffffff, 0xffffffff, Date.UTC(2026, 10, 24, 8, 0, 0, 123)];

  it('encodes 48 cells with the guard columns', () => {
    const cells = encodeClock(42);
    expect(cells).toHaveLength(48);
    expect([cells[0], cells[16], cells[32]]).toEqual([true, false, true]);
    expect([cells[15], cells[31], cells[47]]).toEqual([false, true, false]);
  });

  it('round-trips at the native size', () => {
    for (const ms of samples) expect(readClock(toRgba(grayFrame(ms), W, H), W, H)).toBe(ms % 2 ** 32);
  });

  it('round-trips after scaling and noise', () => {
    const sizes: Array<[number, number]> = [
      [320, 180],
      [192, 108],
      [1280, 720],
      [1920, 1080],
      [533, 300],
    ];
    for (const ms of samples) {
      const frame = grayFrame(ms);
      for (const [w, h] of sizes) expect(readClock(toRgba(frame, w, h, 40), w, h)).toBe(ms % 2 ** 32);
    }
  });

  it('returns null without a code', () => {
    const blank = new Uint8Array(W * H).fill(90);
    expect(readClock(toRgba(blank, W, H), W, H)).toBeNull();
    const gradient = grayFrame(0);
    gradient.fill(128, 0, W * H);
    expect(readClock(toRgba(gradient, W, H, 60), W, H)).toBeNull();
    expect(readClock(new Uint8ClampedArray(4), 1, 1)).toBeNull();
  });

  it('rejects a corrupted cell', () => {
    const ms = 987654321;
    const rgba = toRgba(grayFrame(ms), W, H);
    // Invert the middle of data cell (col 5, row 1): the CRC must catch it.
    const x = Math.round((0.08 + (0.84 * 5.5) / 16) * W);
    const y = Math.round((0.34 + (0.32 * 1.5) / 3) * H);
    for (let yy = y - 15; yy <= y + 15; yy++) {
      for (let xx = x - 14; xx <= x + 14; xx++) {
        const p = (yy * W + xx) * 4;
        const v = 255 - (rgba[p] ?? 0);
        rgba[p] = v;
        rgba[p + 1] = v;
        rgba[p + 2] = v;
      }
    }
    expect(readClock(rgba, W, H)).toBeNull();
  });

  it('is self-contained (survives Function.prototype.toString)', () => {
    const revived = new Function(`return (${readClock.toString()});`)() as typeof readClock;
    expect(revived(toRgba(grayFrame(5555), 320, 180), 320, 180)).toBe(5555);
  });

  it('computes latency across the 2^32 wrap', () => {
    expect(clockLatencyMs(1000, 900)).toBe(100);
    const now = 2 ** 32 * 400 + 50; // Date.now() just after a wrap
    expect(clockLatencyMs(now, 2 ** 32 - 30)).toBe(80);
    expect(clockLatencyMs(now, 60)).toBe(-10);
  });
});
