/**
 * FLV helpers for the relay's remux mode: cut ffmpeg's stdout into whole tags, keep what a late viewer
 * needs to start at once (FLV header, onMetaData, the AVC sequence header and the tags since the last
 * keyframe), and keep timestamps running on across ffmpeg restarts so a viewer's MSE buffer never goes back.
 */

export const FLV_HEADER_SIZE = 9;
const PREV_TAG_SIZE = 4;
const TAG_HEADER_SIZE = 11;
export const FLV_TAG_AUDIO = 8;
export const FLV_TAG_VIDEO = 9;
export const FLV_TAG_SCRIPT = 18;
/** FLV video codec id of H.264 / AVC. */
export const FLV_CODEC_AVC = 7;
/** Nominal frame gap used to continue timestamps after a restart. */
const RESTART_GAP_MS = 40;

export type FlvTag = { type: number; timestamp: number; data: Buffer };

/** The video tag's frame type (1 = keyframe), codec id and, for AVC, packet type (0 = sequence header, 1 = NALUs). */
export function videoTagInfo(data: Uint8Array): { keyframe: boolean; codecId: number; avcPacketType: number | null } {
  const b0 = data[0] ?? 0;
  const codecId = b0 & 0x0f;
  return { keyframe: b0 >> 4 === 1, codecId, avcPacketType: codecId === FLV_CODEC_AVC ? (data[1] ?? 0) : null };
}

/** Splits a byte stream that starts with an FLV header into tags (for tests and diagnostics). */
export function parseFlv(buf: Buffer): { header: boolean; tags: FlvTag[] } {
  if (buf.length < FLV_HEADER_SIZE || buf.toString('latin1', 0, 3) !== 'FLV') return { header: false, tags: [] };
  const tags: FlvTag[] = [];
  let off = buf.readUInt32BE(5) + PREV_TAG_SIZE;
  while (off + TAG_HEADER_SIZE <= buf.length) {
    const size = buf.readUIntBE(off + 1, 3);
    if (off + TAG_HEADER_SIZE + size > buf.length) break;
    tags.push({ type: buf[off]! & 0x1f, timestamp: readTimestamp(buf, off), data: buf.subarray(off + TAG_HEADER_SIZE, off + TAG_HEADER_SIZE + size) });
    off += TAG_HEADER_SIZE + size + PREV_TAG_SIZE;
  }
  return { header: true, tags };
}

function readTimestamp(buf: Uint8Array, tagOffset: number): number {
  const b = buf;
  return ((b[tagOffset + 7]! << 24) | (b[tagOffset + 4]! << 16) | (b[tagOffset + 5]! << 8) | b[tagOffset + 6]!) >>> 0;
}

function writeTimestamp(buf: Buffer, tagOffset: number, ts: number): void {
  const t = ts >>> 0;
  buf[tagOffset + 4] = (t >> 16) & 0xff;
  buf[tagOffset + 5] = (t >> 8) & 0xff;
  buf[tagOffset + 6] = t & 0xff;
  buf[tagOffset + 7] = (t >>> 24) & 0xff;
}

/**
 * Feeds on ffmpeg's FLV output, run after run. `push` returns whole tags (each with its trailing
 * previous-tag-size) ready for viewers that already started, and whether a keyframe was among them;
 * `snapshot` is what a new viewer gets first. The stream header and onMetaData of a later run are
 * swallowed (a started viewer must not see a second header); its sequence header is passed on.
 */
export class FlvCache {
  private rest: Buffer = Buffer.alloc(0);
  private header: Buffer | null = null;
  private metadata: Buffer | null = null;
  private avcConfig: Buffer | null = null;
  private gop: Buffer[] = [];
  private gopBytes = 0;
  private overflowed = false;
  /** Header of the current run parsed; false until the run's 'FLV' + previous-tag-size 0 arrived. */
  private runHeaderSeen = false;
  /** The current run has produced a keyframe (video before it cannot be decoded and is dropped). */
  private runKeyframeSeen = false;
  private firstRun = true;
  private offset = 0;
  /** A later run's first tag sets the offset that continues the timestamps. */
  private pendingRebase = false;
  private lastOut = -RESTART_GAP_MS;
  /** Keyframes seen since creation. */
  keyframes = 0;
  /** Bytes dropped because they were not FLV (only before a run's header). */
  droppedBytes = 0;

  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  /** A new ffmpeg run starts: expect a new FLV header; its timestamps continue after the last one sent. */
  restart(): void {
    this.rest = Buffer.alloc(0);
    this.runHeaderSeen = false;
    this.runKeyframeSeen = false;
    this.gop = [];
    this.gopBytes = 0;
    this.overflowed = false;
    if (this.header) {
      this.firstRun = false;
      this.pendingRebase = true;
    }
  }

