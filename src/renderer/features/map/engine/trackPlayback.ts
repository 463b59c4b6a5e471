import type { GpsFix } from '../../../../shared/domain/gps';

export type TrackPosition = { lon: number; lat: number; alt: number; index: number };

/**
 * Where a unit was at time `t` on its track (fixes oldest first): linear between the fixes around `t`, held at
 * the ends. `index` is the last fix at or before `t` (for drawing the travelled part).
 */
export function positionAt(fixes: readonly GpsFix[], t: number): TrackPosition | null {
  if (fixes.length === 0) return null;
  const first = fixes[0]!;
  if (t <= first.at) return { lon: first.lon, lat: first.lat, alt: first.alt ?? 0, index: 0 };
  const lastIndex = fixes.length - 1;
  const last = fixes[lastIndex]!;
  if (t >= last.at) return { lon: last.lon, lat: last.lat, alt: last.alt ?? 0, index: lastIndex };
  // Binary search: the last fix with at <= t.
  let lo = 0;
  let hi = lastIndex;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fixes[mid]!.at <= t) lo = mid;
    else hi = mid;
  }
  const a = fixes[lo]!;
  const b = fixes[hi]!;
  const k = b.at === a.at ? 0 : (t - a.at) / (b.at - a.at);
  return { lon: a.lon + (b.lon - a.lon) * k, lat: a.lat + (b.lat - a.lat) * k, alt: (a.alt ?? 0) + ((b.alt ?? 0) - (a.alt ?? 0)) * k, index: lo };
}

/** Playback speeds offered (x real time). */
export const TRACK_SPEEDS = [1, 4, 16, 64, 256] as const;
