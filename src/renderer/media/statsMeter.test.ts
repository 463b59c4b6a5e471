import { describe, expect, it } from 'vitest';
import { computeRates, estimateLatencyMs, pickInboundVideo, pickLatencyCounters, RateMeter, type LatencyCounters } from './statsMeter';

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

describe('WebRTC latency estimate', () => {
  const report = [
    { type: 'transport', id: 'T', selectedCandidatePairId: 'CP2' },
    { type: 'candidate-pair', id: 'CP1', nominated: true, state: 'succeeded', currentRoundTripTime: 0.5 },
    { type: 'candidate-pair', id: 'CP2', nominated: true, state: 'succeeded', currentRoundTripTime: 0.004 },
    {
      type: 'inbound-rtp', kind: 'video', framesDecoded: 100, jitterBufferDelay: 5, jitterBufferEmittedCount: 100,
      totalDecodeTime: 0.5, totalProcessingDelay: 6,
    },
  ];

  it('reads the counters and the selected pair\'s RTT', () => {
    expect(pickLatencyCounters(report)).toEqual({
      jitterBufferDelay: 5, jitterBufferEmittedCount: 100, framesDecoded: 100, totalDecodeTime: 0.5, totalProcessingDelay: 6, roundTripTime: 0.004,
    });
    // No transport entry: the nominated, succeeded pair.
    expect(pickLatencyCounters(report.slice(1))?.roundTripTime).toBe(0.5);
    expect(pickLatencyCounters([{ type: 'inbound-rtp', kind: 'video' }])?.roundTripTime).toBeNull();
    expect(pickLatencyCounters([])).toBeNull();
  });

  const base: LatencyCounters = {
    jitterBufferDelay: 0, jitterBufferEmittedCount: 0, framesDecoded: 0, totalDecodeTime: 0, totalProcessingDelay: 0, roundTripTime: null,
  };

  it('uses processing delay per frame + RTT/2 over the last interval', () => {
    const prev = { ...base, framesDecoded: 100, totalProcessingDelay: 6, jitterBufferEmittedCount: 100, jitterBufferDelay: 5 };
    // 25 frames took 1.5 s of processing: 60 ms each; RTT 4 ms → +2.
    const cur = { ...prev, framesDecoded: 125, totalProcessingDelay: 7.5, jitterBufferEmittedCount: 125, jitterBufferDelay: 6, roundTripTime: 0.004 };
    expect(estimateLatencyMs(prev, cur)).toBe(62);
    // First sample: the averages since the start.
    expect(estimateLatencyMs(null, cur)).toBe(Math.round((7.5 / 125 + 0.002) * 1000));
  });

  it('falls back to jitter buffer + decode when processing delay is not reported', () => {
    const cur = { ...base, framesDecoded: 50, jitterBufferEmittedCount: 50, jitterBufferDelay: 2, totalDecodeTime: 0.25 };
    expect(estimateLatencyMs(null, cur)).toBe(45); // 40 ms jitter + 5 ms decode
  });

  it('is null when nothing was emitted or the counters went backwards', () => {
    expect(estimateLatencyMs(null, base)).toBeNull();
    const prev = { ...base, framesDecoded: 10, jitterBufferEmittedCount: 10, jitterBufferDelay: 1 };
    expect(estimateLatencyMs(prev, prev)).toBeNull();
    expect(estimateLatencyMs(prev, { ...base, framesDecoded: 2, jitterBufferEmittedCount: 2, jitterBufferDelay: 0.1 })).toBeNull();
  });
});
