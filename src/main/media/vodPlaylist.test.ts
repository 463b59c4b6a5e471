import { describe, expect, it } from 'vitest';
import { mediaTimeAt, wallTimeAt } from '../../shared/domain/playback';
import { buildVodPlaylist, type VodSegment } from './vodPlaylist';

const ts = (start: number, end: number): VodSegment => ({ start, end, file: { url: `http://127.0.0.1:1/${start}.ts`, container: 'mpegts' } });
const T = Date.UTC(2026, 10, 24, 1, 0, 0);

describe('VOD playlist over recorded segments', () => {
  it('joins contiguous segments into one timeline piece and cuts gaps out of media time', () => {
    const { playlist, timeline } = buildVodPlaylist([ts(T, T + 6000), ts(T + 6000, T + 12_000), ts(T + 60_000, T + 66_000)]);
    expect(timeline).toEqual([
      { start: T, mediaStart: 0, duration: 12 },
      { start: T + 60_000, mediaStart: 12, duration: 6 },
    ]);
    const lines = playlist.split('\n');
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(1);
    expect(lines.indexOf('#EXT-X-DISCONTINUITY')).toBe(lines.indexOf('seg/2.ts') - 3);
    expect(lines).toContain('#EXT-X-TARGETDURATION:6');
    expect(lines).toContain('#EXT-X-ENDLIST');
    expect(lines).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(T + 60_000).toISOString()}`);

    // Wall clock <-> media time, with the gap skipped forward.
    expect(wallTimeAt(timeline, 13)).toBe(T + 61_000);
    expect(mediaTimeAt(timeline, T + 3000)).toEqual({ t: 3, inGap: false });
    expect(mediaTimeAt(timeline, T + 30_000)).toEqual({ t: 12, inGap: true });
    expect(mediaTimeAt(timeline, T + 70_000)).toBeNull();
  });

  it('marks every remuxed MP4 file as a discontinuity (its timestamps start at zero)', () => {
    const mp4 = (start: number, end: number): VodSegment => ({ start, end, file: { url: 'http://127.0.0.1:1/a.mp4', container: 'mp4' } });
    const { playlist, timeline } = buildVodPlaylist([mp4(T, T + 10_000), mp4(T + 10_000, T + 20_000)]);
    expect(playlist.split('\n').filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(1);
    expect(timeline).toHaveLength(2);
  });
});
