// @vitest-environment node
/**
 * The lab's GPS units: plausible, deterministic paths near their mines, auto-answer phones, and the live feed and
 * backfill through a real broker (mosquitto on a free port) in the console's report format.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGpsPayload } from '../src/main/gps/gpsReport';
import { startMosquitto, type LabMqtt } from './mosquitto';
import { buildPhones } from './pbx/phones';
import { BACKFILL_STEP_MS, DRONE_HEIGHT_M, LAB_GROUND_ALT_M, backfill, distanceM, labGpsUnits, labMinePlaces, position, report, startGpsSimulator, type LonLat } from './gpsSimulator';

const T0 = Date.UTC(2025, 5, 1, 2, 0, 0);

/** Distance in metres from p to the straight segment a–b (flat approximation, fine over tens of km). */
function toSegmentM(p: LonLat, a: LonLat, b: LonLat): number {
  const k = Math.cos((a[1] * Math.PI) / 180) * 111_320;
  const [px, py, ax, ay, bx, by] = [p[0] * k, p[1] * 111_320, a[0] * k, a[1] * 111_320, b[0] * k, b[1] * 111_320];
  const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
  const f = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2));
  return Math.hypot(px - (ax + f * (bx - ax)), py - (ay + f * (by - ay)));
}

describe('lab GPS units', () => {
  const units = labGpsUnits();
  const places = labMinePlaces();

  it('are six: 2 单兵, 2 车载, 1 移动app, 1 无人机, each with an auto-answer dispatch phone of its mine', () => {
    expect(units.map((u) => u.kind).sort()).toEqual(['app', 'drone', 'soldier', 'soldier', 'vehicle', 'vehicle']);
    expect(new Set(units.map((u) => u.id)).size).toBe(6);
    const phones = buildPhones();
    for (const u of units) {
      const phone = phones.find((p) => p.number === u.phone);
      expect(phone).toMatchObject({ role: 'dispatch', answer: 'auto', mineId: u.mineId });
    }
  });

  it('move at their speed, stay near their mine (vehicles near their road), and are a pure function of time', () => {
    for (const u of units) {
      let total = 0;
      const seconds = 3 * 3600;
      let prev = position(u, T0);
      for (let s = 1; s <= seconds; s++) {
        const p = position(u, T0 + s * 1000);
        const step = distanceM([prev.lon, prev.lat], [p.lon, p.lat]);
        // Never faster than the unit's speed (corners cut a little), never a jump.
        expect(step, `${u.id} at ${s} s`).toBeLessThanOrEqual(u.speed * 1.02);
        total += step;
        const here: LonLat = [p.lon, p.lat];
        if (u.path.kind === 'road') expect(toSegmentM(here, places.get(u.path.from)!, places.get(u.path.to)!)).toBeLessThan(5000);
        else expect(distanceM(here, places.get(u.mineId)!)).toBeLessThan(5000);
        expect(p.speed).toBe(u.speed);
        expect(p.heading).toBeGreaterThanOrEqual(0);
        expect(p.heading).toBeLessThan(360);
        prev = p;
      }
      // On average close to its speed: it does not stand still or crawl.
      expect(total / seconds, u.id).toBeGreaterThan(u.speed * 0.95);
      expect(position(u, T0 + 12_345_000)).toEqual(position(u, T0 + 12_345_000));
    }
    const drone = units.find((u) => u.kind === 'drone')!;
    expect(position(drone, T0).alt).toBe(LAB_GROUND_ALT_M + DRONE_HEIGHT_M);
  });

  it('heads where they go', () => {
    for (const u of units) {
      let off = 0;
      const samples = 200;
      for (let i = 0; i < samples; i++) {
        const t = T0 + i * 37_000;
        const a = position(u, t);
        const b = position(u, t + 200);
        const bearing = (Math.atan2((b.lon - a.lon) * Math.cos((a.lat * Math.PI) / 180), b.lat - a.lat) * 180) / Math.PI;
        const diff = Math.abs(((((bearing - a.heading) % 360) + 540) % 360) - 180);
        // Within a degree, except right at a corner.
        if (diff > 1) off += 1;
      }
      expect(off, u.id).toBeLessThanOrEqual(samples * 0.05);
    }
  });

  it("reports in the console's format", () => {
    for (const u of units) {
      const [parsed] = parseGpsPayload(JSON.stringify(report(u, T0)), T0);
      expect(parsed).toMatchObject({ unit: { id: u.id, kind: u.kind, name: u.name, phone: u.phone, mineId: u.mineId }, fix: { at: T0, speed: u.speed } });
    }
  });
});

const canRun = existsSync('/usr/sbin/mosquitto') && existsSync('/usr/bin/setpriv');

describe.skipIf(!canRun)('lab GPS simulator through a broker', () => {
  let runDir = '';
  let broker: LabMqtt;
  let listener: MqttClient;
  const received: { topic: string; body: string }[] = [];

  beforeAll(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'mdc-lab-gps-'));
    broker = await startMosquitto({ runDir, port: 0 });
    listener = await connectAsync(broker.url, { username: broker.username, password: broker.password, protocolVersion: 5 });
    listener.on('message', (topic, payload) => received.push({ topic, body: payload.toString() }));
    await listener.subscribeAsync('gps/#', { qos: 1 });
  });
  afterAll(async () => {
    await listener?.endAsync(true);
    await broker?.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('backfills the past hours at 10 s steps, oldest first, in messages the console reads', async () => {
    received.length = 0;
    const now = T0 + 7_000;
    const sent = await backfill({ broker, hours: 2, now });
    const perUnit = (2 * 3600_000) / BACKFILL_STEP_MS + 1;
    expect(sent).toBe(6 * perUnit);
    await expect.poll(() => received.reduce((n, m) => n + parseGpsPayload(m.body, now).length, 0)).toBe(sent);
    const sb = received.filter((m) => m.topic === 'gps/lab-sb-01').flatMap((m) => parseGpsPayload(m.body, now).map((r) => r.fix.at));
    expect(sb[0]).toBe(T0 - 2 * 3600_000);
    expect(sb.at(-1)).toBe(T0);
    expect(sb.every((t, i) => i === 0 || t - sb[i - 1]! === BACKFILL_STEP_MS)).toBe(true);
  });

  it('publishes every unit once a second at whole seconds', async () => {
    received.length = 0;
    const sim = await startGpsSimulator({ broker });
    try {
      await expect.poll(() => new Set(received.map((m) => m.topic)).size, { timeout: 5000 }).toBe(6);
    } finally {
      await sim.stop();
    }
    for (const m of received) {
      const [r] = parseGpsPayload(m.body, Date.now());
      expect(m.topic).toBe(`gps/${r!.unit.id}`);
      expect(r!.fix.at % 1000).toBe(0);
    }
  });
});
