/** What `#/map?…` asks the map to show: an alarm's or event's place, or a coordinate. */
export type MapFocus = { kind: 'alarm'; id: string } | { kind: 'event'; id: string } | { kind: 'place'; lon: number; lat: number; height?: number };

export function readMapFocus(hash: string): MapFocus | null {
  const m = /^#\/?map\?(.*)$/.exec(hash);
  if (!m) return null;
  const params = new URLSearchParams(m[1]);
  const alarm = params.get('alarm');
  if (alarm) return { kind: 'alarm', id: alarm };
  const event = params.get('event');
  if (event) return { kind: 'event', id: event };
  const lon = Number(params.get('lon'));
  const lat = Number(params.get('lat'));
  if (!params.has('lon') || !params.has('lat') || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  // Optional height of the view in metres (default: a mine's surroundings).
  const h = Number(params.get('h'));
  return params.has('h') && Number.isFinite(h) && h >= 100 && h <= 20_000_000 ? { kind: 'place', lon, lat, height: h } : { kind: 'place', lon, lat };
}

/** The address that opens the map on an alarm, an event or a place. */
export function mapFocusHash(focus: MapFocus): string {
  if (focus.kind === 'place') return `#/map?lon=${focus.lon}&lat=${focus.lat}${focus.height ? `&h=${focus.height}` : ''}`;
  return `#/map?${focus.kind}=${encodeURIComponent(focus.id)}`;
}
