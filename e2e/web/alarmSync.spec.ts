import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { startMosquitto, type LabMqtt } from '../../lab/mosquitto';
import { RPC_PROTOCOL, RPC_TOKEN_PREFIX, type RpcResult } from '../../src/shared/contract/rpc';
import type { Alarm, AlarmStatus, AlarmStep } from '../../src/shared/domain/alarm';
import type { SyncStatus } from '../../src/shared/domain/sync';
import { ErrorCollector } from '../support/errorCollector';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';

/**
 * Seat sync (席位同步) between two web-host consoles on one broker, without the full lab: its own mosquitto on a free
 * port, two web hosts with their own data folders, two pages. An alarm pushed to A pops up on B; B's 消警 shows on
 * A; with the broker stopped A handles 20 alarms and its sync tag shows the backlog; once the broker is back all 20
 * arrive on B exactly once.
 */

const TOKEN = 'e2e-sync-token';
const MAPPING = { externalId: 'id', kind: 'kind', level: 'level', channel: 'channelId', time: 'time', description: 'desc' };

/** A small RPC client of the web host (the same WebSocket contract the page uses), for set-up and checks. */
class Rpc {
  private nextId = 1;
  private readonly pending = new Map<number, (r: RpcResult) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { t: string; id?: number; result?: RpcResult };
      if (msg.t === 'res' && msg.id !== undefined) this.pending.get(msg.id)?.(msg.result!);
    });
  }

  static async open(host: WebHostProcess): Promise<Rpc> {
    const token = new URL(host.url).hash.replace(/^#token=/, '');
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/rpc`, [RPC_PROTOCOL, `${RPC_TOKEN_PREFIX}${token}`], { origin: host.origin });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Rpc(ws);
  }

  async call<T>(method: string, input: unknown): Promise<T> {
    const id = this.nextId++;
    const result = await new Promise<RpcResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no reply in 10 s`)), 10_000);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.ws.send(JSON.stringify({ t: 'req', id, method, input }));
    });
    this.pending.delete(id);
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  }

  close(): void {
    this.ws.close();
  }
}

function alarmsFile(dir: string, name: string, inputs: unknown[]): string {
  const file = path.join(dir, `${name}-alarms.json`);
  const options = { receiver: { host: '127.0.0.1', port: 0 }, popupMinLevel: 1, wallMinLevel: 4, wallTarget: null };
  fs.writeFileSync(file, JSON.stringify({ inputs, options }));
  return file;
}

async function push(receiverUrl: string, id: string): Promise<string> {
  const reply = await fetch(`${receiverUrl}/alarms/box`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ id, kind: 'intrusion', level: 3, channelId: 'cam-sync', time: Date.now(), desc: '同步测试' }),
  });
  expect(reply.status).toBe(200);
  return ((await reply.json()) as { id: string }).id;
}

/** The sync tag of the settings page's 席位同步 card. */
function syncTag(page: Page) {
  return page.getByTestId('sync-card').getByTestId('sync-status');
}

