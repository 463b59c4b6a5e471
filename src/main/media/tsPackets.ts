/**
 * MPEG-TS helpers for the relay: re-align ffmpeg's stdout into whole 188-byte packets,
 * spot MPEG-1 sequence headers, and keep a bounded "GOP cache" so a late viewer can
 * start decoding at once.
 */

export const TS_PACKET_SIZE = 188;
export const TS_SYNC_BYTE = 0x47;
const PID_PAT = 0x0000;

/** Splits an arbitrary byte stream into whole, sync-checked TS packets (returned as one aligned buffer). */
export class TsAligner {
  private rest: Buffer = Buffer.alloc(0);
  /** Bytes dropped while hunting for sync; non-zero means the input was not clean MPEG-TS. */
  droppedBytes = 0;

  push(chunk: Buffer): Buffer {
    let data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    // Resynchronise if needed: a packet must start with 0x47 and, when available, so must the next one.
    let start = 0;
    while (start < data.length && !this.isSyncAt(data, start)) start++;
    if (start > 0) {
      this.droppedBytes += start;
      data = data.subarray(start);
    }
    const whole = data.length - (data.length % TS_PACKET_SIZE);
    // Check every packet boundary; cut at the first broken one and resync from there next time.
    let good = 0;
    while (good < whole && data[good] === TS_SYNC_BYTE) good += TS_PACKET_SIZE;
    this.rest = Buffer.from(data.subarray(good));
    if (good < whole) {
      // Broken sync inside the chunk: drop the first byte of the broken packet so the next push resyncs.
      this.rest = this.rest.subarray(1);
      this.droppedBytes += 1;
    }
    return data.subarray(0, good);
  }

  private isSyncAt(data: Buffer, i: number): boolean {
    if (data[i] !== TS_SYNC_BYTE) return false;
    const next = i + TS_PACKET_SIZE;
    return next >= data.length || data[next] === TS_SYNC_BYTE;
  }
}

export type TsPacketInfo = {
  pid: number;
  payloadUnitStart: boolean;
  /** Offset of the payload inside the packet, or -1 when the packet carries no payload. */
  payloadOffset: number;
};

/** Parses the 4-byte TS header (and skips the adaptation field) of the packet at `offset`. */
export function parseTsHeader(buf: Uint8Array, offset = 0): TsPacketInfo {
  const b1 = buf[offset + 1] ?? 0;
  const b2 = buf[offset + 2] ?? 0;
  const b3 = buf[offset + 3] ?? 0;
  const pid = ((b1 & 0x1f) << 8) | b2;
  const payloadUnitStart = (b1 & 0x40) !== 0;
  const afc = (b3 >> 4) & 0x3;
  let payloadOffset = 4;
  if (afc === 2) payloadOffset = -1;
  else if (afc === 3) payloadOffset = 5 + (buf[offset + 4] ?? 0);
  if (payloadOffset >= TS_PACKET_SIZE) payloadOffset = -1;
  return { pid, payloadUnitStart, payloadOffset };
}

/**
 * True when the TS packet at `offset` starts a video PES whose elementary data contains an
 * MPEG-1/2 sequence header (00 00 01 B3). Only packets with payload_unit_start are considered.
 */
export function startsWithSequenceHeader(buf: Uint8Array, offset = 0): boolean {
  const h = parseTsHeader(buf, offset);
  if (!h.payloadUnitStart || h.payloadOffset < 0) return false;
  const p = offset + h.payloadOffset;
  const end = offset + TS_PACKET_SIZE;
  // PES: 00 00 01 <stream_id> <len:2> <flags:2> <header_len:1> <header...>
  if (buf[p] !== 0 || buf[p + 1] !== 0 || buf[p + 2] !== 1) return false;
  const streamId = buf[p + 3] ?? 0;
  if (streamId < 0xe0 || streamId > 0xef) return false; // video streams only
  const esStart = p + 9 + (buf[p + 8] ?? 0);
  for (let i = esStart; i + 3 < end; i++) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      if (buf[i + 3] === 0xb3) return true;
      // The first start code of the PES decides: a GOP begins with the sequence header.
      return false;
    }
  }
  return false;
}

