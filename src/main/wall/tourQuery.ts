import type { Channel } from '../../shared/domain/catalogue';
import type { Tour } from '../../shared/domain/wall';

/**
 * The channels a tour shows now, in catalogue order. A list keeps its order and drops channels the
 * catalogue no longer has; a query (county, mine, point category, online only) is evaluated afresh
 * at every step, so cameras added to a mine join the tour without editing it.
 */
export function resolveTour(tour: Tour, channels: readonly Channel[]): string[] {
  const source = tour.source;
  if (source.kind === 'list') {
    const known = new Set(channels.map((c) => c.id));
    // An empty catalogue (backend still connecting) must not empty a list tour.
    return known.size === 0 ? [...source.channelIds] : source.channelIds.filter((id) => known.has(id));
  }
  return channels
    .filter(
      (c) =>
        (source.countyCode === null || c.countyCode === source.countyCode) &&
        (source.mineId === null || c.mineId === source.mineId) &&
        (source.categoryCode === null || c.categoryCode === source.categoryCode) &&
        (!source.onlineOnly || c.online),
    )
    .map((c) => c.id);
}
