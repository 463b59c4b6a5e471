import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionPool, type SessionFactory } from './sessionPool';

type FakeSession = { id: number; server: string; destroyed: boolean; kill(reason: string): void };

function fakeFactory(opts: { failFor?: string } = {}) {
  let next = 1;
  const created: FakeSession[] = [];
  const factory: SessionFactory<FakeSession, { server: string }> = {
    async create({ server }, onLost) {
      await Promise.resolve();
      if (server === opts.failFor) throw new Error('connect refused');
      const s: FakeSession = { id: next++, server, destroyed: false, kill: (reason) => onLost(reason) };
      created.push(s);
      return s;
    },
    destroy(s) {
      s.destroyed = true;
    },
  };
  return { factory, created };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionPool', () => {
  it('shares one session per key and counts references', async () => {
    const { factory, created } = fakeFactory();
    const pool = new SessionPool(factory, (p) => p.server, 0);
    const [a, b] = await Promise.all([pool.acquire({ server: 'ws://x' }), pool.acquire({ server: 'ws://x' })]);
    const c = await pool.acquire({ server: 'ws://y' });
    expect(a.session).toBe(b.session);
    expect(c.session).not.toBe(a.session);
    expect(created).toHaveLength(2);
    expect(pool.refCount({ server: 'ws://x' })).toBe(2);
    a.dispose();
    a.dispose(); // idempotent
    expect(pool.refCount({ server: 'ws://x' })).toBe(1);
    pool.dispose();
  });

  it('destroys a session after the idle delay once the last lease is released, unless re-acquired', async () => {
    vi.useFakeTimers();
    const { factory, created } = fakeFactory();
    const pool = new SessionPool(factory, (p) => p.server, 1000);
    const a = await pool.acquire({ server: 'ws://x' });
    a.dispose();
    vi.advanceTimersByTime(500);
    const b = await pool.acquire({ server: 'ws://x' });
    expect(b.session).toBe(a.session);
    vi.advanceTimersByTime(2000);
    expect(created[0]?.destroyed).toBe(false);
    b.dispose();
    vi.advanceTimersByTime(1000);
    expect(created[0]?.destroyed).toBe(true);
    expect(pool.size).toBe(0);
  });

  it('tells every lease when the session dies, drops it, and creates a fresh one next time', async () => {
    const { factory, created } = fakeFactory();
    const pool = new SessionPool(factory, (p) => p.server, 0);
    const a = await pool.acquire({ server: 'ws://x' });
    const b = await pool.acquire({ server: 'ws://x' });
    const lost: string[] = [];
    a.onLost((r) => lost.push(`a:${r}`));
    b.onLost((r) => lost.push(`b:${r}`));
    created[0]?.kill('Lost connection');
    expect(lost).toEqual(['a:Lost connection', 'b:Lost connection']);
    expect(created[0]?.destroyed).toBe(true);
    expect(pool.size).toBe(0);
    // A subscription made after death still hears about it.
    const late: string[] = [];
    a.onLost((r) => late.push(r));
    await Promise.resolve();
    expect(late).toEqual(['Lost connection']);
    const c = await pool.acquire({ server: 'ws://x' });
    expect(c.session.id).not.toBe(a.session.id);
    a.dispose();
    b.dispose();
    expect(c.session.destroyed).toBe(false);
    c.dispose();
    pool.dispose();
  });

  it('rejects every waiter when creation fails and retries on the next acquire', async () => {
    const { factory } = fakeFactory({ failFor: 'ws://down' });
    const pool = new SessionPool(factory, (p) => p.server, 0);
    const results = await Promise.allSettled([pool.acquire({ server: 'ws://down' }), pool.acquire({ server: 'ws://down' })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(pool.size).toBe(0);
    await expect(pool.acquire({ server: 'ws://down' })).rejects.toThrow('connect refused');
  });

  it('dispose destroys live sessions and sessions still being created', async () => {
    const { factory, created } = fakeFactory();
    const pool = new SessionPool(factory, (p) => p.server, 0);
    await pool.acquire({ server: 'ws://x' });
    const pending = pool.acquire({ server: 'ws://y' });
    pool.dispose();
    await expect(pending).rejects.toThrow();
    expect(created.every((s) => s.destroyed)).toBe(true);
    await expect(pool.acquire({ server: 'ws://x' })).rejects.toThrow(/disposed/);
  });
});
