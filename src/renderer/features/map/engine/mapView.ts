import {
  buildModuleUrl,
  Cartesian2,
  Cartesian3,
  Cartographic,
  CesiumTerrainProvider,
  CesiumWidget,
  Color,
  EllipsoidTerrainProvider,
  ImageryLayer,
  Math as CesiumMath,
  Rectangle,
  SceneMode,
  SceneTransforms,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  TileMapServiceImageryProvider,
  type Scene,
} from 'cesium';
import type { ImageryLayer as ImageryLayerConfig, MapOptions } from '../../../../shared/domain/map';
import { prepareCesium } from './cesiumRuntime';
import { imageryProviderFor } from './imagery';

export type LonLatH = { lon: number; lat: number; height?: number };
export type ViewMode = '2d' | '3d';

/** Changzhi city with a margin: the home view (复位) and the overview map's frame. */
export const HOME_RECTANGLE = { west: 111.95, south: 35.65, east: 113.85, north: 37.1 };

/**
 * How the globe is drawn. The defaults are what `npm run bench:map` measured cheapest on a PC without a GPU (Chromium's
 * SwiftShader rasterises every pixel on the CPU); the bench passes other values to measure each one.
 */
export type RenderSettings = {
  msaaSamples: number;
  orderIndependentTranslucency: boolean;
  preserveDrawingBuffer: boolean;
  maximumScreenSpaceError: number;
  showSkirts: boolean;
  highDynamicRange: boolean;
  fxaa: boolean;
  useBrowserRecommendedResolution: boolean;
};

export const RENDER_SETTINGS: Readonly<RenderSettings> = {
  // Cesium's 4x multisampling is done in software there: 4x → 1 took Chromium's CPU per frame from ~1,550 to ~700 ms
  // (sweep) and a sync frame from ~230 to ~163 ms (paired breakdown).
  msaaSamples: 1,
  // Cesium's: off (with MSAA 1) saved nothing, ~730 against ~690 ms CPU per frame (BENCH_MAP_SWEEP).
  orderIndependentTranslucency: true,
  // Otherwise the browser copies the whole frame before compositing it: with MSAA 1, ~700 → ~450 ms CPU per frame.
  // A test reading the canvas's pixels must render in the same task first.
  preserveDrawingBuffer: false,
  // While the globe shows only the bundled imagery (level 2 at most) on the ellipsoid, finer tiles add tiles to load
  // and nothing to see (the sweep's fps windows: ~700 → ~400 ms CPU per frame; paired sync frames once loaded: no
  // difference); with a configured imagery layer or terrain, Cesium's 2 (DETAILED_SCREEN_SPACE_ERROR).
  maximumScreenSpaceError: 8,
  // Cesium's: skirts hide cracks between tiles of different levels; off saved nothing clear in the noise.
  showSkirts: true,
  // Cesium's (off): HDR on took a frame to ~2,400 ms of CPU; FXAA adds a full-screen pass.
  highDynamicRange: false,
  fxaa: false,
  // Keeps what is drawn readable on a wall: CSS pixels, not the device's (a 4K wall is slow enough).
  useBrowserRecommendedResolution: true,
};

/** The globe's screen-space error with a configured imagery layer or terrain: Cesium's default, full detail. */
const DETAILED_SCREEN_SPACE_ERROR = 2;

/**
 * The globe of 一张图 around Cesium's CesiumWidget (no Viewer: its knockout widgets need eval, which the CSP
 * forbids). Offline by construction: the base layer is the NaturalEarthII imagery bundled with CesiumJS, terrain
 * is the ellipsoid unless the private network's terrain server is configured, and Cesium ion has no token.
 * Frames are drawn on demand (requestRenderMode): a wall PC idles instead of redrawing an unchanged map.
 */
export class MapView {
  readonly widget: CesiumWidget;
  readonly scene: Scene;
  private readonly handler: ScreenSpaceEventHandler;
  private readonly bundledLayer: ImageryLayer;
  private configuredLayer: ImageryLayer | null = null;
  private imageryId: string | null = null;
  private terrainUrl: string | null = null;
  private readonly cameraListeners = new Set<() => void>();
  private destroyed = false;
  private flights = 0;
  private readonly coarseScreenSpaceError: number;

