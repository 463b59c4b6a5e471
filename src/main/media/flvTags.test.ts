import { describe, expect, it } from 'vitest';
import { FLV_TAG_SCRIPT, FLV_TAG_VIDEO, FlvCache, parseFlv, videoTagInfo } from './flvTags';

const HEADER = Buffer.from([0x46, 0x4c, 0x56, 1, 0x01, 0, 0, 0, 9, 0, 0, 0, 0]);

function tag(type: number, ts: number, data: number[]): Buffer {
  const body = Buffer.from(data);
  const t = Buffer.alloc(11 + body.length + 4);
  t[0] = type;
  t.writeUIntBE(body.length, 1, 3);
  t.writeUIntBE(ts & 0xffffff, 4, 3);
  t[7] = (ts >>> 24) & 0xff;
  body.copy(t, 11);
  t.writeUInt32BE(11 + body.length, 11 + body.length);
  return t;
}
const meta = (ts = 0) => tag(FLV_TAG_SCRIPT, ts, [2, 0, 10]);
const avcConfig = (ts = 0) => tag(FLV_TAG_VIDEO, ts, [0x17, 0, 0, 0, 0, 1]);
const key = (ts: number) => tag(FLV_TAG_VIDEO, ts, [0x17, 1, 0, 0, 0, 0xaa]);
const inter = (ts: number) => tag(FLV_TAG_VIDEO, ts, [0x27, 1, 0, 0, 0, 0xbb]);

describe('FlvCache', () => {
  it('passes whole tags from the first keyframe on, whatever the chunking, and snapshots header + config + GOP', () => {
    const stream = Buffer.concat([HEADER, meta(), avcConfig(), inter(0), key(40), inter(80), key(120), inter(160)]);
    const cache = new FlvCache();
    const out: Buffer[] = [];
    let starts = 0;
    for (let i = 0; i < stream.length; i += 7) {
      const r = cache.push(stream.subarray(i, i + 7));
      out.push(r.data);
      if (r.sawStart) starts++;
    }
    expect(starts).toBe(2);
    const tags = parseFlv(Buffer.concat([HEADER, ...out])).tags;
    // The inter frame before the first keyframe is dropped; the config passes; no script tag for started viewers.
    expect(tags.map((t) => t.timestamp)).toEqual([0, 40, 80, 120, 160]);
    expect(videoTagInfo(tags[0]!.data).avcPacketType).toBe(0);
    const snap = parseFlv(cache.snapshot()!);
    expect(snap.header).toBe(true);
    expect(snap.tags.map((t) => [t.type, t.timestamp])).toEqual([
      [FLV_TAG_SCRIPT, 0],
      [FLV_TAG_VIDEO, 0],
      [FLV_TAG_VIDEO, 120],
      [FLV_TAG_VIDEO, 160],
    ]);
  });

  it('has no snapshot before a keyframe, and after a restart swallows the new header and continues the timestamps', () => {
    const cache = new FlvCache();
    cache.push(Buffer.concat([HEADER, meta(), avcConfig(), inter(0)]));
    expect(cache.snapshot()).toBeNull();
    cache.push(Buffer.concat([key(1000), inter(1040)]));
    cache.restart();
    const r = cache.push(Buffer.concat([HEADER, meta(), avcConfig(0), key(0), inter(40)]));
    expect(r.data.indexOf('FLV', 0, 'latin1')).toBe(-1);
    const tags = parseFlv(Buffer.concat([HEADER, r.data])).tags;
    expect(tags.map((t) => t.timestamp)).toEqual([1080, 1080, 1120]);
    expect(tags.every((t) => t.type === FLV_TAG_VIDEO)).toBe(true);
    // A late viewer gets the first run's header with the new GOP.
    expect(parseFlv(cache.snapshot()!).tags.map((t) => t.timestamp)).toEqual([0, 1080, 1080, 1120]);
  });

  it('reads 32-bit timestamps (extended byte) and drops the GOP when it outgrows the cap', () => {
    const cache = new FlvCache(40);
    cache.push(Buffer.concat([HEADER, key(0x01000010), inter(0x01000050), inter(0x01000090)]));
    expect(cache.snapshot()).toBeNull();
    expect(parseFlv(Buffer.concat([HEADER, key(0x01000010)])).tags[0]!.timestamp).toBe(0x01000010);
  });
});
