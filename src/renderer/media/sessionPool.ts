import { Emitter, toDisposable, type Disposable } from '../../shared/lifecycle';

/** Creates and destroys one kind of shared session (e.g. a Janus session per server URL). */
export type SessionFactory<S, P> = {
  /** Resolve when usable; after resolving, call `onLost` once if the session dies on its own. */
  create(params: P, onLost: (reason: string) => void): Promise<S>;
  /** Local teardown; must not throw and must tolerate an already dead session. */
  destroy(session: S): void;
};

/** A counted reference to a shared session. */
export type Lease<S> = Disposable & {
  readonly session: S;
  /** Fires once if the session dies (also, asynchronously, if it was already dead). */
  onLost(listener: (reason: string) => void): Disposable;
};

type Entry<S> = {
  key: string;
  ready: Promise<S>;
  session: S | null;
  refs: number;
  dead: string | null;
  lost: Emitter<string>;
  idleTimer: ReturnType<typeof setTimeout> | null;
};

/**
 * Ref-counted sessions keyed by `keyOf(params)`. The last release destroys the session after
 * `idleMs` (so a tile swap does not churn sessions); a dead session is dropped at once and
 * the next acquire creates a fresh one.
 */
export class SessionPool<S, P> implements Disposable {
  private readonly entries = new Map<string, Entry<S>>();
  private disposed = false;

  constructor(
    private readonly factory: SessionFactory<S, P>,
    private readonly keyOf: (params: P) => string,
    private readonly idleMs = 3000,
  ) {}

  /** Number of live (or connecting) sessions, for tests and diagnostics. */
  get size(): number {
    return this.entries.size;
  }

  refCount(params: P): number {
    return this.entries.get(this.keyOf(params))?.refs ?? 0;
  }

  async acquire(params: P): Promise<Lease<S>> {
    if (this.disposed) throw new Error('Session pool is disposed');
    const key = this.keyOf(params);
    let entry = this.entries.get(key);
    if (!entry || entry.dead) entry = this.createEntry(key, params);
    entry.refs++;
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    }
    let session: S;
    try {
      session = await entry.ready;
    } catch (err) {
      entry.refs--;
      throw err;
    }
    return this.lease(entry, session);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const entry of [...this.entries.values()]) this.destroyEntry(entry);
  }

  private createEntry(key: string, params: P): Entry<S> {
    const entry: Entry<S> = { key, ready: Promise.resolve(null as never), session: null, refs: 0, dead: null, lost: new Emitter(), idleTimer: null };
    this.entries.set(key, entry);
    entry.ready = this.factory
      .create(params, (reason) => this.markDead(entry, reason))
      .then(
        (session) => {
          entry.session = session;
          if (this.disposed || entry.dead) {
            this.factory.destroy(session);
            throw new Error(entry.dead ?? 'Session pool is disposed');
          }
          return session;
        },
        (err: unknown) => {
          if (this.entries.get(key) === entry) this.entries.delete(key);
          entry.dead = err instanceof Error ? err.message : String(err);
          throw err;
        },
      );
    return entry;
  }

  private lease(entry: Entry<S>, session: S): Lease<S> {
    let released = false;
    const subs = new Set<Disposable>();
    return {
      session,
      onLost: (listener) => {
        if (entry.dead !== null) {
          const reason = entry.dead;
          let cancelled = false;
          queueMicrotask(() => !cancelled && !released && listener(reason));
          return toDisposable(() => (cancelled = true));
        }
        const sub = entry.lost.event(listener);
        subs.add(sub);
        return toDisposable(() => {
          subs.delete(sub);
          sub.dispose();
        });
      },
      dispose: () => {
        if (released) return;
        released = true;
        for (const s of subs) s.dispose();
        subs.clear();
        entry.refs--;
        if (entry.refs === 0 && entry.dead === null) {
          entry.idleTimer = setTimeout(() => {
            entry.idleTimer = null;
            if (entry.refs === 0) this.destroyEntry(entry);
          }, this.idleMs);
        }
      },
    };
  }

  private markDead(entry: Entry<S>, reason: string): void {
    if (entry.dead !== null) return;
    entry.dead = reason;
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    entry.lost.fire(reason);
    entry.lost.dispose();
    if (entry.session) this.factory.destroy(entry.session);
  }

  private destroyEntry(entry: Entry<S>): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    if (entry.dead === null) entry.dead = 'released';
    entry.lost.dispose();
    if (entry.session) this.factory.destroy(entry.session);
  }
}
