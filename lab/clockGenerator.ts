/**
 * Frame generator of the live clock camera: 8-bit gray frames at a fixed rate, paced by the wall clock,
 * each carrying the clock barcode of Date.now() at the moment it was generated.
 */
import type { Writable } from 'node:stream';
import { paintClockGray } from './clockBarcode';

export class ClockGenerator {
  private readonly background: Uint8Array;
  private out: Writable | null = null;
  private blocked = false;
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  frames = 0;
  skipped = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly fps: number,
  ) {
    // A dark diagonal gradient: keeps the encoder busy a little and the barcode stands out.
    this.background = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) this.background[y * width + x] = 40 + ((x + y) >> 3) % 48;
    }
  }

  /** Sends frames to `stream` (a new ffmpeg stdin after every camera restart). */
  attach(stream: Writable): void {
    this.out = stream;
    this.blocked = false;
    stream.on('error', () => {
      // EPIPE while ffmpeg restarts: the supervisor attaches the next stdin.
      if (this.out === stream) this.out = null;
    });
    stream.on('drain', () => {
      if (this.out === stream) this.blocked = false;
    });
  }

  start(): void {
    if (this.timer) return;
    this.next = performance.now();
    this.tick();
  }

  /** Stops generating and ends the current stream (ffmpeg then sees EOF and exits cleanly). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.out?.end();
    this.out = null;
  }

  private tick(): void {
    const period = 1000 / this.fps;
    const now = performance.now();
    // After a stall (event loop blocked, machine busy) start the schedule over rather than burst.
    if (now - this.next > 5 * period) this.next = now;
    this.emit();
    this.next += period;
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.next - performance.now()));
  }

  private emit(): void {
    const out = this.out;
    if (!out || out.destroyed || this.blocked) {
      this.skipped++;
      return;
    }
    const { width, height } = this;
    const frame = Buffer.allocUnsafe(width * height);
    frame.set(this.background);
    const ms = Date.now();
    // Sub-second sweep bar under the barcode: visible motion at 25 fps.
    const barY = Math.round(height * 0.72);
    const barH = Math.max(2, Math.round(height * 0.03));
    const barX = Math.round(width * 0.08);
    const barW = Math.round(width * 0.84 * ((ms % 1000) / 1000));
    for (let y = barY; y < barY + barH; y++) frame.fill(200, y * width + barX, y * width + barX + barW);
    paintClockGray(frame, width, height, ms);
    this.frames++;
    if (!out.write(frame)) this.blocked = true;
  }
}
