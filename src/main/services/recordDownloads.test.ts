import { describe, expect, it } from 'vitest';
import { concatList } from './recordDownloads';
import type { VodSegment } from '../media/vodPlaylist';

const T = Date.UTC(2026, 10, 24, 1, 0, 0);
const seg = (start: number, end: number): VodSegment => ({ start, end, file: { url: 'x', container: 'mpegts' } });

describe('download concat list', () => {
  it('trims the first and last segment to the span and leaves gaps out of the duration', () => {
    const segments = [seg(T, T + 6000), seg(T + 6000, T + 12_000), seg(T + 60_000, T + 66_000)];
    const urls = ['http://127.0.0.1:1/pb/t/seg/0.ts', 'http://127.0.0.1:1/pb/t/seg/1.ts', 'http://127.0.0.1:1/pb/t/seg/2.ts'];
    const { text, seconds } = concatList(urls, segments, T + 4000, T + 63_000);
    expect(text.split('\n')).toEqual([
      'ffconcat version 1.0',
      `file '${urls[0]}'`,
      'inpoint 4.000',
      `file '${urls[1]}'`,
      `file '${urls[2]}'`,
      'outpoint 3.000',
      '',
    ]);
    expect(seconds).toBeCloseTo(2 + 6 + 3, 5);
  });

  it('skips segments entirely outside the span', () => {
    const { text, seconds } = concatList(['a', 'b'], [seg(T, T + 6000), seg(T + 6000, T + 12_000)], T + 7000, T + 8000);
    expect(text).toBe("ffconcat version 1.0\nfile 'b'\ninpoint 1.000\noutpoint 2.000\n");
    expect(seconds).toBeCloseTo(1, 5);
  });
});
