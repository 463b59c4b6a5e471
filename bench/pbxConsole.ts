/**
 * What the PBX benchmarks share: the lab PBX, a web host registered to it, and a console page in Debian's Chromium
 * whose SIP line is registered; torn down afterwards whatever happened. A failure prints and exits 1.
 */
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startPbx, type LabPbx } from '../lab/pbx/pbx';
import { CHROMIUM_ARGS } from '../e2e/playwright.config';
import { startWebHostProcess } from '../e2e/support/webHostProcess';
import { benchLog as log } from './summary';

export function runWithPbxConsole(name: string, bench: (ctx: { pbx: LabPbx; page: Page }) => Promise<void>): void {
  void (async () => {
    const pbx = await startPbx({ runDir: path.resolve(`lab/.run/bench-${name}`), log: (l) => log(`pbx: ${l}`) });
    const host = await startWebHostProcess({ labPbx: pbx.consoleJson });
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(host.url);
      await page.getByTestId('nav-phone').click();
      await page.waitForSelector('[data-testid="line-lab"][data-state="registered"]', { timeout: 15_000 });
      await bench({ pbx, page });
    } finally {
      await browser.close();
      await host.stop();
      await pbx.stop();
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
