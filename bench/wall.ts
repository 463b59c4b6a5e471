/**
 * `npm run bench:wall`: video-wall figures against the local lab, in Debian's Chromium, JSON lines.
 *  - for 1, 4, 9 and 16 tiles: delivered/expected frames per tile (expected = 25 fps x window), Chromium CPU
 *    seconds per second (every Chromium process, from /proc), the renderer's main-thread busy seconds per
 *    second (CDP TaskDuration), memory per tile (Chromium RSS and JS heap growth over the empty wall / tiles);
 *  - fillMs: dropping the whole city on an empty 16-split → every tile has decoded a frame;
 *  - leakMB500: growth of Chromium's memory (RSS of all its processes, and JS heap after GC) over 500 open/close
 *    cycles of a tile (each cycle waits for the first decoded frame), half WebRTC, half jsmpeg.
 * Last line: {"tiles16":{"minDeliveredRatio":..,"fillMs":..},"leakMB500":..,...}
 */
import { descendants, procStat } from './processes';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { startLab } from '../lab/lab';
import { CHROMIUM_ARGS } from '../e2e/playwright.config';
import { installFrameProbe, type ProbeWindow } from '../e2e/support/frameProbe';
import { startWebHostProcess, type WebHostProcess } from '../e2e/support/webHostProcess';

const FPS = 25;
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 20);
const WINDOW_16_S = Number(process.env.BENCH_WINDOW_16_S ?? 60);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 500);
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;


/** RSS in MB of Chromium's processes by type (browser, renderer, gpu-process, utility …). */
function rssByType(root: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of descendants(root)) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      const rss = Number(procStat(pid)[21]) * 4096;
      out[type] = round((out[type] ?? 0) + rss / 1048576, 1);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds (user+system) and RSS bytes of Chromium and all its children. */
function chromiumUsage(root: number): { cpuS: number; rssBytes: number } {
  const tick = 100; // USER_HZ on Linux
  let cpu = 0;
  let rss = 0;
  for (const pid of descendants(root)) {
    try {
      const f = procStat(pid);
      cpu += (Number(f[11]) + Number(f[12])) / tick;
      rss += Number(f[21]) * 4096;
    } catch {
      // gone meanwhile
    }
  }
  return { cpuS: cpu, rssBytes: rss };
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await metrics(cdp))['JSHeapUsedSize'] ?? 0;
}

async function frameCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => Object.fromEntries(Object.entries((window as unknown as ProbeWindow).__mdcFrames).map(([k, v]) => [k, v.count])));
}

/**
 * Each playing tile's decoded-frame counter (`data-frames`, updated once a second from the player's stats), read
 * at the moment it changes, so a window between two readings is exact to a few ms whatever the tick phase.
 */
async function decodedCounters(page: Page): Promise<{ frames: number; at: number }[]> {
  return page.evaluate(
    () =>
      new Promise<{ frames: number; at: number }[]>((resolve) => {
        const tiles = [...document.querySelectorAll('[data-testid="tile"][data-phase="playing"]')];
        const start = tiles.map((t) => t.getAttribute('data-frames'));
        const out: ({ frames: number; at: number } | null)[] = tiles.map(() => null);
        const began = performance.now();
        const poll = () => {
          tiles.forEach((t, i) => {
            const v = t.getAttribute('data-frames');
            if (out[i] === null && v !== start[i]) out[i] = { frames: Number(v), at: performance.now() };
          });
          if (out.every((x) => x !== null) || performance.now() - began > 3000) {
            resolve(out.map((x, i) => x ?? { frames: Number(start[i]), at: began }));
          } else setTimeout(poll, 5);
        };
        poll();
      }),
  );
}

async function resetWall(page: Page, layout: string): Promise<void> {
  await page.getByRole('button', { name: '清空本监视器' }).click();
  await page.getByTestId(`layout-${layout}`).click();
  await page.locator(`[data-testid="wall-grid"][data-layout="${layout}"]`).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="tile"]:not([data-phase="empty"])').length === 0);
}

/** Drops the whole city on tile 0 and waits until `n` tiles play; returns ms from the drop to the last first frame. */
async function fill(page: Page, n: number): Promise<number> {
  const city = page.getByTestId('tree-city');
  const t0 = await page.evaluate(() => performance.now());
  await city.dragTo(page.locator('[data-testid="tile"][data-tile-index="0"]'));
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="tile"][data-phase="playing"]').length >= count, n, {
    timeout: 60_000,
    polling: 20,
  });
  const t1 = await page.evaluate(() => performance.now());
  return t1 - t0;
}

