/**
 * `npm run bench:alarms`: alarm figures, through the console's own receiver and UI in Debian's Chromium.
 *
 *  - steady: the lab generator pushes BENCH_ALARM_RATE alarms/s (default 50, real-shaped, with the lab cameras'
 *    JPEGs) for BENCH_ALARM_SECONDS s to a web host whose console page is open. pushToScreenMs: from the start of
 *    the POST to the first frame after the pop-up counted that alarm (the k-th stored alarm is on screen when the
 *    pop-up's arrival count reaches k; the page stamps the frame after the DOM change);
 *  - burst: BENCH_ALARM_BURST alarms (default 1000), 8 in flight, as fast as the receiver takes them: ingestPerSecond
 *    (2xx per second with the UI open), longestTaskMs (the longest renderer long task, PerformanceObserver; 0 when
 *    none reached Chromium's 50 ms threshold), longestFrameGapMs (the longest gap between animation frames);
 *  - lost: alarms that got a 2xx but are not in the store, plus those the page never counted;
 *  - scale: BENCH_ALARM_ROWS alarms (default 1,000,000, a month of a hundred mines) written to a fresh store, then
 *    the median time of a first page of 50 for ten filter sets an operator uses (listQueryMs: the slowest of them)
 *    and of nine full-text searches (searchMs: the slowest).
 * The last line is the summary JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Page } from 'playwright-core';
import { labAlarmChannels, runGenerator, type GeneratorStats } from '../lab/alarmGenerator';
import { buildChannels } from '../lab/channels';
import { writeLabAlarmsFile } from '../lab/alarmInputsFile';
import { AlarmStore } from '../src/main/alarms/alarmStore';
import { openStore } from '../src/main/services/store';
import { CHROMIUM_ARGS } from '../e2e/playwright.config';
import { startWebHostProcess, type WebHostProcess } from '../e2e/support/webHostProcess';
import { fillAlarms, LIST_CASES, SEARCH_CASES } from './alarmScale';
import { benchLog as log, summarise } from './summary';

const RATE = Number(process.env.BENCH_ALARM_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_ALARM_SECONDS ?? 20);
const BURST = Number(process.env.BENCH_ALARM_BURST ?? 1000);
const ROWS = Number(process.env.BENCH_ALARM_ROWS ?? 1_000_000);
const TOKEN = 'bench-alarm-token';

type LongFrame = { ms: number; styleLayoutMs: number; scripts: string[] };
type PageProbe = { arrivals: [count: number, at: number][]; longTasks: number[]; frameGaps: number[]; frames: LongFrame[] };

/**
 * Stamps the pop-up's arrival count at the next frame after each change, and collects long tasks and frame gaps.
 * Plain script text: tsx would wrap named functions of a page.evaluate callback in a helper the page lacks.
 */
