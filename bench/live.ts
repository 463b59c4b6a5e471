/**
 * `npm run bench:live`: live-video figures against the local lab, in Debian's Chromium, one JSON line.
 *  - firstFrameMs: double-click on a channel → first decoded frame of that channel (page clock), n >= 10 per path;
 *  - latencyMs: glass-to-glass, from the barcode of the send time that the lab's live camera draws into its
 *    picture, read back from every presented frame in the page (Date.now() minus the encoded time);
 *  - startupMs: spawning the web host → interactive device tree in the page (median of 5 starts).
 */
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startLab, type Lab } from '../lab/lab';
import { readClock, clockLatencyMs } from '../lab/clockBarcode';
import { CHROMIUM_ARGS } from '../e2e/playwright.config';
import { installFrameProbe } from '../e2e/support/frameProbe';
import { startWebHostProcess, type WebHostProcess } from '../e2e/support/webHostProcess';
import { summarise } from './summary';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 12);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 150);


const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function openPage(browser: Awaited<ReturnType<typeof chromium.launch>>, host: WebHostProcess): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await installFrameProbe(page);
  // tsx (esbuild keepNames) wraps named inner functions of evaluate callbacks in __name(); give the page one.
  await page.addInitScript('window.__name = (f) => f;');
  await page.addInitScript(`window.__readClock = ${readClock.toString()}; window.__clockLatencyMs = ${clockLatencyMs.toString()};`);
  await page.goto(host.url);
  await page.getByTestId('tree-county').first().waitFor();
  return page;
}

async function setTransport(page: Page, label: 'WebRTC' | 'JSMpeg' | 'FLV'): Promise<void> {
  await page.getByTestId('transport-switch').getByText(label, { exact: true }).click();
}

/** Double-clicks the channel in the tree and returns ms until its first decoded frame. */
async function clickToFirstFrame(page: Page, channelId: string): Promise<number> {
  const target = page.locator(`[data-testid="tree-channel"][data-channel-id="${channelId}"]`);
  await page.evaluate((id) => {
    const w = window as unknown as { __bench: { clickAt: number; firstAt: number | null }; __mdcFrameHooks: ((i: { channelId: string; at: number }) => void)[] };
    w.__bench = { clickAt: 0, firstAt: null };
    document.addEventListener('dblclick', () => (w.__bench.clickAt = performance.now()), { capture: true, once: true });
    w.__mdcFrameHooks.length = 0;
    w.__mdcFrameHooks.push((info) => {
      if (info.channelId === id && w.__bench.clickAt > 0 && w.__bench.firstAt === null) w.__bench.firstAt = info.at;
    });
  }, channelId);
  await target.dblclick();
  const handle = await page.waitForFunction(
    () => {
      const b = (window as unknown as { __bench: { clickAt: number; firstAt: number | null } }).__bench;
      return b.firstAt === null ? null : b.firstAt - b.clickAt;
    },
    undefined,
    { timeout: 20_000, polling: 10 },
  );
  return (await handle.jsonValue()) as number;
}

async function closeTile(page: Page, index: number): Promise<void> {
  await page.locator(`[data-testid="tile"][data-tile-index="${index}"] button[aria-label="关闭"]`).click();
  await page.locator(`[data-testid="tile"][data-tile-index="${index}"][data-phase="empty"]`).waitFor();
}

