import { expect, test } from '../support/fixtures';
import type { Locator, Page } from '@playwright/test';
import type { Lab } from '../../lab/lab';
import { phoneHeardPerSecond } from '../support/wavTone';

/**
 * Telephone dispatch against the lab PBX: Kamailio (SIP over WebSocket, registrar, dialogs), rtpengine (DTLS-SRTP/ICE
 * to plain RTP) and baresip phones that answer by themselves and each send their own tone. Chromium's fake
 * microphone is the dispatcher.
 */

const card = (page: Page, number: string): Locator => page.getByTestId(`call-card-${number}`).last();

async function openPhone(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('nav-phone').click();
  await expect(page.getByTestId('phone-page')).toBeVisible();
  await expect(page.getByTestId('line-lab')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
}

/** Established, with RTP flowing both ways (getStats through the card's counters). */
async function expectMediaBothWays(page: Page, number: string): Promise<void> {
  const c = card(page, number);
  await expect(c).toHaveAttribute('data-state', 'established', { timeout: 10_000 });
  const panel = await page.getByTestId('phone-calls').innerText();
  await expect
    .poll(async () => Number(await c.getAttribute('data-received')), { timeout: 10_000, message: `RTP received from ${number}; calls when established: ${panel}` })
    .toBeGreaterThan(50);
  await expect
    .poll(async () => Number(await c.getAttribute('data-sent')), { timeout: 10_000, message: `RTP sent to ${number}; calls when established: ${panel}` })
    .toBeGreaterThan(50);
}

/** Finds a number in the directory (search, as a dispatcher would in a long list). */
async function findContact(page: Page, number: string): Promise<Locator> {
  await page.getByTestId('directory-search').locator('input').fill(number);
  const contact = page.getByTestId(`contact-${number}`);
  await expect(contact).toBeVisible();
  return contact;
}

async function hangUp(page: Page, number: string, outcome = 'answered'): Promise<void> {
  const c = card(page, number);
  await c.getByTestId('call-hangup').click();
  await expect(c).toHaveAttribute('data-state', 'ended');
  await expect(c).toHaveAttribute('data-outcome', outcome);
}

function phone(lab: Lab, predicate: (p: Lab['pbx']['phones'][number]) => boolean, nth = 0) {
  const found = lab.pbx.phones.filter(predicate)[nth];
  if (!found) throw new Error('lab has no such phone');
  return found;
}

async function makeGroup(page: Page, name: string, numbers: string[]): Promise<void> {
  await page.getByRole('tab', { name: /自定义组/ }).click();
  await page.getByTestId('group-new').click();
  await page.getByTestId('group-name').fill(name);
  const members = page.getByRole('combobox', { name: '成员（按点名顺序）' });
  for (const n of numbers) {
    await members.fill(n);
    await page.locator('.ant-select-item-option').filter({ hasText: n }).first().click();
  }
  await page.getByTestId('group-name').click(); // closes the member list's dropdown, which covers the buttons
  await page.getByRole('button', { name: /保\s*存/ }).click();
  await expect(page.getByTestId(`group-${name}`)).toBeVisible();
}

test.describe('telephone dispatch', () => {
  test('calls a mine dispatch room: established with RTP both ways, busy in the directory, recorded, kept in the history and played back', async ({
    page,
    host,
    lab,
    errors,
  }) => {
    void errors;
    const mine = phone(lab, (p) => p.role === 'dispatch' && p.answer === 'auto');
    await openPhone(page, host.url);
    const contact = await findContact(page, mine.number);
    await expect(contact).toHaveAttribute('data-status', 'idle', { timeout: 10_000 });

    await page.getByTestId(`call-${mine.number}`).click();
    await expectMediaBothWays(page, mine.number);
    const c = card(page, mine.number);
    await expect(c).toContainText(mine.mineName!);
    await expect(c).toContainText('录音中');
    // The phone agrees: it has an established call, and the PBX lists the dialog (presence says busy).
    await expect.poll(async () => (await lab.pbx.listCalls(mine.number)).length).toBe(1);
    await expect(contact).toHaveAttribute('data-status', 'busy');
    const inviteMs = Number(await c.getAttribute('data-invite-ms'));
    expect(inviteMs).toBeGreaterThan(0);
    await page.waitForTimeout(3000); // a few seconds of conversation to record
    await hangUp(page, mine.number);
    await expect.poll(async () => (await lab.pbx.listCalls(mine.number)).length).toBe(0);
    // The phone heard the dispatcher (Chromium's fake microphone beeps), so media reached the far end too.
    expect(Math.max(...(await phoneHeardPerSecond(lab, mine.number, null)))).toBeGreaterThan(100);

    // History: placed, answered, with its duration.
    const history = page.getByTestId('phone-history');
    const row = history.locator('tr', { hasText: mine.number }).first();
    await expect(row).toContainText('已接通');
    await expect(row).toContainText('呼出');

    // Recordings: found by callee, longer than 0 s, and it plays in the console.
    await page.getByRole('tab', { name: '录音管理' }).click();
    const recordings = page.getByTestId('phone-recordings');
    await recordings.getByTestId('rec-callee').fill(mine.number);
    const recRow = recordings.locator('tr', { hasText: mine.number }).first();
    await expect(recRow).toBeVisible();
    await recRow.getByTestId('rec-play').click();
    const audio = recordings.getByTestId('rec-audio');
    await expect.poll(async () => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(1);
    expect(await audio.evaluate((a: HTMLAudioElement) => a.error)).toBeNull();
  });

  test('a mine calls the console: it rings with name and mine on any page, is answered, then the phone hangs up; a call given up is missed', async ({
    page,
    host,
    lab,
  }) => {
    const caller = phone(lab, (p) => p.role === 'dispatch' && p.answer === 'auto', 1);
    await openPhone(page, host.url);
    await page.getByTestId('nav-wall').click();
    await lab.pbx.dial(caller.number, `sip:1001@${lab.pbx.domain}`);
    const incoming = page.getByTestId(`incoming-${caller.number}`);
    await expect(incoming).toBeVisible({ timeout: 10_000 });
    await expect(incoming).toContainText(caller.mineName!);
    await incoming.getByTestId('incoming-answer').click();
    await page.getByTestId('nav-phone').click();
    await expectMediaBothWays(page, caller.number);
    await lab.pbx.hangup(caller.number);
    await expect(card(page, caller.number)).toHaveAttribute('data-state', 'ended');
    await expect(card(page, caller.number)).toHaveAttribute('data-outcome', 'answered');

    // Rings, nobody answers, the caller gives up: missed.
    await lab.pbx.dial(caller.number, `sip:1001@${lab.pbx.domain}`);
    await expect(page.getByTestId(`incoming-${caller.number}`)).toBeVisible({ timeout: 10_000 });
    await page.waitForTimeout(1000);
    await lab.pbx.hangup(caller.number);
    await expect(page.getByTestId(`incoming-${caller.number}`)).toBeHidden();
    await page.getByTestId('phone-history').getByRole('combobox').first().click();
    await page.locator('.ant-select-item-option').and(page.getByTitle('未接', { exact: true })).click();
    await expect(page.getByTestId('phone-history').locator('tr', { hasText: caller.number }).first()).toContainText('未接');
  });

  test('group call rings three phones at once; roll-call reports who answered and who did not', async ({ page, host, lab }) => {
    const members = lab.pbx.phones.filter((p) => p.answer === 'auto' && p.role === 'dispatch').slice(2, 5);
    const silent = phone(lab, (p) => p.answer === 'never');
    await openPhone(page, host.url);
    await makeGroup(page, '襄垣调度组', members.map((m) => m.number));
    await page.getByTestId('group-襄垣调度组').getByTestId('group-call').click();
    for (const m of members) await expectMediaBothWays(page, m.number);
    for (const m of members) await hangUp(page, m.number);

    await makeGroup(page, '点名组', [members[0]!.number, silent.number]);
    await page.getByTestId('group-点名组').getByTestId('group-rollcall').click();
    const report = page.getByTestId('rollcall');
    await expect(report.getByTestId(`roll-${members[0]!.number}`)).toHaveAttribute('data-status', 'answered', { timeout: 20_000 });
    await expect(report.getByTestId(`roll-${silent.number}`)).toHaveAttribute('data-status', 'calling', { timeout: 15_000 });
    await expect(report.getByTestId(`roll-${silent.number}`)).toHaveAttribute('data-status', 'unanswered', { timeout: 30_000 });
    await expect(report).toContainText('应答 1 / 2');
    await expect(report.getByTestId(`roll-${silent.number}`)).toContainText('无人接听');
  });

  test('consultation: two parties hear each other through the console, and a muted party is not heard', async ({ page, host, lab }) => {
    const [a, b] = lab.pbx.phones.filter((p) => p.answer === 'auto' && p.role === 'dispatch').slice(5, 7);
    await openPhone(page, host.url);
    for (const p of [a!, b!]) {
      await page.getByTestId('dial-input').fill(p.number);
      await page.getByTestId('dial-call').click();
      await expectMediaBothWays(page, p.number);
    }
    // A few seconds apart before the merge: A must not hear B yet.
    await page.waitForTimeout(6000);
    for (const p of [a!, b!]) await card(page, p.number).getByRole('checkbox').check();
    await page.getByTestId('conf-merge').click();
    await expect(page.getByTestId('conf-tag')).toContainText('2 方');
    await page.waitForTimeout(4000);
    // Mute B for the others: A stops hearing B's tone.
    await card(page, b!.number).getByTestId('call-party-mute').click();
    await page.waitForTimeout(4000);
    await hangUp(page, a!.number);
    await hangUp(page, b!.number);
    // A heard B's tone while merged, not before the merge (A's first seconds) and not after B was muted (its last
    // seconds). A also hears the dispatcher's loud fake microphone: B's tone is a share of some percent when mixed in.
    const shares = await phoneHeardPerSecond(lab, a!.number, b!.toneHz);
    expect(Math.max(...shares.slice(0, 5)), `A before the merge: ${shares.map((x) => x.toFixed(3)).join(' ')}`).toBeLessThan(0.01);
    expect(Math.max(...shares), `A during the consultation: ${shares.map((x) => x.toFixed(3)).join(' ')}`).toBeGreaterThan(0.03);
    expect(Math.max(...shares.slice(-2)), `A after B was muted: ${shares.map((x) => x.toFixed(3)).join(' ')}`).toBeLessThan(0.01);
  });

  test('bad input: a number that does not exist, a wrong password, the PBX down and back, a call cut by the PBX — clear states, records kept', async ({
    page,
    host,
    lab,
  }) => {
    const mine = phone(lab, (p) => p.role === 'dispatch' && p.answer === 'auto', 7);
    await openPhone(page, host.url);

    await page.getByTestId('dial-input').fill('5550199');
    await page.getByTestId('dial-call').click();
    await expect(card(page, '5550199')).toHaveAttribute('data-outcome', 'not-found', { timeout: 10_000 });
    await expect(card(page, '5550199')).toContainText('号码不存在');

    // A second seat with a wrong password: refused with a readable reason, the first line unaffected.
    await page.getByTestId('nav-settings').click();
    const sip = page.getByTestId('sip-accounts');
    await sip.getByLabel('ID').fill('seat2');
    await sip.getByTestId('sip-user').fill('1002');
    await sip.getByLabel('显示名').fill('备用席');
    await sip.getByLabel('WebSocket').fill(lab.pbx.wsUrl);
    await sip.getByTestId('sip-password').fill('wrong-password');
    await sip.getByTestId('sip-save').click();
    await expect(sip.locator('tr', { hasText: 'seat2' }).or(sip.locator('tr', { hasText: '备用席' })).first()).toContainText('认证失败', { timeout: 15_000 });
    await sip.locator('tr', { hasText: '备用席' }).getByRole('button', { name: '删除' }).click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByTestId('nav-phone').click();

    // A call the PBX drops (Kamailio stops): the card ends as dropped, and the line says why.
    await findContact(page, mine.number);
    await page.getByTestId(`call-${mine.number}`).click();
    await expectMediaBothWays(page, mine.number);
    await lab.pbx.stopKamailio();
    await expect(card(page, mine.number)).toHaveAttribute('data-outcome', 'dropped', { timeout: 15_000 });
    await expect(page.getByTestId('line-lab')).toHaveAttribute('data-state', /disconnected|connecting/);
    await expect(page.getByTestId('line-lab')).toContainText('PBX');
    // Dialling while the PBX is down fails at once with a reason, and is recorded.
    await page.getByTestId('dial-input').fill(mine.number);
    await page.getByTestId('dial-call').click();
    await expect(card(page, mine.number)).toHaveAttribute('data-outcome', 'failed');
    await expect(card(page, mine.number)).toContainText('线路未注册');

    await lab.pbx.startKamailio();
    await expect(page.getByTestId('line-lab')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
    // The phone never got a BYE (the PBX was gone): end its half of the call, as its own RTP timeout would.
    if ((await lab.pbx.listCalls(mine.number)).length > 0) await lab.pbx.hangup(mine.number);
    await expect.poll(async () => (await lab.pbx.listCalls(mine.number)).length).toBe(0);
    const history = page.getByTestId('phone-history');
    await expect(history.locator('tr', { hasText: mine.number }).filter({ hasText: '通话中断' }).first()).toBeVisible();
    await expect(history.locator('tr', { hasText: '5550199' }).first()).toContainText('号码不存在');
    await expect(page.locator('[data-testid^="call-card-"][data-state="calling"]')).toHaveCount(0);
  });
});
