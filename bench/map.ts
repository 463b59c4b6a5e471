/**
 * `npm run bench:map`: the offline map (一张图, issue 8) in Debian's Chromium on software WebGL (SwiftShader), JSON lines.
 * The page bench/map (built with Vite into .cache/bench-map, Cesium's runtime files copied to cesium/ as the app's
 * build does, served from 127.0.0.1) shows Changzhi, tilted, with BENCH_MAP_POINTS camera points (default 10,000)
 * around 100 synthetic mine sites and BENCH_MAP_MOVERS vehicles (default 200, labelled) stepping every frame on
 * small circles (labelled as the app's units layer), drawn three ways, each in its own browser context, with the
 * same MapView render settings (RENDER_SETTINGS):
 *  - primitive: the engine's PointLayer, unclustered (the issue's comparison); entity: the same points as Entities
 *    (widget.entities, movers' ConstantPositionProperty set each step); app: PointLayer with the camera layer
 *    clustered and reclustered as MapScene does (what the app ships for cameras: a separate figure, appPath*);
 *  - fps: continuous rendering, frames drawn (postRender) over BENCH_MAP_SECONDS s (default 6) after a warm-up, in
 *    BENCH_MAP_ROUNDS rounds (default 3) interleaved across the three pages (the others parked, no frame loop), medians;
 *    median frame time, the main thread's share (renderJsMs; dataSourceUpdateMs is the Entity walk within it);
 *  - startup: navigation start → first frame, → imagery on screen, → globe tiles loaded;
 *  - pick: median of view.pick at 40 camera points' screen positions;
 *  - boxSelect (primitive): median selectInRect over the middle quarter of the canvas and over all of it, with the
 *    count checked against a brute-force projection;
 *  - profile: the main thread's top self-time functions over 3 s of continuous rendering (CDP), per path.
 * Nothing may leave 127.0.0.1: host names other than it do not resolve, and any request elsewhere is logged and
 * counted (externalRequests). Last line: {"primitiveOverEntityFps":..,"appPathOverEntityFps":..,"boxSelectMs":..,
 * "loadHigh":..,...}. BENCH_MAP_SWEEP=1 (or a comma list of names) instead measures primitive against entity under
 * each of SWEEP's render settings.
 */
