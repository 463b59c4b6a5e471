/**
 * Decides, from frame arrival times, whether a player is starting, playing, briefly stalled
 * or dead. Pure: the caller passes the clock and calls check() periodically.
 */
export type WatchdogVerdict = 'waiting' | 'ok' | 'soft-stall' | 'startup-timeout' | 'stall-timeout';

export type WatchdogLimits = {
  /** No first frame within this → startup-timeout. */
  startupMs: number;
  /** No frame for this long after the first → stall-timeout. */
  stallMs: number;
  /** No frame for this long → soft-stall (recoverable, shown as 'stalled'). */
  softStallMs: number;
};

export const DEFAULT_WATCHDOG: WatchdogLimits = { startupMs: 8000, stallMs: 5000, softStallMs: 2000 };

export class FrameWatchdog {
  private startedAt: number | null = null;
  private lastFrameAt: number | null = null;

  constructor(private readonly limits: WatchdogLimits = DEFAULT_WATCHDOG) {}

  start(now: number): void {
    this.startedAt = now;
    this.lastFrameAt = null;
  }

  frame(now: number): void {
    this.lastFrameAt = now;
  }

  get hasFrame(): boolean {
    return this.lastFrameAt !== null;
  }

  /**
   * `hidden`: the page is not visible (rAF and requestVideoFrameCallback pause): time spent
   * hidden does not count against the player.
   */
  check(now: number, hidden = false): WatchdogVerdict {
    if (this.startedAt === null) return 'waiting';
    if (hidden) {
      if (this.lastFrameAt === null) this.startedAt = now;
      else this.lastFrameAt = now;
      return this.lastFrameAt === null ? 'waiting' : 'ok';
    }
    if (this.lastFrameAt === null) {
      return now - this.startedAt >= this.limits.startupMs ? 'startup-timeout' : 'waiting';
    }
    const silent = now - this.lastFrameAt;
    if (silent >= this.limits.stallMs) return 'stall-timeout';
    if (silent >= this.limits.softStallMs) return 'soft-stall';
    return 'ok';
  }
}
