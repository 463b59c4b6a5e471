import { describe, expect, it } from 'vitest';
import { computeRates, pickInboundVideo, RateMeter } from './statsMeter';

describe('computeRates', () => {
  it('derives fps and kbit/s from cumulative counters', () => {
    expect(computeRates({ at: 0, frames: 0, bytes: 0 }, { at: 1000, frames: 25, bytes: 187_500 })).toEqual({ fps: 25, kbps: 1500 });
    expect(computeRates({ at: 1000, frames: 10, bytes: 0 }, { at: 3000, frames: 60, bytes: 500_000 })).toEqual({ fps: 25, kbps: 2000 });
  });

  it('yields zeros for the first sample, a reset counter or a bad interval', () => {
    expect(computeRates(null, { at: 1000, frames: 25, bytes: 1 })).toEqual({ fps: 0, kbps: 0 });
    expect(computeRates({ at: 0, frames: 100, bytes: 100 }, { at: 1000, frames: 3, bytes: 50 })).toEqual({ fps: 0, kbps: 0 });
    expect(computeRates({ at: 1000, frames: 0, bytes: 0 }, { at: 1000, frames: 25, bytes: 1 })).toEqual({ fps: 0, kbps: 0 });
  });

  it('RateMeter remembers the previous sample', () => {
    const m = new RateMeter();
    expect(m.next({ at: 0, frames: 0, bytes: 0 })).toEqual({ fps: 0, kbps: 0 });
    expect(m.next({ at: 500, frames: 12, bytes: 62_500 })).toEqual({ fps: 24, kbps: 1000 });
  });
});

describe('pickInboundVideo', () => {
  it('returns the video inbound-rtp entry', () => {
    const report = [
      { type: 'transport', id: 't' },
      { type: 'inbound-rtp', kind: 'audio', bytesReceived: 5 },
      { type: 'inbound-rtp', kind: 'video', timestamp: 12, framesDecoded: 7, bytesReceived: 9000, frameWidth: 640, frameHeight: 360 },
    ];
    expect(pickInboundVideo(report)).toEqual({ timestamp: 12, framesDecoded: 7, bytesReceived: 9000, frameWidth: 640, frameHeight: 360 });
    expect(pickInboundVideo([{ type: 'inbound-rtp', mediaType: 'video' }])).toEqual({
      timestamp: 0, framesDecoded: 0, bytesReceived: 0, frameWidth: 0, frameHeight: 0,
    });
    expect(pickInboundVideo([])).toBeNull();
  });
});
