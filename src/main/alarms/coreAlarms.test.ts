import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_OPTIONS, type Alarm, type AlarmEvent, type AlarmStatus, type AlarmStep } from '../../shared/domain/alarm';
import type { Settings } from '../../shared/domain/settings';
import { createConsoleCore, type ConsoleCore } from '../core';

const dirs: string[] = [];
const cores: ConsoleCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

type Result = { ok: boolean; value?: unknown; error?: { code: string; message: string } };
async function ok<T>(p: Promise<Result>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

/** Our documented generic shape, as an input's mapping. */
const MAPPING = { externalId: 'id', kind: 'kind', level: 'level', channel: 'channelId', time: 'time', score: 'score', boxes: 'boxes', picture: 'picture' };
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]).toString('base64');

async function startCore(dir?: string) {
  const dataDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-core-alarm-'));
  if (!dir) dirs.push(dataDir);
  const logLines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const core = await createConsoleCore({ host: 'web', dataDir, log, version: 'test' });
  cores.push(core);
  return { core, dataDir, logLines };
}

async function withWebhook(core: ConsoleCore, token: string | null): Promise<string> {
  await ok(core.dispatch('saveAlarmOptions', { ...DEFAULT_ALARM_OPTIONS, receiver: { host: '127.0.0.1', port: 0 } }));
  await ok(core.dispatch('saveAlarmInput', { id: 'box', kind: 'webhook', name: '测试盒子', enabled: true, mapping: MAPPING, ...(token ? { secret: token } : {}) }));
  const status = await ok<AlarmStatus>(core.dispatch('getAlarmStatus', {}));
  expect(status.inputs).toEqual([expect.objectContaining({ id: 'box', state: 'listening' })]);
  return `${status.receiverUrl}/alarms/box`;
}

function post(url: string, body: unknown, token = 'tok-1') {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
}

