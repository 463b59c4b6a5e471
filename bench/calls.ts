/**
 * `npm run bench:calls`: telephone dispatch figures against the lab PBX (Kamailio + rtpengine + baresip phones), in
 * Debian's Chromium through the console's own UI, one JSON line.
 *  - establishMs: INVITE sent → Established (200 OK, ACK) of calls to auto-answer phones, and dialMs from the click
 *    (microphone, offer, ICE gathering included), n = BENCH_CALLS;
 *  - reregisterMs: Kamailio restarted (its registrations are in memory) → the console's line registered again, and
 *    outageMs from the kill;
 *  - group: ten phones of one group called at once → all answered (ms after the click; they answer at once, so this
 *    bounds the time to ring them all).
 */
import type { Page } from 'playwright-core';
import type { LabPbx } from '../lab/pbx/pbx';
import { runWithPbxConsole } from './pbxConsole';
import { benchLog as log, summarise } from './summary';

const CALLS = Number(process.env.BENCH_CALLS ?? 12);
const RESTARTS = Number(process.env.BENCH_RESTARTS ?? 3);
const GROUP_SIZE = 10;

async function lineState(page: Page): Promise<string | null> {
  return page.getByTestId('line-lab').getAttribute('data-state');
}

async function waitRegistered(page: Page, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  await page.waitForSelector('[data-testid="line-lab"][data-state="registered"]', { timeout: timeoutMs });
  return Date.now() - t0;
}

async function oneCall(page: Page, number: string): Promise<{ inviteMs: number; dialMs: number }> {
  await page.getByTestId('dial-input').fill(number);
  await page.getByTestId('dial-call').click();
  const card = page.locator(`[data-testid="call-card-${number}"][data-state="established"]`);
  await card.waitFor({ timeout: 10_000 });
  const inviteMs = Number(await card.getAttribute('data-invite-ms'));
  const dialMs = Number(await card.getAttribute('data-dial-ms'));
  await card.getByTestId('call-hangup').click();
  await page.locator(`[data-testid="call-card-${number}"][data-state="ended"]`).first().waitFor();
  return { inviteMs, dialMs };
}

async function groupCall(page: Page, pbx: LabPbx, numbers: string[]): Promise<{ allAnsweredMs: number; perPartyMs: number[] }> {
  await page.getByRole('tab', { name: /自定义组/ }).click();
  await page.getByTestId('group-new').click();
  await page.getByTestId('group-name').fill('十方组呼');
  const members = page.getByRole('combobox', { name: '成员（按点名顺序）' });
  for (const n of numbers) {
    await members.fill(n);
    await page.locator('.ant-select-item-option').filter({ hasText: n }).first().click();
  }
  await page.getByTestId('group-name').click(); // closes the member list's dropdown, which covers the buttons
  await page.getByRole('button', { name: /保\s*存/ }).click();
  const button = page.getByTestId('group-十方组呼').getByTestId('group-call');
  await button.waitFor();
  await button.click();
  // Every dial starts at the click; the engine times each call from its dial to Established. The lab phones answer at
  // once, so "all answered" is also an upper bound of "all ringing".
  await page.waitForFunction(
    (ns) => ns.every((n) => document.querySelector(`[data-testid="call-card-${n}"][data-state="established"]`) !== null),
    numbers,
    { timeout: 30_000 },
  );
  const dialMs = await Promise.all(numbers.map(async (n) => Number(await page.getByTestId(`call-card-${n}`).last().getAttribute('data-dial-ms'))));
  const phonesUp = (await Promise.all(numbers.map((n) => pbx.listCalls(n)))).filter((c) => c.length > 0).length;
  if (phonesUp !== numbers.length) throw new Error(`only ${phonesUp} phones report the call`);
  for (const n of numbers) await page.getByTestId(`call-card-${n}`).last().getByTestId('call-hangup').click();
  return { allAnsweredMs: Math.max(...dialMs), perPartyMs: dialMs.sort((a, b) => a - b) };
}

runWithPbxConsole('calls', async ({ pbx, page }) => {
  const phones = pbx.phones.filter((p) => p.answer === 'auto' && p.role !== 'speaker');

  const invite: number[] = [];
  const dial: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const { inviteMs, dialMs } = await oneCall(page, phones[i % phones.length]!.number);
    invite.push(inviteMs);
    dial.push(dialMs);
    log(`call ${i + 1}: INVITE→Established ${inviteMs} ms, click→Established ${dialMs} ms`);
  }

  const group = await groupCall(page, pbx, phones.slice(0, GROUP_SIZE).map((p) => p.number));
  log(`group of ${GROUP_SIZE}: all answered ${group.allAnsweredMs} ms after the click (${group.perPartyMs.join(', ')})`);

  const reregister: number[] = [];
  const outage: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    await page.waitForTimeout(1500);
    const killedAt = Date.now();
    await pbx.killKamailio();
    await page.waitForFunction(() => document.querySelector('[data-testid="line-lab"]')?.getAttribute('data-state') !== 'registered', null, { timeout: 10_000 });
    await pbx.startKamailio();
    const upAt = Date.now();
    await waitRegistered(page, 30_000);
    reregister.push(Date.now() - upAt);
    outage.push(Date.now() - killedAt);
    log(`restart ${i + 1}: registered ${reregister.at(-1)} ms after Kamailio answered (${outage.at(-1)} ms after the kill); line ${await lineState(page)}`);
  }

  const establishMs = summarise(invite);
  const result = {
    calls: {
      establishMs,
      dialMs: summarise(dial),
      reregister: summarise(reregister),
      outageMs: summarise(outage),
      group: { parties: GROUP_SIZE, ...group },
    },
  };
  console.log(JSON.stringify(result));
  console.log(JSON.stringify({ establishMs: { median: establishMs.median }, reregisterMs: summarise(reregister).median, groupAllAnsweredMs: group.allAnsweredMs }));
});
