import { describe, expect, it } from 'vitest';
import { FrameWatchdog } from './frameWatchdog';

describe('FrameWatchdog', () => {
  const limits = { startupMs: 8000, stallMs: 5000, softStallMs: 2000 };

  it('times out start-up without a first frame', () => {
    const w = new FrameWatchdog(limits);
    expect(w.check(0)).toBe('waiting');
    w.start(1000);
    expect(w.check(8999)).toBe('waiting');
    expect(w.check(9000)).toBe('startup-timeout');
  });

  it('goes soft-stall then stall-timeout after frames stop, and recovers on a frame', () => {
    const w = new FrameWatchdog(limits);
    w.start(0);
    w.frame(100);
    expect(w.check(2000)).toBe('ok');
    expect(w.check(2100)).toBe('soft-stall');
    w.frame(2200);
    expect(w.check(2300)).toBe('ok');
    expect(w.check(7200)).toBe('stall-timeout');
  });

  it('does not count time spent hidden', () => {
    const w = new FrameWatchdog(limits);
    w.start(0);
    w.frame(0);
    expect(w.check(60_000, true)).toBe('ok');
    expect(w.check(61_000)).toBe('ok');
    expect(w.check(65_000)).toBe('stall-timeout');
    const s = new FrameWatchdog(limits);
    s.start(0);
    expect(s.check(20_000, true)).toBe('waiting');
    expect(s.check(27_000)).toBe('waiting');
  });
});
