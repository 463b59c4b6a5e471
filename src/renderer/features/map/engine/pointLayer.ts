import {
  BlendOption,
  Cartesian2,
  Cartesian3,
  Color,
  LabelCollection,
  LabelStyle,
  NearFarScalar,
  PointPrimitiveCollection,
  VerticalOrigin,
  type Label,
  type PointPrimitive,
  type Scene,
} from 'cesium';
import Supercluster from 'supercluster';

/** One thing on the map: a mine, a camera, a unit, an alarm, an event, a mark. */
export type MapPoint = {
  id: string;
  lon: number;
  lat: number;
  height?: number;
  /** CSS colour. */
  color: string;
  size?: number;
  outline?: string;
  label?: string;
};

/** What a pick returns for this layer's objects (carried as the primitives' id). */
export type PickedPoint = { layer: string; id: string };
export type PickedCluster = { layer: string; cluster: number; lon: number; lat: number; count: number };

export type PointLayerOptions = {
  /** Cluster where dense (supercluster, in screen space at the current zoom). */
  cluster?: boolean;
  /** Label colour and whether labels fade out when far away (distance in metres where they vanish). */
  labelFarDistance?: number;
  clusterColor?: string;
};

type Item = { point: MapPoint; position: Cartesian3; prim: PointPrimitive; label: Label | null; color: Color; translucent: boolean };

const FONT = '600 13px "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
const SELECTED_OUTLINE = Color.fromCssColorString('#ffffff');

/**
 * Thousands of points drawn as ONE PointPrimitiveCollection (a single draw call), not one Entity each, with an
 * optional LabelCollection, optional clustering and a diffing `set`, so a catalogue or GPS update touches only what
 * changed. Each primitive's id is `{layer, id}` for picking.
 */
export class PointLayer {
  private readonly points = new PointPrimitiveCollection();
  // Text is all antialiased rims: drawn once, in the translucent pass, not in both passes (Cesium's default); with
  // 200 moving labels this took a SwiftShader frame from ~270 to ~160 ms (bench:map breakdown, labelsTwoPass).
  private readonly labels = new LabelCollection({ blendOption: BlendOption.TRANSLUCENT });
  // Cluster colours are opaque: one opaque pass instead of Cesium's default opaque + translucent pair.
  private readonly clusterPoints = new PointPrimitiveCollection({ blendOption: BlendOption.OPAQUE });
  private readonly clusterLabels = new LabelCollection({ blendOption: BlendOption.TRANSLUCENT });
  private readonly items = new Map<string, Item>();
  /** Points whose colour or outline is not opaque: while none, the points are drawn in one opaque pass. */
  private translucent = 0;
  private index: Supercluster | null = null;
  private indexDirty = true;
  private selected = new Set<string>();
  private visible = true;
  private clusterZoom = -1;
  private clusterKey = '';

  constructor(
    private readonly scene: Scene,
    readonly name: string,
    private readonly options: PointLayerOptions = {},
  ) {
    for (const c of [this.points, this.labels, this.clusterPoints, this.clusterLabels]) scene.primitives.add(c);
  }

  get size(): number {
    return this.items.size;
  }

  /** Replaces the layer's content, touching only what changed. */
  set(points: readonly MapPoint[]): void {
    const seen = new Set<string>();
    for (const p of points) {
      seen.add(p.id);
      const item = this.items.get(p.id);
      if (!item) this.add(p);
      else this.update(item, p);
    }
    for (const [id, item] of this.items)
      if (!seen.has(id)) {
        this.points.remove(item.prim);
        if (item.label) this.labels.remove(item.label);
        if (item.translucent) this.translucent--;
        this.items.delete(id);
      }
    // Cesium draws a point collection twice by default (opaque pass, then translucent pass for the antialiased
    // rims); opaque colours need only the first: bench:map measured ~20 % of a software-rendered frame saved.
    this.points.blendOption = this.translucent === 0 ? BlendOption.OPAQUE : BlendOption.OPAQUE_AND_TRANSLUCENT;
    this.indexDirty = true;
    this.clusterKey = '';
    this.scene.requestRender();
  }

