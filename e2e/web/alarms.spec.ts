import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import type { Page } from '@playwright/test';
import { createLabAlarmFactory, labAlarmChannels, labSourceUrl, postAlarm, runGenerator, type LabAlarm, type LabAlarmFactory } from '../../lab/alarmGenerator';
import { writeLabAlarmsFile } from '../../lab/alarmInputsFile';
import type { Lab } from '../../lab/lab';
import { expect, test } from '../support/fixtures';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';

/**
 * Alarms from the lab generator (real-shaped AI box, monitoring system and app pushes with real JPEGs of the lab
 * cameras' pictures) and the lab broker, into a web host with its own data dir: pop-up, handling, 警情记录, the wall
 * linkage, bad pushes, and durability across a SIGKILL of the host.
 */

const TOKEN = 'e2e-alarm-token';

/** A web host of its own (its wall and alarms stay out of the other specs), set up for the lab's alarm sources. */
async function alarmHost(lab: Lab, dataDir?: string): Promise<WebHostProcess> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-alarms-'));
  const file = path.join(dir, 'lab-alarms.json');
  writeLabAlarmsFile(file, {
    token: TOKEN,
    receiverPort: 0,
    mqtt: { url: lab.mqtt.url, username: lab.mqtt.username, password: lab.mqtt.password },
    options: { popupMinLevel: 1, wallMinLevel: 4, wallTarget: { monitor: 1, tile: 0 } },
  });
  return startWebHostProcess({ labBackend: lab.janusUrl, labAlarms: file, dataDir: dir });
}

/** The receiver's base URL as the settings page shows it (port 0: chosen by the host). */
async function receiverUrl(page: Page): Promise<string> {
  await page.getByTestId('nav-settings').click();
  const url = page.getByTestId('alarm-receiver-url');
  await expect(url).toContainText('http://127.0.0.1:');
  const text = (await url.textContent())!.trim();
  await page.getByTestId('nav-wall').click();
  return text;
}

async function send(base: string, alarm: LabAlarm) {
  const result = await postAlarm(labSourceUrl(`${base}/alarms/lab-ai`, alarm.category), TOKEN, alarm.body);
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true, status: 200 });
  return result;
}

function db(host: WebHostProcess): Database.Database {
  return new Database(path.join(host.dataDir, 'console.db'), { readonly: true, fileMustExist: true });
}

let factory: LabAlarmFactory;
/** The lab's cameras as the generator knows them (place, picture source), from the e2e lab's lab.json. */
const labChannels = () => labAlarmChannels(path.resolve('lab/.run/e2e/lab.json'));
const catalogueId = (lab: Lab, gbId: string) => `lab:${lab.channels.find((c) => c.gbId === gbId)!.mountpointId}`;

function exited(child: WebHostProcess['child']): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