const PROBE_SCRIPT = `(() => {
  const probe = { arrivals: [], longTasks: [], frameGaps: [], frames: [] };
  window.__alarmBench = probe;
  const stamp = (popup) => {
    const count = Number(popup.getAttribute('data-arrivals'));
    requestAnimationFrame(() => probe.arrivals.push([count, Date.now()]));
  };
  new MutationObserver((_, self) => {
    const popup = document.querySelector('[data-testid="alarm-popup"]');
    if (!popup) return;
    self.disconnect();
    stamp(popup);
    new MutationObserver(() => stamp(popup)).observe(popup, { attributes: true, attributeFilter: ['data-arrivals'] });
  }).observe(document.body, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
  // What the long frames spent their time on (script attribution), for the detail line.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      probe.frames.push({
        ms: Math.round(e.duration),
        styleLayoutMs: e.styleAndLayoutStart ? Math.round(e.startTime + e.duration - e.styleAndLayoutStart) : 0,
        scripts: e.scripts.filter((x) => x.duration >= 5).map((x) => Math.round(x.duration) + ' ' + x.invokerType + ' ' + x.invoker),
      });
  }).observe({ type: 'long-animation-frame', buffered: false });
  let last = performance.now();
  const frame = (now) => {
    probe.frameGaps.push(now - last);
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

/** Resolves after two more frames (the probe stamps a change at the frame after it). */
const NEXT_FRAMES = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';

async function installProbe(page: Page): Promise<void> {
  await page.evaluate(PROBE_SCRIPT);
}

async function takeProbe(page: Page, reset: boolean): Promise<PageProbe> {
  return page.evaluate((r) => {
    const probe = (window as unknown as { __alarmBench: PageProbe }).__alarmBench;
    const copy = { arrivals: [...probe.arrivals], longTasks: [...probe.longTasks], frameGaps: [...probe.frameGaps], frames: [...probe.frames] };
    if (r) {
      probe.longTasks.length = 0;
      probe.frameGaps.length = 0;
      probe.frames.length = 0;
    }
    return copy;
  }, reset);
}

/** When the page first counted `k` alarms (epoch ms), for k = 1.. */
function screenTimes(arrivals: [number, number][], base: number, n: number): number[] {
  const out: number[] = [];
  let i = 0;
  for (let k = 1; k <= n; k++) {
    while (i < arrivals.length && arrivals[i]![0] - base < k) i++;
    out.push(i < arrivals.length ? arrivals[i]![1] : Number.NaN);
  }
  return out;
}

async function steadyAndBurst(host: WebHostProcess, page: Page) {
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  const urlText = page.getByTestId('alarm-receiver-url');
  await urlText.waitFor();
  const base = (await urlText.textContent())!.trim();
  await page.getByTestId('nav-wall').click();
  await installProbe(page);
  const labJson = path.resolve('lab/.run/lab.json');
  const channels = fs.existsSync(labJson) ? labAlarmChannels(labJson) : buildChannels();

  // Steady: each alarm's POST start, in the order the receiver stored them (its reply order).
  const sends: { start: number; done: number }[] = [];
  const count = RATE * SECONDS;
  log(`steady: ${count} alarms at ${RATE}/s`);
  const steady = await runGenerator({
    channels,
    url: `${base}/alarms/lab-ai`,
    token: TOKEN,
    ratePerSecond: RATE,
    count,
    seed: 1,
    onSent: ({ result, ms }) => {
      const done = Date.now();
      if (result.ok && !result.duplicate) sends.push({ start: done - ms, done });
    },
  });
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="alarm-popup"]')?.getAttribute('data-arrivals')) >= n, steady.ok, { timeout: 30_000 });
  await page.evaluate(NEXT_FRAMES);
  const afterSteady = await takeProbe(page, true);
  sends.sort((a, b) => a.done - b.done);
  const screens = screenTimes(afterSteady.arrivals, 0, sends.length);
  // An alarm the page never counted is as late as can be: it stays in the percentiles (as Infinity, printed null).
  const pushToScreen = sends.map((s, k) => (Number.isFinite(screens[k]) ? screens[k]! - s.start : Number.POSITIVE_INFINITY));

  log(`burst: ${BURST} alarms, 8 in flight`);
  const t0 = performance.now();
  const burst = await runGenerator({ channels, url: `${base}/alarms/lab-ai`, token: TOKEN, burst: BURST, concurrency: 8, seed: 2 });
  const burstSeconds = (performance.now() - t0) / 1000;
  const total = steady.ok + burst.ok;
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="alarm-popup"]')?.getAttribute('data-arrivals')) >= n, total, { timeout: 60_000 }).catch(() => undefined);
  await page.evaluate(NEXT_FRAMES);
  const afterBurst = await takeProbe(page, true);
  const counted = Number(await page.getByTestId('alarm-popup').getAttribute('data-arrivals'));
  return { steady, burst, burstSeconds, pushToScreen, afterBurst, counted };
}

function lostInStore(host: WebHostProcess, runs: GeneratorStats[]): number {
  const db = new Database(path.join(host.dataDir, 'console.db'), { readonly: true, fileMustExist: true });
  try {
    const stored = new Set(db.prepare('SELECT external_id FROM alarms').pluck().all() as string[]);
    return runs.flatMap((r) => r.okIds).filter((id) => !stored.has(id)).length;
  } finally {
    db.close();
  }
}

function scale(): { rows: number; ingestPerSecond: number; list: Record<string, number>; search: Record<string, number> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-bench-alarms-'));
  try {
    const db = openStore({ dataDir: dir });
    log(`scale: writing ${ROWS} alarms`);
    const ingestPerSecond = fillAlarms(db, (now) => new AlarmStore(db, now), ROWS, (done) => done % 200_000 === 0 && log(`  ${done}`));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const store = new AlarmStore(db);
    const time = (q: (typeof LIST_CASES)[number][1]): number => {
      store.list({ ...q, limit: 50 });
      const xs = Array.from({ length: 15 }, () => {
        const t = performance.now();
        store.list({ ...q, limit: 50 });
        return performance.now() - t;
      });
      return summarise(xs).median;
    };
    const list = Object.fromEntries(LIST_CASES.map(([name, q]) => [name, time(q)]));
    const search = Object.fromEntries(SEARCH_CASES.map(([name, q]) => [name, time(q)]));
    const rows = store.count();
    db.close();
    return { rows, ingestPerSecond, list, search };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-bench-alarm-host-'));
  const file = path.join(dir, 'lab-alarms.json');
  writeLabAlarmsFile(file, { token: TOKEN, receiverPort: 0, options: { popupMinLevel: 1, sound: false, wallTarget: null } });
  const host = await startWebHostProcess({ labAlarms: file, dataDir: dir });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let ui: Awaited<ReturnType<typeof steadyAndBurst>>;
  let lost: number;
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    ui = await steadyAndBurst(host, page);
    lost = lostInStore(host, [ui.steady, ui.burst]) + Math.max(0, ui.steady.ok + ui.burst.ok - ui.counted);
  } finally {
    await browser.close();
    await host.stop();
  }
  const big = scale();
  const p = summarise(ui.pushToScreen);
  const sorted = [...ui.pushToScreen].sort((a, b) => a - b);
  const at99 = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!;
  const p99 = Number.isFinite(at99) ? Math.round(at99 * 10) / 10 : null;
  const notShown = ui.pushToScreen.filter((x) => !Number.isFinite(x)).length;
  const detail = {
    steady: { ratePerSecond: RATE, seconds: SECONDS, sent: ui.steady.sent, ok: ui.steady.ok, pushToScreenMs: { ...p, p99 }, notShown },
    burst: {
      alarms: BURST,
      ok: ui.burst.ok,
      ingestPerSecond: Math.round(ui.burst.ok / ui.burstSeconds),
      longTasks: ui.afterBurst.longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...ui.afterBurst.longTasks)),
      longestFrameGapMs: Math.round(Math.max(0, ...ui.afterBurst.frameGaps)),
      longestFrames: [...ui.afterBurst.frames].sort((a, b) => b.ms - a.ms).slice(0, 3),
    },
    scale: big,
  };
  console.log(JSON.stringify(detail));
  console.log(
    JSON.stringify({
      pushToScreenMs: { p50: p.median, p99 },
      ingestPerSecond: detail.burst.ingestPerSecond,
      longestTaskMs: detail.burst.longestTaskMs,
      longestFrameGapMs: detail.burst.longestFrameGapMs,
      listQueryMs: Math.max(...Object.values(big.list)),
      searchMs: Math.max(...Object.values(big.search)),
      rows: big.rows,
      lost,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
