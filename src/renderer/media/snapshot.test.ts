import { describe, expect, it } from 'vitest';
import { bytesToBase64, captionLayout, fitText, formatSnapshotTime } from './snapshot';

describe('captionLayout', () => {
  it('puts a bar of about 6 % below the untouched frame', () => {
    expect(captionLayout(1280, 720)).toEqual({ width: 1280, height: 763, barTop: 720, barHeight: 43, fontPx: 26, padding: 16 });
    expect(captionLayout(1920, 1080).barHeight).toBe(65);
  });

  it('keeps the bar readable on small frames and modest on huge ones', () => {
    expect(captionLayout(352, 288).barHeight).toBe(24);
    expect(captionLayout(7680, 4320).barHeight).toBe(96);
  });
});

describe('fitText', () => {
  // One unit per character: CJK and Latin alike, enough to check the search.
  const measure = (s: string): number => Array.from(s).length;

  it('leaves text that fits alone', () => {
    expect(fitText('王庄煤矿 主井口', 8, measure)).toBe('王庄煤矿 主井口');
  });

  it('shortens with an ellipsis to the longest prefix that fits', () => {
    expect(fitText('王庄煤矿 主井口 1号摄像机', 8, measure)).toBe('王庄煤矿 主井…');
    expect(fitText('abcdef', 2, measure)).toBe('a…');
    expect(fitText('abcdef', 1, measure)).toBe('…');
    expect(fitText('abcdef', 0, measure)).toBe('');
  });

  it('never splits a surrogate pair', () => {
    expect(fitText('𠀀𠀁𠀂𠀃', 3, measure)).toBe('𠀀𠀁…');
  });
});

describe('bytesToBase64', () => {
  it('matches Node for small and large inputs', () => {
    const small = new Uint8Array([0, 1, 2, 250, 255]);
    expect(bytesToBase64(small)).toBe(Buffer.from(small).toString('base64'));
    const big = new Uint8Array(300_001).map((_, i) => (i * 31) & 0xff);
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString('base64'));
    expect(bytesToBase64(new Uint8Array(0))).toBe('');
  });
});

describe('formatSnapshotTime', () => {
  it('formats local time with zero padding', () => {
    expect(formatSnapshotTime(new Date(2025, 0, 31, 8, 5, 9))).toBe('2025-01-31 08:05:09');
  });
});
