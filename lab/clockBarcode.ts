/**
 * Clock barcode of the lab's live camera: every generated frame carries the wall-clock time (ms, modulo 2^32)
 * at which it was generated, so a viewer can measure glass-to-glass latency by reading it back.
 *
 * Layout (relative to the whole picture, so any scale works): a grid of 16 columns x 3 rows of square-ish
 * black/white cells inside the rectangle x 8 %..92 %, y 34 %..66 % (the OSD sits at the top-left and
 * bottom-right corners, outside it). Cells are read row by row:
 *   column 0   (rows 0..2): guard  white, black, white
 *   column 15  (rows 0..2): guard  black, white, black
 *   columns 1..14 (42 cells): 32 data bits (MSB first), CRC-8 (poly 0x07) of the 4 data bytes, then "10".
 * White = 1. The reader thresholds each cell at the midpoint of the guard whites and blacks.
 *
 * This module has no imports and readClock() closes over nothing: a benchmark injects
 * `readClock.toString()` into a web page. Keep its constants inlined.
 */

/** Geometry shared by the painter and the tests (readClock repeats these numbers inline). */
export const CLOCK_LAYOUT = {
  cols: 16,
  rows: 3,
  x0: 0.08,
  x1: 0.92,
  y0: 0.34,
  y1: 0.66,
} as const;

const GUARD_LEFT = [true, false, true] as const;
const GUARD_RIGHT = [false, true, false] as const;

function crc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/**
 * The cells the generator draws for `ms` (taken modulo 2^32): `cols * rows` booleans, row-major, true = white.
 */
export function encodeClock(ms: number): boolean[] {
  const v = Math.floor(ms) >>> 0; // modulo 2^32 (exact for any integer ms below 2^53)
  const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  const bits: boolean[] = [];
  for (let i = 31; i >= 0; i--) bits.push(((v >>> i) & 1) === 1);
  const crc = crc8(bytes);
  for (let i = 7; i >= 0; i--) bits.push(((crc >>> i) & 1) === 1);
  bits.push(true, false);
  const { cols, rows } = CLOCK_LAYOUT;
  const cells: boolean[] = new Array<boolean>(cols * rows).fill(false);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    cells[r * cols] = GUARD_LEFT[r] ?? false;
    cells[r * cols + cols - 1] = GUARD_RIGHT[r] ?? false;
    for (let c = 1; c < cols - 1; c++) cells[r * cols + c] = bits[k++] ?? false;
  }
  return cells;
}

/** Pixel rectangle of cell (col,row) in a width x height picture: [x, y, w, h], integers. */
export function clockCellRect(col: number, row: number, width: number, height: number): [number, number, number, number] {
  const { cols, rows, x0, x1, y0, y1 } = CLOCK_LAYOUT;
  const left = Math.round((x0 + ((x1 - x0) * col) / cols) * width);
  const right = Math.round((x0 + ((x1 - x0) * (col + 1)) / cols) * width);
  const top = Math.round((y0 + ((y1 - y0) * row) / rows) * height);
  const bottom = Math.round((y0 + ((y1 - y0) * (row + 1)) / rows) * height);
  return [left, top, right - left, bottom - top];
}

/** Paints the barcode for `ms` into an 8-bit gray (or Y-plane) picture. */
export function paintClockGray(plane: Uint8Array, width: number, height: number, ms: number): void {
  const cells = encodeClock(ms);
  const { cols, rows } = CLOCK_LAYOUT;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [x, y, w, h] = clockCellRect(c, r, width, height);
      const value = cells[r * cols + c] ? 255 : 0;
      for (let yy = y; yy < y + h; yy++) plane.fill(value, yy * width + x, yy * width + x + w);
    }
  }
}

/**
 * Reads the barcode from an RGBA picture (e.g. canvas getImageData of the whole video frame at any scale).
 * Returns the encoded ms modulo 2^32, or null when no valid code is present.
 * Self-contained on purpose (see the module comment).
 */
export function readClock(rgba: Uint8ClampedArray, width: number, height: number): number | null {
  const COLS = 16;
  const ROWS = 3;
  const X0 = 0.08;
  const X1 = 0.92;
  const Y0 = 0.34;
  const Y1 = 0.66;
  if (width < COLS * 2 || height < ROWS * 4 || rgba.length < width * height * 4) return null;
  const cellW = ((X1 - X0) * width) / COLS;
  const cellH = ((Y1 - Y0) * height) / ROWS;
  // Mean luma of each cell: a 5x5 sample grid spanning the middle 50 % of the cell.
  // (Plain loops, no inner functions: bundlers such as esbuild with keepNames would wrap them in helpers
  // that do not exist in the page the function is injected into.)
  const luma: number[] = [];
  for (let row = 0; row < ROWS; row++) {
    for (let col = 0; col < COLS; col++) {
      const cx = (X0 + ((X1 - X0) * (col + 0.5)) / COLS) * width;
      const cy = (Y0 + ((Y1 - Y0) * (row + 0.5)) / ROWS) * height;
      let sum = 0;
      for (let j = -2; j <= 2; j++) {
        for (let i = -2; i <= 2; i++) {
          const x = Math.min(width - 1, Math.max(0, Math.floor(cx + (i * cellW) / 8)));
          const y = Math.min(height - 1, Math.max(0, Math.floor(cy + (j * cellH) / 8)));
          const p = (y * width + x) * 4;
          sum += 0.299 * (rgba[p] ?? 0) + 0.587 * (rgba[p + 1] ?? 0) + 0.114 * (rgba[p + 2] ?? 0);
        }
      }
      luma.push(sum / 25);
    }
  }
  // Guards: column 0 is white/black/white, column COLS-1 black/white/black.
  const w0 = luma[0] ?? 0;
  const w1 = luma[2 * COLS] ?? 0;
  const w2 = luma[COLS + COLS - 1] ?? 0;
  const b0 = luma[COLS] ?? 0;
  const b1 = luma[COLS - 1] ?? 0;
  const b2 = luma[2 * COLS + COLS - 1] ?? 0;
  const white = (w0 + w1 + w2) / 3;
  const black = (b0 + b1 + b2) / 3;
  if (white - black < 48) return null;
  const threshold = (white + black) / 2;
  // Every guard cell must agree with its expected colour on its own.
  if (w0 < threshold || w1 < threshold || w2 < threshold) return null;
  if (b0 >= threshold || b1 >= threshold || b2 >= threshold) return null;
  const bits: number[] = [];
  for (let r = 0; r < ROWS; r++) {
    for (let c = 1; c < COLS - 1; c++) bits.push((luma[r * COLS + c] ?? 0) >= threshold ? 1 : 0);
  }
  if (bits[40] !== 1 || bits[41] !== 0) return null;
  let value = 0;
  for (let i = 0; i < 32; i++) value = value * 2 + (bits[i] ?? 0);
  let crcRead = 0;
  for (let i = 32; i < 40; i++) crcRead = crcRead * 2 + (bits[i] ?? 0);
  const bytes = [Math.floor(value / 16777216) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc === crcRead ? value : null;
}

/**
 * Latency in ms between `nowMs` (e.g. Date.now()) and a value from readClock(), across the 2^32 wrap.
 * Result lies in (-2^31, 2^31]; small negatives mean the clocks disagree slightly.
 */
export function clockLatencyMs(nowMs: number, readMs: number): number {
  const M = 4294967296;
  let d = (((Math.floor(nowMs) - readMs) % M) + M) % M;
  if (d > M / 2) d -= M;
  return d;
}
