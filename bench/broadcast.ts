/**
 * `npm run bench:broadcast`: emergency broadcast figures against the lab PBX, in Debian's Chromium through the
 * console's own UI. A short TTS message is broadcast to a group of ten auto-answer phones, BENCH_BROADCASTS times:
 *  - tenEndpointsMs: the operator presses 开始广播 → the message's first sound is in the recording of the last of the
 *    ten phones (each phone's recording is placed in time by its file's mtime and length; sound = 50 ms RMS above
 *    the noise floor). This includes fetching and decoding the clip, the record, calling all ten and waiting for
 *    them to answer (a clip starts once every endpoint answered or failed, so each hears the whole message);
 *  - allAnsweredMs: press → the last endpoint's answer (the engine's answeredAt);
 *  - perEndpointMs: press → first sound at each phone (the last run's, sorted).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { LabPbx } from '../lab/pbx/pbx';
import { latestHeard, soundRuns } from '../lab/pbx/wavTone';
import { runWithPbxConsole } from './pbxConsole';
import { benchLog as log, summarise } from './summary';

const RUNS = Number(process.env.BENCH_BROADCASTS ?? 5);
const GROUP = '十路广播';

async function makeGroup(page: Page, numbers: string[]): Promise<void> {
  await page.getByTestId('bgroup-new').click();
  await page.getByTestId('bgroup-name').fill(GROUP);
  const members = page.getByRole('combobox', { name: '广播终端' });
  for (const n of numbers) {
    await members.fill(n);
    await page.locator('.ant-select-item-option').filter({ hasText: n }).first().click();
  }
  await page.getByTestId('bgroup-name').click(); // closes the member list's dropdown, which covers the buttons
  await page.getByRole('button', { name: /保\s*存/ }).click();
  await page.getByTestId(`bgroup-${GROUP}`).getByTestId('bgroup-pick').click();
}

/** When (wall clock) each phone first heard sound in its latest call. */
function firstSoundAt(pbx: LabPbx, numbers: string[]): number[] {
  return numbers.map((n) => {
    const heard = latestHeard(path.join(path.dirname(pbx.consoleJson), 'phones', n));
    const run = heard ? soundRuns(heard.samples, heard.rate)[0] : undefined;
    if (!heard || !run) throw new Error(`phone ${n} heard nothing (${heard ? `${heard.file}: ${heard.samples.length / heard.rate} s` : 'no recording'})`);
    return heard.startMs + run.startMs;
  });
}

async function oneBroadcast(page: Page, pbx: LabPbx, numbers: string[]): Promise<{ lastMs: number; allAnsweredMs: number; perEndpointMs: number[] }> {
  const before = await page.getByTestId('broadcast-onair').getAttribute('data-broadcast-id');
  const pressedAt = Date.now();
  await page.getByTestId('broadcast-start').click();
  // The previous broadcast stays on the panel (ended) until the new one replaces it.
  await page.waitForFunction(
    (prev) => {
      const panel = document.querySelector('[data-testid="broadcast-onair"]');
      return panel?.getAttribute('data-phase') === 'ended' && panel.getAttribute('data-broadcast-id') !== prev;
    },
    before,
    { timeout: 60_000 },
  );
  const answered = await Promise.all(numbers.map(async (n) => Number(await page.getByTestId(`endpoint-${n}`).getAttribute('data-answered-at'))));
  if (answered.some((a) => !a)) throw new Error('not every endpoint answered');
  await page.waitForTimeout(800); // the phones close their recordings after the hangup
  const perEndpointMs = firstSoundAt(pbx, numbers).map((t) => Math.round(t - pressedAt));
  return { lastMs: Math.max(...perEndpointMs), allAnsweredMs: Math.max(...answered) - pressedAt, perEndpointMs: perEndpointMs.sort((a, b) => a - b) };
}

runWithPbxConsole('broadcast', async ({ pbx, page }) => {
  await page.getByTestId('nav-broadcast').click();
  const numbers = pbx.phones.filter((p) => p.answer === 'auto' && p.role === 'dispatch').slice(0, 10).map((p) => p.number);
  if (numbers.length !== 10) throw new Error('the lab has fewer than ten auto-answer phones');
  await makeGroup(page, numbers);
  await page.getByTestId('tts-text').fill('请注意，这是广播测试。');
  await page.getByTestId('tts-make').click();
  await page.getByTestId('compose-clip').and(page.locator('[data-duration-ms]:not([data-duration-ms=""])')).waitFor({ timeout: 20_000 });
  const spin = page.getByRole('spinbutton', { name: '重复' }).first();
  await spin.fill('1');
  await spin.blur();

  const last: number[] = [];
  const allAnswered: number[] = [];
  let perEndpointMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await oneBroadcast(page, pbx, numbers);
    last.push(r.lastMs);
    allAnswered.push(r.allAnsweredMs);
    perEndpointMs = r.perEndpointMs;
    log(`broadcast ${i + 1}: all answered ${r.allAnsweredMs} ms, sound at the last of ten ${r.lastMs} ms (${r.perEndpointMs.join(', ')})`);
    // The finished broadcast stays on the panel a while; the next may start at once.
    await page.waitForTimeout(1500);
  }
  const tenEndpointsMs = summarise(last);
  console.log(JSON.stringify({ broadcast: { endpoints: numbers.length, tenEndpointsMs, allAnsweredMs: summarise(allAnswered), lastRunPerEndpointMs: perEndpointMs } }));
  console.log(JSON.stringify({ tenEndpointsMs: tenEndpointsMs.median }));
});
