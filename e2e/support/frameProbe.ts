import type { Page } from 'playwright-core';

/**
 * The players call `globalThis.__mdcFrameProbe({channelId, element, at})` on every decoded frame when it
 * exists (it never does in production). Tests and benchmarks install this one to count frames per channel
 * and to look at the pixels (`element` is the <video> or the jsmpeg <canvas>).
 */
export type ProbeWindow = {
  __mdcFrames: Record<string, { count: number; first: number; last: number }>;
  __mdcFrameHooks: ((info: { channelId: string; element: HTMLVideoElement | HTMLCanvasElement; at: number }) => void)[];
};

export async function installFrameProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as ProbeWindow & { __mdcFrameProbe: unknown };
    w.__mdcFrames = {};
    w.__mdcFrameHooks = [];
    w.__mdcFrameProbe = (info: { channelId: string; element: HTMLVideoElement | HTMLCanvasElement; at: number }) => {
      const entry = (w.__mdcFrames[info.channelId] ??= { count: 0, first: info.at, last: info.at });
      entry.count += 1;
      entry.last = info.at;
      for (const hook of w.__mdcFrameHooks) hook(info);
    };
  });
}

export async function framesOf(page: Page, channelId: string): Promise<number> {
  return page.evaluate((id) => (window as unknown as ProbeWindow).__mdcFrames[id]?.count ?? 0, channelId);
}

/** Frames decoded for `channelId` during `ms` milliseconds from now. */
export async function framesDuring(page: Page, channelId: string, ms: number): Promise<number> {
  const before = await framesOf(page, channelId);
  await page.waitForTimeout(ms);
  return (await framesOf(page, channelId)) - before;
}

/**
 * Standard deviation of the luminance of the next decoded picture of `channelId` (read inside the frame
 * callback, so a WebGL canvas still holds the picture): > 10 means a real picture, not black or flat.
 */
export async function pictureContrast(page: Page, channelId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((resolve) => {
        const w = window as unknown as ProbeWindow;
        const hook = (info: { channelId: string; element: HTMLVideoElement | HTMLCanvasElement }) => {
          if (info.channelId !== id) return;
          w.__mdcFrameHooks.splice(w.__mdcFrameHooks.indexOf(hook), 1);
          const c = document.createElement('canvas');
          c.width = 160;
          c.height = 90;
          const ctx = c.getContext('2d', { willReadFrequently: true })!;
          ctx.drawImage(info.element, 0, 0, c.width, c.height);
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          let sum = 0;
          let sq = 0;
          const n = d.length / 4;
          for (let i = 0; i < d.length; i += 4) {
            const y = 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
            sum += y;
            sq += y * y;
          }
          const mean = sum / n;
          resolve(Math.sqrt(Math.max(0, sq / n - mean * mean)));
        };
        w.__mdcFrameHooks.push(hook);
      }),
    channelId,
  );
}