test.describe('seat sync (席位同步)', () => {
  test.describe.configure({ timeout: 120_000 });

  let dir = '';
  let broker: LabMqtt;
  const hosts: WebHostProcess[] = [];
  const rpcs: Rpc[] = [];

  test.beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-sync-'));
    broker = await startMosquitto({ runDir: dir, port: 0 });
  });
  test.afterAll(async () => {
    for (const r of rpcs.splice(0)) r.close();
    for (const h of hosts.splice(0)) await h.stop();
    await broker?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('two consoles see each other’s alarm handling, and a backlog made while the broker is down arrives once', async ({ browser }) => {
    const webhook = { id: 'box', kind: 'webhook', name: '测试盒子', enabled: true, mapping: MAPPING, secret: TOKEN };
    const hostA = await startWebHostProcess({ labAlarms: alarmsFile(dir, 'a', [webhook]) });
    hosts.push(hostA);
    const hostB = await startWebHostProcess({ labAlarms: alarmsFile(dir, 'b', []) });
    hosts.push(hostB);
    const a = await Rpc.open(hostA);
    const b = await Rpc.open(hostB);
    rpcs.push(a, b);
    for (const rpc of [a, b]) {
      await rpc.call('saveSync', { enabled: true, url: broker.url, username: broker.username, password: broker.password, topicPrefix: 'e2e' });
    }
    await expect.poll(async () => (await a.call<SyncStatus>('getSyncStatus', {})).state).toBe('online');
    await expect.poll(async () => (await b.call<SyncStatus>('getSyncStatus', {})).state).toBe('online');
    const receiverUrl = (await a.call<AlarmStatus>('getAlarmStatus', {})).receiverUrl!;
    expect(receiverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const pageA = await (await browser.newContext()).newPage();
    const pageB = await (await browser.newContext()).newPage();
    const errors = [new ErrorCollector(pageA), new ErrorCollector(pageB)];
    await pageA.goto(hostA.url);
    await pageB.goto(hostB.url);
    await expect(pageA.getByTestId('nav-alarms')).toBeVisible();
    await expect(pageB.getByTestId('nav-alarms')).toBeVisible();

    // An alarm pushed to A pops up on B.
    const first = await push(receiverUrl, 'sync-1');
    const popup = pageB.getByTestId('alarm-popup');
    await expect(popup).toHaveAttribute('data-alarm-id', first);
    // B dismisses it with a reason; A's list shows 已消警.
    await pageB.getByTestId('nav-alarms').click();
    await pageB.getByTestId(`alarm-detail-${first}`).click();
    const detail = pageB.locator('.ant-drawer').filter({ has: pageB.getByTestId('alarm-steps') });
    await detail.getByTestId('alarm-dismiss').click();
    await pageB.getByTestId('alarm-dismiss-reason').locator('input').fill('误报');
    await pageB.getByTestId('alarm-dismiss-confirm').click();
    await expect(detail.getByTestId('alarm-detail-state')).toHaveText('已消警');
    await expect(popup).toHaveCount(0);
    await detail.locator('.ant-drawer-close').click();
    await pageA.getByTestId('nav-alarms').click();
    await expect(pageA.getByTestId(`alarm-state-${first}`)).toHaveText('已消警');
    expect((await a.call<{ alarm: Alarm }>('getAlarm', { id: first })).alarm).toMatchObject({ state: 'dismissed', dismissReason: '误报' });

    // Twenty more alarms reach both consoles.
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await push(receiverUrl, `sync-batch-${i}`));
    await expect.poll(async () => (await b.call<Alarm[]>('listAlarms', { limit: 100 })).length).toBe(21);
    await pageA.getByTestId('nav-settings').click();
    await expect(syncTag(pageA)).toHaveText('同步正常');

    // The broker goes away: A handles all 20 (each answered at once) and shows the backlog.
    await broker.stop();
    await expect(syncTag(pageA)).toHaveAttribute('data-state', 'offline');
    for (const [i, id] of ids.entries()) {
      if (i % 2 === 0) await a.call('acceptAlarm', { id });
      else await a.call('dismissAlarm', { id, reason: '已现场处置' });
    }
    await expect(syncTag(pageA)).toHaveAttribute('data-backlog', '20');
    await expect(syncTag(pageA)).toHaveText('离线，待发送 20 条');
    expect((await b.call<Alarm[]>('listAlarms', { state: 'new', limit: 100 })).length).toBe(20);

    // Back: everything arrives on B once, and A's backlog empties.
    await broker.start();
    await expect(syncTag(pageA)).toHaveText('同步正常', { timeout: 30_000 });
    await expect(syncTag(pageA)).toHaveAttribute('data-backlog', '0');
    await expect.poll(async () => (await b.call<Alarm[]>('listAlarms', { state: 'new', limit: 100 })).length, { timeout: 30_000 }).toBe(0);
    for (const [i, id] of ids.entries()) {
      const { alarm, steps } = await b.call<{ alarm: Alarm; steps: AlarmStep[] }>('getAlarm', { id });
      expect(steps, `steps of alarm ${i} on B`).toHaveLength(1);
      expect(alarm.state).toBe(i % 2 === 0 ? 'accepted' : 'dismissed');
    }
    // B's list shows them handled.
    await pageB.getByTestId('nav-alarms').click();
    for (const [i, id] of ids.entries()) await expect(pageB.getByTestId(`alarm-state-${id}`)).toHaveText(i % 2 === 0 ? '已接警' : '已消警');
    // 21 alarms and A's 20 steps, each applied once (B's own 消警 is not echoed back).
    expect((await b.call<SyncStatus>('getSyncStatus', {})).applied).toBe(41);

    for (const e of errors) expect(e.unexpected(), 'console errors or requests outside this machine').toEqual([]);
  });

  test('tiered workflow across seats: a mine (enterprise seat) reports its disposal, the centre sees it arrive in the open detail, reviews it, and the mine sees the verdict', async ({ browser }) => {
    const webhook = { id: 'box', kind: 'webhook', name: '测试盒子', enabled: true, mapping: MAPPING, secret: TOKEN };
    const centre = await startWebHostProcess({ labAlarms: alarmsFile(dir, 'centre', [webhook]) });
    hosts.push(centre);
    const mine = await startWebHostProcess({ labAlarms: alarmsFile(dir, 'mine', []) });
    hosts.push(mine);
    const c = await Rpc.open(centre);
    const m = await Rpc.open(mine);
    rpcs.push(c, m);
    for (const rpc of [c, m]) {
      await rpc.call('saveSync', { enabled: true, url: broker.url, username: broker.username, password: broker.password, topicPrefix: 'e2e-wf' });
    }
    await m.call('saveSeatRole', { role: 'enterprise' });
    await expect.poll(async () => (await c.call<SyncStatus>('getSyncStatus', {})).state).toBe('online');
    await expect.poll(async () => (await m.call<SyncStatus>('getSyncStatus', {})).state).toBe('online');
    const id = await push((await c.call<AlarmStatus>('getAlarmStatus', {})).receiverUrl!, 'wf-1');
    await expect.poll(async () => (await m.call<Alarm[]>('listAlarms', { limit: 10 })).length).toBe(1);

    const pageC = await (await browser.newContext()).newPage();
    const pageM = await (await browser.newContext()).newPage();
    const errors = [new ErrorCollector(pageC), new ErrorCollector(pageM)];
    const openDetail = async (page: Page) => {
      await page.getByTestId('nav-alarms').click();
      await page.getByTestId(`alarm-detail-${id}`).click();
      return page.locator('.ant-drawer').filter({ has: page.getByTestId('alarm-workflow') });
    };
    await pageC.goto(centre.url);
    await pageM.goto(mine.url);
    const detailC = await openDetail(pageC);
    const detailM = await openDetail(pageM);
    // Level 3 (重大): tiered, the centre must confirm and review.
    await expect(detailC.getByTestId('alarm-workflow')).toContainText('需政府确认收到并审核');
    await detailC.getByTestId('workflow-do-receipt').click();
    await expect(detailC.getByTestId('workflow-receipt')).toContainText('已确认收到');
    await expect(detailM.getByTestId('workflow-receipt')).toContainText('已确认收到');

    // The mine's seat offers only 处置反馈.
    await expect(detailM.getByTestId('workflow-do-review')).toHaveCount(0);
    await detailM.getByTestId('workflow-do-feedback').click();
    await pageM.getByTestId('workflow-plan').fill('停运主斜井皮带，撤出作业人员');
    await pageM.getByTestId('workflow-result').fill('人员已全部撤离，无伤亡');
    await pageM.getByTestId('workflow-feedback-confirm').click();
    // It arrives in the centre's open detail without a reload.
    await expect(detailC.getByTestId('workflow-feedback')).toHaveText('企业反馈 1 条');
    await expect(detailC.getByTestId('alarm-steps')).toContainText('方案「停运主斜井皮带，撤出作业人员」，结果「人员已全部撤离，无伤亡」');

    await detailC.getByTestId('workflow-do-review').click();
    await pageC.getByTestId('workflow-verdict').getByText('通过').click();
    await pageC.getByTestId('workflow-review-text').fill('处置得当');
    await pageC.getByTestId('workflow-review-confirm').click();
    await expect(detailC.getByTestId('workflow-review')).toHaveText('审核通过');
    await expect(detailM.getByTestId('workflow-review')).toHaveText('审核通过');
    await expect(detailM.getByTestId('alarm-steps')).toContainText('审核：通过，处置得当');

    const { steps } = await m.call<{ steps: AlarmStep[] }>('getAlarm', { id });
    expect(steps.map((s) => [s.action, s.role])).toEqual([
      ['receipt', 'government'],
      ['feedback', 'enterprise'],
      ['review', 'government'],
    ]);
    for (const e of errors) expect(e.unexpected(), 'console errors or requests outside this machine').toEqual([]);
  });
});