async function measureLayout(page: Page, cdp: CDPSession, browserPid: number, layout: '1' | '4' | '9' | '16', windowS: number) {
  const n = Number(layout);
  log(`${n} tiles: reset`);
  await resetWall(page, layout);
  await page.waitForTimeout(2_000);
  const idleHeap = await heapAfterGc(cdp);
  const idle = chromiumUsage(browserPid);
  log(`${n} tiles: fill`);
  const fillMs = await fill(page, n);
  await page.waitForTimeout(3_000); // let start-up settle before the window
  const ids = await page.locator('[data-testid="tile"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-channel-id') ?? ''));
  const d0 = await decodedCounters(page);
  const f0 = await frameCounts(page);
  const m0 = await metrics(cdp);
  const u0 = chromiumUsage(browserPid);
  const t0 = Date.now();
  await page.waitForTimeout(windowS * 1000);
  const seconds = (Date.now() - t0) / 1000;
  const d1 = await decodedCounters(page);
  const f1 = await frameCounts(page);
  const m1 = await metrics(cdp);
  const u1 = chromiumUsage(browserPid);
  // Delivered = decoded by the player (its own counter, sampled right after it ticks); presented = frames the
  // page was shown (requestVideoFrameCallback / jsmpeg's draw), which headless compositing may coalesce.
  const ratios = d0.map((a, i) => {
    const b = d1[i]!;
    return (b.frames - a.frames) / (FPS * ((b.at - a.at) / 1000));
  });
  const presented = ids.filter(Boolean).map((id) => ((f1[id] ?? 0) - (f0[id] ?? 0)) / (FPS * seconds));
  const paths = await page.locator('[data-testid="tile"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-decode-path') ?? ''));
  const heap = await heapAfterGc(cdp);
  const result = {
    tiles: n,
    windowS: round(seconds, 1),
    fillMs: Math.round(fillMs),
    minDeliveredRatio: round(Math.min(...ratios), 3),
    medianDeliveredRatio: round([...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!, 3),
    deliveredRatios: ratios.map((r) => round(r, 3)),
    minPresentedRatio: round(Math.min(...presented), 3),
    presentedRatios: presented.map((r) => round(r, 3)),
    decodePaths: [...new Set(paths)],
    chromiumCpuSecPerSec: round((u1.cpuS - u0.cpuS) / seconds, 3),
    rendererMainThreadSecPerSec: round(((m1['TaskDuration'] ?? 0) - (m0['TaskDuration'] ?? 0)) / seconds, 3),
    rssMBPerTile: round((u1.rssBytes - idle.rssBytes) / 1048576 / n, 1),
    jsHeapMBPerTile: round((heap - idleHeap) / 1048576 / n, 2),
  };
  log(`${n} tiles: min ratio ${result.minDeliveredRatio}, fill ${result.fillMs} ms, cpu ${result.chromiumCpuSecPerSec} s/s`);
  return result;
}

