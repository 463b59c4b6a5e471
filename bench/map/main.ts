/**
 * The page of `npm run bench:map` (bench/map.ts builds and drives it): the map engine of 一张图 over Changzhi with
 * BENCH points (camera points around synthetic mine sites) and movers (vehicles on small circles), drawn one of two
 * ways, chosen by `?mode=`:
 *  - primitive: the engine's PointLayer (one PointPrimitiveCollection + LabelCollection per layer);
 *  - entity: the same points as Cesium Entities in the widget's default data source (what an app would write
 *    without PointLayer), movers' ConstantPositionProperty set at each step;
 *  - &cluster=1 (primitive only): the camera layer clustered as MapScene ships it;
 *  - &render={...}: MapView render settings other than RENDER_SETTINGS (the same for every page of a run).
 * Everything the driver reads is on `window.__mapBench`; it only ever calls those functions (no page-side code is
 * passed from Node, so the bundler's helpers never meet tsx's).
 */
import { summarise } from '../summary';
import { seededRng } from '../../lab/seededRng';
import {
  BlendOption,
  Cartesian2,
  Cartesian3,
  Color,
  ConstantPositionProperty,
  LabelCollection,
  LabelStyle,
  Math as CesiumMath,
  NearFarScalar,
  PointPrimitiveCollection,
  PrimitiveCollection,
  SceneTransforms,
  VerticalOrigin,
  type Entity,
} from 'cesium';
import { MapView, RENDER_SETTINGS, type RenderSettings } from '../../src/renderer/features/map/engine/mapView';
import { PointLayer, type MapPoint } from '../../src/renderer/features/map/engine/pointLayer';
import { selectInRect, type ScreenRect } from '../../src/renderer/features/map/engine/selection';

type Mode = 'primitive' | 'entity';

const params = new URLSearchParams(location.search);
const MODE: Mode = params.get('mode') === 'entity' ? 'entity' : 'primitive';
const POINTS = Number(params.get('points') ?? 10_000);
const MOVERS = Number(params.get('movers') ?? 200);
const LABELS = params.get('labels') !== '0';
/**
 * The engine's clustering on the camera layer (primitive path only): what the app ships for cameras (MapScene), a
 * scenario of its own, never the unclustered comparison the issue asks for.
 */
const CLUSTER = params.get('cluster') === '1';
/** What-ifs over MapView's RENDER_SETTINGS (JSON), the same for every path of a run. */
const RENDER: Partial<RenderSettings> = JSON.parse(params.get('render') ?? '{}') as Partial<RenderSettings>;
/** As the app's units layer (MapScene): labels fade out from 60 % of this distance and vanish at it. */
const LABEL_FAR = 150_000;
const SITES = 100;

/** The area the sites are scattered over (Changzhi's mining districts) and where the camera looks from. */
const AREA = { west: 112.9, east: 113.4, south: 35.9, north: 36.8 };
const CAMERA = { lon: 113.15, lat: 35.62, height: 30_000, headingDeg: 0, pitchDeg: -30 };

const r1 = (x: number) => Math.round(x * 10) / 10;


const random = seededRng(8);
const KM_LAT = 1 / 111.2;
const kmLon = (lat: number) => 1 / (111.32 * Math.cos((lat * Math.PI) / 180));
const sites = Array.from({ length: SITES }, () => ({
  lon: AREA.west + random() * (AREA.east - AREA.west),
  lat: AREA.south + random() * (AREA.north - AREA.south),
}));
const CAMERA_COLORS = ['#52c41a', '#1677ff', '#faad14', '#ff4d4f'];
const cameras: MapPoint[] = Array.from({ length: POINTS }, (_, i) => {
  const site = sites[i % SITES]!;
  // Within ~2 km of the site (surface buildings, shafts, conveyors), denser at the centre.
  const r = 2 * Math.sqrt(random()) * random();
  const a = random() * 2 * Math.PI;
  return {
    id: `cam-${i}`,
    lon: site.lon + r * Math.cos(a) * kmLon(site.lat),
    lat: site.lat + r * Math.sin(a) * KM_LAT,
    color: CAMERA_COLORS[i % CAMERA_COLORS.length]!,
    size: 8,
  };
});
type Mover = { id: string; label: string; lon: number; lat: number; radiusKm: number; periodS: number; phase: number };
const movers: Mover[] = Array.from({ length: MOVERS }, (_, i) => {
  const site = sites[Math.floor(random() * SITES)]!;
  return { id: `car-${i}`, label: `救援车${String(i + 1).padStart(3, '0')}`, lon: site.lon, lat: site.lat, radiusKm: 0.3 + random() * 1.5, periodS: 30 + random() * 90, phase: random() * 2 * Math.PI };
});
function moverAt(m: Mover, tS: number): { lon: number; lat: number } {
  const a = m.phase + (2 * Math.PI * tS) / m.periodS;
  return { lon: m.lon + m.radiusKm * Math.cos(a) * kmLon(m.lat), lat: m.lat + m.radiusKm * Math.sin(a) * KM_LAT };
}
const moverPoint = (m: Mover, tS: number): MapPoint => ({ id: m.id, ...moverAt(m, tS), color: '#ff7a45', size: 11, outline: '#ffffff', label: LABELS ? m.label : undefined });

