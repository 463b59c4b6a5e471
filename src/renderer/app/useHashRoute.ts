import { useSyncExternalStore } from 'react';

export const ROUTES = ['wall', 'map', 'phone', 'broadcast', 'playback', 'alarms', 'tasks', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

function current(): Route {
  const name = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'wall';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The page from `#/name` (works the same under app:// in Electron and http:// in the web host). */
export function useHashRoute(): [Route, (r: Route) => void] {
  const route = useSyncExternalStore(subscribe, current);
  return [route, (r) => (location.hash = `#/${r}`)];
}

/** `#/wall/N` names a bare wall window for monitor N; null for every other address. */
export function wallWindowMonitor(hash: string = location.hash): number | null {
  const m = /^#\/?wall\/(\d{1,2})(?:$|[&?/])/.exec(hash);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 16 ? n : null;
}
