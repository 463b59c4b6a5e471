import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from './replayBuffer';
import { parseTsHeader, startsWithSequenceHeader, TS_PACKET_SIZE } from './tsPackets';

/** One TS packet; `payload` after the 4-byte header, the rest stuffed with 0xff. */
function packet(pid: number, pusi: boolean, payload: number[] = []): Buffer {
  const p = Buffer.alloc(TS_PACKET_SIZE, 0xff);
  p[0] = 0x47;
  p[1] = (pusi ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  p[2] = pid & 0xff;
  p[3] = 0x10;
  Buffer.from(payload).copy(p, 4);
  return p;
}
const PES_VIDEO = [0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5, 0x21, 0, 1, 0, 1];
const seqHeader = () => packet(0x100, true, [...PES_VIDEO, 0, 0, 1, 0xb3, 0x28, 0x01, 0x68]);
const picture = () => packet(0x100, true, [...PES_VIDEO, 0, 0, 1, 0x00, 0x00, 0x0f]);
const cont = (n = 1) => Buffer.concat(Array.from({ length: n }, () => packet(0x100, false, [1, 2, 3])));
const pat = () => packet(0, true, [0, 0x00, 0xb0, 13, 0, 1, 0xc1, 0, 0, 0, 1, 0xf0, 0x00, 0, 0, 0, 0]);
const pmt = () => packet(0x1000, true, [0, 0x02]);
const P = TS_PACKET_SIZE;

/** Feeds `gops` GOPs of `packetsPerGop` packets, one GOP every `gopMs`, in chunks of one frame (3 packets). */
function feed(buf: ReplayBuffer, gops: number, packetsPerGop: number, gopMs: number, t0 = 0): number {
  let t = t0;
  for (let g = 0; g < gops; g++) {
    buf.push(Buffer.concat([seqHeader(), cont(2)]), t);
    for (let i = 3; i < packetsPerGop; i += 3) buf.push(Buffer.concat([picture(), cont(2)]), t + (i / packetsPerGop) * gopMs);
    t += gopMs;
  }
  return t;
}

describe('ReplayBuffer', () => {
  it('ignores output before the first sequence header and keeps whole GOPs with their arrival times', () => {
    const buf = new ReplayBuffer({ maxAgeMs: 60_000, maxBytes: 1 << 20 });
    buf.push(Buffer.concat([pat(), pmt(), cont(3)]), 0);
    expect(buf.bytes).toBe(0);
    expect(buf.clip(10, 0)).toBeNull();
    // A sequence header in the middle of a chunk: the part before it is not decodable, dropped.
    buf.push(Buffer.concat([cont(2), seqHeader(), cont(1)]), 100);
    expect(buf.bytes).toBe(2 * P);
    buf.push(Buffer.concat([picture(), cont(1), seqHeader(), cont(1)]), 140);
    expect(buf.gopCount).toBe(2);
    expect(buf.bytes).toBe(6 * P);
    const clip = buf.clip(10, 200);
    expect(clip).not.toBeNull();
    expect(clip?.chunks.map((c) => c.at)).toEqual([100, 140, 140]);
    expect(startsWithSequenceHeader(clip?.chunks[0]?.data as Buffer)).toBe(true);
    expect(clip?.bytes).toBe(6 * P);
    // PAT and PMT come first so a decoder can start on the clip alone.
    expect(parseTsHeader(clip?.prefix as Buffer, 0).pid).toBe(0);
    expect(parseTsHeader(clip?.prefix as Buffer, P).pid).toBe(0x1000);
  });

  it('starts a clip at the first GOP at or after now - seconds', () => {
    const buf = new ReplayBuffer({ maxAgeMs: 60_000, maxBytes: 1 << 20 });
    const end = feed(buf, 20, 12, 500); // GOPs start at 0, 500, …, 9500
    const clip = buf.clip(5, end); // cutoff 5000
    expect(clip?.startAt).toBe(5000);
    expect(clip?.endAt).toBeLessThan(end);
    expect(clip?.endAt).toBeGreaterThan(end - 500);
    expect(buf.clip(4.9, end)?.startAt).toBe(5500);
    expect(buf.clip(120, end)?.startAt).toBe(0); // asks for more than is kept: everything
    // Nothing started in the window (source silent for a while): no clip.
    expect(buf.clip(5, end + 20_000)).toBeNull();
  });

  it('stays within its byte cap, dropping the oldest whole GOPs', () => {
    const gopBytes = 30 * P;
    const cap = 10 * gopBytes + 100;
    const buf = new ReplayBuffer({ maxAgeMs: 60_000, maxBytes: cap });
    let t = 0;
    let peak = 0;
    for (let g = 0; g < 50; g++) {
      t = feed(buf, 1, 30, 500, t);
      peak = Math.max(peak, buf.bytes);
      expect(buf.bytes).toBeLessThanOrEqual(cap);
    }
    expect(peak).toBeGreaterThan(cap - gopBytes);
    expect(buf.gopCount).toBe(10);
    const clip = buf.clip(60, t);
    // Every clip still starts on a GOP boundary.
    expect(startsWithSequenceHeader(clip?.chunks[0]?.data as Buffer)).toBe(true);
    expect(clip?.startAt).toBe(t - 10 * 500);
  });

  it('drops a single GOP bigger than the cap and waits for the next sequence header', () => {
    const buf = new ReplayBuffer({ maxAgeMs: 60_000, maxBytes: 10 * P });
    buf.push(Buffer.concat([seqHeader(), cont(4)]), 0);
    buf.push(cont(8), 10); // the GOP grows past the cap
    expect(buf.bytes).toBe(0);
    buf.push(cont(2), 20); // still the same (dropped) GOP: not kept
    expect(buf.bytes).toBe(0);
    buf.push(Buffer.concat([seqHeader(), cont(1)]), 30);
    expect(buf.bytes).toBe(2 * P);
    expect(buf.clip(1, 40)?.startAt).toBe(30);
  });

  it('keeps about maxAgeMs: older GOPs go, the one straddling the limit stays', () => {
    const buf = new ReplayBuffer({ maxAgeMs: 10_000, maxBytes: 1 << 24 });
    const end = feed(buf, 60, 6, 500); // 30 s of GOPs
    expect(buf.spanMs).toBeGreaterThanOrEqual(10_000);
    expect(buf.spanMs).toBeLessThan(10_000 + 500 + 500);
    expect(buf.clip(120, end)?.startAt).toBeGreaterThanOrEqual(end - 10_000);
  });

  it('after a source restart, waits for the new run to reach a sequence header; clear() empties it', () => {
    const buf = new ReplayBuffer({ maxAgeMs: 60_000, maxBytes: 1 << 20 });
    feed(buf, 2, 6, 500);
    const before = buf.bytes;
    const clipBefore = buf.clip(60, 1000);
    buf.discontinuity();
    buf.push(Buffer.concat([picture(), cont(2)]), 1100); // mid-GOP output of the new run
    expect(buf.bytes).toBe(before);
    buf.push(Buffer.concat([seqHeader(), cont(2)]), 1200);
    expect(buf.bytes).toBe(before + 3 * P);
    buf.clear();
    expect(buf.bytes).toBe(0);
    expect(buf.clip(60, 1300)).toBeNull();
    // A clip taken before clear() is unaffected.
    expect(clipBefore?.bytes).toBe(before);
    expect(clipBefore?.chunks[0]?.data.length).toBeGreaterThan(0);
  });
});