// The same label look as PointLayer's, for the Entity path.
const FONT = '600 13px "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
const OUTLINE = Color.fromCssColorString('#001529');

const container = document.getElementById('map')!;
const setupStart = performance.now();
const view = new MapView(container, RENDER);
const scene = view.scene;
scene.camera.setView({
  destination: Cartesian3.fromDegrees(CAMERA.lon, CAMERA.lat, CAMERA.height),
  orientation: { heading: CesiumMath.toRadians(CAMERA.headingDeg), pitch: CesiumMath.toRadians(CAMERA.pitchDeg), roll: 0 },
});

let cameraLayer: PointLayer | null = null;
let moverLayer: PointLayer | null = null;
const moverEntities: Entity[] = [];

if (MODE === 'primitive') {
  cameraLayer = new PointLayer(scene, 'cameras', { cluster: CLUSTER, clusterColor: '#13a8a8' });
  cameraLayer.set(cameras);
  // As MapScene.queueRecluster after a camera move (the bench's camera stays put after this).
  if (CLUSTER) cameraLayer.recluster(view.viewRectangle(), view.cameraHeight() / Math.max(1, view.canvas.clientHeight));
  moverLayer = new PointLayer(scene, 'units', { labelFarDistance: LABEL_FAR });
  moverLayer.set(movers.map((m) => moverPoint(m, 0)));
} else {
  const entities = view.widget.entities;
  entities.suspendEvents();
  for (const p of cameras)
    entities.add({
      id: p.id,
      position: Cartesian3.fromDegrees(p.lon, p.lat, 0),
      point: { pixelSize: p.size ?? 8, color: Color.fromCssColorString(p.color), outlineColor: OUTLINE, outlineWidth: 1.5, disableDepthTestDistance: Number.POSITIVE_INFINITY },
    });
  for (const m of movers) {
    const p = moverPoint(m, 0);
    moverEntities.push(
      entities.add({
        id: m.id,
        position: new ConstantPositionProperty(Cartesian3.fromDegrees(p.lon, p.lat, 0)),
        point: { pixelSize: 11, color: Color.fromCssColorString(p.color), outlineColor: Color.WHITE, outlineWidth: 1.5, disableDepthTestDistance: Number.POSITIVE_INFINITY },
        label: LABELS
          ? {
              text: m.label,
              font: FONT,
              fillColor: Color.WHITE,
              outlineColor: OUTLINE,
              outlineWidth: 3,
              style: LabelStyle.FILL_AND_OUTLINE,
              verticalOrigin: VerticalOrigin.BOTTOM,
              pixelOffset: new Cartesian2(0, -(11 / 2 + 4)),
              translucencyByDistance: new NearFarScalar(LABEL_FAR * 0.6, 1, LABEL_FAR, 0),
              disableDepthTestDistance: Number.POSITIVE_INFINITY,
            }
          : undefined,
      }),
    );
  }
  entities.resumeEvents();
  view.requestRender();
}
const setupMs = performance.now() - setupStart;
const globeSse = scene.globe.maximumScreenSpaceError;

// Movers step once per frame while `moving` (the fps window), before the frame is drawn.
let moving = false;
let moversStill = false;
scene.preUpdate.addEventListener(() => {
  if (!moving) return;
  const t = performance.now() / 1000;
  if (moverLayer) for (const m of movers) {
    const p = moverAt(m, t);
    moverLayer.move(m.id, p.lon, p.lat, 0);
  }
  else {
    movers.forEach((m, i) => {
      const p = moverAt(m, t);
      (moverEntities[i]!.position as ConstantPositionProperty).setValue(Cartesian3.fromDegrees(p.lon, p.lat, 0));
    });
    scene.requestRender();
  }
});

