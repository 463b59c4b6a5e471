/**
 * `npm run bench:catalog`: loading and searching a 10,000-channel catalogue in Debian's Chromium; no lab needed.
 *
 * A recorded-WVP server (bench/catalogData.ts: 100 mines × 100 channels, WVP 2.7 shapes, paged) stands in for the
 * province's WVP-GB28181-pro; the built web host starts empty and the WVP backend is registered through the host's
 * RPC (`saveBackend`), so the channels come through the real path: WVP client → paging → mapping → registry →
 * WebSocket → RTK Query → tree model → antd Tree.
 *  - registerMs: saveBackend → the host's catalogue holds all 10,000 channels (login, version probe, 101+ pages);
 *  - treeInteractiveMs: page navigation → every county shows its correct online/total count and a click on a
 *    mine's expand switcher has rendered its categories (the frame after), median of BENCH_RUNS fresh pages;
 *    `fromCatalogueMs` is the same end point counted from the arrival of the catalogue on the socket;
 *  - pushToTreeMs: an open page, one mine's device goes offline (or back online) in WVP, refreshCatalogue → from
 *    the push's arrival to the new counts shown and an expand/collapse click answered;
 *  - searchMs: one input event in the tree's search box (a paste or an IME commit) → the filtered tree in the DOM
 *    (the city's count and the first matching channel row right) and the frame after; distinct queries, repeated;
 *  - catalogueBytes: the getCatalogue reply on the WebSocket (UTF-8 JSON).
 * Last line: {"treeInteractiveMs":..,"searchMs":..,...}; the details carry n/min/max/p90.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { CHROMIUM_ARGS } from '../e2e/playwright.config';
import { startWebHostProcess, type WebHostProcess } from '../e2e/support/webHostProcess';
import { rpcSubprotocols } from '../src/shared/contract/rpc';
import type { Catalogue } from '../src/shared/domain/catalogue';
import { buildDeviceTree, channelIdsUnder } from '../src/renderer/features/tree/treeModel';
import { expectedCounties, generateCatalogue, startCatalogueWvp, type BenchData } from './catalogData';
import { collectCountyCounts, installCatalogueProbe, timeSearch, treeInteractive, type BenchWindow, type CountyCounts, type TreeTimes } from './catalogPage';
import { summarise } from './summary';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SEARCH_REPEATS = Number(process.env.BENCH_SEARCH_REPEATS ?? 3);
const TIMEOUT_MS = 30_000;
const CHANNELS = 10_000;
/** Distinct searches an operator types: a point, a county, a mine, two terms, a full GB id (added from the data), none. */
const QUERIES = ['主井口', '潞州区', '王庄', '采煤工作面 屯留区', '变电所', '沁源 水泵房', '不存在的点位'];

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** A Node client of the web host's RPC (same wire format and token subprotocol as the renderer). */
async function connectRpc(host: WebHostProcess) {
  const token = new URL(host.url).hash.replace(/^#token=/, '');
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/rpc`, rpcSubprotocols(token));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: { value: unknown; bytes: number }) => void; reject: (e: Error) => void }>();
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString('utf8')) as { t: string; id?: number; result?: { ok: boolean; value?: unknown; error?: { message: string } } };
    const p = msg.t === 'res' && msg.id !== undefined ? pending.get(msg.id) : undefined;
    if (!p || !msg.result) return;
    pending.delete(msg.id!);
    if (msg.result.ok) p.resolve({ value: msg.result.value, bytes: data.byteLength });
    else p.reject(new Error(msg.result.error?.message ?? 'RPC failed'));
  });
  return {
    call: (method: string, input: unknown) =>
      new Promise<{ value: unknown; bytes: number }>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ t: 'req', id, method, input }));
      }),
    close: () => ws.close(),
  };
}

/** County key → "online/total" as the tree must show it, from the generated data (not from the tree model). */
function countsOf(data: BenchData): { city: string; counts: CountyCounts } {
  const counties = [...expectedCounties(data)];
  const online = counties.reduce((n, [, c]) => n + c.online, 0);
  const total = counties.reduce((n, [, c]) => n + c.total, 0);
  return { city: `${online}/${total}`, counts: Object.fromEntries(counties.map(([code, c]) => [`county:${code}`, `${c.online}/${c.total}`])) };
}

async function openProbedPage(browser: Browser, counts: { city: string; counts: CountyCounts }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on('pageerror', (err) => log(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') log(`page console error: ${msg.text()}`);
  });
  // tsx (esbuild keepNames) wraps named inner functions of serialised callbacks in __name(); give the page one.
  await page.addInitScript('window.__name = (f) => f;');
  await page.addInitScript(installCatalogueProbe);
  await page.addInitScript(treeInteractive, { ...counts, timeoutMs: TIMEOUT_MS });
  return page;
}

const catalogueArrivals = (page: Page) => page.evaluate(() => (window as unknown as BenchWindow).__catalogueMessages);
const treeTimes = (page: Page) => page.evaluate(() => (window as unknown as { __treeTimes: Promise<TreeTimes> }).__treeTimes);

async function main(): Promise<void> {
  const data = generateCatalogue();
  const wvp = await startCatalogueWvp(data);
  const host = await startWebHostProcess();
  const rpc = await connectRpc(host);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  try {
    // Register the WVP platform as an operator would in 设置 → 视频平台, and wait for the host to hold it all.
    const t0 = performance.now();
    await rpc.call('saveBackend', { id: 'wvp-bench', kind: 'wvp', name: '长治市 WVP 平台', enabled: true, url: wvp.url, username: 'admin', secret: 'admin' });
    let catalogue: Catalogue | null = null;
    let catalogueBytes = 0;
    while (performance.now() - t0 < TIMEOUT_MS) {
      const reply = await rpc.call('getCatalogue', {});
      catalogue = reply.value as Catalogue;
      catalogueBytes = reply.bytes;
      if (catalogue.channels.length >= CHANNELS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const registerMs = performance.now() - t0;
    const wvpRequests = wvp.requests.length;
    if (catalogue?.channels.length !== CHANNELS) throw new Error(`host holds ${catalogue?.channels.length ?? 0} channels, expected ${CHANNELS}`);
    log(`registered: ${catalogue.channels.length} channels, ${catalogue.mines.length} mines in ${registerMs.toFixed(0)} ms; ${wvpRequests} WVP requests; reply ${(catalogueBytes / 1e6).toFixed(2)} MB`);
    const counts = countsOf(data);

    // (a) fresh pages: navigation → interactive tree.
    const fromNavigation: number[] = [];
    const fromCatalogue: number[] = [];
    const countsShown: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await openProbedPage(browser, counts);
      await page.goto(host.url, { waitUntil: 'commit' });
      const times = await treeTimes(page);
      const reply = (await catalogueArrivals(page)).find((m) => m.kind === 'reply');
      fromNavigation.push(times.paintedAt);
      countsShown.push(times.countsAt);
      if (reply) fromCatalogue.push(times.paintedAt - reply.at);
      await page.close();
    }
    log(`navigation → interactive: ${fromNavigation.map((x) => x.toFixed(0)).join(' ')}`);

    // (b) one open page; a mine's device changes state in WVP and the host pushes the whole catalogue again.
    const page = await openProbedPage(browser, counts);
    await page.goto(host.url, { waitUntil: 'commit' });
    await treeTimes(page);
    const shown = await page.evaluate(collectCountyCounts);
    if (JSON.stringify(Object.entries(shown).sort()) !== JSON.stringify(Object.entries(counts.counts).sort())) {
      throw new Error(`county counts in the tree ${JSON.stringify(shown)} differ from the data ${JSON.stringify(counts.counts)}`);
    }
    const pushToTree: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // A mine's NVR drops off (or comes back): WvpBackend reads device states at every refresh, so its 100
      // channels change state and the host pushes the whole catalogue again.
      const mine = data.mines[(5 + 10 * Math.floor(i / 2)) % data.mines.length]!;
      mine.online = !mine.online;
      const before = (await catalogueArrivals(page)).length;
      const evaluated = page.evaluate(treeInteractive, { ...countsOf(data), timeoutMs: TIMEOUT_MS });
      await rpc.call('refreshCatalogue', {});
      const times = await evaluated;
      const push = (await catalogueArrivals(page)).slice(before).find((m) => m.kind === 'push');
      if (!push) throw new Error('no catalogue push arrived');
      pushToTree.push(times.paintedAt - push.at);
    }
    log(`push → interactive: ${pushToTree.map((x) => x.toFixed(0)).join(' ')}`);

    // (c) search: distinct queries, each checked against the tree model on the host's own catalogue.
    const current = ((await rpc.call('getCatalogue', {})).value as Catalogue);
    const searchDom: number[] = [];
    const searchPaint: number[] = [];
    const clearPaint: number[] = [];
    const full = buildDeviceTree(current);
    const perQuery: Record<string, { matches: number; medianMs: number }> = {};
    for (const query of [...QUERIES, data.channels[4321]!.channelId]) {
      const filtered = buildDeviceTree(current, query);
      const expect = { query, cityCount: filtered.total ? `${filtered.online}/${filtered.total}` : null, firstId: channelIdsUnder(filtered)[0] ?? null, timeoutMs: TIMEOUT_MS };
      const mine: number[] = [];
      for (let r = 0; r < SEARCH_REPEATS; r++) {
        const t = await page.evaluate(timeSearch, expect);
        searchDom.push(t.domMs);
        searchPaint.push(t.paintMs);
        mine.push(t.paintMs);
        const cleared = await page.evaluate(timeSearch, { query: '', cityCount: `${full.online}/${full.total}`, firstId: null, timeoutMs: TIMEOUT_MS });
        clearPaint.push(cleared.paintMs);
      }
      perQuery[query] = { matches: filtered.total, medianMs: summarise(mine).median };
    }
    log(`search: ${JSON.stringify(perQuery)}`);
    await page.close();

    const result = {
      treeInteractiveMs: summarise(fromNavigation).median,
      searchMs: summarise(searchPaint).median,
      channels: catalogue.channels.length,
      mines: catalogue.mines.length,
      catalogueBytes,
      registerMs: Math.round(registerMs),
      wvpRequests,
      treeInteractive: summarise(fromNavigation),
      countsShown: summarise(countsShown),
      fromCatalogueMs: summarise(fromCatalogue),
      pushToTreeMs: summarise(pushToTree),
      search: summarise(searchPaint),
      searchDom: summarise(searchDom),
      searchClear: summarise(clearPaint),
      queries: perQuery,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rpc.close();
    await browser.close();
    await host.stop();
    await wvp.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