  /** `settings`: what-ifs for the bench only; the app takes RENDER_SETTINGS. */
  constructor(container: HTMLElement, settings: Partial<RenderSettings> = {}) {
    const render = { ...RENDER_SETTINGS, ...settings };
    prepareCesium();
    this.bundledLayer = ImageryLayer.fromProviderAsync(
      TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII'), { maximumLevel: 2 }),
      {},
    );
    this.widget = new CesiumWidget(container, {
      baseLayer: this.bundledLayer,
      terrainProvider: new EllipsoidTerrainProvider(),
      requestRenderMode: true,
      maximumRenderTimeChange: Infinity,
      skyBox: false,
      skyAtmosphere: false,
      shouldAnimate: false,
      useBrowserRecommendedResolution: render.useBrowserRecommendedResolution,
      msaaSamples: render.msaaSamples,
      orderIndependentTranslucency: render.orderIndependentTranslucency,
      contextOptions: { webgl: { preserveDrawingBuffer: render.preserveDrawingBuffer } },
    });
    this.scene = this.widget.scene;
    this.coarseScreenSpaceError = render.maximumScreenSpaceError;
    this.scene.globe.maximumScreenSpaceError = render.maximumScreenSpaceError;
    this.scene.globe.showSkirts = render.showSkirts;
    this.scene.highDynamicRange = render.highDynamicRange;
    this.scene.postProcessStages.fxaa.enabled = render.fxaa;
    this.scene.globe.baseColor = Color.fromCssColorString('#0b1d33');
    this.scene.backgroundColor = Color.fromCssColorString('#050b14');
    this.scene.globe.enableLighting = false;
    this.scene.globe.showGroundAtmosphere = false;
    this.scene.fog.enabled = false;
    if (this.scene.sun) this.scene.sun.show = false;
    if (this.scene.moon) this.scene.moon.show = false;
    // The credit line stays (Cesium's licence asks for it) but it must not load a logo from anywhere.
    this.scene.screenSpaceCameraController.minimumZoomDistance = 50;
    this.scene.screenSpaceCameraController.maximumZoomDistance = 20_000_000;
    this.handler = new ScreenSpaceEventHandler(this.scene.canvas);
    this.scene.camera.changed.addEventListener(() => this.emitCamera());
    this.scene.camera.moveEnd.addEventListener(() => this.emitCamera());
    this.scene.camera.percentageChanged = 0.05;
    this.home(0);
  }

  get canvas(): HTMLCanvasElement {
    return this.scene.canvas;
  }

  /** Redraw once (the scene draws only when asked). */
  requestRender(): void {
    if (!this.destroyed) this.scene.requestRender();
  }

  /** 复位: Changzhi city, straight down. */
  home(durationS = 1.2): void {
    const destination = Rectangle.fromDegrees(HOME_RECTANGLE.west, HOME_RECTANGLE.south, HOME_RECTANGLE.east, HOME_RECTANGLE.north);
    this.fly(destination, durationS);
  }

  /** Centres a place at a height (metres above it), looking straight down. */
  flyTo(at: LonLatH, height = 3000, durationS = 1.2): void {
    const destination = Cartesian3.fromDegrees(at.lon, at.lat, (at.height ?? 0) + height);
    this.fly(destination, durationS);
  }

  /** Shows a lon/lat box with a margin (a track, a selection), looking straight down. */
  flyToBounds(box: { west: number; south: number; east: number; north: number }, durationS = 1.2): void {
    const padLon = Math.max((box.east - box.west) * 0.25, 0.005);
    const padLat = Math.max((box.north - box.south) * 0.25, 0.005);
    this.fly(Rectangle.fromDegrees(box.west - padLon, box.south - padLat, box.east + padLon, box.north + padLat), durationS);
  }

  /** No camera flight under way. */
  get still(): boolean {
    return this.flights === 0;
  }

  private fly(destination: Cartesian3 | Rectangle, durationS: number): void {
    if (durationS === 0) this.scene.camera.setView({ destination });
    else {
      this.flights++;
      const done = () => {
        this.flights = Math.max(0, this.flights - 1);
        this.requestRender();
      };
      this.scene.camera.flyTo({ destination, duration: durationS, complete: done, cancel: done });
    }
    this.requestRender();
  }

  get mode(): ViewMode {
    return this.scene.mode === SceneMode.SCENE2D ? '2d' : '3d';
  }

  /** 2D/3D: the camera keeps looking at the same place. */
  setMode(mode: ViewMode): void {
    if (mode === this.mode) return;
    if (mode === '2d') this.scene.morphTo2D(0.6);
    else this.scene.morphTo3D(0.6);
    this.requestRender();
  }

  /** The imagery shown: a configured layer by id, or null for the bundled NaturalEarthII alone. */
  setImagery(options: MapOptions, id: string | null): void {
    if (id === this.imageryId && (id === null || this.configuredLayer)) return;
    if (this.configuredLayer) {
      this.widget.imageryLayers.remove(this.configuredLayer, true);
      this.configuredLayer = null;
    }
    this.imageryId = id;
    const config: ImageryLayerConfig | undefined = options.imagery.find((l) => l.id === id);
    if (config) {
      // Over the bundled layer, so the world outside the private tiles' coverage is never blank.
      this.configuredLayer = ImageryLayer.fromProviderAsync(imageryProviderFor(config), {});
      this.widget.imageryLayers.add(this.configuredLayer);
    }
    this.updateDetail();
    this.requestRender();
  }

