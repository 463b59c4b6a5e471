/** What `#/map?…` asks the map to show: an alarm's or event's place, or a coordinate. */
export type MapFocus = { kind: 'alarm'; id: string } | { kind: 'event'; id: string } | { kind: 'place'; lon: number; lat: number };

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
  if (params.has('lon') && params.has('lat') && Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90) return { kind: 'place', lon, lat };
  return null;
}

/** The address that opens the map on an alarm, an event or a place. */
export function mapFocusHash(focus: MapFocus): string {
  if (focus.kind === 'place') return `#/map?lon=${focus.lon}&lat=${focus.lat}`;
  return `#/map?${focus.kind}=${encodeURIComponent(focus.id)}`;
}
