// @vitest-environment node
/**
 * The GPS feed end to end against a real broker (the lab's mosquitto on a free port, a temp dir) and a real store:
 * positions published → stored → listed and pushed in batches at most once a second; malformed payloads counted,
 * logged without their content and acknowledged; the persistent session keeps what was published while the feed
 * was down; the password is kept like seat sync's.
 */
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { GPS_PASSWORD_KEY, type GpsFeedStatus } from '../../shared/domain/gps';
import { AuditLog } from '../services/auditLog';
import { canRunMosquitto, mosquittoFixture, publishJson as publish } from '../services/mosquittoFixture.testkit';
import { FileSecretStore } from '../services/secretStore';
import { SettingsService } from '../services/settingsService';
import { openStore, type Db } from '../services/store';
import { readSeatId } from '../sync/seat';
import { createGpsService, type GpsFixesEvent, type GpsService } from './gpsService';

const SECRET_NAME = '保密人员姓名';

describe.skipIf(!canRunMosquitto)('GPS feed through a real broker', () => {
  const { broker, folder, closeAfter, client: publisher } = mosquittoFixture('mdc-gps-feed-');

  /** A data folder; `start()` opens the store and the service on it (again after `stop()`, like a console restart). */
  function console_(name: string) {
    const dataDir = folder(`${name}-`);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    let db: Db | null = null;
    let service: GpsService | null = null;
    const pushes: { at: number; event: GpsFixesEvent }[] = [];
    const statuses: GpsFeedStatus[] = [];
    const stop = async () => {
      await service?.dispose();
      db?.close();
      service = null;
      db = null;
    };
    closeAfter(stop);
    const start = async () => {
      db = openStore({ dataDir });
      const settings = new SettingsService(db, () => undefined);
      const secrets = new FileSecretStore(path.join(dataDir, 'secrets.json'), null);
      service = createGpsService({ db, settings, secrets, audit: new AuditLog(db), actor: 'op', log, seatId: readSeatId(db), reconnectPeriodMs: 200 });
      service.onFixes((event) => pushes.push({ at: Date.now(), event }));
      service.onStatus((s) => statuses.push(s));
      await service.start();
      return { service, settings, secrets, audit: new AuditLog(db) };
    };
    return { start, stop, lines, pushes, statuses };
  }


  async function online(service: GpsService): Promise<void> {
    await expect.poll(async () => (await service.handlers.getGpsFeedStatus({})).state, { timeout: 8000, interval: 50 }).toBe('online');
  }

  it('stores published positions, lists the units, and pushes each unit\'s newest fix at most once a second', async () => {
    const c = console_('a');
    const { service, secrets, audit } = await c.start();
    const settings = await service.handlers.saveGpsFeed({ enabled: true, url: broker.url, username: broker.username, topic: 'gps-a/#', password: broker.password });
    expect(settings.gpsFeed).toEqual({ enabled: true, url: broker.url, username: broker.username, topic: 'gps-a/#' });
    expect(JSON.stringify(settings)).not.toContain(broker.password);
    expect(secrets.get(GPS_PASSWORD_KEY)).toBe(broker.password);
    expect(audit.list(1)[0]).toMatchObject({ action: 'gps.feed.save', detail: expect.objectContaining({ passwordChanged: true }) });
    await online(service);

    const client = await publisher();
    const t = Date.now() - 10_000;
    for (let i = 0; i < 5; i++) await publish(client, 'gps-a/sb-1', { id: 'sb-1', kind: '单兵', name: '五阳单兵一', lon: 112.96 + i * 1e-4, lat: 36.49, time: t + i * 1000, phone: '8001', mineId: 'M1228' });
    await publish(client, 'gps-a/uav-1', [
      { id: 'uav-1', kind: '无人机', lon: 112.97, lat: 36.36, alt: 120, time: t },
      { id: 'uav-1', lon: 112.971, lat: 36.36, alt: 120, time: t + 1000 },
    ]);
    const newestPushed = () => Object.fromEntries(c.pushes.flatMap((p) => p.event.fixes).map((f) => [f.unitId, f.at]));
    await expect.poll(newestPushed, { timeout: 5000 }).toEqual({ 'sb-1': t + 4000, 'uav-1': t + 1000 });
    // Only each unit's newest fix per push (the map moves units; tracks are queried).
    for (const p of c.pushes) expect(new Set(p.event.fixes.map((f) => f.unitId)).size).toBe(p.event.fixes.length);
    // Batched: at most one push a second, the units whole the first time they are seen.
    for (let i = 1; i < c.pushes.length; i++) expect(c.pushes[i]!.at - c.pushes[i - 1]!.at).toBeGreaterThanOrEqual(950);
    expect(c.pushes.length).toBeLessThanOrEqual(3);
    expect(c.pushes.flatMap((p) => p.event.units.map((u) => u.id)).sort()).toEqual(['sb-1', 'uav-1']);
    const units = await service.handlers.listGpsUnits({});
    // By name (the drone has none: its id).
    expect(units).toEqual([
      expect.objectContaining({ id: 'uav-1', kind: 'drone', name: 'uav-1', online: true, last: expect.objectContaining({ alt: 120, at: t + 1000 }) }),
      expect.objectContaining({ id: 'sb-1', kind: 'soldier', name: '五阳单兵一', phone: '8001', mineId: 'M1228', online: true, last: expect.objectContaining({ at: t + 4000 }) }),
    ]);
    const track = await service.handlers.queryGpsTrack({ unitId: 'sb-1', from: t - 1000, to: t + 60_000 });
    expect(track.fixes.map((f) => f.at)).toEqual([0, 1, 2, 3, 4].map((i) => t + i * 1000));
    await expect.poll(async () => service.handlers.getGpsFeedStatus({})).toEqual({ state: 'online', lastError: null, received: 7, rejected: 0, units: 2 });
    // The counts reach the status listeners too (with a batch).
    await expect.poll(() => c.statuses.at(-1)).toEqual({ state: 'online', lastError: null, received: 7, rejected: 0, units: 2 });

    // A repeat (the same unit time) is stored once and not pushed again; a changed name is pushed with the unit.
    const before = c.pushes.length;
    await publish(client, 'gps-a/sb-1', { id: 'sb-1', lon: 112.96, lat: 36.49, time: t + 4000, name: '五阳单兵甲' });
    await expect.poll(() => c.pushes.length, { timeout: 3000 }).toBe(before + 1);
    expect(c.pushes.at(-1)!.event).toEqual({ fixes: [], units: [expect.objectContaining({ id: 'sb-1', name: '五阳单兵甲' })] });
  });

  it('refuses malformed payloads (logged without content), acknowledges them, and the session survives a restart', async () => {
    const c = console_('b');
    let { service } = await c.start();
    await service.handlers.saveGpsFeed({ enabled: true, url: broker.url, username: broker.username, topic: 'gps-b/#', password: broker.password });
    await online(service);
    const client = await publisher();
    const t = Date.now() - 5000;
    await publish(client, 'gps-b/x', '{"id": "x", ');
    await publish(client, 'gps-b/x', { id: 'x', kind: 'tank', lon: 1, lat: 1, name: SECRET_NAME });
    await publish(client, 'gps-b/x', { id: 'x', kind: 'app', lon: 999, lat: 1, name: SECRET_NAME });
    await publish(client, 'gps-b/x', { id: 'new-without-kind', lon: 1, lat: 1, name: SECRET_NAME });
    await publish(client, 'gps-b/app-1', { id: 'app-1', kind: '移动app', lon: 112.88, lat: 35.99, time: t });
    await expect.poll(async () => service.handlers.getGpsFeedStatus({})).toMatchObject({ received: 1, rejected: 4, units: 1 });
    const refusals = c.lines.filter((l) => l.includes('gps report refused'));
    expect(refusals).toHaveLength(4);
    expect(refusals.join('\n')).toContain('"topic":"gps-b/x"');
    expect(refusals.join('\n')).toContain('"bytes":');
    expect(c.lines.join('\n')).not.toContain(SECRET_NAME);
    expect(c.lines.join('\n')).not.toContain(broker.password);

    // The console stops; positions published meanwhile wait in its session on the broker.
    await c.stop();
    for (let i = 1; i <= 3; i++) await publish(client, 'gps-b/app-1', { id: 'app-1', lon: 112.88, lat: 35.99 + i * 1e-4, time: t + i * 1000 });
    ({ service } = await c.start());
    // Settings and password survived; the queued positions arrive, the refused payloads do not come again (they
    // were acknowledged, and they would have come before the queued ones).
    await expect.poll(() => service.store.track({ unitId: 'app-1', from: t - 1, to: t + 10_000 }).fixes.length, { timeout: 8000 }).toBe(4);
    // Queued positions can be stored before the subscription is confirmed (the session delivers them at once):
    // online follows.
    await online(service);
    expect(await service.handlers.getGpsFeedStatus({})).toMatchObject({ state: 'online', received: 3, rejected: 0 });
  });

  it('keeps, replaces and removes the password like seat sync; a wrong one is an error the operator can read', async () => {
    const c = console_('c');
    const { service, secrets } = await c.start();
    await service.handlers.saveGpsFeed({ enabled: true, url: broker.url, username: broker.username, topic: 'gps-c/#', password: 'wrong' });
    await expect.poll(async () => service.handlers.getGpsFeedStatus({}), { timeout: 8000 }).toMatchObject({ state: 'error', lastError: expect.stringMatching(/MQTT (用户名或密码错误|服务器拒绝连接)/) });
    await service.handlers.saveGpsFeed({ enabled: true, url: broker.url, username: broker.username, topic: 'gps-c/#', password: broker.password });
    await online(service);
    // Omitted: kept (a change of topic reconnects with it).
    await service.handlers.saveGpsFeed({ enabled: true, url: broker.url, username: broker.username, topic: 'gps-c2/#' });
    expect(secrets.get(GPS_PASSWORD_KEY)).toBe(broker.password);
    await online(service);
    // Disabled, then null removes it.
    await service.handlers.saveGpsFeed({ enabled: false, url: broker.url, username: broker.username, topic: 'gps-c2/#', password: null });
    expect(secrets.get(GPS_PASSWORD_KEY)).toBeNull();
    expect(await service.handlers.getGpsFeedStatus({})).toMatchObject({ state: 'disabled', lastError: null });
  });
});