/** Reads the barcode of every presented frame of `channelId` and returns glass-to-glass latencies (ms). */
async function latencySamples(page: Page, channelId: string, n: number): Promise<number[]> {
  await page.evaluate((id) => {
    type Info = { channelId: string; element: HTMLVideoElement | HTMLCanvasElement };
    const w = window as unknown as {
      __lat: number[];
      __mdcFrameHooks: ((i: Info) => void)[];
      __readClock: (d: Uint8ClampedArray, w: number, h: number) => number | null;
      __clockLatencyMs: (now: number, read: number) => number;
    };
    w.__lat = [];
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    w.__mdcFrameHooks.length = 0;
    w.__mdcFrameHooks.push((info) => {
      if (info.channelId !== id) return;
      const el = info.element;
      const width = el instanceof HTMLVideoElement ? el.videoWidth : el.width;
      const height = el instanceof HTMLVideoElement ? el.videoHeight : el.height;
      if (!width || !height) return;
      const now = Date.now();
      canvas.width = width;
      canvas.height = height;
      ctx.drawImage(el, 0, 0);
      const code = w.__readClock(ctx.getImageData(0, 0, width, height).data, width, height);
      if (code !== null) w.__lat.push(w.__clockLatencyMs(now, code));
    });
  }, channelId);
  await page.waitForFunction((count) => (window as unknown as { __lat: number[] }).__lat.length >= count, n, { timeout: 60_000 });
  return page.evaluate(() => (window as unknown as { __lat: number[] }).__lat);
}

async function measurePath(page: Page, lab: Lab, label: 'WebRTC' | 'JSMpeg' | 'FLV') {
  await setTransport(page, label);
  const clip = lab.channels.find((c) => !c.live)!;
  const clipId = `lab:${clip.mountpointId}`;
  // Expand the tree to the clip channel once.
  await page.getByTestId('tree-search').locator('input').fill(clip.name);
  await page.locator(`[data-testid="tree-channel"][data-channel-id="${clipId}"]`).waitFor();
  const firstFrames: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    await page.getByTestId('tree-search').locator('input').fill(clip.name);
    await page.locator('[data-testid="tile"][data-tile-index="0"]').click({ position: { x: 20, y: 60 } });
    firstFrames.push(await clickToFirstFrame(page, clipId));
    await closeTile(page, 0);
    await page.waitForTimeout(300);
  }
  log(`${label} first frames: ${firstFrames.map((x) => x.toFixed(0)).join(' ')}`);

  const clockId = `lab:${lab.clockMountpointId}`;
  const clock = lab.channels.find((c) => c.mountpointId === lab.clockMountpointId)!;
  await page.getByTestId('tree-search').locator('input').fill(clock.name);
  await page.locator('[data-testid="tile"][data-tile-index="0"]').click({ position: { x: 20, y: 60 } });
  await page.locator(`[data-testid="tree-channel"][data-channel-id="${clockId}"]`).dblclick();
  await page.locator('[data-testid="tile"][data-tile-index="0"][data-phase="playing"]').waitFor({ timeout: 20_000 });
  await page.waitForTimeout(1_000); // let the jitter buffer settle
  const latency = await latencySamples(page, clockId, LATENCY_SAMPLES);
  await closeTile(page, 0);
  return { firstFrameMs: { ...summarise(firstFrames), cold: Math.round(firstFrames[0]!) }, latencyMs: summarise(latency) };
}

async function measureStartup(browser: Awaited<ReturnType<typeof chromium.launch>>, lab: Lab, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const host = await startWebHostProcess({ labBackend: lab.janusUrl });
    const page = await browser.newPage();
    await page.goto(host.url);
    await page.getByTestId('tree-county').first().waitFor({ timeout: 20_000 });
    times.push(performance.now() - t0);
    await page.close();
    await host.stop();
  }
  return times;
}

async function main(): Promise<void> {
  const lab = await startLab({ runDir: path.resolve('lab/.run/bench'), log: (l) => log(`lab: ${l}`) });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  let host: WebHostProcess | null = null;
  try {
    const startup = await measureStartup(browser, lab, 5);
    log(`startup: ${startup.map((x) => x.toFixed(0)).join(' ')}`);
    host = await startWebHostProcess({ labBackend: lab.janusUrl });
    const page = await openPage(browser, host);
    const janus = await measurePath(page, lab, 'WebRTC');
    const jsmpeg = await measurePath(page, lab, 'JSMpeg');
    const flv = await measurePath(page, lab, 'FLV');
    const result = { janus, jsmpeg, flv, startupMs: summarise(startup).median, startup: summarise(startup), trials: TRIALS };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await browser.close();
    await host?.stop();
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
