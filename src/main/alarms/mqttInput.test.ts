// @vitest-environment node
/**
 * The MQTT alarm input against a real broker (the lab's mosquitto on a free port, a temp dir) and a real store:
 * QoS 1 alarms stored once, malformed pushes refused and logged without their body, acknowledgement only after the
 * store (a failed or interrupted store is redelivered), a broker outage survived with the persistent session.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alarmMappingSchema } from '../../shared/domain/alarm';
import { canRunMosquitto, mosquittoFixture, publishJson as publish } from '../services/mosquittoFixture.testkit';
import { openStore } from '../services/store';
import { AlarmIntake } from './alarmIntake';
import { AlarmPictures } from './alarmPictures';
import { AlarmStore } from './alarmStore';
import { ChannelLinker } from './channelLinker';
import { MqttAlarmInput, type MqttInputOptions, type MqttInputState } from './mqttInput';
import { MAX_WEBHOOK_BODY_BYTES } from './webhookServer';

const MAPPING = alarmMappingSchema.parse({ externalId: 'id', kind: 'type', channel: 'channelId', time: 'time', description: 'desc' });
const SECRET_TEXT = '主运输巷有人闯入';

/** Mosquitto saves its database right after each change, i.e. just after the PUBACK: a SIGKILL within ms can lose one. */
const SAVE_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alarm(id: string): Record<string, unknown> {
  return { id, type: 'intrusion', channelId: '14040500001320000101', time: Date.now(), desc: SECRET_TEXT };
}

