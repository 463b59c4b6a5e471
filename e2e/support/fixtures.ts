import { test as base, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startLab, type Lab } from '../../lab/lab';
import { ConsolePage } from '../pages/consolePage';
import { ErrorCollector } from './errorCollector';
import { installFrameProbe } from './frameProbe';
import { startWebHostProcess, type WebHostProcess } from './webHostProcess';

/** ffmpeg processes that encode MPEG-1 (only the console's relay does; the lab's cameras send H.264). */
function relayProcesses(): string[] {
  return spawnSync('pgrep', ['-af', 'mpeg1video'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes('ffmpeg'));
}

type WorkerFixtures = { lab: Lab; host: WebHostProcess };
type TestFixtures = { errors: ErrorCollector; console: ConsolePage };

/**
 * One lab of real servers (Janus in its network namespace, ffmpeg cameras) and one web host per worker;
 * every test gets a page with the frame probe and an error collector that fails the test on
 * unexpected console errors or on any request that leaves this machine.
 */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  lab: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const lab = await startLab({ runDir: path.resolve('lab/.run/e2e'), log: (line) => process.stderr.write(`[lab] ${line}\n`) });
      try {
        await use(lab);
      } finally {
        await lab.stop();
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  host: [
    async ({ lab }, use) => {
      const host = await startWebHostProcess({ labBackend: lab.janusUrl, labPbx: lab.pbx.consoleJson });
      try {
        await use(host);
      } finally {
        await host.stop();
      }
      // Nothing the console started may outlive it (the relay's ffmpeg children above all).
      expect(relayProcesses(), 'relay ffmpeg processes left after the web host stopped').toEqual([]);
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  errors: async ({ page }, use) => {
    const errors = new ErrorCollector(page);
    await use(errors);
    expect(errors.unexpected(), 'console errors or requests outside this machine').toEqual([]);
  },
  console: async ({ page, errors }, use) => {
    void errors;
    await installFrameProbe(page);
    await use(new ConsolePage(page));
  },
});

export { expect };
