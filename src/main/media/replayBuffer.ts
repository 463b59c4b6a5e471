import { parseTsHeader, pmtPidFromPat, startsWithSequenceHeader, TS_PACKET_SIZE } from './tsPackets';

/**
 * Instant replay: a time-stamped ring buffer of a relay channel's MPEG-TS output, kept in whole GOPs
 * (each starting at an MPEG-1 sequence header), bounded by age and bytes.
 */

export type ReplayBufferOptions = {
  /** How far back the buffer reaches (the GOP that straddles this age is kept whole). */
  maxAgeMs: number;
  /** Hard cap of the buffered bytes; the oldest GOPs are dropped first. */
  maxBytes: number;
};

export const DEFAULT_REPLAY_BUFFER: ReplayBufferOptions = { maxAgeMs: 60_000, maxBytes: 24 * 1024 * 1024 };

/** One piece of output as it arrived (`at` in performance.now() ms). */
export type StampedChunk = { at: number; data: Buffer };

/** What a replay sends: PAT/PMT first, then the chunks, paced by their arrival times. Immutable. */
export type ReplayClip = {
  prefix: Buffer | null;
  chunks: readonly StampedChunk[];
  /** Arrival time of the first and last chunk. */
  startAt: number;
  endAt: number;
  bytes: number;
};

type Gop = { startAt: number; chunks: StampedChunk[]; bytes: number };

export class ReplayBuffer {
  private gops: Gop[] = [];
  private total = 0;
  /** True while inside a GOP of the current run: data before the first sequence header is not decodable. */
  private synced = false;
  private pat: Buffer | null = null;
  private pmt: Buffer | null = null;
  private pmtPid: number | null = null;

  constructor(private readonly o: ReplayBufferOptions = DEFAULT_REPLAY_BUFFER) {
    if (!(o.maxBytes > 0) || !(o.maxAgeMs > 0)) throw new Error('ReplayBuffer needs a positive maxBytes and maxAgeMs');
  }

  /** Feeds aligned TS packets that arrived at `at`; splits them at sequence headers into GOPs. */
  push(aligned: Buffer, at: number): void {
    let segStart = 0;
    for (let off = 0; off + TS_PACKET_SIZE <= aligned.length; off += TS_PACKET_SIZE) {
      const h = parseTsHeader(aligned, off);
      if (h.pid === 0) {
        this.pat = Buffer.from(aligned.subarray(off, off + TS_PACKET_SIZE));
        const pmtPid = pmtPidFromPat(aligned, off);
        if (pmtPid !== null) this.pmtPid = pmtPid;
      } else if (this.pmtPid !== null && h.pid === this.pmtPid) {
        this.pmt = Buffer.from(aligned.subarray(off, off + TS_PACKET_SIZE));
      } else if (startsWithSequenceHeader(aligned, off)) {
        if (off > segStart) this.append(aligned.subarray(segStart, off), at);
        this.startGop(at);
        segStart = off;
      }
    }
    const end = aligned.length - (aligned.length % TS_PACKET_SIZE);
    if (end > segStart) this.append(aligned.subarray(segStart, end), at);
  }

  /** The source restarted (new ffmpeg run): ignore its output until its first sequence header. */
  discontinuity(): void {
    this.synced = false;
  }

  /**
   * The buffered output from the first GOP that starts at or after `now - seconds` to the end, or null when
   * there is none. The clip shares the buffer's chunks (never modified), so it outlives a clear().
   */
  clip(seconds: number, now: number): ReplayClip | null {
    this.pruneAge(now);
    const cutoff = now - Math.min(seconds * 1000, this.o.maxAgeMs);
    const first = this.gops.findIndex((g) => g.startAt >= cutoff && g.chunks.length > 0);
    if (first < 0) return null;
    const chunks: StampedChunk[] = [];
    let bytes = 0;
    for (const g of this.gops.slice(first)) {
      chunks.push(...g.chunks);
      bytes += g.bytes;
    }
    const head = chunks[0];
    const tail = chunks.at(-1);
    if (!head || !tail) return null;
    const prefix = this.pat ? Buffer.concat(this.pmt ? [this.pat, this.pmt] : [this.pat]) : null;
    return { prefix, chunks, startAt: head.at, endAt: tail.at, bytes };
  }

  clear(): void {
    this.gops = [];
    this.total = 0;
    this.synced = false;
    this.pat = null;
    this.pmt = null;
    this.pmtPid = null;
  }

  /** Buffered bytes (never above maxBytes). */
  get bytes(): number {
    return this.total;
  }

  /** Time between the first buffered GOP's start and the last chunk, in ms. */
  get spanMs(): number {
    const first = this.gops[0];
    const last = this.gops.at(-1)?.chunks.at(-1);
    return first && last ? last.at - first.startAt : 0;
  }

  get gopCount(): number {
    return this.gops.length;
  }

  private startGop(at: number): void {
    this.synced = true;
    this.gops.push({ startAt: at, chunks: [], bytes: 0 });
    this.pruneAge(at);
  }

  private append(data: Buffer, at: number): void {
    const gop = this.gops.at(-1);
    if (!this.synced || !gop) return;
    // Copy: the buffer must not pin ffmpeg's (bigger) read buffers, and its byte count must be true.
    const copy = Buffer.from(data);
    gop.chunks.push({ at, data: copy });
    gop.bytes += copy.length;
    this.total += copy.length;
    while (this.total > this.o.maxBytes && this.gops.length > 1) this.dropOldest();
    if (this.total > this.o.maxBytes) {
      // One GOP alone is over the cap: drop it and wait for the next sequence header.
      this.dropOldest();
      this.synced = false;
    }
  }

  /** Drops GOPs that end before `now - maxAgeMs` (the one straddling the limit stays whole). */
  private pruneAge(now: number): void {
    const limit = now - this.o.maxAgeMs;
    while (this.gops.length > 1 && (this.gops[1]?.startAt ?? Infinity) <= limit) this.dropOldest();
  }

  private dropOldest(): void {
    const gop = this.gops.shift();
    if (gop) this.total -= gop.bytes;
  }
}
