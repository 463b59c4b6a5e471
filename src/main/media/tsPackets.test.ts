import { describe, expect, it } from 'vitest';
import { GopCache, parseTsHeader, startsWithSequenceHeader, TS_PACKET_SIZE, TsAligner } from './tsPackets';

/** Builds one TS packet; `payload` is placed after the 4-byte header, rest stuffed with 0xff. */
function packet(pid: number, pusi: boolean, payload: number[] = []): Buffer {
  const p = Buffer.alloc(TS_PACKET_SIZE, 0xff);
  p[0] = 0x47;
  p[1] = (pusi ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  p[2] = pid & 0xff;
  p[3] = 0x10; // payload only
  Buffer.from(payload).copy(p, 4);
  return p;
}
const PES_VIDEO = [0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5, 0x21, 0, 1, 0, 1];
const seqHeaderPacket = () => packet(0x100, true, [...PES_VIDEO, 0, 0, 1, 0xb3, 0x28, 0x01, 0x68]);
const picturePacket = () => packet(0x100, true, [...PES_VIDEO, 0, 0, 1, 0x00, 0x00, 0x0f]);
const contPacket = () => packet(0x100, false, [1, 2, 3]);
// PAT: pointer 0, table 0, section_length 13, tsid 1, version, sec 0/0, program 1 -> PMT pid 0x1000
const patPacket = () => packet(0, true, [0, 0x00, 0xb0, 13, 0, 1, 0xc1, 0, 0, 0, 1, 0xf0, 0x00, 0, 0, 0, 0]);
const pmtPacket = () => packet(0x1000, true, [0, 0x02]);

describe('TsAligner', () => {
  it('re-aligns arbitrary chunking and skips leading garbage', () => {
    const stream = Buffer.concat([Buffer.from([1, 2, 3]), seqHeaderPacket(), contPacket(), picturePacket()]);
    const a = new TsAligner();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 100) out.push(a.push(stream.subarray(i, i + 100)));
    const all = Buffer.concat(out);
    expect(all.length).toBe(3 * TS_PACKET_SIZE);
    expect(all[0]).toBe(0x47);
    expect(a.droppedBytes).toBe(3);
    for (const b of out) expect(b.length % TS_PACKET_SIZE).toBe(0);
  });
});

describe('sequence header detection', () => {
  it('finds 00 00 01 B3 only at the start of a video PES', () => {
    expect(startsWithSequenceHeader(seqHeaderPacket())).toBe(true);
    expect(startsWithSequenceHeader(picturePacket())).toBe(false);
    expect(startsWithSequenceHeader(contPacket())).toBe(false);
    expect(parseTsHeader(seqHeaderPacket())).toEqual({ pid: 0x100, payloadUnitStart: true, payloadOffset: 4 });
  });
});

describe('GopCache', () => {
  it('keeps PAT, PMT and the packets since the last sequence header', () => {
    const c = new GopCache();
    expect(c.push(Buffer.concat([patPacket(), pmtPacket(), contPacket()]))).toBe(false);
    expect(c.snapshot()).toBeNull();
    expect(c.push(Buffer.concat([seqHeaderPacket(), contPacket()]))).toBe(true);
    c.push(picturePacket());
    const snap = c.snapshot();
    expect(snap?.length).toBe(5 * TS_PACKET_SIZE);
    expect(parseTsHeader(snap as Buffer, 0).pid).toBe(0);
    expect(parseTsHeader(snap as Buffer, TS_PACKET_SIZE).pid).toBe(0x1000);
    expect(startsWithSequenceHeader(snap as Buffer, 2 * TS_PACKET_SIZE)).toBe(true);
    // A new GOP replaces the old one.
    c.push(Buffer.concat([contPacket(), seqHeaderPacket()]));
    expect(c.snapshot()?.length).toBe(3 * TS_PACKET_SIZE);
  });

  it('is bounded: an oversized GOP is dropped until the next header', () => {
    const c = new GopCache(3 * TS_PACKET_SIZE);
    c.push(seqHeaderPacket());
    for (let i = 0; i < 5; i++) c.push(contPacket());
    expect(c.snapshot()).toBeNull();
    expect(c.size).toBe(0);
    c.push(seqHeaderPacket());
    expect(c.snapshot()?.length).toBe(TS_PACKET_SIZE);
  });
});
