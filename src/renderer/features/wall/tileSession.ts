import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { StreamKind } from '../../../shared/domain/catalogue';
import type { StreamSource } from '../../../shared/domain/stream';
import { DisposableStore, type Disposable } from '../../../shared/lifecycle';
import { createPlayer, type Player, type PlayerStats } from '../../media';

export type TilePhase = 'connecting' | 'playing' | 'stalled' | 'retrying' | 'failed';

export type TileView = {
  phase: TilePhase;
  kind: StreamKind | null;
  /** Why the last attempt failed, in words for the operator. */
  message: string | null;
  attempt: number;
  retryInMs: number | null;
  stats: PlayerStats | null;
};

/** Back-off between attempts: quick first retries (a restarted server is back within seconds), capped. */
export const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 5_000] as const;

/**
 * Plays one channel in one tile and keeps it playing: asks the host for a stream, creates the
 * player for its transport, and when the player fails (stream or server gone) releases everything
 * and tries again with back-off, forever, until disposed. A plain class so React only mounts it.
 */
export class TileSession implements Disposable {
  private attemptScope = new DisposableStore();
  private player: Player | null = null;
  private source: StreamSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private view: TileView = { phase: 'connecting', kind: null, message: null, attempt: 0, retryInMs: null, stats: null };

  constructor(
    private readonly api: ConsoleApi,
    private readonly channelId: string,
    private readonly accept: StreamKind[],
    private readonly container: HTMLElement,
    private readonly onView: (view: TileView) => void,
    private readonly options: { useWebGL?: boolean; profile?: 'main' | 'sub' } = {},
  ) {}

  /** The player of the current attempt (snapshot, recording), or null between attempts. */
  get currentPlayer(): Player | null {
    return this.player;
  }

  start(): void {
    void this.attempt();
  }

  private async attempt(): Promise<void> {
    if (this.disposed) return;
    this.update({ phase: 'connecting', retryInMs: null, stats: null });
    let source: StreamSource;
    try {
      source = await this.api.openStream({ channelId: this.channelId, accept: this.accept, profile: this.options.profile ?? 'main' });
    } catch (err) {
      this.fail(err instanceof ConsoleError || err instanceof Error ? err.message : String(err));
      return;
    }
    if (this.disposed) {
      void this.api.closeStream({ sessionId: source.sessionId }).catch(() => undefined);
      return;
    }
    this.source = source;
    const player = createPlayer(source, this.options.useWebGL === undefined ? {} : { useWebGL: this.options.useWebGL });
    this.player = player;
    this.attemptScope.add(
      player.onState((state, error) => {
        if (state === 'playing') this.update({ phase: 'playing', attempt: 0, message: null });
        if (state === 'stalled') this.update({ phase: 'stalled' });
        if (state === 'failed') this.fail(error ? `${error.code}: ${error.message}` : 'failed');
      }),
    );
    this.attemptScope.add(player.onStats((stats) => this.update({ stats })));
    this.update({ kind: source.kind });
    player.mount(this.container);
  }

  private fail(message: string): void {
    if (this.disposed) return;
    this.releaseAttempt();
    const attempt = this.view.attempt + 1;
    const delay = RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]!;
    this.update({ phase: 'retrying', message, attempt, retryInMs: delay, stats: null });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.attempt();
    }, delay);
  }

  private releaseAttempt(): void {
    this.attemptScope.dispose();
    this.attemptScope = new DisposableStore();
    this.player?.dispose();
    this.player = null;
    if (this.source) {
      const sessionId = this.source.sessionId;
      this.source = null;
      void this.api.closeStream({ sessionId }).catch(() => undefined);
    }
  }

  private update(patch: Partial<TileView>): void {
    this.view = { ...this.view, ...patch };
    if (!this.disposed) this.onView(this.view);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.releaseAttempt();
  }
}
