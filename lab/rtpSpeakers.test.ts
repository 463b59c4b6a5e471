import { describe, expect, it } from 'vitest';
import { alaw, rtpPayload, ulaw } from './rtpSpeakers';

describe('RTP speaker decoding', () => {
  it('G.711 μ-law and A-law decode to the standard values', () => {
    expect(ulaw(0xff)).toBe(0);
    expect(ulaw(0x7f)).toBe(0);
    expect(ulaw(0x80)).toBe(32124);
    expect(ulaw(0x00)).toBe(-32124);
    expect(alaw(0xd5)).toBe(8);
    expect(alaw(0x55)).toBe(-8);
    expect(alaw(0xaa)).toBe(32256);
    expect(alaw(0x2a)).toBe(-32256);
  });

  it('takes the payload after the header, CSRCs, extension and padding', () => {
    const plain = Buffer.from([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 8, 7]);
    expect([...rtpPayload(plain)!]).toEqual([9, 8, 7]);
    const withAll = Buffer.from([0xb1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 0xbe, 0xde, 0, 1, 5, 6, 7, 8, 9, 8, 7, 0, 2]);
    expect([...rtpPayload(withAll)!]).toEqual([9, 8, 7]);
    expect(rtpPayload(Buffer.from([0x40, 0, 0]))).toBeNull();
  });
});