test.describe('alarms (警情)', () => {
  test.describe.configure({ timeout: 90_000 });

  test.beforeAll(async ({ lab }) => {
    void lab;
    factory = await createLabAlarmFactory(labChannels(), { seed: 11 });
  });

  test('a pushed alarm pops up within a second with its picture and boxes; 接警 then 消警 with a reason are stored step by step', async ({ page, lab, errors: _errors }) => {
    const host = await alarmHost(lab);
    try {
      await page.goto(host.url);
      const base = await receiverUrl(page);
      const alarm = factory.next();
      const result = await send(base, alarm);
      const popup = page.getByTestId('alarm-popup');
      // Within a second of the box's 200 (stored), with its picture.
      await expect(popup).toHaveAttribute('data-alarm-id', result.storedId!, { timeout: 1000 });
      const withPicture = alarm.body.image !== undefined;
      if (withPicture) {
        await expect(popup.getByTestId('alarm-picture-img')).toBeVisible({ timeout: 1000 });
        await expect(popup.getByTestId('alarm-box')).toHaveCount(alarm.body.objects?.length ?? 0);
      }
      await expect(popup.getByTestId('alarm-popup-kind')).toHaveText(alarm.body.eventName);
      await expect(popup.getByTestId('alarm-popup-place')).toContainText(alarm.channel.name);
      await expect(popup).toHaveAttribute('data-chimes', '1');

      // 接警 takes it off the pop-up (it is being handled); 消警 is done from its detail.
      await popup.getByTestId('alarm-accept').click();
      await expect(popup).toHaveCount(0);
      await page.getByTestId('nav-alarms').click();
      await expect(page.getByTestId(`alarm-state-${result.storedId}`)).toHaveText('已接警');
      await page.getByTestId(`alarm-detail-${result.storedId}`).click();
      const detail = page.locator('.ant-drawer').filter({ has: page.getByTestId('alarm-steps') });
      await detail.getByTestId('alarm-dismiss').click();
      await page.getByTestId('alarm-dismiss-reason').locator('input').fill('演练/测试');
      await page.getByTestId('alarm-dismiss-confirm').click();
      await expect(detail.getByTestId('alarm-detail-state')).toHaveText('已消警');
      await expect(detail.getByTestId('alarm-steps')).toContainText('接警');
      await expect(detail.getByTestId('alarm-steps')).toContainText('消警：演练/测试');

      const store = db(host);
      try {
        const row = store.prepare('SELECT state, dismiss_reason, handled_by, picture_path, channel_id FROM alarms WHERE id = ?').get(result.storedId) as Record<string, unknown>;
        expect(row).toMatchObject({ state: 'dismissed', dismiss_reason: '演练/测试', handled_by: 'operator', channel_id: catalogueId(lab, alarm.channel.gbId) });
        expect(Boolean(row.picture_path)).toBe(withPicture);
        const steps = store.prepare('SELECT action, reason FROM alarm_steps WHERE alarm_id = ? ORDER BY seq').all(result.storedId);
        expect(steps).toEqual([
          { action: 'accept', reason: null },
          { action: 'dismiss', reason: '演练/测试' },
        ]);
      } finally {
        store.close();
      }

      // 警情记录 filtered to 已消警 lists it with the reason.
      await detail.locator('.ant-drawer-close').click();
      await expect(detail).toBeHidden();
      await page.getByTestId('alarm-filter-state').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '已消警' }).click();
      const row = page.getByTestId('alarm-table').locator(`[data-alarm-id="${result.storedId}"]`);
      await expect(row).toContainText('演练/测试');
      await expect(page.getByTestId('alarm-table').locator('[data-alarm-id]')).toHaveCount(1);
    } finally {
      await host.stop();
    }
  });

  test('a most severe alarm opens its camera on the wall tile; the pop-up never takes the keyboard focus', async ({ page, lab, errors: _errors }) => {
    const host = await alarmHost(lab);
    try {
      await page.goto(host.url);
      const base = await receiverUrl(page);
      const search = page.getByPlaceholder(/搜索/).first();
      await search.click();
      await search.pressSequentially('皮带');
      let alarm = factory.next();
      while (alarm.body.level !== '紧急' || alarm.category !== 'ai') alarm = factory.next();
      await send(base, alarm);
      await expect(page.getByTestId('alarm-popup')).toBeVisible();
      // Typing goes on where it was.
      await search.pressSequentially('机头');
      await expect(search).toHaveValue('皮带机头');
      const tile = page.getByTestId('wall-grid').getByTestId('tile').first();
      await expect(tile).toHaveAttribute('data-channel-id', catalogueId(lab, alarm.channel.gbId), { timeout: 5000 });
    } finally {
      await host.stop();
    }
  });

  test('unknown channels are kept unlinked, a picture that is not an image is dropped (alarm kept), clock skew is shown, repeats are one alarm', async ({ page, lab, errors: _errors }) => {
    const host = await alarmHost(lab);
    try {
      await page.goto(host.url);
      const base = await receiverUrl(page);
      const good = factory.next();
      const unlinked = { ...good.body, alarmId: `${good.body.alarmId}-u`, channelCode: '14049999999999999999' };
      const notImage = { ...good.body, alarmId: `${good.body.alarmId}-p`, image: Buffer.from('this is not a picture').toString('base64') };
      // The box's clock is two hours behind.
      const skewed = { ...good.body, alarmId: `${good.body.alarmId}-s`, alarmTime: localTime(Date.now() - 2 * 3600_000) };
      const url = labSourceUrl(`${base}/alarms/lab-ai`, good.category);
      const replies = [];
      for (const body of [unlinked, notImage, skewed, skewed]) replies.push(await postAlarm(url, TOKEN, body));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(replies[3]!.duplicate).toBe(true);
      expect(replies[3]!.storedId).toBe(replies[2]!.storedId);

      await page.getByTestId('nav-alarms').click();
      await expect(page.getByTestId('alarm-table').locator(`[data-alarm-id="${replies[0]!.storedId}"]`)).toContainText('未关联设备 14049999999999999999');
      await page.getByTestId(`alarm-detail-${replies[2]!.storedId}`).click();
      await expect(page.getByTestId('alarm-detail-skew')).toContainText('2 小时');
      const store = db(host);
      try {
        expect(store.prepare('SELECT picture_path FROM alarms WHERE id = ?').pluck().get(replies[1]!.storedId)).toBeNull();
        expect(store.prepare('SELECT COUNT(*) FROM alarms').pluck().get()).toBe(3);
      } finally {
        store.close();
      }
      // A wrong token and a malformed body get a 4xx, and nothing is stored.
      expect((await postAlarm(url, 'wrong', good.body)).status).toBe(401);
      const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"alarmId": ' });
      expect(bad.status).toBe(400);
    } finally {
      await host.stop();
    }
  });

  test('an alarm published to the broker pops up (MQTT input, QoS 1)', async ({ page, lab, errors: _errors }) => {
    const host = await alarmHost(lab);
    const client = await mqtt.connectAsync(lab.mqtt.url, { username: lab.mqtt.username, password: lab.mqtt.password, clientId: `e2e-pub-${Date.now()}` });
    try {
      await page.goto(host.url);
      await page.getByTestId('nav-alarms').click();
      let alarm = factory.next();
      while (alarm.category !== 'ai') alarm = factory.next();
      await client.publishAsync(`mine/${alarm.channel.mineId}/alarms`, JSON.stringify(alarm.body), { qos: 1 });
      const popup = page.getByTestId('alarm-popup');
      await expect(popup.getByTestId('alarm-popup-kind')).toHaveText(alarm.body.eventName, { timeout: 10_000 });
      await expect(page.getByTestId('alarm-table')).toContainText(alarm.body.eventName);
    } finally {
      await client.endAsync();
      await host.stop();
    }
  });

  test('kill -9 of the host during a burst: every alarm that got a 2xx is in the store after the restart', async ({ page, lab }) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-kill-'));
    let host = await alarmHost(lab, dataDir);
    await page.goto(host.url);
    const base = await receiverUrl(page);
    // The page would only report the host going away.
    await page.goto('about:blank');
    const abort = new AbortController();
    let okSoFar = 0;
    const burst = runGenerator({
      channels: labChannels(),
      url: `${base}/alarms/lab-ai`,
      token: TOKEN,
      burst: 2000,
      concurrency: 8,
      seed: 5,
      signal: abort.signal,
      onSent: ({ result }) => {
        if (result.ok) okSoFar++;
      },
    });
    await expect.poll(() => okSoFar, { timeout: 30_000 }).toBeGreaterThan(150);
    host.child.kill('SIGKILL');
    const stats = await burst;
    abort.abort();
    expect(stats.ok).toBeGreaterThan(150);
    expect(stats.failed.length).toBeGreaterThan(0);
    await exited(host.child);
    host = await alarmHost(lab, dataDir);
    try {
      const store = db(host);
      try {
        const stored = new Set(store.prepare('SELECT external_id FROM alarms').pluck().all() as string[]);
        const lost = stats.okIds.filter((id) => !stored.has(id));
        expect(lost).toEqual([]);
      } finally {
        store.close();
      }
    } finally {
      await host.stop();
    }
  });
});

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
