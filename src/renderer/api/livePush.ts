import type { Disposable } from '../../shared/lifecycle';

type Versioned = { version: number };

type CacheLifecycle<T> = {
  updateCachedData: (recipe: (draft: T) => T | void) => unknown;
  cacheDataLoaded: Promise<unknown>;
  cacheEntryRemoved: Promise<unknown>;
};

/**
 * Keeps an RTK Query cache entry live from a host push (catalogue, wall): subscribes before the first
 * answer lands so no change between fetch and subscription is lost, applies only newer versions, and
 * unsubscribes when the entry goes away.
 */
export async function followPushes<T extends Versioned>(
  subscribe: (listener: (next: T) => void) => Disposable,
  { updateCachedData, cacheDataLoaded, cacheEntryRemoved }: CacheLifecycle<T>,
): Promise<void> {
  let loaded = false;
  let early: T | null = null;
  const apply = (next: T) => updateCachedData((draft) => (next.version <= draft.version ? draft : next));
  const sub = subscribe((next) => {
    if (loaded) apply(next);
    else if (!early || next.version > early.version) early = next;
  });
  try {
    await cacheDataLoaded;
    loaded = true;
    if (early) apply(early);
  } catch {
    // the entry went away before its first answer
  }
  await cacheEntryRemoved;
  sub.dispose();
}
