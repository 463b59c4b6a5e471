/** Pure maths for player statistics: rates from cumulative counters. */

export type CounterSample = {
  /** ms (performance.now() or RTCStats.timestamp). */
  at: number;
  frames: number;
  bytes: number;
};

export type Rates = { fps: number; kbps: number };

/**
 * Frames per second and kbit/s between two cumulative samples. A counter that went backwards
 * (new peer connection, new decoder) or a non-positive interval yields 0 rather than nonsense.
 */
export function computeRates(prev: CounterSample | null, cur: CounterSample): Rates {
  if (!prev) return { fps: 0, kbps: 0 };
  const dt = cur.at - prev.at;
  if (!(dt > 0)) return { fps: 0, kbps: 0 };
  const df = cur.frames - prev.frames;
  const db = cur.bytes - prev.bytes;
  return {
    fps: df > 0 ? round1((df * 1000) / dt) : 0,
    kbps: db > 0 ? Math.round((db * 8) / dt) : 0, // bytes*8/ms = kbit/s
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Keeps the previous sample so callers only feed the current counters. */
export class RateMeter {
  private prev: CounterSample | null = null;

  next(cur: CounterSample): Rates {
    const rates = computeRates(this.prev, cur);
    this.prev = cur;
    return rates;
  }

  reset(): void {
    this.prev = null;
  }
}

/** The video inbound-rtp entry of an RTCStatsReport, reduced to what a tile shows. */
export type InboundVideoStats = {
  timestamp: number;
  framesDecoded: number;
  bytesReceived: number;
  frameWidth: number;
  frameHeight: number;
};

/** Picks the (first) video inbound-rtp report; accepts any iterable of stats objects for testability. */
export function pickInboundVideo(report: Iterable<unknown>): InboundVideoStats | null {
  for (const s of report) {
    if (!isRecord(s) || s.type !== 'inbound-rtp') continue;
    if ((s.kind ?? s.mediaType) !== 'video') continue;
    return {
      timestamp: num(s.timestamp),
      framesDecoded: num(s.framesDecoded),
      bytesReceived: num(s.bytesReceived),
      frameWidth: num(s.frameWidth),
      frameHeight: num(s.frameHeight),
    };
  }
  return null;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}