import { CHROMIUM_ARGS as E2E_CHROMIUM_ARGS } from '../e2e/playwright.config';
import { descendants, procStat } from './processes';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, normalizePath } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import { benchLog as log } from './summary';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const PAGE_DIR = path.join(ROOT, 'bench/map');
const OUT_DIR = path.join(ROOT, '.cache/bench-map');
const POINTS = Number(process.env.BENCH_MAP_POINTS ?? 10_000);
const MOVERS = Number(process.env.BENCH_MAP_MOVERS ?? 200);
const SECONDS = Number(process.env.BENCH_MAP_SECONDS ?? 6);
const WARMUP_S = Number(process.env.BENCH_MAP_WARMUP ?? 2);
/** fps windows per scenario, interleaved across scenarios (medians reported). */
const ROUNDS = Number(process.env.BENCH_MAP_ROUNDS ?? 3);
const LABELS = process.env.BENCH_MAP_LABELS !== '0';
const PROFILE = process.env.BENCH_MAP_PROFILE !== '0';
const BREAKDOWN = process.env.BENCH_MAP_BREAKDOWN !== '0';
const VIEWPORT = { width: 1280, height: 720 };
const CHROMIUM_ARGS = [
  // The tests' flags (no background traffic, no first-run UI …), plus WebGL in software and a resolver that knows
  // only our server.
  ...E2E_CHROMIUM_ARGS,
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  // Not --disable-gpu-vsync/--disable-frame-rate-limit: with them rAF outruns SwiftShader, postRender counts frames
  // queued rather than drawn, and the queue drains later in one stall (130 s once, inside a pick's readPixels).
  // Anything but our server fails at name resolution, before a packet leaves.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;


/** CPU ticks (user+system) of Chromium and each of its children, by pid. */
function chromiumTicks(root: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of descendants(root)) {
    try {
      const f = procStat(pid);
      out.set(pid, Number(f[11]) + Number(f[12]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Chromium's CPU seconds since `before` (processes that ended meanwhile left out, new ones counted whole). Per frame,
 * this is the work a frame costs whatever else runs on the machine: other people's builds and tests share these
 * 2 cores and make wall-clock frame rates wander by 2x.
 */
function chromiumCpuSince(root: number, before: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of chromiumTicks(root)) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100; // USER_HZ
}

const load = () => os.loadavg().map((x) => round(x, 1));

/** The bench page as the app ships the map: a production bundle, Cesium's Workers/ThirdParty/Assets under cesium/. */
async function buildPage(): Promise<void> {
  const cesiumBuild = normalizePath(path.join(ROOT, 'node_modules/cesium/Build/Cesium'));
  const t0 = performance.now();
  await build({
    configFile: false,
    root: PAGE_DIR,
    base: './',
    logLevel: 'warn',
    plugins: [viteStaticCopy({ targets: ['Workers', 'ThirdParty', 'Assets'].map((dir) => ({ src: `${cesiumBuild}/${dir}`, dest: 'cesium' })) })],
    build: { outDir: OUT_DIR, emptyOutDir: true, target: 'chrome120', chunkSizeWarningLimit: 10_000, sourcemap: false, reportCompressedSize: false },
  });
  log(`built the page in ${Math.round(performance.now() - t0)} ms`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** Static files of the built page on 127.0.0.1 (a random port); what is missing is logged. */
function serve(dir: string): Promise<{ url: string; missing: string[]; close: () => Promise<void> }> {
  const missing: string[] = [];
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        missing.push(rel);
        log(`404 ${rel}`);
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/`, missing, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

type CpuProfile = { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] };

/** The main thread's self time by function over `seconds` of continuous rendering, top `n`, in ms per second. */
async function profile(page: Page, seconds: number, n = 12): Promise<{ fn: string; msPerS: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await page.evaluate('window.__mapBench.spin(true)');
  await page.waitForTimeout(1000);
  await cdp.send('Profiler.start');
  await page.waitForTimeout(seconds * 1000);
  const { profile: p } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
  await page.evaluate('window.__mapBench.spin(false)');
  await cdp.detach();
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url ? path.basename(new URL(f.url, 'http://x').pathname) : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, ms]) => ({ fn, msPerS: round(ms / seconds, 1) }));
}


type Sync = { median: number; n: number };
const BENCH = 'window.__mapBench';

/** `n` frames drawn back to back, each waited for (renderSync): median wall ms and Chromium's CPU ms per frame. */
async function syncFrames(page: Page, browserPid: number, n: number): Promise<{ wallMs: number; cpuMs: number }> {
  await page.evaluate(`${BENCH}.renderSync(2)`);
  const c0 = chromiumTicks(browserPid);
  const r = (await page.evaluate(`${BENCH}.renderSync(${n})`)) as Sync;
  return { wallMs: r.median, cpuMs: round((chromiumCpuSince(browserPid, c0) * 1000) / (n + 2), 1) };
}

/**
 * What a primitive-path frame spends where: sync frames with one thing changed at a time (Cesium's default where the
 * app differs: 4x MSAA, screen-space error 2, our point and label collections with two-pass blending; the movers'
 * labels hidden; the globe without skirts; the globe hidden), interleaved with the unchanged scene, two
 * rounds, means.
 */
async function breakdown(page: Page, browserPid: number) {
  const variants: [string, string[]][] = [
    ['msaa4', ['msaa-4']],
    ['sse2', ['sse-2']],
    ['skirtsOff', ['skirts-off']],
    ['pointsTwoPass', ['points-two-pass']],
    ['labelsOff', ['labels-off']],
    ['labelsTwoPass', ['labels-two-pass']],
    ['globeOff', ['globe-off']],
    ['globeOffLabelsOff', ['globe-off', 'labels-off']],
  ];
  const runs: Record<string, { wallMs: number; cpuMs: number }[]> = { asIs: [] };
  for (let round = 0; round < 2; round++) {
    runs.asIs!.push(await syncFrames(page, browserPid, 6));
    for (const [name, switches] of variants) {
      for (const v of switches) await page.evaluate(`${BENCH}.variant('${v}', true)`);
      (runs[name] ??= []).push(await syncFrames(page, browserPid, 6));
      for (const v of switches) await page.evaluate(`${BENCH}.variant('${v}', false)`);
    }
  }
  const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length, 1);
  return Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, { wallMs: mean(v.map((x) => x.wallMs)), cpuMs: mean(v.map((x) => x.cpuMs)) }]));
}

type Startup = { setupMs: number; firstFrameMs: number; imageryMs: number; tilesLoadedMs: number };
type Fps = { frames: number; fps: number; frameMs: { median: number }; fpsFromMedianFrame: number; renderJsMs: { median: number }; dataSourceUpdateMs: { median: number } };
type Pick = { firstMs: number; ms: { median: number }; exact: number; any: number; of: number };
type Box = { ms: { median: number }; selected: number; bruteForce: number };

/**
 * The three scenarios: primitive = PointLayer unclustered (the issue's comparison), entity = the same points as
 * Entities, app = PointLayer with the camera layer clustered as MapScene ships it. Same widget and scene settings.
 */
type Scenario = 'primitive' | 'entity' | 'app';
type Opened = { scenario: Scenario; page: Page; close: () => Promise<void>; startup: Startup; errors: string[] };

async function open(browser: Browser, base: string, scenario: Scenario, external: string[], render: object = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  context.on('request', (req) => {
    const u = new URL(req.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') && u.hostname !== '127.0.0.1') {
      external.push(req.url());
      log(`EXTERNAL request: ${req.method()} ${req.url()}`);
    }
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log(`[${scenario} console.${m.type()}] ${m.text()}`);
  });
  log(`${scenario}: loading (load average ${load().join(' ')})`);
  const mode = scenario === 'entity' ? 'entity' : 'primitive';
  const q = new URLSearchParams({ mode, points: String(POINTS), movers: String(MOVERS), labels: LABELS ? '1' : '0', cluster: scenario === 'app' ? '1' : '0', render: JSON.stringify(render) });
  await page.goto(`${base}index.html?${q.toString()}`);
  await page.waitForFunction(`${BENCH} !== undefined`, undefined, { timeout: 60_000 });
  await page.evaluate(`${BENCH}.ready`, undefined);
  await page.evaluate(`${BENCH}.park(true)`);
  const startup = (await page.evaluate(`${BENCH}.startup`)) as Startup;
  log(`${scenario}: ${JSON.stringify(startup)}`);
  return { scenario, page, startup, errors, close: () => context.close() };
}

type FpsRun = Fps & { chromiumCpuMsPerFrame: number; loadAverage: number[] };

/** One fps window on a page (the others parked): warm-up, then frames drawn over `seconds`, Chromium's CPU per frame. */
async function fpsWindow(o: Opened, browserPid: number, warmupS: number, seconds: number): Promise<FpsRun> {
  await o.page.evaluate(`${BENCH}.spin(true)`);
  await o.page.waitForTimeout(warmupS * 1000);
  const loadBefore = load();
  const c0 = chromiumTicks(browserPid);
  const fps = (await o.page.evaluate(`${BENCH}.fps(0, ${seconds})`)) as Fps;
  const cpu = round((chromiumCpuSince(browserPid, c0) * 1000) / Math.max(1, fps.frames), 1);
  await o.page.evaluate(`${BENCH}.idle()`);
  await o.page.evaluate(`${BENCH}.park(true)`);
  log(`${o.scenario}: ${fps.fps} fps (median frame ${fps.frameMs.median} ms, main thread ${fps.renderJsMs.median} ms, Chromium CPU ${cpu} ms/frame, load ${loadBefore.join(' ')})`);
  return { ...fps, chromiumCpuMsPerFrame: cpu, loadAverage: loadBefore };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * The scenarios' fps windows interleaved (A, B, C, A, B, C, ...) so that other work on the machine falls on all of
 * them alike, then sync frames the same way; medians per scenario.
 */
async function interleaved(opened: Opened[], browserPid: number, rounds: number, warmupS: number, seconds: number, syncN: number) {
  const fps = new Map<Scenario, FpsRun[]>();
  const sync = new Map<Scenario, { wallMs: number; cpuMs: number }[]>();
  for (let r = 0; r < rounds; r++)
    for (const o of opened) {
      const list = fps.get(o.scenario) ?? [];
      list.push(await fpsWindow(o, browserPid, warmupS, seconds));
      fps.set(o.scenario, list);
    }
  for (let r = 0; r < rounds; r++)
    for (const o of opened) {
      const list = sync.get(o.scenario) ?? [];
      list.push(await syncFrames(o.page, browserPid, syncN));
      sync.set(o.scenario, list);
    }
  return new Map(
    opened.map((o) => {
      const f = fps.get(o.scenario)!;
      const s = sync.get(o.scenario)!;
      return [
        o.scenario,
        {
          fps: round(median(f.map((x) => x.fps))),
          fpsRuns: f.map((x) => x.fps),
          frameMs: round(median(f.map((x) => x.frameMs.median)), 1),
          chromiumCpuMsPerFrame: round(median(f.map((x) => x.chromiumCpuMsPerFrame)), 1),
          renderJsMs: round(median(f.map((x) => x.renderJsMs.median)), 1),
          dataSourceUpdateMs: round(median(f.map((x) => x.dataSourceUpdateMs.median)), 1),
          loadAverage: f.map((x) => x.loadAverage[0]!),
          syncFrame: { wallMs: round(median(s.map((x) => x.wallMs)), 1), cpuMs: round(median(s.map((x) => x.cpuMs)), 1) },
        },
      ] as const;
    }),
  );
}

/** The same scene under other render settings: `BENCH_MAP_SWEEP=1`, primitive against entity per setting. */
const SWEEP: [string, object][] = [
  ['cesiumDefaults', { msaaSamples: 4, orderIndependentTranslucency: true, preserveDrawingBuffer: true, maximumScreenSpaceError: 2, showSkirts: true, highDynamicRange: false, fxaa: false }],
  ['msaa1', { msaaSamples: 1 }],
  ['oitOff', { orderIndependentTranslucency: false }],
  ['preserveOff', { preserveDrawingBuffer: false }],
  ['sse8', { maximumScreenSpaceError: 8 }],
  ['skirtsOff', { showSkirts: false }],
  ['fxaaOn', { fxaa: true }],
  ['hdrOn', { highDynamicRange: true }],
  ['msaa1OitOff', { msaaSamples: 1, orderIndependentTranslucency: false }],
  ['msaa1PreserveOff', { msaaSamples: 1, preserveDrawingBuffer: false }],
  ['msaa1Sse8', { msaaSamples: 1, maximumScreenSpaceError: 8 }],
  ['app', { msaaSamples: 1, preserveDrawingBuffer: false, maximumScreenSpaceError: 8 }],
  ['allWithOitAndSkirtsOff', { msaaSamples: 1, orderIndependentTranslucency: false, preserveDrawingBuffer: false, maximumScreenSpaceError: 8, showSkirts: false }],
];

async function sweep(browser: Browser, browserPid: number, base: string, external: string[]): Promise<void> {
  const only = process.env.BENCH_MAP_SWEEP === '1' ? null : new Set(process.env.BENCH_MAP_SWEEP!.split(','));
  const cesiumDefaults = SWEEP[0]![1];
  for (const [name, change] of SWEEP) {
    if (only && !only.has(name)) continue;
    // Each one change from Cesium's defaults (the first row), so every row reads against the same reference.
    const render = { ...cesiumDefaults, ...change };
    const opened = [await open(browser, base, 'primitive', external, render), await open(browser, base, 'entity', external, render)];
    try {
      const m = await interleaved(opened, browserPid, 2, 2, 5, 6);
      const p = m.get('primitive')!;
      const e = m.get('entity')!;
      console.log(JSON.stringify({ sweep: name, render, primitive: p, entity: e, primitiveOverEntityFps: round(p.fps / e.fps) }));
    } finally {
      for (const o of opened) await o.close();
    }
  }
}

async function main(): Promise<void> {
  // Before anything of ours runs: during the fps windows our own Chromium keeps both cores busy.
  const loadAtStart = load();
  await buildPage();
  const server = await serve(OUT_DIR);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const browserPid = (browser as unknown as { process?: () => { pid?: number } }).process?.()?.pid ?? 0;
  const external: string[] = [];
  try {
    const gl = await (async () => {
      const page = await browser.newPage();
      const info = await page.evaluate(`(() => {
        const gl = document.createElement('canvas').getContext('webgl2');
        if (!gl) return null;
        const ext = gl.getExtension('WEBGL_debug_renderer_info');
        return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
      })()`);
      await page.close();
      return info as string | null;
    })();
    log(`WebGL: ${gl}; load average ${loadAtStart.join(' ')} on ${os.cpus().length} cores`);
    if (!gl) throw new Error('no WebGL2 in this Chromium (SwiftShader flags?)');
    if (process.env.BENCH_MAP_SWEEP) {
      await sweep(browser, browserPid, server.url, external);
      return;
    }
    // Opened one after the other (start-up is timed alone), then measured interleaved, the others parked.
    const opened: Opened[] = [];
    for (const scenario of ['primitive', 'entity', 'app'] as const) opened.push(await open(browser, server.url, scenario, external));
    try {
      const measured = await interleaved(opened, browserPid, ROUNDS, WARMUP_S, SECONDS, 8);
      const lines: Record<string, Record<string, unknown>> = {};
      for (const o of opened) {
        const { page, scenario } = o;
        const onScreen = (await page.evaluate(`${BENCH}.onScreenCount()`)) as number;
        const drawn = (await page.evaluate(`${BENCH}.drawn()`)) as { cameraPointsShown: number; clusters: number };
        const canvas = await page.evaluate(`${BENCH}.canvas`);
        log(`${scenario}: pick`);
        const pick = (await page.evaluate(`${BENCH}.pick(40)`)) as Pick;
        let boxQuarter: Box | null = null;
        let boxWhole: Box | null = null;
        let frameBreakdown = null;
        if (scenario !== 'entity') {
          const { width: w, height: h } = VIEWPORT;
          boxQuarter = (await page.evaluate(`${BENCH}.boxSelect({x0:${w / 4},y0:${h / 4},x1:${(3 * w) / 4},y1:${(3 * h) / 4}}, 20)`)) as Box;
          boxWhole = (await page.evaluate(`${BENCH}.boxSelect({x0:0,y0:0,x1:${w},y1:${h}}, 20)`)) as Box;
          log(`${scenario}: box select ${boxQuarter.ms.median} ms (quarter, ${boxQuarter.selected}), ${boxWhole.ms.median} ms (whole, ${boxWhole.selected})`);
        }
        if (scenario === 'primitive' && BREAKDOWN) {
          log(`${scenario}: frame breakdown`);
          frameBreakdown = await breakdown(page, browserPid);
        }
        const top = PROFILE ? await profile(page, 3) : null;
        await page.evaluate(`${BENCH}.park(true)`);
        if (o.errors.length > 0) throw new Error(`${scenario}: page errors: ${o.errors.join('; ')}`);
        lines[scenario] = {
          scenario,
          clustered: scenario === 'app',
          points: POINTS,
          movers: MOVERS,
          labels: LABELS,
          canvas,
          cameraPointsOnScreen: onScreen,
          ...drawn,
          startup: o.startup,
          ...measured.get(scenario)!,
          pick,
          boxQuarter,
          boxWhole,
          frameBreakdown,
          mainThreadTopSelfTime: top,
        };
        console.log(JSON.stringify({ ...lines[scenario], webgl: gl }));
      }
      const p = measured.get('primitive')!;
      const e = measured.get('entity')!;
      const a = measured.get('app')!;
      const pl = lines.primitive as { pick: Pick; boxQuarter: Box; boxWhole: Box };
      const box = Math.max(pl.boxQuarter.ms.median, pl.boxWhole.ms.median);
      const boxCountsAgree = pl.boxQuarter.selected === pl.boxQuarter.bruteForce && pl.boxWhole.selected === pl.boxWhole.bruteForce;
      const loadAtEnd = load();
      const busy = loadAtStart[0]! > os.cpus().length * 0.75;
      console.log(
        JSON.stringify({
          // PointLayer unclustered (all 10,000 points drawn) over Entities: the issue's comparison.
          primitiveOverEntityFps: round(p.fps / e.fps),
          primitiveFps: p.fps,
          entityFps: e.fps,
          primitiveFpsRuns: p.fpsRuns,
          entityFpsRuns: e.fpsRuns,
          primitiveFrameMs: p.frameMs,
          entityFrameMs: e.frameMs,
          primitiveOverEntityCpuPerFrame: round(e.chromiumCpuMsPerFrame / p.chromiumCpuMsPerFrame),
          primitiveOverEntityMainThread: round(e.renderJsMs / p.renderJsMs),
          primitiveOverEntitySyncFrame: round(e.syncFrame.wallMs / p.syncFrame.wallMs),
          // What the app ships for cameras (PointLayer clustered, MapScene's recluster): a separate figure.
          appPathOverEntityFps: round(a.fps / e.fps),
          appPathFps: a.fps,
          appPathFpsRuns: a.fpsRuns,
          appPathFrameMs: a.frameMs,
          appPathOverEntitySyncFrame: round(e.syncFrame.wallMs / a.syncFrame.wallMs),
          appPathCameraPointsShown: (lines.app as { cameraPointsShown: number }).cameraPointsShown,
          appPathClusters: (lines.app as { clusters: number }).clusters,
          firstRenderMs: opened[0]!.startup.imageryMs,
          tilesLoadedMs: opened[0]!.startup.tilesLoadedMs,
          pickMs: pl.pick.ms.median,
          entityPickMs: (lines.entity as { pick: Pick }).pick.ms.median,
          boxSelectMs: box,
          boxSelectQuarterMs: pl.boxQuarter.ms.median,
          boxSelected: [pl.boxQuarter.selected, pl.boxWhole.selected],
          boxCountsAgree,
          points: POINTS,
          movers: MOVERS,
          rounds: ROUNDS,
          externalRequests: external.length,
          missingFiles: server.missing.length,
          loadAverage: { start: loadAtStart, end: loadAtEnd },
          // Load above 3/4 of the cores before the bench started: other work shared the CPU, frame rates may be low.
          loadHigh: busy,
        }),
      );
    } finally {
      for (const o of opened) await o.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
