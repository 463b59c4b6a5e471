/**
 * In-page probes of `npm run bench:catalog`. These functions are serialised into Chromium (page.addInitScript /
 * page.evaluate), so they use only DOM APIs and their arguments. Times are page clock (performance.now(), 0 =
 * navigation start).
 */

/** What the tree must show before it counts as loaded: county key → "online/total". */
export type CountyCounts = Record<string, string>;

export type TreeTimes = { countsAt: number; expandedAt: number; paintedAt: number };

export type BenchWindow = {
  /** Arrival of every catalogue message (getCatalogue reply or onCatalogueChanged push) on the RPC socket. */
  __catalogueMessages: { at: number; kind: 'reply' | 'push' }[];
};

/** Init script: notes when a catalogue arrives on the host's WebSocket (a cheap prefix check per message). */
export function installCatalogueProbe(): void {
  const w = window as unknown as BenchWindow;
  w.__catalogueMessages = [];
  const Native = window.WebSocket;
  class Probed extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e: MessageEvent) => {
        if (typeof e.data !== 'string') return;
        const head = e.data.slice(0, 120);
        if (head.startsWith('{"t":"evt","event":"onCatalogueChanged"')) w.__catalogueMessages.push({ at: performance.now(), kind: 'push' });
        else if (head.startsWith('{"t":"res"') && head.includes('"value":{"version":') && e.data.includes('"channels":[')) {
          w.__catalogueMessages.push({ at: performance.now(), kind: 'reply' });
        }
      });
    }
  }
  window.WebSocket = Probed;
}

/**
 * Waits (MutationObserver on the document, no polling) until the city and the counties show exactly their counts,
 * then clicks the expand switcher of the first mine and waits until its categories appear (or disappear, when it
 * was open). Returns page times of: counts right, the click answered in the DOM, and the frame after that.
 * Runs as an init script (from navigation on) or through page.evaluate (after a push); self-contained for that.
 */
export function treeInteractive(args: { city: string; counts: CountyCounts; timeoutMs: number }): Promise<TreeTimes> {
  const until = (ok: () => boolean, what: string): Promise<number> =>
    new Promise((resolve, reject) => {
      if (ok()) return resolve(performance.now());
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`timed out waiting for ${what}`));
      }, args.timeoutMs);
      const observer = new MutationObserver(() => {
        if (!ok()) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now());
      });
      observer.observe(document, { childList: true, subtree: true, characterData: true });
    });
  // A virtual list renders only the rows in view: the city's count covers every channel, and every county row
  // rendered must show its own count (collectCountyCounts checks all of them, untimed, by scrolling).
  const countsOk = () => {
    if (document.querySelector('[data-testid="tree-city"] .tree-group__count')?.textContent !== args.city) return false;
    const shown = document.querySelectorAll('[data-testid="tree-county"]');
    if (shown.length === 0) return false;
    for (const el of shown) {
      if (el.querySelector('.tree-group__count')?.textContent !== args.counts[el.getAttribute('data-node-key') ?? '']) return false;
    }
    return true;
  };
  const run = async (): Promise<TreeTimes> => {
    const countsAt = await until(countsOk, 'the county counts');
    const mine = document.querySelector('[data-testid="tree-mine"]');
    const mineKey = mine?.getAttribute('data-node-key');
    const switcher = mine?.closest('.ant-tree-treenode')?.querySelector<HTMLElement>('.ant-tree-switcher');
    if (!mineKey || !switcher) throw new Error('no mine in the tree');
    const catPrefix = `cat:${mineKey.slice('mine:'.length)}/`;
    const wasOpen = switcher.classList.contains('ant-tree-switcher_open');
    const shown = () => [...document.querySelectorAll('[data-testid="tree-category"]')].some((el) => el.getAttribute('data-node-key')?.startsWith(catPrefix));
    switcher.click();
    const expandedAt = await until(() => shown() !== wasOpen, wasOpen ? 'the mine to collapse' : 'the mine to expand');
    const paintedAt = await new Promise<number>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
    return { countsAt, expandedAt, paintedAt };
  };
  const w = window as unknown as { __treeTimes?: Promise<TreeTimes> };
  w.__treeTimes = run();
  return w.__treeTimes;
}

/**
 * Types `query` into the tree's search box (one input event, as a paste or an IME commit gives) and waits until
 * the tree shows the result: the city's count is `cityCount` (null: the no-match message instead) and, when given,
 * the first channel row is `firstId`. Returns ms from the input event to the DOM and to the next frame.
 */
export async function timeSearch(args: { query: string; cityCount: string | null; firstId: string | null; timeoutMs: number }): Promise<{ domMs: number; paintMs: number }> {
  const input = document.querySelector<HTMLInputElement>('[data-testid="tree-search"] input');
  if (!input) throw new Error('no search box');
  const done = () => {
    if (args.cityCount === null) return document.querySelector('[data-testid="device-tree"] .ant-empty') !== null && !document.querySelector('[data-testid="tree-city"]');
    if (document.querySelector('[data-testid="tree-city"] .tree-group__count')?.textContent !== args.cityCount) return false;
    return args.firstId === null || document.querySelector('[data-testid="tree-channel"]')?.getAttribute('data-channel-id') === args.firstId;
  };
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  const t0 = performance.now();
  setValue.call(input, args.query);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  const domAt = await new Promise<number>((resolve, reject) => {
    if (done()) return resolve(performance.now());
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`search "${args.query}" did not render`));
    }, args.timeoutMs);
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(performance.now());
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['data-channel-id'] });
  });
  const paintedAt = await new Promise<number>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
  return { domMs: domAt - t0, paintMs: paintedAt - t0 };
}

/** Scrolls the virtual tree from top to bottom and reads every county row's count (untimed correctness check). */
export async function collectCountyCounts(): Promise<CountyCounts> {
  const holder = document.querySelector<HTMLElement>('[data-testid="device-tree"] .ant-tree-list-holder');
  const out: CountyCounts = {};
  const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  const read = () => {
    for (const el of document.querySelectorAll('[data-testid="tree-county"]')) out[el.getAttribute('data-node-key') ?? ''] = el.querySelector('.tree-group__count')?.textContent ?? '';
  };
  if (!holder) {
    read();
    return out;
  }
  for (let top = 0; ; top += Math.max(50, holder.clientHeight / 2)) {
    holder.scrollTop = top;
    holder.dispatchEvent(new Event('scroll'));
    await frame();
    read();
    if (top >= holder.scrollHeight) break;
  }
  holder.scrollTop = 0;
  holder.dispatchEvent(new Event('scroll'));
  await frame();
  return out;
}