// Per-frame main-thread time: the widget's whole render (clock tick → entities → scene.render) and, within it, the
// data-source update (the Entity path's per-frame walk over its entities).
const frameJs: number[] = [];
const dataSourceJs: number[] = [];
let recordJs = false;
{
  const widget = view.widget as unknown as { render: () => void };
  const render = widget.render.bind(widget);
  widget.render = () => {
    const t0 = performance.now();
    render();
    if (recordJs) frameJs.push(performance.now() - t0);
  };
  const display = view.widget.dataSourceDisplay as unknown as { update: (time: unknown) => boolean };
  const update = display.update.bind(display);
  display.update = (time) => {
    const t0 = performance.now();
    const out = update(time);
    if (recordJs) dataSourceJs.push(performance.now() - t0);
    return out;
  };
}

// Start-up milestones, ms since navigation start.
const BASE = Color.fromCssColorString('#0b1d33');
const probe = document.createElement('canvas');
probe.width = 32;
probe.height = 18;
const probeCtx = probe.getContext('2d', { willReadFrequently: true })!;
/** Share of a 32x18 sampling of the canvas that is neither the globe's base colour nor the background: imagery. */
function imageryShare(): number {
  probeCtx.drawImage(scene.canvas, 0, 0, probe.width, probe.height);
  const px = probeCtx.getImageData(0, 0, probe.width, probe.height).data;
  let on = 0;
  const base = [BASE.red * 255, BASE.green * 255, BASE.blue * 255];
  for (let i = 0; i < px.length; i += 4) {
    const d = Math.abs(px[i]! - base[0]!) + Math.abs(px[i + 1]! - base[1]!) + Math.abs(px[i + 2]! - base[2]!);
    if (d > 40 && px[i]! + px[i + 1]! + px[i + 2]! > 40) on++;
  }
  return on / (px.length / 4);
}
const startup = { setupMs: r1(setupMs), firstFrameMs: NaN, imageryMs: NaN, tilesLoadedMs: NaN };
let frameTimes: number[] | null = null;
const ready = new Promise<void>((resolve) => {
  const stop = scene.postRender.addEventListener(() => {
    const now = performance.now();
    if (Number.isNaN(startup.firstFrameMs)) startup.firstFrameMs = r1(now);
    if (Number.isNaN(startup.imageryMs) && imageryShare() > 0.5) startup.imageryMs = r1(now);
    if (Number.isNaN(startup.tilesLoadedMs) && scene.globe.tilesLoaded) startup.tilesLoadedMs = r1(now);
    if (!Number.isNaN(startup.imageryMs) && !Number.isNaN(startup.tilesLoadedMs)) {
      stop();
      resolve();
    }
  });
});
scene.postRender.addEventListener(() => frameTimes?.push(performance.now()));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const worldOf = (p: { lon: number; lat: number }) => Cartesian3.fromDegrees(p.lon, p.lat, 0);

/** Camera points on screen (in front of the globe's horizon, inside the canvas) with their window positions. */
function onScreen(rect: ScreenRect = { x0: 0, y0: 0, x1: scene.canvas.clientWidth, y1: scene.canvas.clientHeight }): { id: string; x: number; y: number }[] {
  const eye = scene.camera.positionWC;
  const toEye = new Cartesian3();
  const out: { id: string; x: number; y: number }[] = [];
  for (const p of cameras) {
    const w = worldOf(p);
    // In front of the horizon: the eye on the point's side of its tangent plane.
    if (Cartesian3.dot(Cartesian3.subtract(eye, w, toEye), w) <= 0) continue;
    const s = SceneTransforms.worldToWindowCoordinates(scene, w);
    if (s && s.x >= rect.x0 && s.x <= rect.x1 && s.y >= rect.y0 && s.y <= rect.y1) out.push({ id: p.id, x: s.x, y: s.y });
  }
  return out;
}

