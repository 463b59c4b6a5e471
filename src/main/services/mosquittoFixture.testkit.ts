import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startMosquitto, type LabMqtt } from '../../../lab/mosquitto';

/** The lab's broker runs here (Debian's mosquitto, dropped to an unprivileged user with setpriv). */
export const canRunMosquitto = fs.existsSync('/usr/sbin/mosquitto') && fs.existsSync('/usr/bin/setpriv');

export type MosquittoFixture = {
  /** The file's broker (the lab's mosquitto on a free port, persistence on), started before its tests. */
  broker: LabMqtt;
  /** A fresh folder (a data folder) in the file's temp dir. */
  folder(prefix: string): string;
  /** Runs after the test, the last registered first. */
  closeAfter(close: () => Promise<void> | void): void;
  /** An MQTT 5 client on the broker's account (reconnecting every 200 ms), ended after the test. */
  client(): Promise<MqttClient>;
};

/**
 * One real broker for a test file's tests (call at the top level of its describe): started in a temp dir before
 * them and removed after them; after each test what it registered is closed, and a broker the test stopped is
 * started again for the next.
 */
export function mosquittoFixture(tempPrefix: string): MosquittoFixture {
  let dir = '';
  let started: LabMqtt | null = null;
  const closers: (() => Promise<void> | void)[] = [];
  const lab = (): LabMqtt => {
    if (!started) throw new Error('the broker starts in beforeAll: use it inside a test');
    return started;
  };
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), tempPrefix));
    started = await startMosquitto({ runDir: dir, port: 0 });
  });
  afterAll(async () => {
    await started?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    if (started && started.pid === null) await started.start();
  });
  const closeAfter = (close: () => Promise<void> | void): void => void closers.push(close);
  return {
    // The started broker, reached through (the tests take it before beforeAll has started it).
    broker: new Proxy({} as LabMqtt, {
      get(_target, key) {
        const value: unknown = Reflect.get(lab(), key);
        return typeof value === 'function' ? value.bind(lab()) : value;
      },
    }),
    folder: (prefix) => fs.mkdtempSync(path.join(dir, prefix)),
    closeAfter,
    async client() {
      const { url, username, password } = lab();
      const client = await connectAsync(url, { username, password, protocolVersion: 5, reconnectPeriod: 200 });
      closeAfter(() => client.endAsync(true));
      return client;
    },
  };
}

/** Publishes a body (JSON unless it is a string already) with QoS 1. */
export function publishJson(client: MqttClient, topic: string, body: unknown) {
  return client.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
}
