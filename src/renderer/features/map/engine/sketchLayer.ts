import {
  CallbackProperty,
  Cartesian2,
  Cartesian3,
  Color,
  ColorMaterialProperty,
  CustomDataSource,
  HorizontalOrigin,
  LabelStyle,
  PolygonHierarchy,
  VerticalOrigin,
  type Entity,
  type CesiumWidget,
} from 'cesium';
import type { LonLat } from './geodesy';

const FONT = '600 14px "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
const LINE = Color.fromCssColorString('#ffd666');
const FILL = Color.fromCssColorString('#ffd666').withAlpha(0.25);

function toCartesians(points: readonly LonLat[]): Cartesian3[] {
  return points.map((p) => Cartesian3.fromDegrees(p.lon, p.lat, 0));
}

/**
 * What the tools draw: measured paths and areas with their figures, the circle of a circle selection, the sketch
 * being drawn (following the pointer). A handful of objects, so Entities (in their own data source) are fine here;
 * the thousands of points live in PointLayers. 清屏 clears it.
 */
export class SketchLayer {
  private readonly source = new CustomDataSource('sketch');
  private draft: { kind: 'distance' | 'area' | 'circle'; points: LonLat[]; cursor: LonLat | null; entities: Entity[] } | null = null;

  constructor(private readonly widget: CesiumWidget) {
    void widget.dataSources.add(this.source);
  }

  /** A finished measurement: the path or polygon with a label at its end or centre. */
  addMeasurement(kind: 'distance' | 'area', points: readonly LonLat[], text: string): void {
    const positions = toCartesians(points);
    if (kind === 'distance') {
      this.source.entities.add({ polyline: { positions, width: 3, material: LINE } });
      for (const p of positions) this.source.entities.add({ position: p, point: { pixelSize: 7, color: LINE, disableDepthTestDistance: Number.POSITIVE_INFINITY } });
      this.label(positions[positions.length - 1]!, text);
    } else {
      this.source.entities.add({
        polygon: { hierarchy: new PolygonHierarchy(positions), material: new ColorMaterialProperty(FILL), outline: false },
        polyline: { positions: [...positions, positions[0]!], width: 2, material: LINE },
      });
      const c = points.reduce((s, p) => ({ lon: s.lon + p.lon / points.length, lat: s.lat + p.lat / points.length }), { lon: 0, lat: 0 });
      this.label(Cartesian3.fromDegrees(c.lon, c.lat, 0), text);
    }
    this.widget.scene.requestRender();
  }

  /** The circle of a circle selection. */
  addCircle(ring: Cartesian3[]): void {
    this.source.entities.add({ polyline: { positions: ring, width: 2, material: Color.fromCssColorString('#40a9ff') } });
    this.widget.scene.requestRender();
  }

  /** Starts or extends the sketch being drawn. */
  draftPoint(kind: 'distance' | 'area' | 'circle', point: LonLat): void {
    if (!this.draft || this.draft.kind !== kind) this.startDraft(kind);
    this.draft!.points.push(point);
    this.widget.scene.requestRender();
  }

  /** The pointer's place: the sketch's rubber band follows it. */
  draftCursor(point: LonLat | null): void {
    if (!this.draft) return;
    this.draft.cursor = point;
    this.widget.scene.requestRender();
  }

  get draftPoints(): readonly LonLat[] {
    return this.draft?.points ?? [];
  }

  endDraft(): LonLat[] {
    const points = this.draft?.points ?? [];
    for (const e of this.draft?.entities ?? []) this.source.entities.remove(e);
    this.draft = null;
    this.widget.scene.requestRender();
    return points;
  }

  /** 清屏 */
  clear(): void {
    this.endDraft();
    this.source.entities.removeAll();
    this.widget.scene.requestRender();
  }

  get count(): number {
    return this.source.entities.values.length;
  }

  destroy(): void {
    void this.widget.dataSources.remove(this.source, true);
  }

  private startDraft(kind: 'distance' | 'area' | 'circle'): void {
    this.endDraft();
    const draft = { kind, points: [] as LonLat[], cursor: null as LonLat | null, entities: [] as Entity[] };
    const live = () => toCartesians(draft.cursor ? [...draft.points, draft.cursor] : draft.points);
    draft.entities.push(
      this.source.entities.add({
        polyline: {
          positions: new CallbackProperty(() => {
            const p = live();
            return kind === 'area' && p.length > 2 ? [...p, p[0]!] : p;
          }, false),
          width: 2,
          material: LINE.withAlpha(0.8),
        },
      }),
    );
    this.draft = draft;
  }

  private label(position: Cartesian3, text: string): void {
    this.source.entities.add({
      position,
      label: {
        text,
        font: FONT,
        fillColor: Color.WHITE,
        outlineColor: Color.BLACK,
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        showBackground: true,
        backgroundColor: Color.fromCssColorString('#001529').withAlpha(0.75),
        horizontalOrigin: HorizontalOrigin.LEFT,
        verticalOrigin: VerticalOrigin.BOTTOM,
        pixelOffset: new Cartesian2(8, -8),
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      },
    });
  }
}
