// @vitest-environment node
/**
 * Seat sync between two real console cores (createConsoleCore, each with its own data folder) on one real broker
 * (the lab's mosquitto on a free port): alarms and handling steps cross once, concurrent handling converges, a
 * broker outage leaves a backlog that arrives exactly once, the outbox survives a restart, garbage is dropped.
 */
import { connectAsync } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_OPTIONS, MAX_ALARM_PICTURE_BYTES, type Alarm, type AlarmEvent, type AlarmStatus, type AlarmStep } from '../../shared/domain/alarm';
import type { SyncStatus } from '../../shared/domain/sync';
import { createConsoleCore, type ConsoleCore } from '../core';
import { canRunMosquitto, mosquittoFixture } from '../services/mosquittoFixture.testkit';
import { openStore } from '../services/store';
import { SeatSync } from './seatSync';
import { SyncOutbox } from './syncOutbox';

const MAPPING = { externalId: 'id', kind: 'kind', level: 'level', channel: 'channelId', time: 'time', picture: 'picture', description: 'desc' };
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 7)]).toString('base64');
const SECRET_TEXT = '井下机密描述';

type Result = { ok: boolean; value?: unknown; error?: { code: string; message: string } };
async function ok<T>(p: Promise<Result>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

/** Polls until `check` holds (deadline: the test's). */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

type Seat = { core: ConsoleCore; dataDir: string; lines: string[]; events: AlarmEvent[]; statuses: SyncStatus[] };

describe.skipIf(!canRunMosquitto)('seat sync between two consoles', () => {
  // A test that stopped the broker leaves it running for the next (after its cores are disposed: hooks stack).
  const { broker, folder } = mosquittoFixture('mdc-seat-sync-');
  const cores: ConsoleCore[] = [];
  let prefixCount = 0;

  afterEach(async () => {
    for (const c of cores.splice(0)) await c.dispose();
  });

  async function seat(actor: string, prefix: string, dataDir?: string): Promise<Seat> {
    const seatDir = dataDir ?? folder('seat-');
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const core = await createConsoleCore({ host: 'web', dataDir: seatDir, log, version: 'test', actor });
    cores.push(core);
    const events: AlarmEvent[] = [];
    const statuses: SyncStatus[] = [];
    core.subscribe('onAlarm', (e) => events.push(e));
    core.subscribe('onSyncStatus', (s) => statuses.push(s));
    await ok(core.dispatch('saveSync', { enabled: true, url: broker.url, username: broker.username, topicPrefix: prefix, password: broker.password }));
    return { core, dataDir: seatDir, lines, events, statuses };
  }

  async function pair(): Promise<{ a: Seat; b: Seat; prefix: string }> {
    const prefix = `t${++prefixCount}/mdc`;
    const a = await seat('值班员甲', prefix);
    const b = await seat('值班员乙', prefix);
    await online(a);
    await online(b);
    return { a, b, prefix };
  }

  const status = (s: Seat) => ok<SyncStatus>(s.core.dispatch('getSyncStatus', {}));
  const online = (s: Seat) => until('sync online', async () => (await status(s)).state === 'online');
  const list = (s: Seat) => ok<Alarm[]>(s.core.dispatch('listAlarms', { limit: 500 }));
  const detail = (s: Seat, id: string) => ok<{ alarm: Alarm; steps: AlarmStep[] }>(s.core.dispatch('getAlarm', { id }));

  async function webhook(s: Seat): Promise<string> {
    await ok(s.core.dispatch('saveAlarmOptions', { ...DEFAULT_ALARM_OPTIONS, receiver: { host: '127.0.0.1', port: 0 } }));
    await ok(s.core.dispatch('saveAlarmInput', { id: 'box', kind: 'webhook', name: '测试盒子', enabled: true, mapping: MAPPING }));
    const alarmStatus = await ok<AlarmStatus>(s.core.dispatch('getAlarmStatus', {}));
    return `${alarmStatus.receiverUrl}/alarms/box`;
  }

  async function push(url: string, id: string, picture: string | null = null): Promise<string> {
    const body = { id, kind: 'smoke-fire', level: 3, channelId: 'cam-1', time: Date.now(), desc: SECRET_TEXT, ...(picture ? { picture } : {}) };
    const reply = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(reply.status).toBe(200);
    return ((await reply.json()) as { id: string }).id;
  }

  it('an alarm posted to A appears on B once with its picture; B handling it appears on A', async () => {
    const { a, b } = await pair();
    const url = await webhook(a);
    const id = await push(url, 'a-1', JPEG);
    await until('the alarm on B', async () => (await list(b)).some((x) => x.id === id));
    const onB = (await list(b)).find((x) => x.id === id)!;
    const onA = (await list(a)).find((x) => x.id === id)!;
    expect(onB).toEqual(onA);
    expect(await ok(b.core.dispatch('readAlarmPicture', { id }))).toEqual({ mimeType: 'image/jpeg', dataBase64: JPEG });
    expect(b.events.map((e) => [e.change, e.alarm.id])).toEqual([['new', id]]);
    // A repeated push on A sends nothing new.
    await push(url, 'a-1', JPEG);

    await ok(b.core.dispatch('dismissAlarm', { id, reason: '误报' }));
    await until('the step on A', async () => (await detail(a, id)).alarm.state === 'dismissed');
    const fromA = await detail(a, id);
    const fromB = await detail(b, id);
    expect(fromA.alarm).toMatchObject({ state: 'dismissed', handledBy: '值班员乙', dismissReason: '误报' });
    expect(fromA.alarm).toEqual(fromB.alarm);
    expect(fromA.steps.map(({ seq: _seq, ...s }) => s)).toEqual(fromB.steps.map(({ seq: _seq, ...s }) => s));
    expect(a.events.filter((e) => e.change === 'handled').map((e) => e.alarm.state)).toEqual(['dismissed']);
    expect((await list(b)).filter((x) => x.externalId === 'a-1')).toHaveLength(1);
    await until('A published all', async () => (await status(a)).backlog === 0 && (await status(b)).backlog === 0);
    expect(await status(a)).toMatchObject({ state: 'online', backlog: 0, lastError: null, published: 1, applied: 1 });
    expect(await status(b)).toMatchObject({ published: 1, applied: 1 });
    // Records are logged by key and kind, never with their content.
    expect([...a.lines, ...b.lines].join('\n')).not.toContain(SECRET_TEXT);
  });

  it('an alarm with a picture at the 4 MB limit crosses whole', async () => {
    const { a, b } = await pair();
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(MAX_ALARM_PICTURE_BYTES - 4, 9)]).toString('base64');
    const id = await push(await webhook(a), 'big-1', big);
    await until('the alarm on B', async () => (await list(b)).some((x) => x.id === id));
    const picture = await ok<{ mimeType: string; dataBase64: string }>(b.core.dispatch('readAlarmPicture', { id }));
    expect(picture.dataBase64.length).toBe(big.length);
    expect(picture.dataBase64 === big).toBe(true);
  });

  it('a concurrent accept on A and dismiss on B converge to the same state, both steps kept', async () => {
    const { a, b } = await pair();
    const id = await push(await webhook(a), 'c-1');
    await until('the alarm on B', async () => (await list(b)).some((x) => x.id === id));
    const [accepted, dismissed] = await Promise.all([
      ok<Alarm>(a.core.dispatch('acceptAlarm', { id })),
      ok<Alarm>(b.core.dispatch('dismissAlarm', { id, reason: '演练' })),
    ]);
    expect(accepted.state).toBe('accepted');
    expect(dismissed.state).toBe('dismissed');
    await until('both steps on both', async () => (await detail(a, id)).steps.length === 2 && (await detail(b, id)).steps.length === 2);
    const onA = await detail(a, id);
    const onB = await detail(b, id);
    expect(onA.alarm).toEqual(onB.alarm);
    expect(onA.alarm).toMatchObject({ state: 'dismissed', handledBy: '值班员乙', dismissReason: '演练' });
    expect(new Set(onA.steps.map((s) => s.id))).toEqual(new Set(onB.steps.map((s) => s.id)));
    expect(onA.steps.map((s) => s.action).sort()).toEqual(['accept', 'dismiss']);
    // A local accept of an alarm handled elsewhere is still refused, naming who.
    const refused = await a.core.dispatch('acceptAlarm', { id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('值班员乙') } });
  });

  it('with the broker down A keeps working and shows the backlog; once it is back all 20 steps arrive on B exactly once', async () => {
    const { a, b } = await pair();
    const url = await webhook(a);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await push(url, `o-${i}`));
    await until('20 alarms on B', async () => (await list(b)).length === 20);
    await broker.kill();
    await until('A offline', async () => (await status(a)).state === 'offline');
    const started = performance.now();
    for (const [i, id] of ids.entries()) {
      if (i % 2 === 0) await ok(a.core.dispatch('acceptAlarm', { id }));
      else await ok(a.core.dispatch('dismissAlarm', { id, reason: '已现场处置' }));
    }
    // Handled while offline: stored and answered at once.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await status(a)).toMatchObject({ state: 'offline', backlog: 20 });
    expect(a.statuses.some((s) => s.backlog === 20 && s.state === 'offline')).toBe(true);
    expect((await list(b)).every((x) => x.state === 'new')).toBe(true);

    await broker.start();
    await until('all 20 handled on B', async () => (await list(b)).every((x) => x.state !== 'new'));
    await until('A backlog 0', async () => (await status(a)).backlog === 0);
    for (const [i, id] of ids.entries()) {
      const { alarm, steps } = await detail(b, id);
      expect(steps).toHaveLength(1);
      expect(alarm.state).toBe(i % 2 === 0 ? 'accepted' : 'dismissed');
    }
    expect(b.events.filter((e) => e.change === 'handled')).toHaveLength(20);
    expect((await status(b)).applied).toBe(40);
    expect((await status(a)).state).toBe('online');
  });

  it('the outbox survives a restart of A: records made offline are published after it', async () => {
    const { a, b, prefix } = await pair();
    const url = await webhook(a);
    const id = await push(url, 'r-1');
    await until('the alarm on B', async () => (await list(b)).some((x) => x.id === id));
    await broker.kill();
    await until('A offline', async () => (await status(a)).state === 'offline');
    const other = await push(url, 'r-2');
    await ok(a.core.dispatch('acceptAlarm', { id }));
    expect((await status(a)).backlog).toBe(2);
    await a.core.dispose();
    cores.splice(cores.indexOf(a.core), 1);

    const again = await seat('值班员甲', prefix, a.dataDir);
    expect((await status(again)).backlog).toBe(2);
    await broker.start();
    await until('both records on B', async () => (await list(b)).some((x) => x.id === other) && (await detail(b, id)).alarm.state === 'accepted');
    await until('A backlog 0', async () => (await status(again)).backlog === 0);
    expect((await status(again)).seatId).toBe((await status(a)).seatId);
    expect((await detail(b, id)).steps).toHaveLength(1);
  });

  it('does not acknowledge a record it could not store: the broker redelivers it and it is applied once', async () => {
    const db = openStore({ dataDir: folder('raw-') });
    const outbox = new SyncOutbox(db, () => true);
    const lines: string[] = [];
    const log = { info: () => undefined, warn: (_f: unknown, m: string) => void lines.push(m), error: (_f: unknown, m: string) => void lines.push(m) };
    const sync = new SeatSync({ db, outbox, seatId: 'seat-raw', log });
    let calls = 0;
    sync.register('alarm-step', () => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    });
    const prefix = `t${++prefixCount}/mdc`;
    try {
      await sync.configure({ enabled: true, url: broker.url, username: broker.username, topicPrefix: prefix }, broker.password);
      await until('online', () => sync.status().state === 'online');
      const raw = await connectAsync(broker.url, { username: broker.username, password: broker.password, protocolVersion: 5 });
      await raw.publishAsync(`${prefix}/records/alarm-step`, JSON.stringify({ v: 1, kind: 'alarm-step', key: 'step-1', seatId: 'other', payload: {} }), { qos: 1 });
      await raw.endAsync();
      await until('applied after redelivery', () => sync.status().applied === 1);
      expect(calls).toBe(2);
      expect(lines).toContain('seat sync record not stored; reconnecting for redelivery');
      expect(db.prepare("SELECT kind, seat_id FROM sync_inbox WHERE key = 'step-1'").get()).toEqual({ kind: 'alarm-step', seat_id: 'other' });
      await until('online again', () => sync.status().state === 'online');
    } finally {
      await sync.dispose();
      db.close();
    }
  });

  it('tasks and events cross too: a task made on A is received on B, B closing an event of A shows on A, each with its history', async () => {
    const { a, b } = await pair();
    const task = await ok<{ id: string }>(
      a.core.dispatch('createTask', {
        title: '核查主斜井皮带机头人员穿越报警',
        description: '现场核实后回复',
        level: 2,
        receiver: { kind: 'text', id: null, name: '王庄煤矿调度室' },
        deadline: Date.now() + 3_600_000,
      }),
    );
    const taskOn = (s: Seat) => s.core.dispatch('getTask', { id: task.id });
    await until('the task on B', async () => (await taskOn(b)).ok);
    await ok(b.core.dispatch('transitionTask', { id: task.id, action: 'accept', note: '已收到' }));
    await until('B accepting on A', async () => ((await ok<{ task: { state: string } }>(taskOn(a))).task.state === 'accepted'));

    const event = await ok<{ id: string }>(
      a.core.dispatch('saveEvent', {
        type: 'gas',
        level: 3,
        mineId: null,
        mineName: '王庄煤矿',
        place: '1203 工作面回风巷',
        location: null,
        occurredAt: Date.now() - 60_000,
        description: '瓦斯浓度 1.2%',
        casualties: '',
        cause: '',
        measures: '',
        reporter: '值班员甲',
        links: [],
      }),
    );
    const eventOn = (s: Seat) => s.core.dispatch('getEvent', { id: event.id });
    await until('the event on B', async () => (await eventOn(b)).ok);
    await ok(b.core.dispatch('closeEvent', { id: event.id, note: '已处置完毕' }));
    await until('B closing on A', async () => ((await ok<{ event: { state: string } }>(eventOn(a))).event.state === 'closed'));
    const onA = await ok<{ event: unknown; history: unknown[] }>(eventOn(a));
    const onB = await ok<{ event: unknown; history: unknown[] }>(eventOn(b));
    expect(onA.event).toEqual(onB.event);
    expect(onA.history).toHaveLength(2);
  });

  it('drops a malformed record with a log line (no content) and keeps syncing', async () => {
    const { a, b, prefix } = await pair();
    const url = await webhook(a);
    const raw = await connectAsync(broker.url, { username: broker.username, password: broker.password, protocolVersion: 5 });
    try {
      await raw.publishAsync(`${prefix}/records/alarm`, `not json ${SECRET_TEXT}`, { qos: 1 });
      await raw.publishAsync(`${prefix}/records/alarm`, JSON.stringify({ v: 1, kind: 'alarm', key: 'k-1', seatId: 'other', payload: { alarm: { desc: SECRET_TEXT } } }), { qos: 1 });
      await raw.publishAsync(`${prefix}/records/alarm-step`, JSON.stringify({ v: 9, kind: 'alarm-step', key: 'k-2', seatId: 'other', payload: {} }), { qos: 1 });
    } finally {
      await raw.endAsync();
    }
    const id = await push(url, 'm-1');
    await until('the alarm on B', async () => (await list(b)).some((x) => x.id === id));
    const dropped = b.lines.filter((l) => l.includes('seat sync record dropped'));
    expect(dropped).toHaveLength(3);
    expect(b.lines.join('\n')).not.toContain(SECRET_TEXT);
    expect(await status(b)).toMatchObject({ state: 'online', applied: 1 });
    expect(await list(b)).toHaveLength(1);
  });
});
