import { Cartesian3, Color, Material, PointPrimitiveCollection, PolylineCollection, type Polyline, type PointPrimitive, type Scene } from 'cesium';
import type { GpsFix } from '../../../../shared/domain/gps';
import { positionAt } from './trackPlayback';

/** A unit's track being played: the whole path faint, the travelled part bright, the unit where it was at `t`. */
export class TrackLayer {
  private readonly lines = new PolylineCollection();
  private readonly cursor = new PointPrimitiveCollection();
  private travelled: Polyline | null = null;
  private marker: PointPrimitive | null = null;
  private positions: Cartesian3[] = [];
  private fixes: readonly GpsFix[] = [];
  private lastIndex = -1;
  private at: { lon: number; lat: number } | null = null;

  constructor(private readonly scene: Scene) {
    scene.primitives.add(this.lines);
    scene.primitives.add(this.cursor);
  }

  load(fixes: readonly GpsFix[], color: string): void {
    this.clear();
    this.fixes = fixes;
    if (fixes.length === 0) return;
    // On the ground, as the live units are (reported heights are above the ellipsoid, the globe has no terrain by default).
    this.positions = fixes.map((f) => Cartesian3.fromDegrees(f.lon, f.lat, 0));
    const c = Color.fromCssColorString(color);
    if (this.positions.length > 1) {
      this.lines.add({ positions: this.positions, width: 2, material: Material.fromType('Color', { color: c.withAlpha(0.35) }) });
      this.travelled = this.lines.add({ positions: this.positions.slice(0, 1).concat(this.positions.slice(0, 1)), width: 4, material: Material.fromType('Color', { color: c }) });
    }
    this.marker = this.cursor.add({ position: this.positions[0]!, pixelSize: 14, color: c, outlineColor: Color.WHITE, outlineWidth: 3, disableDepthTestDistance: Number.POSITIVE_INFINITY });
    this.scene.requestRender();
  }

  /** Moves the unit to where it was at `t`. */
  seek(t: number): { lon: number; lat: number } | null {
    const p = positionAt(this.fixes, t);
    if (!p || !this.marker) return null;
    const here = Cartesian3.fromDegrees(p.lon, p.lat, 0);
    this.marker.position = here;
    // The travelled line is rebuilt only when a fix is passed (a long track must not be copied every frame).
    if (this.travelled && p.index !== this.lastIndex) {
      this.travelled.positions = p.index > 0 ? this.positions.slice(0, p.index + 1) : [this.positions[0]!, this.positions[0]!];
      this.lastIndex = p.index;
    }
    this.scene.requestRender();
    this.at = { lon: p.lon, lat: p.lat };
    return this.at;
  }

  clear(): void {
    this.lines.removeAll();
    this.cursor.removeAll();
    this.travelled = null;
    this.marker = null;
    this.positions = [];
    this.fixes = [];
    this.lastIndex = -1;
    this.at = null;
    this.scene.requestRender();
  }

  /** Where the played unit is drawn now. */
  get position(): { lon: number; lat: number } | null {
    return this.at;
  }

  get loaded(): boolean {
    return this.fixes.length > 0;
  }

  destroy(): void {
    this.scene.primitives.remove(this.lines);
    this.scene.primitives.remove(this.cursor);
  }
}
