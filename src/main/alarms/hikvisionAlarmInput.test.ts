import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alarmMappingSchema, type AlarmInputConfig, type AlarmMapping } from '../../shared/domain/alarm';
import { HikvisionBackend } from '../connectors/hikvision/hikvisionBackend';
import { EVENT_SUBSCRIBE_PATH, EVENT_UNSUBSCRIBE_PATH } from '../connectors/hikvision/artemisEvents';
import type { AlarmIntake } from './alarmIntake';
import { AlarmInputs } from './alarmInputs';
import { mapPush } from './fieldMapping';
import { HikvisionAlarmInput, hikvisionEventDest, type HikvisionEventSource } from './hikvisionAlarmInput';
import { APP_KEY, APP_SECRET, sendJson, startFakeArtemis } from '../connectors/hikvision/fakeArtemis.testkit';
import type { LoopbackListener } from '../services/loopbackServer';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

type Seen = { path: string; body: Record<string, unknown> };
let gateway: LoopbackListener;
let origin: string;
const seen: Seen[] = [];
/** Answers of the fake artemis gateway, in turn (the last one repeats). */
let answers: { status?: number; body: unknown }[] = [];

/** Recorded real-shaped artemis answers of eventService (ISC 1.4: data null). */
const RECORDED_OK = { body: { code: '0', msg: 'success', data: null } };
const RECORDED_REFUSED = { body: { code: '0x00072001', msg: '事件类型不存在', data: null } };

beforeAll(async () => {
  gateway = await startFakeArtemis(
    (_req, res) => {
      const reply: { status?: number; body: unknown } = answers.length > 1 ? answers.shift()! : (answers[0] ?? RECORDED_OK);
      sendJson(res, reply.status ?? 200, reply.body);
    },
    ({ path, body }) => seen.push({ path, body }),
  );
  origin = gateway.origin;
});
afterAll(() => gateway.close());

const disposables: { dispose(): unknown }[] = [];
afterEach(async () => {
  for (const d of disposables.splice(0).reverse()) await d.dispose();
  seen.length = 0;
  answers = [];
});

function backend(): HikvisionBackend {
  const b = new HikvisionBackend({ id: 'hik1', kind: 'hikvision', name: '海康综合安防', enabled: true, url: origin, appKey: APP_KEY }, { appSecret: () => APP_SECRET, warn: () => undefined, timeoutMs: 2_000 });
  disposables.push(b);
  return b;
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Hikvision event subscription (recorded real-shaped artemis answers)', () => {
  it('HikvisionBackend signs eventSubscriptionByEventTypes and eventUnSubscriptionByEventTypes', async () => {
    const b = backend();
    await b.subscribeEvents([131588, 131603], 'http://198.51.100.20:18090/alarms/hik?token=t%2B1');
    await b.unsubscribeEvents([131588, 131603]);
    expect(seen).toEqual([
      { path: `/artemis${EVENT_SUBSCRIBE_PATH}`, body: { eventTypes: [131588, 131603], eventDest: 'http://198.51.100.20:18090/alarms/hik?token=t%2B1' } },
      { path: `/artemis${EVENT_UNSUBSCRIBE_PATH}`, body: { eventTypes: [131588, 131603] } },
    ]);
    answers = [RECORDED_REFUSED];
    await expect(b.subscribeEvents([1], 'http://x/alarms/hik')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('事件类型不存在') });
  });

  it('the destination carries the token only when there is one', () => {
    expect(hikvisionEventDest('http://198.51.100.20:18090', 'hik', 'a b&c')).toBe('http://198.51.100.20:18090/alarms/hik?token=a%20b%26c');
    expect(hikvisionEventDest('http://198.51.100.20:18090/', 'hik', null)).toBe('http://198.51.100.20:18090/alarms/hik');
  });

  it('HikvisionAlarmInput retries until the platform accepts, renews, and unsubscribes on dispose', async () => {
    answers = [RECORDED_REFUSED, RECORDED_OK];
    const b = backend();
    const input = new HikvisionAlarmInput({
      sourceId: 'hik',
      backendId: 'hik1',
      eventTypes: [131588],
      callbackBase: 'http://198.51.100.20:18090',
      token: 'tok',
      backend: () => b,
      log: quiet,
      retryMs: 20,
      renewMs: 60,
    });
    disposables.push(input);
    const states: string[] = [];
    input.onStatus((s) => states.push(s.state));
    await until(() => input.status().state === 'connected');
    expect(states).toEqual(['error', 'connected']);
    expect(seen[0]!.body).toEqual({ eventTypes: [131588], eventDest: 'http://198.51.100.20:18090/alarms/hik?token=tok' });
    await until(() => seen.length >= 3);
    expect(seen.every((s) => s.path === `/artemis${EVENT_SUBSCRIBE_PATH}`)).toBe(true);
    await input.dispose();
    expect(seen.at(-1)).toEqual({ path: `/artemis${EVENT_UNSUBSCRIBE_PATH}`, body: { eventTypes: [131588] } });
  });

  it('HikvisionAlarmInput is offline while its backend is missing, and does not unsubscribe what it never subscribed', async () => {
    const input = new HikvisionAlarmInput({ sourceId: 'hik', backendId: 'nope', eventTypes: [1], callbackBase: 'http://h:1', token: null, backend: () => null, log: quiet, retryMs: 1000 });
    await until(() => input.status().state === 'offline');
    expect(input.status().lastError).toBe('视频平台 nope 不存在、未启用或不是海康平台');
    await input.dispose();
    expect(seen).toEqual([]);
  });
});

