import { describe, expect, it } from 'vitest';
import { mediaTimeAt, wallTimeAt, type PlaybackSession, type TimelinePiece } from '../../../shared/domain/playback';
import type { VodPhase, VodPlayer, VodStatus } from '../../media/vodPlayer';
import { PlaybackGroup } from './playbackGroup';

const T = 1_795_500_000_000;

/**
 * A player reduced to its timeline arithmetic (no <video> in this test environment): media time moves only when
 * the test says so. It records the group's seeks and rate trims.
 */
class TimelinePlayer {
  t = 0;
  phase: VodPhase = 'paused';
  seeks: number[] = [];
  trims: number[] = [];
  readonly session: PlaybackSession;
  constructor(channelId: string, readonly timeline: TimelinePiece[]) {
    this.session = { source: { kind: 'hls', sessionId: channelId, channelId, url: 'http://127.0.0.1:1/x.m3u8' }, control: 'client', timeline };
  }
  wallTime(): number | null {
    return wallTimeAt(this.timeline, this.t);
  }
  async seekWall(ms: number): Promise<'ok' | 'gap' | 'end'> {
    this.seeks.push(ms);
    const at = mediaTimeAt(this.timeline, ms);
    if (!at) return 'end';
    this.t = at.t;
    this.phase = at.inGap ? 'gap' : 'paused';
    return at.inGap ? 'gap' : 'ok';
  }
  nextRecordingAfter(ms: number): number | null {
    return this.timeline.find((p) => p.start > ms)?.start ?? null;
  }
  play(): void {
    if (this.phase !== 'gap') this.phase = 'playing';
  }
  pause(): void {
    if (this.phase !== 'gap') this.phase = 'paused';
  }
  resumeFromGap(): void {
    this.phase = 'playing';
  }
  async setRate(): Promise<void> {}
  step(): void {}
  trim(drift: number): void {
    this.trims.push(drift);
  }
  status(): VodStatus {
    return { phase: this.phase, wallMs: this.wallTime(), frames: 0, rate: 1, message: null };
  }
}

const asPlayer = (p: TimelinePlayer) => p as unknown as VodPlayer;

describe('playback group (sync of up to four channels)', () => {
  it('follows the playing leader; a follower drifting a little is trimmed, a lot is re-seeked', async () => {
    const g = new PlaybackGroup();
    const a = new TimelinePlayer('a', [{ start: T, mediaStart: 0, duration: 600 }]);
    const b = new TimelinePlayer('b', [{ start: T, mediaStart: 0, duration: 600 }]);
    g.add('a', asPlayer(a));
    g.add('b', asPlayer(b));
    await g.seek(T + 10_000);
    g.play();
    a.t = 12;
    b.t = 11.98;
    expect(g.tick().clockMs).toBe(T + 12_000);
    expect(b.trims).toEqual([-20]);
    b.t = 9;
    b.seeks = [];
    g.tick();
    expect(b.seeks).toEqual([T + 12_000]);
  });

  it('a channel in a gap waits, and joins when the clock reaches its next recording', async () => {
    const g = new PlaybackGroup();
    const a = new TimelinePlayer('a', [{ start: T, mediaStart: 0, duration: 600 }]);
    const b = new TimelinePlayer('b', [
      { start: T, mediaStart: 0, duration: 5 },
      { start: T + 20_000, mediaStart: 5, duration: 60 },
    ]);
    g.add('a', asPlayer(a));
    g.add('b', asPlayer(b));
    await g.seek(T + 10_000);
    expect(b.phase).toBe('gap');
    g.play();
    a.t = 15;
    g.tick();
    expect(b.phase).toBe('gap');
    a.t = 20.1;
    g.tick();
    await Promise.resolve();
    await Promise.resolve();
    expect(b.seeks.at(-1)).toBe(T + 20_100);
    expect(b.phase).toBe('playing');
  });

  it('when every channel is in a gap the clock jumps to the earliest next recording', async () => {
    const g = new PlaybackGroup();
    const a = new TimelinePlayer('a', [
      { start: T, mediaStart: 0, duration: 5 },
      { start: T + 300_000, mediaStart: 5, duration: 60 },
    ]);
    g.add('a', asPlayer(a));
    await g.seek(T + 60_000);
    g.play();
    g.tick();
    await Promise.resolve();
    expect(g.time).toBe(T + 300_000);
    expect(a.seeks.at(-1)).toBe(T + 300_000);
  });
});
