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

/** Cumulative receive-delay counters of the video inbound-rtp entry (seconds, as in RTCStats) plus the current RTT. */
export type LatencyCounters = {
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  framesDecoded: number;
  totalDecodeTime: number;
  /** Reception of a frame's first packet → decoded (covers jitter buffer + decode); 0 where not reported. */
  totalProcessingDelay: number;
  /** Selected candidate pair's currentRoundTripTime in seconds, or null. */
  roundTripTime: number | null;
};

/** Reads the latency counters of a stats report (any iterable of stats objects, for testability). */
export function pickLatencyCounters(report: Iterable<unknown>): LatencyCounters | null {
  let inbound: Record<string, unknown> | null = null;
  let selectedPairId: string | null = null;
  const pairs = new Map<string, Record<string, unknown>>();
  let nominated: Record<string, unknown> | null = null;
  for (const s of report) {
    if (!isRecord(s)) continue;
    if (s.type === 'inbound-rtp' && (s.kind ?? s.mediaType) === 'video' && !inbound) inbound = s;
    else if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') selectedPairId = s.selectedCandidatePairId;
    else if (s.type === 'candidate-pair') {
      if (typeof s.id === 'string') pairs.set(s.id, s);
      if (s.nominated === true && s.state === 'succeeded' && !nominated) nominated = s;
    }
  }
  if (!inbound) return null;
  const pair = (selectedPairId !== null ? pairs.get(selectedPairId) : undefined) ?? nominated;
  const rtt = pair ? pair.currentRoundTripTime : undefined;
  return {
    jitterBufferDelay: num(inbound.jitterBufferDelay),
    jitterBufferEmittedCount: num(inbound.jitterBufferEmittedCount),
    framesDecoded: num(inbound.framesDecoded),
    totalDecodeTime: num(inbound.totalDecodeTime),
    totalProcessingDelay: num(inbound.totalProcessingDelay),
    roundTripTime: typeof rtt === 'number' && Number.isFinite(rtt) && rtt >= 0 ? rtt : null,
  };
}

/**
 * Receiver-side latency estimate in ms over the interval since `prev` (or since the start when prev
 * is null): one-way network time (RTT/2, 0 if unknown) + time a frame spends from its first packet
 * to decoded (totalProcessingDelay; else jitter buffer + decode). Encoder and display time are not
 * visible here. null when the interval has no emitted frames, or counters went backwards.
 */
export function estimateLatencyMs(prev: LatencyCounters | null, cur: LatencyCounters): number | null {
  const p = prev ?? { jitterBufferDelay: 0, jitterBufferEmittedCount: 0, framesDecoded: 0, totalDecodeTime: 0, totalProcessingDelay: 0 };
  const frames = cur.framesDecoded - p.framesDecoded;
  const emitted = cur.jitterBufferEmittedCount - p.jitterBufferEmittedCount;
  let receive: number | null = null;
  const processing = cur.totalProcessingDelay - p.totalProcessingDelay;
  if (frames > 0 && processing > 0) {
    receive = processing / frames;
  } else if (emitted > 0) {
    const jitter = (cur.jitterBufferDelay - p.jitterBufferDelay) / emitted;
    const decodeDelta = cur.totalDecodeTime - p.totalDecodeTime;
    const decode = frames > 0 && decodeDelta > 0 ? decodeDelta / frames : 0;
    if (jitter >= 0) receive = jitter + decode;
  }
  if (receive === null || !Number.isFinite(receive)) return null;
  const network = cur.roundTripTime !== null ? cur.roundTripTime / 2 : 0;
  return Math.round((receive + network) * 1000);
}