  /** A moving object's new place (GPS). */
  move(id: string, lon: number, lat: number, height = 0): void {
    const item = this.items.get(id);
    if (!item) return;
    item.point = { ...item.point, lon, lat, height };
    item.position = Cartesian3.fromDegrees(lon, lat, height);
    item.prim.position = item.position;
    if (item.label) item.label.position = item.position;
    this.indexDirty = true;
    this.scene.requestRender();
  }

  get(id: string): MapPoint | undefined {
    return this.items.get(id)?.point;
  }

  /** Every point with its world position (for selection). */
  *entries(): IterableIterator<{ point: MapPoint; position: Cartesian3 }> {
    for (const item of this.items.values()) yield item;
  }

  set show(value: boolean) {
    this.visible = value;
    for (const c of [this.points, this.labels, this.clusterPoints, this.clusterLabels]) c.show = value;
    this.scene.requestRender();
  }

  get show(): boolean {
    return this.visible;
  }

  /** Outlines the given points in white (a selection's result, a picked object). */
  setSelected(ids: Iterable<string>): void {
    const next = new Set(ids);
    for (const id of new Set([...this.selected, ...next])) {
      const item = this.items.get(id);
      if (!item) continue;
      const on = next.has(id);
      item.prim.outlineColor = on ? SELECTED_OUTLINE : Color.fromCssColorString(item.point.outline ?? '#001529');
      item.prim.outlineWidth = on ? 3 : 1.5;
      item.prim.pixelSize = (item.point.size ?? 8) + (on ? 4 : 0);
    }
    this.selected = next;
    this.scene.requestRender();
  }

  /**
   * Re-clusters for the current view (call when the camera moved): zoom from the metres per pixel at the centre,
   * clusters from supercluster over the view's rectangle; points inside a cluster are hidden, the cluster drawn
   * as a larger point with its count.
   */
  recluster(viewRectangle: { west: number; south: number; east: number; north: number } | null, metresPerPixel: number): void {
    if (!this.options.cluster) return;
    const zoom = Math.max(0, Math.min(20, Math.floor(Math.log2(156_543 / Math.max(metresPerPixel, 0.01)))));
    const bbox: [number, number, number, number] = viewRectangle
      ? [viewRectangle.west, viewRectangle.south, viewRectangle.east, viewRectangle.north]
      : [-180, -85, 180, 85];
    const key = `${zoom}:${bbox.map((n) => n.toFixed(3)).join(',')}`;
    if (!this.indexDirty && key === this.clusterKey) return;
    if (this.indexDirty || !this.index) {
      this.index = new Supercluster({ radius: 48, maxZoom: 17, minPoints: 3 });
      this.index.load(
        [...this.items.values()].map((item) => ({
          type: 'Feature' as const,
          properties: { id: item.point.id },
          geometry: { type: 'Point' as const, coordinates: [item.point.lon, item.point.lat] },
        })),
      );
      this.indexDirty = false;
    }
    this.clusterZoom = zoom;
    this.clusterKey = key;
    const features = this.index.getClusters(bbox, zoom);
    const singles = new Set<string>();
    this.clusterPoints.removeAll();
    this.clusterLabels.removeAll();
    const color = Color.fromCssColorString(this.options.clusterColor ?? '#1677ff');
    for (const f of features) {
      const props = f.properties as { cluster?: boolean; cluster_id?: number; point_count?: number; id?: string };
      const [lon, lat] = f.geometry.coordinates as [number, number];
      if (props.cluster && props.cluster_id !== undefined) {
        const count = props.point_count ?? 0;
        const position = Cartesian3.fromDegrees(lon, lat, 0);
        const id: PickedCluster = { layer: this.name, cluster: props.cluster_id, lon, lat, count };
        this.clusterPoints.add({
          position,
          pixelSize: Math.min(44, 18 + 5 * Math.log2(count)),
          // Opaque: a translucent point is drawn (and picked) after every opaque one, so it would cover the mines.
          color,
          outlineColor: Color.WHITE,
          outlineWidth: 2,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          id,
        });
        this.clusterLabels.add({
          position,
          text: String(count),
          font: '700 13px sans-serif',
          fillColor: Color.WHITE,
          verticalOrigin: VerticalOrigin.CENTER,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          id,
        });
      } else if (props.id !== undefined) singles.add(props.id);
    }
    for (const [id, item] of this.items) {
      const show = singles.has(id) || !this.inView(item.point, bbox);
      item.prim.show = show;
      if (item.label) item.label.show = show;
    }
    this.scene.requestRender();
  }