/** 500 open/close cycles of tile 0 (each waits for the first frame): memory before and after, after GC. */
async function measureLeak(page: Page, cdp: CDPSession, browserPid: number, channelIds: string[]) {
  await resetWall(page, '1');
  const cycle = async (id: string) => {
    await page.locator(`[data-testid="tree-channel"][data-channel-id="${id}"]`).dblclick();
    await page.locator(`[data-testid="tile"][data-tile-index="0"][data-phase="playing"]`).waitFor({ timeout: 20_000 });
    await page.locator(`[data-testid="tile"][data-tile-index="0"] [data-testid="tile-close"]`).click();
    await page.locator(`[data-testid="tile"][data-tile-index="0"][data-phase="empty"]`).waitFor();
  };
  // Warm-up: first use of each path loads code and pools (not a leak).
  for (const transport of ['WebRTC', 'JSMpeg'] as const) {
    await page.getByTestId('transport-switch').getByText(transport, { exact: true }).click();
    for (let i = 0; i < 10; i++) await cycle(channelIds[i % channelIds.length]!);
  }
  await page.waitForTimeout(6_000); // relay linger, Janus session pool idle
  const heap0 = await heapAfterGc(cdp);
  const u0 = chromiumUsage(browserPid);
  const types0 = rssByType(browserPid);
  const t0 = Date.now();
  for (let i = 0; i < CYCLES; i++) {
    if (i === 0 || i === CYCLES / 2) {
      const only = process.env.BENCH_LEAK_TRANSPORT;
      await page.getByTestId('transport-switch').getByText(only ?? (i === 0 ? 'WebRTC' : 'JSMpeg'), { exact: true }).click();
    }
    await cycle(channelIds[i % channelIds.length]!);
    if (i % 50 === 49) log(`leak cycles: ${i + 1}/${CYCLES}`);
  }
  await page.waitForTimeout(6_000);
  const heap1 = await heapAfterGc(cdp);
  const u1 = chromiumUsage(browserPid);
  const domNodes = (await metrics(cdp))['Nodes'] ?? 0;
  const types1 = rssByType(browserPid);
  const rssGrowthByTypeMB = Object.fromEntries(Object.keys(types1).map((k) => [k, round((types1[k] ?? 0) - (types0[k] ?? 0), 1)]));
  return {
    cycles: CYCLES,
    seconds: Math.round((Date.now() - t0) / 1000),
    jsHeapGrowthMB: round((heap1 - heap0) / 1048576, 2),
    rssGrowthMB: round((u1.rssBytes - u0.rssBytes) / 1048576, 1),
    rssGrowthByTypeMB,
    domNodes,
  };
}

async function main(): Promise<void> {
  const lab = await startLab({ runDir: path.resolve('lab/.run/bench'), log: (l) => log(`lab: ${l}`) });
  let browser: Browser | null = null;
  let host: WebHostProcess | null = null;
  try {
    host = await startWebHostProcess({ labBackend: lab.janusUrl });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    const browserPid = (browser as unknown as { process?: () => { pid?: number } }).process?.()?.pid ?? 0;
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await installFrameProbe(page);
    await page.addInitScript('window.__name = (f) => f;');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.enable');
    await page.goto(host.url);
    await page.getByTestId('tree-county').first().waitFor();
    await page.getByTestId('wall-grid').waitFor();
    const layouts: Record<string, Awaited<ReturnType<typeof measureLayout>>> = {};
    for (const layout of process.env.BENCH_LEAK_ONLY ? [] : (['1', '4', '9', '16'] as const)) {
      layouts[`tiles${layout}`] = await measureLayout(page, cdp, browserPid, layout, layout === '16' ? WINDOW_16_S : WINDOW_S);
      process.stdout.write(`${JSON.stringify({ [`tiles${layout}`]: layouts[`tiles${layout}`] })}\n`);
    }
    // Narrow the tree to one mine's cameras (names start with the mine's short name) so all are on screen.
    const mine = lab.channels[0]!.mineId;
    await page.getByTestId('tree-search').locator('input').fill(lab.channels[0]!.name.slice(0, 4));
    const channelIds = lab.channels.filter((c) => c.mineId === mine && !c.live).map((c) => `lab:${c.mountpointId}`);
    const leak = await measureLeak(page, cdp, browserPid, channelIds);
    log(`leak: ${JSON.stringify(leak)}`);
    if (process.env.BENCH_LEAK_ONLY) {
      process.stdout.write(`${JSON.stringify({ leak })}\n`);
      return;
    }
    const t16 = layouts['tiles16']!;
    const summary = {
      tiles16: { minDeliveredRatio: t16.minDeliveredRatio, fillMs: t16.fillMs, chromiumCpuSecPerSec: t16.chromiumCpuSecPerSec, rssMBPerTile: t16.rssMBPerTile },
      // The players' memory lives in the renderer (decoders, WASM, JS) and the GPU process (WebGL); the browser
      // process's growth is reported beside it (under automation it grows with WebSocket traffic: DevTools keeps
      // network events for Playwright), not counted as the console's leak.
      leakMB500: Math.max(leak.jsHeapGrowthMB, round((leak.rssGrowthByTypeMB['renderer'] ?? 0) + (leak.rssGrowthByTypeMB['gpu-process'] ?? 0), 1)),
      leak,
      tiles: Object.fromEntries(Object.entries(layouts).map(([k, v]) => [k, { minDeliveredRatio: v.minDeliveredRatio, fillMs: v.fillMs, chromiumCpuSecPerSec: v.chromiumCpuSecPerSec }])),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await browser?.close();
    await host?.stop();
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
