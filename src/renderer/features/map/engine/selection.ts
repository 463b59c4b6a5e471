import { Cartesian2, Cartesian3, SceneMode, SceneTransforms } from 'cesium';
import type { MapView } from './mapView';
import type { MapPoint, PointLayer } from './pointLayer';
import { haversineMetres } from '../mapModel';

export type ScreenRect = { x0: number; y0: number; x1: number; y1: number };
export type Selection = Map<string, MapPoint[]>;

/**
 * 框选: what is drawn inside a rectangle of the canvas (CSS pixels), per layer, skipping hidden layers and points
 * behind the globe. A geographic prefilter (the rectangle's corners and edge midpoints on the ground, widened)
 * keeps the projection work to the candidates when the whole rectangle lies on the globe.
 */
export function selectInRect(view: MapView, layers: readonly PointLayer[], rect: ScreenRect): Selection {
  const x0 = Math.min(rect.x0, rect.x1);
  const x1 = Math.max(rect.x0, rect.x1);
  const y0 = Math.min(rect.y0, rect.y1);
  const y1 = Math.max(rect.y0, rect.y1);
  const bounds = groundBounds(view, x0, y0, x1, y1);
  const scene = view.scene;
  const eye = scene.mode === SceneMode.SCENE3D ? Cartesian3.clone(scene.camera.positionWC) : null;
  const toEye = new Cartesian3();
  const out: Selection = new Map();
  const scratch = new Cartesian2();
  for (const layer of layers) {
    if (!layer.show) continue;
    const hits: MapPoint[] = [];
    for (const { point, position } of layer.entries()) {
      if (bounds && (point.lon < bounds.west || point.lon > bounds.east || point.lat < bounds.south || point.lat > bounds.north)) continue;
      // Behind the horizon: the eye is not on the point's side of the globe (a sphere is exact enough here).
      if (eye && Cartesian3.dot(Cartesian3.subtract(eye, position, toEye), position) < 0) continue;
      const p = SceneTransforms.worldToWindowCoordinates(scene, position, scratch);
      if (p && p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1) hits.push(point);
    }
    if (hits.length > 0) out.set(layer.name, hits);
  }
  return out;
}

/** 圈选: everything within `radiusMetres` of a ground point, per layer. */
export function selectInCircle(layers: readonly PointLayer[], center: { lon: number; lat: number }, radiusMetres: number): Selection {
  const out: Selection = new Map();
  // Cheap box first: one degree of latitude is ~111 km.
  const dLat = (radiusMetres / 111_000) * 1.01;
  const dLon = dLat / Math.max(0.01, Math.cos((center.lat * Math.PI) / 180));
  for (const layer of layers) {
    if (!layer.show) continue;
    const hits: MapPoint[] = [];
    for (const { point } of layer.entries()) {
      if (Math.abs(point.lat - center.lat) > dLat || Math.abs(point.lon - center.lon) > dLon) continue;
      if (haversineMetres(center, point) <= radiusMetres) hits.push(point);
    }
    if (hits.length > 0) out.set(layer.name, hits);
  }
  return out;
}

/** Lon/lat bounds of a screen rectangle, widened by a quarter; null when part of it is off the globe. */
function groundBounds(view: MapView, x0: number, y0: number, x1: number, y1: number) {
  const xs = [x0, (x0 + x1) / 2, x1];
  const ys = [y0, (y0 + y1) / 2, y1];
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const x of xs)
    for (const y of ys) {
      const g = view.toLonLat(x, y);
      if (!g) return null;
      west = Math.min(west, g.lon);
      east = Math.max(east, g.lon);
      south = Math.min(south, g.lat);
      north = Math.max(north, g.lat);
    }
  const padLon = (east - west) * 0.25 + 1e-4;
  const padLat = (north - south) * 0.25 + 1e-4;
  return { west: west - padLon, east: east + padLon, south: south - padLat, north: north + padLat };
}

/** The circle's outline on the ground as lon/lat pairs (for drawing). */
export function circleRing(center: { lon: number; lat: number }, radiusMetres: number, segments = 72): Cartesian3[] {
  const out: Cartesian3[] = [];
  const dLat = radiusMetres / 111_195;
  const dLon = dLat / Math.cos((center.lat * Math.PI) / 180);
  for (let i = 0; i <= segments; i++) {
    const a = (i / segments) * 2 * Math.PI;
    out.push(Cartesian3.fromDegrees(center.lon + dLon * Math.cos(a), center.lat + dLat * Math.sin(a), 0));
  }
  return out;
}