describe('alarms in the console core', () => {
  it('a push is stored, announced, listed, handled with every step recorded, and its picture served', async () => {
    const { core } = await startCore();
    const url = await withWebhook(core, 'tok-1');
    const events: AlarmEvent[] = [];
    core.subscribe('onAlarm', (e) => events.push(e));

    const reply = await post(url, { id: 'a-1', kind: 'smoke-fire', level: 3, channelId: 'nowhere', time: Date.now() - 500, score: 0.9, boxes: [{ x: 0.1, y: 0.2, w: 0.3, h: 0.4 }], picture: JPEG });
    expect(reply.status).toBe(200);
    const { id } = (await reply.json()) as { id: string };
    // Stored before the reply, announced once.
    expect(events).toEqual([{ change: 'new', alarm: expect.objectContaining({ id, kind: 'smoke-fire', linked: false, deviceId: 'nowhere', state: 'new' }) }]);
    expect((await post(url, { id: 'a-1', kind: 'smoke-fire', level: 3, time: Date.now() })).status).toBe(200);
    expect(events).toHaveLength(1);

    const listed = await ok<Alarm[]>(core.dispatch('listAlarms', { state: 'new', limit: 10 }));
    expect(listed.map((a) => a.id)).toEqual([id]);
    const picture = await ok<{ mimeType: string; dataBase64: string }>(core.dispatch('readAlarmPicture', { id }));
    expect(picture).toEqual({ mimeType: 'image/jpeg', dataBase64: JPEG });

    await ok(core.dispatch('acceptAlarm', { id }));
    const refused = await core.dispatch('acceptAlarm', { id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await ok(core.dispatch('dismissAlarm', { id, reason: '  误报 ' }));
    const { alarm, steps } = await ok<{ alarm: Alarm; steps: { action: string; reason: string | null }[] }>(core.dispatch('getAlarm', { id }));
    expect(alarm).toMatchObject({ state: 'dismissed', dismissReason: '误报', handledBy: 'operator' });
    expect(steps.map((s) => [s.action, s.reason])).toEqual([
      ['accept', null],
      ['dismiss', '误报'],
    ]);
    expect(events.map((e) => [e.change, e.alarm.state])).toEqual([
      ['new', 'new'],
      ['handled', 'accepted'],
      ['handled', 'dismissed'],
    ]);
  });

  it('tiered workflow: a government seat confirms receipt and reviews, an enterprise seat reports its disposal; each refused on the other side', async () => {
    const { core } = await startCore();
    const url = await withWebhook(core, 'tok-1');
    const { id } = (await (await post(url, { id: 'wf-1', kind: 'intrusion', level: 4, time: Date.now() })).json()) as { id: string };

    await ok(core.dispatch('addAlarmStep', { id, action: 'receipt' }));
    expect(await core.dispatch('addAlarmStep', { id, action: 'receipt' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const refused = await core.dispatch('addAlarmStep', { id, action: 'feedback', plan: '撤人', result: '已撤离' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(refused.ok ? '' : refused.error.message).toContain('需由企业席位进行');

    await ok(core.dispatch('saveSeatRole', { role: 'enterprise' }));
    expect(await core.dispatch('addAlarmStep', { id, action: 'feedback', plan: '', result: '' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await ok(core.dispatch('addAlarmStep', { id, action: 'feedback', plan: '停运皮带，撤出人员', result: '人员已撤离，皮带已停' }));
    expect(await core.dispatch('addAlarmStep', { id, action: 'review', verdict: 'approved' })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    await ok(core.dispatch('saveSeatRole', { role: 'government' }));
    const { alarm, steps } = await ok<{ alarm: Alarm; steps: AlarmStep[] }>(core.dispatch('addAlarmStep', { id, action: 'review', verdict: 'returned', text: '请补充现场照片' }));
    // Workflow steps do not change the state.
    expect(alarm.state).toBe('new');
    expect(steps.map((s) => [s.action, s.role, s.detail, s.reason])).toEqual([
      ['receipt', 'government', null, null],
      ['feedback', 'enterprise', { plan: '停运皮带，撤出人员', result: '人员已撤离，皮带已停' }, null],
      ['review', 'government', { verdict: 'returned' }, '请补充现场照片'],
    ]);
  });

  it('keeps the token in the secret store, not the settings, and refuses a wrong one', async () => {
    const { core, dataDir } = await startCore();
    const url = await withWebhook(core, 'tok-1');
    expect((await post(url, { id: 'x', kind: 'one-key', time: Date.now() }, 'wrong')).status).toBe(401);
    const settings = await ok<Settings>(core.dispatch('getSettings', {}));
    expect(JSON.stringify(settings)).not.toContain('tok-1');
    const db = fs.readFileSync(path.join(dataDir, 'console.db'));
    expect(db.includes(Buffer.from('tok-1'))).toBe(false);
    // Saved again without a secret: the token stays.
    await ok(core.dispatch('saveAlarmInput', { id: 'box', kind: 'webhook', name: '改名', enabled: true, mapping: MAPPING }));
    expect((await post(url, { id: 'y', kind: 'one-key', time: Date.now() })).status).toBe(200);
    const status = await ok<AlarmStatus>(core.dispatch('getAlarmStatus', {}));
    expect(status.inputs[0]).toMatchObject({ received: 1, refused: 1 });
  });

  it('opens a serious linked alarm on the configured wall tile, and leaves a minor one alone', async () => {
    const { core } = await startCore();
    const url = await withWebhook(core, null);
    const options = { ...DEFAULT_ALARM_OPTIONS, receiver: { host: '127.0.0.1', port: 0 }, wallMinLevel: 3, wallTarget: { monitor: 1, tile: 2 } };
    await ok(core.dispatch('saveAlarmOptions', options));
    // The catalogue is empty here: linkage needs a linked channel, so an unlinked alarm changes nothing.
    expect((await post(url, { id: 'w-1', kind: 'intrusion', level: 4, channelId: 'cam-x', time: Date.now() })).status).toBe(200);
    const wall = await ok<{ monitors: { tiles: { channelId: string | null }[] }[] }>(core.dispatch('getWall', {}));
    expect(JSON.stringify(wall)).not.toContain('cam-x');
  });

  it('does not listen while no webhook input is enabled, and says why when the port is taken', async () => {
    const { core } = await startCore();
    expect(await ok<AlarmStatus>(core.dispatch('getAlarmStatus', {}))).toEqual({ receiverUrl: null, receiverError: null, inputs: [] });
    const url = await withWebhook(core, null);
    const port = Number(new URL(url).port);
    const other = (await startCore()).core;
    await ok(other.dispatch('saveAlarmOptions', { ...DEFAULT_ALARM_OPTIONS, receiver: { host: '127.0.0.1', port } }));
    await ok(other.dispatch('saveAlarmInput', { id: 'box', kind: 'webhook', name: '测试盒子', enabled: true, mapping: MAPPING }));
    const status = await ok<AlarmStatus>(other.dispatch('getAlarmStatus', {}));
    expect(status.receiverUrl).toBeNull();
    expect(status.receiverError).toContain(`端口 ${port} 已被占用`);
    expect(status.inputs[0]).toMatchObject({ state: 'error' });
  });

  it('keeps every stored alarm across a restart', async () => {
    const { core, dataDir } = await startCore();
    const url = await withWebhook(core, null);
    for (let i = 0; i < 5; i++) expect((await post(url, { id: `r-${i}`, kind: 'no-helmet', time: Date.now() })).status).toBe(200);
    await core.dispose();
    cores.splice(cores.indexOf(core), 1);
    const again = (await startCore(dataDir)).core;
    expect((await ok<Alarm[]>(again.dispatch('listAlarms', { limit: 50 }))).map((a) => a.externalId).sort()).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4']);
  });
});