describe('AlarmInputs with a Hikvision input (recorded real-shaped OnEventNotify)', () => {
  it('subscribes with the receiver path and token, and stores the events the platform POSTs there', async () => {
    const taken: unknown[] = [];
    const intake = {
      take: async (sourceId: string, mapping: AlarmMapping, body: unknown) => {
        const { input } = mapPush(sourceId, mapping, body);
        taken.push(input);
        return { alarm: { id: input.externalId }, duplicate: false, pictureNote: null };
      },
    } as unknown as AlarmIntake;
    const subscribed: string[] = [];
    const fake: HikvisionEventSource & { kind: string } = {
      kind: 'hikvision',
      subscribeEvents: async (_types, dest) => void subscribed.push(dest),
      unsubscribeEvents: async () => undefined,
    };
    const inputs = new AlarmInputs({ intake, secret: (id) => (id === 'hik' ? 'tok+1' : null), dataDir: '/tmp/mdc-hik-test', log: pino({ level: 'silent' }), backend: (id) => (id === 'hik1' ? fake : null) });
    disposables.push(inputs);
    const config: AlarmInputConfig = {
      id: 'hik',
      kind: 'hikvision',
      name: '海康事件',
      enabled: true,
      backendId: 'hik1',
      eventTypes: [131588, 131603],
      callbackBase: 'http://198.51.100.20:18090',
      // As the 'hikvision-event' preset of the settings form reads OnEventNotify (the preset's own test checks it).
      mapping: alarmMappingSchema.parse({
        items: 'params.events',
        externalId: 'eventId',
        kind: 'eventType',
        kindMap: { '131588': 'intrusion', '131603': 'off-post' },
        channel: 'srcIndex',
        reporter: 'srcName',
        time: 'happenTime',
        timeFormat: 'iso',
      }),
    };
    await inputs.configure([config], { host: '127.0.0.1', port: 0 });
    await until(() => inputs.status().inputs[0]!.state === 'connected');
    expect(subscribed).toEqual(['http://198.51.100.20:18090/alarms/hik?token=tok%2B1']);
    const url = inputs.status().receiverUrl!;
    const notify = {
      method: 'OnEventNotify',
      params: {
        ability: 'event_vss',
        events: [
          { eventId: 'e7d2c1a0-0001', eventType: 131588, happenTime: '2026-11-24T12:00:00.000+08:00', srcIndex: 'a1b2c3d4e5f600000002', srcName: '主斜井入口', srcType: 'camera', status: 0, timeout: 0, data: {} },
          { eventId: 'e7d2c1a0-0002', eventType: 131603, happenTime: '2026-11-24T12:00:03.000+08:00', srcIndex: 'a1b2c3d4e5f600000001', srcName: '中央变电所', srcType: 'camera', status: 0, timeout: 0, data: {} },
        ],
        sendTime: '2026-11-24T12:00:03.120+08:00',
      },
    };
    const post = (query: string) => fetch(`${url}/alarms/hik${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(notify) });
    expect((await post('')).status).toBe(401);
    const res = await post('?token=tok%2B1');
    expect(res.status).toBe(200);
    expect(taken).toMatchObject([
      { externalId: 'e7d2c1a0-0001', kind: 'intrusion', deviceId: 'a1b2c3d4e5f600000002' },
      { externalId: 'e7d2c1a0-0002', kind: 'off-post', reporter: '中央变电所' },
    ]);
    expect(inputs.status().inputs[0]).toMatchObject({ kind: 'hikvision', state: 'connected', received: 2 });
  });
});