  push(chunk: Buffer): { data: Buffer; sawStart: boolean } {
    let buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let off = 0;
    if (!this.runHeaderSeen) {
      const at = buf.indexOf('FLV', 0, 'latin1');
      if (at < 0) {
        this.droppedBytes += Math.max(0, buf.length - 2);
        this.rest = Buffer.from(buf.subarray(Math.max(0, buf.length - 2)));
        return { data: Buffer.alloc(0), sawStart: false };
      }
      this.droppedBytes += at;
      buf = buf.subarray(at);
      if (buf.length < FLV_HEADER_SIZE) {
        this.rest = Buffer.from(buf);
        return { data: Buffer.alloc(0), sawStart: false };
      }
      const headerLen = buf.readUInt32BE(5);
      if (buf.length < headerLen + PREV_TAG_SIZE) {
        this.rest = Buffer.from(buf);
        return { data: Buffer.alloc(0), sawStart: false };
      }
      if (this.firstRun) this.header = Buffer.from(buf.subarray(0, headerLen + PREV_TAG_SIZE));
      this.runHeaderSeen = true;
      off = headerLen + PREV_TAG_SIZE;
    }
    const out: Buffer[] = [];
    let sawStart = false;
    while (off + TAG_HEADER_SIZE <= buf.length) {
      const size = buf.readUIntBE(off + 1, 3);
      const end = off + TAG_HEADER_SIZE + size + PREV_TAG_SIZE;
      if (end > buf.length) break;
      // Copy: ffmpeg's chunk buffers must not be pinned, and the timestamp is rewritten in place.
      const tag = Buffer.from(buf.subarray(off, end));
      off = end;
      const type = tag[0]! & 0x1f;
      if (this.pendingRebase) {
        // First tag of a later run: continue one frame after the last timestamp sent.
        this.pendingRebase = false;
        this.offset = Math.max(0, this.lastOut + RESTART_GAP_MS) - readTimestamp(tag, 0);
      }
      const ts = Math.max(0, readTimestamp(tag, 0) + this.offset);
      writeTimestamp(tag, 0, ts);
      if (type === FLV_TAG_SCRIPT) {
        if (this.firstRun) this.metadata ??= tag;
        continue;
      }
      if (type !== FLV_TAG_VIDEO) continue;
      const info = videoTagInfo(tag.subarray(TAG_HEADER_SIZE));
      if (info.avcPacketType === 0) {
        this.avcConfig = tag;
        out.push(tag);
        continue;
      }
      if (info.keyframe) {
        this.runKeyframeSeen = true;
        sawStart = true;
        this.keyframes++;
        this.gop = [];
        this.gopBytes = 0;
        this.overflowed = false;
      }
      if (!this.runKeyframeSeen) continue;
      this.lastOut = Math.max(this.lastOut, ts);
      out.push(tag);
      if (!this.overflowed) {
        this.gop.push(tag);
        this.gopBytes += tag.length;
        if (this.gopBytes > this.maxBytes) {
          this.gop = [];
          this.gopBytes = 0;
          this.overflowed = true;
        }
      }
    }
    this.rest = off < buf.length ? Buffer.from(buf.subarray(off)) : Buffer.alloc(0);
    return { data: out.length === 1 ? out[0]! : Buffer.concat(out), sawStart };
  }

  /** FLV header, onMetaData, AVC sequence header, then the tags since the last keyframe; null without a keyframe. */
  snapshot(): Buffer | null {
    if (!this.header || this.gop.length === 0) return null;
    const parts: Buffer[] = [this.header];
    if (this.metadata) parts.push(this.metadata);
    if (this.avcConfig) parts.push(this.avcConfig);
    parts.push(...this.gop);
    return Buffer.concat(parts);
  }

  get size(): number {
    return this.gopBytes;
  }

  /** Forget everything (the channel stopped): the next run is a first run again. */
  clear(): void {
    this.rest = Buffer.alloc(0);
    this.header = null;
    this.metadata = null;
    this.avcConfig = null;
    this.gop = [];
    this.gopBytes = 0;
    this.overflowed = false;
    this.runHeaderSeen = false;
    this.runKeyframeSeen = false;
    this.firstRun = true;
    this.offset = 0;
    this.pendingRebase = false;
    this.lastOut = -RESTART_GAP_MS;
  }
}