describe.skipIf(!canRunMosquitto)('MQTT alarm input', () => {
  const { broker, folder, closeAfter, client: publisher } = mosquittoFixture('mdc-mqtt-input-');

  /** A real store and intake in a fresh folder; the input's log lines collected. */
  function setup(name: string) {
    const dataDir = folder(`${name}-`);
    const db = openStore({ dataDir });
    closeAfter(() => void db.close());
    const store = new AlarmStore(db);
    const lines: string[] = [];
    const line = (fields: Record<string, unknown>, message: string) => lines.push(`${message} ${JSON.stringify(fields)}`);
    const intake = new AlarmIntake({ store, pictures: new AlarmPictures(path.join(dataDir, 'media')), linker: new ChannelLinker(() => ({ channels: [], mines: [] })), warn: line });
    const topic = `mines/${name}/alarms`;
    const input = (overrides: Partial<MqttInputOptions> = {}): MqttAlarmInput => {
      const created = new MqttAlarmInput({
        sourceId: name,
        url: broker.url,
        username: broker.username,
        password: broker.password,
        topics: [topic],
        clientId: `mdc-test-${name}`,
        mapping: MAPPING,
        intake,
        log: { info: line, warn: line, error: line },
        ...overrides,
      });
      closeAfter(() => created.dispose());
      return created;
    };
    return { store, intake, lines, topic, input };
  }


  async function until(input: MqttAlarmInput, state: MqttInputState): Promise<void> {
    await expect.poll(() => input.status().state, { timeout: 8000, interval: 50 }).toBe(state);
  }

  it('stores each QoS 1 alarm once, a repeat as the same alarm', async () => {
    const { store, topic, input } = setup('box-a');
    const mqtt = input();
    const states: MqttInputState[] = [];
    mqtt.onStatus((s) => states.push(s.state));
    await until(mqtt, 'connected');
    const client = await publisher();
    for (const id of ['a-1', 'a-2', 'a-1', 'a-3']) await publish(client, topic, alarm(id));
    await expect.poll(() => mqtt.status().received, { timeout: 5000 }).toBe(4);
    expect(store.count()).toBe(3);
    expect(mqtt.status()).toEqual({ state: 'connected', lastError: null, received: 4, refused: 0 });
    expect(states).toContain('connected');
  });

  it('refuses malformed pushes (logged without the body) and keeps working', async () => {
    const { store, lines, topic, input } = setup('box-b');
    const mqtt = input();
    await until(mqtt, 'connected');
    const client = await publisher();
    await publish(client, topic, '{"id": "b-1", ');
    await publish(client, topic, { ...alarm('b-2'), time: 'yesterday' });
    await publish(client, topic, { type: 'intrusion', time: Date.now(), desc: SECRET_TEXT });
    await publish(client, topic, JSON.stringify({ ...alarm('b-3'), desc: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) }));
    await publish(client, topic, alarm('b-4'));
    await expect.poll(() => mqtt.status().received, { timeout: 5000 }).toBe(1);
    expect(mqtt.status()).toMatchObject({ state: 'connected', refused: 4 });
    expect(store.count()).toBe(1);
    const refusals = lines.filter((l) => l.startsWith('alarm push refused'));
    expect(refusals).toHaveLength(4);
    expect(refusals.join('\n')).toContain('不是有效的 JSON');
    expect(refusals.join('\n')).toContain('推送过大');
    expect(lines.join('\n')).not.toContain(SECRET_TEXT);
    expect(lines.join('\n')).not.toContain(broker.password);
    // Acknowledged: a new session with the same id does not get them again.
    await mqtt.dispose();
    const again = input();
    await until(again, 'connected');
    await sleep(300);
    expect(again.status()).toMatchObject({ received: 0, refused: 0 });
  });

  it('acknowledges only stored alarms: a failed store is redelivered, an interrupted one too', async () => {
    const { store, intake, topic, input } = setup('box-c');
    let failures = 1;
    const flaky = input({
      intake: {
        take: async (...args) => {
          if (failures-- > 0) throw new Error('database is locked');
          return intake.take(...args);
        },
      },
    });
    await until(flaky, 'connected');
    const client = await publisher();
    await publish(client, topic, alarm('c-1'));
    // Not acknowledged: the input drops the connection, reconnects, and the broker redelivers.
    await expect.poll(() => store.count(), { timeout: 8000 }).toBe(1);
    await until(flaky, 'connected');
    await flaky.dispose();

    // The console dies while storing (the store never answers): the next session gets the alarm again.
    const hanging = input({ intake: { take: () => new Promise(() => undefined) } });
    await until(hanging, 'connected');
    await publish(client, topic, alarm('c-2'));
    await sleep(300);
    await hanging.dispose();
    const next = input();
    await expect.poll(() => store.count(), { timeout: 8000 }).toBe(2);
    expect(next.status().received).toBe(1);
  });

  it('survives a broker outage: reconnects, and alarms queued for its session are stored exactly once', async () => {
    const { store, topic, input } = setup('box-d');
    const mqtt = input();
    await until(mqtt, 'connected');
    const client = await publisher();

    // Queued while the console is away, then the broker is SIGKILLed: persistence keeps the queue.
    await mqtt.dispose();
    for (let i = 0; i < 5; i++) await publish(client, topic, alarm(`d-${i}`));
    await sleep(SAVE_MS);
    await broker.kill();
    await broker.start();
    const back = input();
    await expect.poll(() => store.count(), { timeout: 8000 }).toBe(5);
    await until(back, 'connected');

    // Killed under a connected input: it goes offline, reconnects by itself, and gets what was published meanwhile.
    await broker.kill();
    await until(back, 'offline');
    expect(back.status().lastError).toBe('与 MQTT 服务器的连接中断');
    await expect.poll(() => back.status().lastError, { timeout: 3000 }).toContain('无法连接');
    await broker.start();
    for (let i = 5; i < 10; i++) await publish(client, topic, alarm(`d-${i}`));
    await expect.poll(() => store.count(), { timeout: 8000 }).toBe(10);
    await until(back, 'connected');
    expect(back.status()).toMatchObject({ lastError: null, refused: 0 });
    expect(back.status().received).toBeGreaterThanOrEqual(5); // this session's; repeats count too
  });
});