const pointBlends = new Map<PointPrimitiveCollection, BlendOption>();
const bench = {
  mode: MODE,
  points: POINTS,
  movers: MOVERS,
  labels: LABELS,
  /** For diagnostics from the driver (hiding the globe, counting commands). */
  view,
  canvas: { width: scene.canvas.clientWidth, height: scene.canvas.clientHeight, drawingBuffer: [scene.drawingBufferWidth, scene.drawingBufferHeight] },
  ready,
  startup,
  onScreenCount: () => onScreen().length,
  cluster: CLUSTER,
  render: RENDER,
  /** What the camera layer draws: single points shown and clusters (the app path draws far fewer than 10,000). */
  drawn() {
    let shown = 0;
    let clusters = 0;
    const walk = (c: { length: number; get: (i: number) => unknown }, top: boolean) => {
      for (let i = 0; i < c.length; i++) {
        const p = c.get(i);
        if (p instanceof PrimitiveCollection) walk(p, false);
        if (!(p instanceof PointPrimitiveCollection) || !top) continue;
        let n = 0;
        for (let j = 0; j < p.length; j++) if (p.get(j).show) n++;
        if (p.length === cameras.length) shown = n;
        else if (p.length !== movers.length) clusters += n;
      }
    };
    walk(scene.primitives, true);
    return MODE === 'primitive' ? { cameraPointsShown: shown, clusters } : { cameraPointsShown: cameras.length, clusters: 0 };
  },
  /**
   * No frame loop at all while another page of the run is measured: an idle CesiumWidget still ticks every
   * animation frame (the Entity path walks its 10,000 entities there), which would steal CPU from the page measured.
   */
  park(on: boolean) {
    view.widget.useDefaultRenderLoop = !on;
  },
  /** Continuous rendering with the movers stepping each frame: frames drawn (postRender) over `seconds` after a warm-up. */
  async fps(warmupS: number, seconds: number) {
    view.widget.useDefaultRenderLoop = true;
    scene.requestRenderMode = false;
    moving = true;
    await sleep(warmupS * 1000);
    frameTimes = [];
    frameJs.length = 0;
    dataSourceJs.length = 0;
    recordJs = true;
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const t1 = performance.now();
    const times = frameTimes;
    frameTimes = null;
    recordJs = false;
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const frameMs = summarise(gaps);
    return {
      frames: times.length,
      seconds: r1((t1 - t0) / 1000),
      fps: Math.round((times.length / ((t1 - t0) / 1000)) * 100) / 100,
      frameMs,
      fpsFromMedianFrame: Math.round((1000 / frameMs.median) * 100) / 100,
      renderJsMs: summarise(frameJs),
      dataSourceUpdateMs: summarise(dataSourceJs),
    };
  },
  /** Back to on-demand drawing, movers still. */
  async idle() {
    moving = false;
    scene.requestRenderMode = true;
    view.requestRender();
    await sleep(200);
  },
  /** Continuous rendering without timing (while the driver takes a CPU profile). */
  spin(on: boolean) {
    if (on) view.widget.useDefaultRenderLoop = true;
    scene.requestRenderMode = !on;
    moving = on;
    view.requestRender();
  },
  /**
   * Frames drawn back to back without the browser's frame loop, each waited for to the end (a 1-pixel readPixels):
   * what one frame costs the main thread and SwiftShader together, without vsync or the compositor. Median of `n`.
   */
  renderSync(n: number) {
    const widget = view.widget;
    const gl = (scene.canvas.getContext('webgl2') ?? scene.canvas.getContext('webgl'))!;
    const pixel = new Uint8Array(4);
    const loop = widget.useDefaultRenderLoop;
    widget.useDefaultRenderLoop = false;
    scene.requestRenderMode = false;
    moving = !moversStill;
    const ms: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      const t0 = performance.now();
      widget.render();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
      if (i >= 2) ms.push(performance.now() - t0);
    }
    moving = false;
    scene.requestRenderMode = true;
    widget.useDefaultRenderLoop = loop;
    return summarise(ms);
  },
  /**
   * Diagnostic switches (not the app's settings) for the breakdown of a frame's cost. The walk reaches the Entity
   * path's collections too (the data source display's primitive collection inside scene.primitives).
   */
  variant(name: 'globe-off' | 'points-two-pass' | 'labels-off' | 'labels-two-pass' | 'msaa-4' | 'sse-2' | 'skirts-off' | 'movers-still', on: boolean) {
    if (name === 'movers-still') moversStill = on;
    const walk = (c: { length: number; get: (i: number) => unknown }, f: (p: Record<string, unknown>) => void) => {
      for (let i = 0; i < c.length; i++) {
        const p = c.get(i) as Record<string, unknown> & { length: number; get: (i: number) => unknown };
        f(p);
        if (p instanceof PrimitiveCollection) walk(p, f);
      }
    };
    if (name === 'globe-off') scene.globe.show = !on;
    // The app's settings against Cesium's defaults (skirts: the other way round), switched at run time (OIT and preserveDrawingBuffer cannot be:
    // they are fixed when the context is made, see BENCH_MAP_SWEEP).
    if (name === 'msaa-4') scene.msaaSamples = on ? 4 : (RENDER.msaaSamples ?? RENDER_SETTINGS.msaaSamples);
    if (name === 'sse-2') scene.globe.maximumScreenSpaceError = on ? 2 : globeSse;
    if (name === 'skirts-off') scene.globe.showSkirts = on ? false : (RENDER.showSkirts ?? RENDER_SETTINGS.showSkirts);
    // Cesium's default blending on our point collections (PointLayer draws opaque colours in one opaque pass).
    if (name === 'points-two-pass' && MODE === 'primitive') {
      if (on) pointBlends.clear();
      walk(scene.primitives, (p) => {
        if (!(p instanceof PointPrimitiveCollection)) return;
        if (on) pointBlends.set(p, p.blendOption);
        p.blendOption = on ? BlendOption.OPAQUE_AND_TRANSLUCENT : (pointBlends.get(p) ?? p.blendOption);
      });
    }
    if (name === 'labels-two-pass')
      walk(scene.primitives, (p) => {
        if (p instanceof LabelCollection && MODE === 'primitive') p.blendOption = on ? BlendOption.OPAQUE_AND_TRANSLUCENT : BlendOption.TRANSLUCENT;
      });
    if (name === 'labels-off')
      walk(scene.primitives, (p) => {
        if (p instanceof LabelCollection) p.show = !on;
      });
    view.requestRender();
  },
  /**
   * view.pick at `n` camera points' window positions: time each; how many returned that point (exact) and how many
   * anything. Overlapping points make `exact` fall short only where isolated targets ran out (isolatedTargets).
   */
  pick(n: number) {
    // Points with no other within 8 px first (a pick there must return that point), then the rest.
    const all = onScreen({ x0: 10, y0: 10, x1: scene.canvas.clientWidth - 10, y1: scene.canvas.clientHeight - 10 });
    const cells = new Map<string, number>();
    const key = (x: number, y: number) => `${Math.floor(x / 8)},${Math.floor(y / 8)}`;
    for (const t of all) cells.set(key(t.x, t.y), (cells.get(key(t.x, t.y)) ?? 0) + 1);
    const crowd = (t: { x: number; y: number }) => {
      let c = 0;
      for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) c += cells.get(key(t.x + 8 * dx, t.y + 8 * dy)) ?? 0;
      return c;
    };
    const alone = all.filter((t) => crowd(t) === 1);
    const targets = alone.length >= n ? alone : [...alone, ...all.filter((t) => crowd(t) > 1)];
    const step = Math.max(1, Math.floor(targets.length / n));
    const ms: number[] = [];
    let exact = 0;
    let any = 0;
    for (let i = 0; i < targets.length && ms.length < n; i += step) {
      const t = targets[i]!;
      const t0 = performance.now();
      const id = view.pick(t.x, t.y) as { id?: string } | undefined;
      ms.push(performance.now() - t0);
      if (id !== undefined) any++;
      if (id?.id === t.id) exact++;
    }
    // The first pick builds the pick framebuffer and shaders: reported apart.
    return { firstMs: r1(ms[0] ?? NaN), ms: summarise(ms.slice(1)), exact, any, of: ms.length, isolatedTargets: Math.min(alone.length, ms.length) };
  },
  /** selectInRect (the engine's 框选) over the camera layer, median of `n`, and a brute-force count of the same rect. */
  boxSelect(rect: ScreenRect, n: number) {
    if (!cameraLayer) return null;
    const layers = [cameraLayer];
    selectInRect(view, layers, rect);
    const ms: number[] = [];
    let count = 0;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const sel = selectInRect(view, layers, rect);
      ms.push(performance.now() - t0);
      count = sel.get('cameras')?.length ?? 0;
    }
    const t0 = performance.now();
    const brute = onScreen(rect).length;
    const bruteMs = performance.now() - t0;
    return { rect, ms: summarise(ms), selected: count, bruteForce: brute, bruteForceMs: r1(bruteMs) };
  },
};
(window as unknown as { __mapBench: typeof bench }).__mapBench = bench;