/** Returns the PMT PID announced by a PAT packet, or null. */
export function pmtPidFromPat(buf: Uint8Array, offset = 0): number | null {
  const h = parseTsHeader(buf, offset);
  if (h.pid !== PID_PAT || !h.payloadUnitStart || h.payloadOffset < 0) return null;
  const pointer = buf[offset + h.payloadOffset] ?? 0;
  const s = offset + h.payloadOffset + 1 + pointer; // table_id
  const sectionLength = (((buf[s + 1] ?? 0) & 0x0f) << 8) | (buf[s + 2] ?? 0);
  const loopEnd = Math.min(s + 3 + sectionLength - 4, offset + TS_PACKET_SIZE);
  for (let i = s + 8; i + 4 <= loopEnd; i += 4) {
    const program = ((buf[i] ?? 0) << 8) | (buf[i + 1] ?? 0);
    if (program !== 0) return (((buf[i + 2] ?? 0) & 0x1f) << 8) | (buf[i + 3] ?? 0);
  }
  return null;
}

/**
 * Keeps the TS packets since the last MPEG-1 sequence header (plus the latest PAT/PMT), so
 * that a new viewer can be sent a decodable start at once. Bounded: once `maxBytes` is
 * exceeded the cache is dropped until the next sequence header (a late viewer then waits
 * for the next GOP instead of getting a broken one).
 */
export class GopCache {
  private pat: Buffer | null = null;
  private pmt: Buffer | null = null;
  private pmtPid: number | null = null;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private overflowed = false;
  /** Number of sequence headers seen since creation. */
  sequenceHeaders = 0;

  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  /** Feeds aligned packets; returns true if at least one sequence header was in them. */
  push(aligned: Buffer): boolean {
    let sawHeader = false;
    let runStart = 0;
    for (let off = 0; off + TS_PACKET_SIZE <= aligned.length; off += TS_PACKET_SIZE) {
      const h = parseTsHeader(aligned, off);
      if (h.pid === PID_PAT) {
        this.pat = Buffer.from(aligned.subarray(off, off + TS_PACKET_SIZE));
        const pmtPid = pmtPidFromPat(aligned, off);
        if (pmtPid !== null) this.pmtPid = pmtPid;
        continue;
      }
      if (this.pmtPid !== null && h.pid === this.pmtPid) {
        this.pmt = Buffer.from(aligned.subarray(off, off + TS_PACKET_SIZE));
        continue;
      }
      if (startsWithSequenceHeader(aligned, off)) {
        sawHeader = true;
        this.sequenceHeaders++;
        this.chunks = [];
        this.bytes = 0;
        this.overflowed = false;
        runStart = off;
      }
    }
    if (this.sequenceHeaders === 0 || this.overflowed) return sawHeader;
    // Copy: ffmpeg's chunk buffers must not be pinned by the cache longer than needed.
    const part = Buffer.from(aligned.subarray(runStart));
    this.chunks.push(part);
    this.bytes += part.length;
    if (this.bytes > this.maxBytes) {
      this.chunks = [];
      this.bytes = 0;
      this.overflowed = true;
    }
    return sawHeader;
  }

  /** Packets to send first to a new viewer: PAT, PMT, then everything since the last sequence header. */
  snapshot(): Buffer | null {
    if (this.chunks.length === 0) return null;
    const parts: Buffer[] = [];
    if (this.pat) parts.push(this.pat);
    if (this.pmt) parts.push(this.pmt);
    parts.push(...this.chunks);
    return Buffer.concat(parts);
  }

  get size(): number {
    return this.bytes;
  }

  clear(): void {
    this.chunks = [];
    this.bytes = 0;
    this.pat = null;
    this.pmt = null;
    this.pmtPid = null;
    this.overflowed = false;
  }
}