  /** The zoom at which a cluster breaks apart (to fly into it). */
  expansionZoom(clusterId: number): number | null {
    try {
      return this.index ? this.index.getClusterExpansionZoom(clusterId) : null;
    } catch {
      return null;
    }
  }

  /** The ids inside a cluster. */
  clusterLeaves(clusterId: number): string[] {
    if (!this.index) return [];
    try {
      return this.index.getLeaves(clusterId, Infinity).map((f) => (f.properties as { id: string }).id);
    } catch {
      return [];
    }
  }

  get currentClusterZoom(): number {
    return this.clusterZoom;
  }

  destroy(): void {
    for (const c of [this.points, this.labels, this.clusterPoints, this.clusterLabels]) this.scene.primitives.remove(c);
    this.items.clear();
  }

  private inView(p: MapPoint, [w, s, e, n]: [number, number, number, number]): boolean {
    return p.lon >= w && p.lon <= e && p.lat >= s && p.lat <= n;
  }

  private add(p: MapPoint): void {
    const position = Cartesian3.fromDegrees(p.lon, p.lat, p.height ?? 0);
    const color = Color.fromCssColorString(p.color);
    const id: PickedPoint = { layer: this.name, id: p.id };
    const prim = this.points.add({
      position,
      color,
      pixelSize: p.size ?? 8,
      outlineColor: Color.fromCssColorString(p.outline ?? '#001529'),
      outlineWidth: 1.5,
      // Never hidden under terrain or the globe's curve at a city's scale.
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      id,
    });
    const label = p.label ? this.labels.add(this.labelOptions(p, position, id)) : null;
    const translucent = isTranslucent(p);
    if (translucent) this.translucent++;
    this.items.set(p.id, { point: p, position, prim, label, color, translucent });
  }

  private update(item: Item, p: MapPoint): void {
    const old = item.point;
    if (old.lon !== p.lon || old.lat !== p.lat || (old.height ?? 0) !== (p.height ?? 0)) {
      item.position = Cartesian3.fromDegrees(p.lon, p.lat, p.height ?? 0);
      item.prim.position = item.position;
      if (item.label) item.label.position = item.position;
    }
    if (old.color !== p.color) {
      item.color = Color.fromCssColorString(p.color);
      item.prim.color = item.color;
    }
    if (!this.selected.has(p.id)) {
      if ((old.size ?? 8) !== (p.size ?? 8)) item.prim.pixelSize = p.size ?? 8;
      if (old.outline !== p.outline) item.prim.outlineColor = Color.fromCssColorString(p.outline ?? '#001529');
    }
    if (old.label !== p.label) {
      if (item.label && p.label) item.label.text = p.label;
      else if (item.label) {
        this.labels.remove(item.label);
        item.label = null;
      } else if (p.label) item.label = this.labels.add(this.labelOptions(p, item.position, { layer: this.name, id: p.id }));
    }
    const translucent = isTranslucent(p);
    if (translucent !== item.translucent) this.translucent += translucent ? 1 : -1;
    item.translucent = translucent;
    item.point = p;
  }

  private labelOptions(p: MapPoint, position: Cartesian3, id: PickedPoint) {
    const far = this.options.labelFarDistance;
    return {
      position,
      text: p.label,
      font: FONT,
      fillColor: Color.WHITE,
      outlineColor: Color.fromCssColorString('#001529'),
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      verticalOrigin: VerticalOrigin.BOTTOM,
      pixelOffset: new Cartesian2(0, -((p.size ?? 8) / 2 + 4)),
      translucencyByDistance: far ? new NearFarScalar(far * 0.6, 1, far, 0) : undefined,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      id,
    };
  }
}

const cssAlpha = new Map<string, number>();
function alphaOf(css: string): number {
  let a = cssAlpha.get(css);
  if (a === undefined) cssAlpha.set(css, (a = Color.fromCssColorString(css).alpha));
  return a;
}
const isTranslucent = (p: MapPoint): boolean => alphaOf(p.color) < 1 || alphaOf(p.outline ?? '#001529') < 1;
