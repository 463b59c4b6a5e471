import type { Disposable } from './lifecycle';

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** An error's message, for people. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Resolves once `done()` holds (checked now and whenever `subscribe`'s source changes) or after `maxMs`, whichever
 * comes first. Never rejects.
 */
export function waitFor(done: () => boolean, subscribe: (check: () => void) => Disposable, maxMs: number): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    let sub: Disposable | null = null;
    const finish = () => {
      clearTimeout(timer);
      sub?.dispose();
      resolve();
    };
    const timer = setTimeout(finish, maxMs);
    sub = subscribe(() => {
      if (done()) finish();
    });
  });
}
