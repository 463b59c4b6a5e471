import type { VodPlayer, VodStatus } from '../../media/vodPlayer';

/** Beyond this drift (ms of wall time, per 1x of speed) a follower seeks instead of trimming its rate. */
const SEEK_DRIFT_MS = 800;

export type GroupSnapshot = { clockMs: number; playing: boolean; speed: number; tiles: Record<string, VodStatus> };

/**
 * Up to four channels' playback, in step: one wall clock, every player following it when `sync` is on.
 * The clock follows the first player that is actually playing (so buffering never lets the clock run away);
 * players inside a gap of their recordings wait and join when the clock reaches their next recording; when
 * every player is in a gap the clock jumps to the earliest next recording.
 */
export class PlaybackGroup {
  private readonly players = new Map<string, VodPlayer>();
  private clockMs = 0;
  private playing = false;
  private speed = 1;
  private sync = true;
  /** The tile whose time the clock shows when sync is off. */
  private active: string | null = null;

  setSync(on: boolean): void {
    this.sync = on;
  }

  setActive(channelId: string | null): void {
    this.active = channelId;
  }

  add(channelId: string, player: VodPlayer): void {
    this.players.set(channelId, player);
    void player.setRate(this.speed);
    if (this.clockMs > 0) void player.seekWall(this.clockMs);
    if (this.playing) player.play();
  }

  remove(channelId: string): void {
    this.players.delete(channelId);
  }

  get time(): number {
    return this.clockMs;
  }

  /** Moves every player (or, without sync, the active one) to wall-clock `ms`. */
  async seek(ms: number): Promise<void> {
    this.clockMs = ms;
    const targets = this.sync ? [...this.players.values()] : [this.activePlayer()].filter((p): p is VodPlayer => p !== null);
    await Promise.all(targets.map((p) => p.seekWall(ms)));
  }

  play(): void {
    this.playing = true;
    for (const p of this.targets()) p.play();
  }

  pause(): void {
    this.playing = false;
    for (const p of this.targets()) p.pause();
  }

  async setSpeed(speed: number): Promise<void> {
    this.speed = speed;
    await Promise.all([...this.players.values()].map((p) => p.setRate(speed)));
  }

  step(direction: 1 | -1): void {
    this.playing = false;
    for (const p of this.targets()) p.step(direction);
  }

  player(channelId: string): VodPlayer | undefined {
    return this.players.get(channelId);
  }

  /** Called a few times a second: advances the clock, keeps followers in step, reports every tile. */
  tick(): GroupSnapshot {
    const statuses = new Map([...this.players].map(([id, p]) => [id, p.status()] as const));
    if (!this.sync) {
      const active = this.activePlayer();
      const wall = active?.wallTime();
      if (wall !== null && wall !== undefined) this.clockMs = wall;
    } else if (this.playing) {
      const leader = [...this.players].find(([id]) => statuses.get(id)?.phase === 'playing');
      const leaderWall = leader ? leader[1].wallTime() : null;
      if (leaderWall !== null) this.clockMs = leaderWall;
      else {
        const waiting = [...this.players.values()];
        const allGap = waiting.length > 0 && waiting.every((p) => statuses.get(p.session.source.channelId)?.phase === 'gap');
        if (allGap) {
          const next = Math.min(...waiting.map((p) => p.nextRecordingAfter(this.clockMs) ?? Infinity));
          if (Number.isFinite(next)) void this.seek(next);
        }
      }
      for (const [id, p] of this.players) {
        if (leader && id === leader[0]) continue;
        const st = statuses.get(id);
        if (!st) continue;
        if (st.phase === 'gap') {
          // A player in a gap waits at the start of its next recording: join once the clock gets there.
          const waitsAt = p.wallTime() ?? Infinity;
          if (this.clockMs >= waitsAt) void p.seekWall(this.clockMs).then(() => p.resumeFromGap());
          continue;
        }
        if (st.phase !== 'playing' && st.phase !== 'paused') continue;
        const wall = p.wallTime();
        if (wall === null) continue;
        const drift = wall - this.clockMs;
        if (Math.abs(drift) > SEEK_DRIFT_MS * Math.max(1, this.speed)) void p.seekWall(this.clockMs);
        else p.trim(drift);
      }
    }
    const tiles: Record<string, VodStatus> = {};
    for (const [id, st] of statuses) tiles[id] = st;
    return { clockMs: this.clockMs, playing: this.playing, speed: this.speed, tiles };
  }

  private activePlayer(): VodPlayer | null {
    return (this.active ? this.players.get(this.active) : undefined) ?? this.players.values().next().value ?? null;
  }

  private targets(): VodPlayer[] {
    if (this.sync) return [...this.players.values()];
    const a = this.activePlayer();
    return a ? [a] : [];
  }
}
