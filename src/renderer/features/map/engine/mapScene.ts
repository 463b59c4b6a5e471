import { LAYER_NAMES, type LayerName } from '../mapModel';
import { DistrictLayer } from './districtLayer';
import { MapView } from './mapView';
import { PointLayer, type PickedCluster, type PickedPoint } from './pointLayer';
import { SketchLayer } from './sketchLayer';
import { TrackLayer } from './trackLayer';

export type Picked = { kind: 'point'; layer: LayerName; id: string } | { kind: 'cluster'; layer: LayerName; cluster: PickedCluster };

const DRAW_ORDER: readonly LayerName[] = ['cameras', 'events', 'units', 'mines', 'alarms', 'marks'];

/** Which layers cluster where dense (cameras: dozens per mine; the rest stay few). */
const CLUSTERED: ReadonlySet<LayerName> = new Set(['cameras']);

/**
 * Everything drawn on 一张图: the globe, the district borders, one PointLayer per kind of object, the tools'
 * sketches and the track being played. Plain class; the page owns one per mounted map.
 */
export class MapScene {
  readonly view: MapView;
  readonly districts: DistrictLayer;
  readonly layers: Record<LayerName, PointLayer>;
  readonly sketch: SketchLayer;
  readonly track: TrackLayer;
  private reclusterFrame: number | null = null;
  private readonly stopCamera: () => void;

  constructor(container: HTMLElement) {
    this.view = new MapView(container);
    this.districts = new DistrictLayer(this.view.scene);
    const layers = {} as Record<LayerName, PointLayer>;
    // Created bottom to top (drawn in that order). At the city's scale a mine's cameras, units and alarms all sit on
    // the mine's pixel: the mine (its colour is its state) goes over its cameras and units, its alarms (smaller) over it.
    for (const name of DRAW_ORDER)
      layers[name] = new PointLayer(this.view.scene, name, {
        cluster: CLUSTERED.has(name),
        clusterColor: '#13a8a8',
        labelFarDistance: name === 'mines' ? 400_000 : name === 'units' || name === 'marks' ? 150_000 : 60_000,
      });
    this.layers = layers;
    this.sketch = new SketchLayer(this.view.widget);
    this.track = new TrackLayer(this.view.scene);
    this.stopCamera = this.view.onCameraChanged(() => this.queueRecluster());
  }

  /** Re-clusters after the camera moved or a clustered layer changed (once per frame at most). */
  queueRecluster(): void {
    if (this.reclusterFrame !== null || this.view.isDestroyed) return;
    this.reclusterFrame = requestAnimationFrame(() => {
      this.reclusterFrame = null;
      const rect = this.view.viewRectangle();
      const metresPerPixel = this.view.cameraHeight() / Math.max(1, this.view.canvas.clientHeight);
      for (const name of CLUSTERED) this.layers[name].recluster(rect, metresPerPixel);
    });
  }

  /** What is drawn at a canvas position (CSS pixels), if it is one of ours. */
  pick(x: number, y: number): Picked | null {
    const id = this.view.pick(x, y) as Partial<PickedPoint & PickedCluster> | undefined;
    if (!id || typeof id !== 'object' || !id.layer || !(LAYER_NAMES as readonly string[]).includes(id.layer)) return null;
    const layer = id.layer as LayerName;
    if (typeof id.cluster === 'number') return { kind: 'cluster', layer, cluster: id as PickedCluster };
    if (typeof id.id === 'string') return { kind: 'point', layer, id: id.id };
    return null;
  }

  get isDestroyed(): boolean {
    return this.view.isDestroyed;
  }

  destroy(): void {
    if (this.reclusterFrame !== null) cancelAnimationFrame(this.reclusterFrame);
    this.reclusterFrame = null;
    this.stopCamera();
    this.view.destroy();
  }
}
