// @vitest-environment node
/**
 * The lab broker alone (a free port, a temp run dir): the account is required, a persistent session and its queued
 * QoS 1 messages survive a SIGKILL, and stop/start keeps the port.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_MQTT_PASSWORD, LAB_MQTT_USERNAME, startMosquitto, type LabMqtt } from './mosquitto';

const canRun = existsSync('/usr/sbin/mosquitto') && existsSync('/usr/bin/setpriv');

describe.skipIf(!canRun)('lab mosquitto', () => {
  let runDir = '';
  let broker: LabMqtt;
  const clients: MqttClient[] = [];

  const client = async (opts: IClientOptions = {}): Promise<MqttClient> => {
    const c = await connectAsync(broker.url, { username: broker.username, password: broker.password, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000, ...opts });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'mdc-mosquitto-'));
    broker = await startMosquitto({ runDir, port: 0 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker?.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('listens on loopback with the lab account only', async () => {
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect([broker.username, broker.password]).toEqual([LAB_MQTT_USERNAME, LAB_MQTT_PASSWORD]);
    const conf = readFileSync(join(runDir, 'mosquitto', 'mosquitto.conf'), 'utf8');
    expect(conf).toContain(`listener ${broker.port} 127.0.0.1`);
    expect(conf).toContain('allow_anonymous false');
    // The password file holds a hash, not the password.
    expect(readFileSync(join(runDir, 'mosquitto', 'passwd'), 'utf8')).not.toContain(LAB_MQTT_PASSWORD);
    await expect(client({ username: undefined, password: undefined })).rejects.toThrow();
    await expect(client({ password: 'wrong' })).rejects.toThrow();
    const ok = await client();
    expect(ok.connected).toBe(true);
  });

  it('keeps a persistent session and its queued QoS 1 messages across a SIGKILL, on the same port', async () => {
    const session: IClientOptions = { clientId: 'mdc-test-session', clean: false, properties: { sessionExpiryInterval: 3600 } };
    const subscriber = await client(session);
    await subscriber.subscribeAsync('lab/test/#', { qos: 1 });
    await subscriber.endAsync();
    const publisher = await client();
    for (let i = 0; i < 3; i++) await publisher.publishAsync('lab/test/a', `m${i}`, { qos: 1 });
    await publisher.endAsync();
    // The database is saved right after each change, i.e. just after the PUBACK: give it that moment.
    await new Promise((r) => setTimeout(r, 100));

    const firstPid = broker.pid;
    await broker.kill();
    expect(broker.pid).toBeNull();
    await broker.start();
    expect(broker.pid).not.toBe(firstPid);

    const received: string[] = [];
    // Listening before the connection is up: the queued messages come right after the CONNACK.
    const again = connect(broker.url, { username: broker.username, password: broker.password, protocolVersion: 5, ...session });
    clients.push(again);
    again.on('message', (_topic, payload) => received.push(payload.toString()));
    await expect.poll(() => received, { timeout: 3000 }).toEqual(['m0', 'm1', 'm2']);
  });

  it('starts again after a clean stop', async () => {
    await broker.stop();
    expect(broker.pid).toBeNull();
    await broker.start();
    expect((await client()).connected).toBe(true);
  });
});