  /** The private network's terrain server, or the ellipsoid (null). */
  setTerrain(url: string | null): void {
    if (url === this.terrainUrl) return;
    this.terrainUrl = url;
    this.updateDetail();
    if (url === null) this.scene.terrainProvider = new EllipsoidTerrainProvider();
    else
      void CesiumTerrainProvider.fromUrl(url).then(
        (terrain) => {
          if (!this.destroyed && this.terrainUrl === url) {
            this.scene.terrainProvider = terrain;
            this.requestRender();
          }
        },
        () => undefined,
      );
    this.requestRender();
  }

  /** Finer globe tiles only where there is finer detail to show: a configured imagery layer or terrain server. */
  private updateDetail(): void {
    const detailed = this.configuredLayer !== null || this.terrainUrl !== null;
    this.scene.globe.maximumScreenSpaceError = detailed ? DETAILED_SCREEN_SPACE_ERROR : this.coarseScreenSpaceError;
  }

  /** The ground point under a window position (CSS pixels of the canvas), or null off the globe. */
  toLonLat(x: number, y: number): LonLatH | null {
    const at = new Cartesian2(x, y);
    const ray = this.scene.camera.getPickRay(at);
    const hit = (this.scene.mode === SceneMode.SCENE3D && ray ? this.scene.globe.pick(ray, this.scene) : undefined) ?? this.scene.camera.pickEllipsoid(at, this.scene.globe.ellipsoid);
    if (!hit) return null;
    const c = Cartographic.fromCartesian(hit);
    return { lon: CesiumMath.toDegrees(c.longitude), lat: CesiumMath.toDegrees(c.latitude), height: c.height };
  }

  /** Where a place is on the canvas (CSS pixels), or null when it is behind the globe or off screen. */
  toWindow(at: LonLatH): { x: number; y: number } | null {
    const p = SceneTransforms.worldToWindowCoordinates(this.scene, Cartesian3.fromDegrees(at.lon, at.lat, at.height ?? 0));
    return p ? { x: p.x, y: p.y } : null;
  }

  /** The object drawn at a window position: whatever id its primitive carries. */
  pick(x: number, y: number): unknown {
    const picked: unknown = this.scene.pick(new Cartesian2(x, y), 6, 6);
    return picked && typeof picked === 'object' && 'id' in picked ? (picked as { id: unknown }).id : undefined;
  }

  /** The part of the globe in view as degrees (null when the view holds space only). */
  viewRectangle(): { west: number; south: number; east: number; north: number } | null {
    const r = this.scene.camera.computeViewRectangle(this.scene.globe.ellipsoid);
    if (!r) return null;
    return { west: CesiumMath.toDegrees(r.west), south: CesiumMath.toDegrees(r.south), east: CesiumMath.toDegrees(r.east), north: CesiumMath.toDegrees(r.north) };
  }

  /** The camera's height above the ellipsoid in metres. */
  cameraHeight(): number {
    return this.scene.mode === SceneMode.SCENE3D ? this.scene.camera.positionCartographic.height : (this.viewWidthMetres() ?? 1e6);
  }

  private viewWidthMetres(): number | null {
    const r = this.viewRectangle();
    if (!r) return null;
    return (r.east - r.west) * 111_320 * Math.cos((((r.south + r.north) / 2) * Math.PI) / 180);
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Called (at most every 5 % of view change, and when a move ends) after the camera moved. */
  onCameraChanged(listener: () => void): () => void {
    this.cameraListeners.add(listener);
    return () => this.cameraListeners.delete(listener);
  }

  private emitCamera(): void {
    for (const l of this.cameraListeners) l();
  }

  /** Screen input for tools: left click, double click, mouse move, with canvas CSS pixels. */
  onInput(type: 'click' | 'dblclick' | 'move', listener: (x: number, y: number) => void): () => void {
    const kind = type === 'click' ? ScreenSpaceEventType.LEFT_CLICK : type === 'dblclick' ? ScreenSpaceEventType.LEFT_DOUBLE_CLICK : ScreenSpaceEventType.MOUSE_MOVE;
    this.handler.setInputAction((e: { position?: Cartesian2; endPosition?: Cartesian2 }) => {
      const p = e.position ?? e.endPosition;
      if (p) listener(p.x, p.y);
    }, kind);
    return () => {
      // The page may let go of its tools after the globe is gone (React runs cleanups in declaration order).
      if (!this.destroyed) this.handler.removeInputAction(kind);
    };
  }

  /** Mouse camera control on or off (box and circle selection drag instead of panning). */
  setCameraInput(enabled: boolean): void {
    this.scene.screenSpaceCameraController.enableInputs = enabled;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.cameraListeners.clear();
    this.handler.destroy();
    this.widget.destroy();
  }
}
