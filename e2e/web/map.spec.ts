import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import geographiclib from 'geographiclib-geodesic';
import type { Page } from '@playwright/test';
import { buildChannels } from '../../lab/channels';
import { createLabAlarmFactory, labAlarmChannels, labSourceUrl, postAlarm } from '../../lab/alarmGenerator';
import { writeLabAlarmsFile } from '../../lab/alarmInputsFile';
import { backfill, labGpsUnits, position, type LabBroker } from '../../lab/gpsSimulator';
import type { Lab } from '../../lab/lab';
import { expect, test } from '../support/fixtures';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';

// CommonJS: its named exports are not visible to Node's ESM loader.
const { Geodesic } = geographiclib;

/**
 * 一张图 in Chromium's software WebGL (SwiftShader) against the lab: the lab's Janus catalogue places the cameras of
 * four real Changzhi mines, the lab's GPS units publish to its mosquitto, and the console's own web host (with its
 * own data dir) subscribes. Positions on the globe are turned into window pixels by the map probe, which the test
 * installs before the page loads; the assertions read what the operator sees (panels) and what is stored (SQLite).
 */

type Probe = {
  toWindow: (lon: number, lat: number) => { x: number; y: number } | null;
  canvasRect: () => { left: number; top: number; width: number; height: number };
};

const ALARM_TOKEN = 'e2e-map-alarm-token';

/** A web host of its own for the lab's cameras, phones and GPS units (and, when asked, its alarm sources). */
async function mapHost(lab: Lab, opts: { alarms?: boolean } = {}): Promise<WebHostProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-map-'));
  let labAlarms: string | undefined;
  if (opts.alarms) {
    labAlarms = path.join(dir, 'lab-alarms.json');
    writeLabAlarmsFile(labAlarms, {
      token: ALARM_TOKEN,
      receiverPort: 0,
      mqtt: { url: lab.mqtt.url, username: lab.mqtt.username, password: lab.mqtt.password },
      options: { popupMinLevel: 1, wallMinLevel: 4, wallTarget: { monitor: 1, tile: 0 } },
    });
  }
  return startWebHostProcess({ labBackend: lab.janusUrl, labPbx: lab.pbx.consoleJson, labGps: lab.gps.consoleJson, labAlarms, dataDir: dir });
}

const probe = (page: Page, expr: string) => page.evaluate(`globalThis.__mdcMapProbe.map.${expr}`);

/** Until the map is idle (no flight, tiles loaded) and `extra` holds. */
async function settle(page: Page, extra = 'true'): Promise<void> {
  await expect
    .poll(() => page.evaluate(`!!(globalThis.__mdcMapProbe.map && globalThis.__mdcMapProbe.map.idle() && (${extra}))`), { timeout: 60_000, intervals: [250] })
    .toBe(true);
}

/** Page coordinates of a place on the globe. */
async function at(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
  const p = (await probe(page, `toWindow(${lon}, ${lat})`)) as ReturnType<Probe['toWindow']>;
  const r = (await probe(page, 'canvasRect()')) as ReturnType<Probe['canvasRect']>;
  if (!p) throw new Error(`${lon},${lat} is not on screen`);
  return { x: r.left + p.x, y: r.top + p.y };
}

async function openMap(page: Page, host: WebHostProcess, hash = ''): Promise<void> {
  await page.addInitScript('globalThis.__mdcMapProbe = {}');
  await page.goto(host.url);
  await page.getByTestId('nav-map').click();
  await expect(page.locator('[data-testid="map-globe"][data-ready="true"]')).toBeVisible({ timeout: 30_000 });
  if (hash) await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await settle(page);
}

function labBroker(lab: Lab): LabBroker {
  return JSON.parse(fs.readFileSync(lab.gps.consoleJson, 'utf8')) as LabBroker;
}

test.describe('一张图 (map)', () => {
  test.describe.configure({ timeout: 150_000 });

  test('renders offline: district borders from the bundled outline, mines, cameras and GPS units, every request to 127.0.0.1', async ({ page, lab, errors: _errors }, info) => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const host = await mapHost(lab);
    try {
      await openMap(page, host);
      await settle(page, `globalThis.__mdcMapProbe.map.layerSizes().mines === 4 && globalThis.__mdcMapProbe.map.layerSizes().cameras === ${lab.channels.length} && globalThis.__mdcMapProbe.map.layerSizes().units === ${labGpsUnits().length}`);
      await expect(page.getByTestId('map-layer-cameras')).toContainText(String(lab.channels.length));

      // The city outline (yellow) is drawn where the bundled GeoJSON puts it: read the globe's own pixels there.
      const districts = JSON.parse(fs.readFileSync('assets/data/changzhi-districts.geojson', 'utf8')) as unknown;
      const city = (districts as { features: { properties: { level: string }; geometry: { coordinates: number[][][] } }[] }).features.find((f) => f.properties.level === 'city')!;
      const rect = (await probe(page, 'canvasRect()')) as ReturnType<Probe['canvasRect']>;
      let yellow = 0;
      for (const [lon, lat] of city.geometry.coordinates[0]!.filter((_, i) => i % 97 === 0).slice(0, 12)) {
        const p = (await probe(page, `toWindow(${lon}, ${lat})`)) as ReturnType<Probe['toWindow']>;
        if (!p || p.x < 5 || p.y < 5 || p.x > rect.width - 5 || p.y > rect.height - 5) continue;
        const rgba = (await probe(page, `pixels(${p.x}, ${p.y}, 3)`)) as number[];
        let hit = false;
        for (let i = 0; i < rgba.length; i += 4) if (rgba[i]! > 200 && rgba[i + 1]! > 170 && rgba[i + 2]! < 150) hit = true;
        if (hit) yellow++;
      }
      expect(yellow, 'city outline vertices with the outline colour drawn at them').toBeGreaterThanOrEqual(6);
      await page.screenshot({ path: info.outputPath('map-offline.png') });

      const outside = requests.filter((u) => !/^(data:|blob:)/.test(u) && new URL(u).hostname !== '127.0.0.1');
      expect(outside, 'requests that left 127.0.0.1').toEqual([]);
      // The imagery really came from the bundled NaturalEarthII tiles, served by our own host.
      expect(requests.some((u) => u.includes('/cesium/Assets/Textures/NaturalEarthII/'))).toBe(true);
    } finally {
      await host.stop();
    }
  });

  test("box and circle select over a mine list exactly its cameras under 摄像头; a click on the mine shows its 36 point categories; a camera plays live", async ({ page, lab, errors: _errors }) => {
    const host = await mapHost(lab);
    try {
      const all = buildChannels();
      const mineId = all[0]!.mineId;
      const cameras = all.filter((c) => c.mineId === mineId);
      const mine = cameras[0]!.mineLocation;
      await openMap(page, host, `#/map?lon=${mine[0]}&lat=${mine[1]}&h=9000`);
      await settle(page, `globalThis.__mdcMapProbe.map.layerSizes().cameras === ${lab.channels.length}`);

      // A rectangle around the mine's cameras (with a margin), nowhere near the other lab mines (10+ km away).
      const points = await Promise.all(cameras.map((c) => at(page, c.location[0], c.location[1])));
      const x0 = Math.min(...points.map((p) => p.x)) - 40;
      const x1 = Math.max(...points.map((p) => p.x)) + 40;
      const y0 = Math.min(...points.map((p) => p.y)) - 40;
      const y1 = Math.max(...points.map((p) => p.y)) + 40;
      await page.getByTestId('map-tool-box').click();
      await page.mouse.move(x0, y0);
      await page.mouse.down();
      await page.mouse.move(x1, y1, { steps: 6 });
      await page.mouse.up();

      const panel = page.getByTestId('map-selection');
      await expect(panel).toBeVisible();
      await expect(page.getByTestId('selection-type-camera')).toHaveAttribute('data-count', String(cameras.length));
      await page.getByTestId('selection-type-camera').click();
      const items = panel.getByRole('tabpanel', { name: /摄像头/ }).getByTestId('selection-item');
      await expect(items).toHaveCount(cameras.length);
      const names = await items.allTextContents();
      expect(names.map((n) => n.replace(/^(在线|离线)/, '')).sort()).toEqual(cameras.map((c) => c.name).sort());
      // Units inside (they move, so whichever were there) are listed under their own type.
      for (const type of ['app', 'soldier', 'vehicle', 'drone'] as const) {
        const count = Number(await page.getByTestId(`selection-type-${type}`).getAttribute('data-count'));
        if (count === 0) continue;
        await page.getByTestId(`selection-type-${type}`).click();
        const listed = panel.getByRole('tabpanel', { name: new RegExp(type === 'app' ? '移动app' : type === 'soldier' ? '单兵' : type === 'vehicle' ? '车载' : '无人机') }).getByTestId('selection-item');
        await expect(listed).toHaveCount(count);
        const ofType = labGpsUnits().filter((u) => u.kind === type).map((u) => u.name);
        for (const name of await listed.allTextContents()) expect(ofType).toContain(name.replace(/^(在线|离线)/, ''));
      }
      await panel.getByRole('tab', { name: '按功能' }).click();
      await expect(page.getByTestId('selection-preview')).toBeEnabled();

      // 圈选 around the mine, out to its farthest camera and a bit: the same cameras.
      await page.getByTestId('map-tool-clear').click();
      const centre = await at(page, mine[0], mine[1]);
      const reach = Math.max(...points.map((p) => Math.hypot(p.x - centre.x, p.y - centre.y))) + 25;
      await page.getByTestId('map-tool-circle').click();
      await page.mouse.move(centre.x, centre.y);
      await page.mouse.down();
      await page.mouse.move(centre.x + reach, centre.y, { steps: 6 });
      await page.mouse.up();
      await expect(page.getByTestId('selection-type-camera')).toHaveAttribute('data-count', String(cameras.length));

      // The mine itself: its point categories with channel counts.
      await page.getByTestId('map-tool-clear').click();
      const m = await at(page, mine[0], mine[1]);
      await page.mouse.click(m.x, m.y);
      const detail = page.getByTestId('map-detail');
      await expect(detail).toHaveAttribute('data-layer', 'mines');
      await expect(detail.getByTestId('mine-online')).toContainText(`${cameras.length}/${cameras.length}`);
      const table = detail.getByTestId('mine-categories');
      await expect(table.locator('tbody tr.ant-table-row')).toHaveCount(36);
      for (const code of new Set(cameras.map((c) => c.category))) {
        const n = cameras.filter((c) => c.category === code).length;
        await expect(table.locator('tbody tr.ant-table-row', { hasText: new RegExp(`^${code} `) })).toContainText(`${n}/${n}`);
      }

      // A camera, close up (no cluster around it): its live video in the panel.
      const cam = cameras[0]!;
      await page.evaluate(`location.hash = '#/map?lon=${cam.location[0]}&lat=${cam.location[1]}&h=800'`);
      await settle(page);
      const c = await at(page, cam.location[0], cam.location[1]);
      await page.mouse.click(c.x, c.y);
      await expect(detail).toHaveAttribute('data-layer', 'cameras');
      await expect(detail.getByTestId('map-live')).toHaveAttribute('data-phase', 'playing', { timeout: 20_000 });
    } finally {
      await host.stop();
    }
  });

  test('测距 between two known points agrees with GeographicLib within 1 %; F11 shows the map alone; a named mark is stored and survives a reload; an event is recorded where it happened', async ({ page, lab, errors: _errors }) => {
    const host = await mapHost(lab);
    try {
      const a = { lon: 113.0, lat: 36.4 };
      const b = { lon: 113.04, lat: 36.43 };
      await openMap(page, host, `#/map?lon=${(a.lon + b.lon) / 2}&lat=${(a.lat + b.lat) / 2}&h=12000`);
      const pa = await at(page, a.lon, a.lat);
      const pb = await at(page, b.lon, b.lat);
      await page.getByTestId('map-tool-distance').click();
      await page.mouse.click(pa.x, pa.y);
      await page.mouse.click(pb.x, pb.y);
      await page.mouse.dblclick(pb.x, pb.y);
      const result = page.getByTestId('measure-result');
      await expect(result).toHaveCount(1);
      const measured = Number(await result.getAttribute('data-value'));
      const expected = Geodesic.WGS84.Inverse(a.lat, a.lon, b.lat, b.lon).s12!;
      expect(Math.abs(measured - expected) / expected, `measured ${measured} m, geodesic ${expected} m`).toBeLessThan(0.01);
      await expect(result).toContainText('公里');

      // F11: the console full screen with the map alone (no title bar), its toolbar and drop-downs working; again: back.
      await page.keyboard.press('F11');
      await expect.poll(() => page.evaluate('document.fullscreenElement === document.documentElement')).toBe(true);
      await expect(page.locator('.shell__header')).toBeHidden();
      await expect(page.getByTestId('map-toolbar')).toBeVisible();
      await page.getByTestId('map-imagery').click();
      await page.locator('.ant-select-item-option', { hasText: '内置底图' }).click();
      await page.keyboard.press('F11');
      await expect.poll(() => page.evaluate('document.fullscreenElement === null')).toBe(true);
      await expect(page.locator('.shell__header')).toBeVisible();

      // 标记: named, stored before the reply, there again after a reload.
      await page.getByTestId('map-tool-mark').click();
      await page.mouse.click(pa.x, pa.y);
      await page.getByTestId('mark-name').fill('前线指挥部');
      await page.getByRole('button', { name: /保存标记/ }).click();
      await expect(page.getByText('已保存标记「前线指挥部」')).toBeVisible();
      const db = new Database(path.join(host.dataDir, 'console.db'), { readonly: true });
      const row = db.prepare('SELECT name, lon, lat FROM map_marks').get() as { name: string; lon: number; lat: number };
      expect(row.name).toBe('前线指挥部');
      expect(Math.abs(row.lon - a.lon)).toBeLessThan(0.001);
      expect(Math.abs(row.lat - a.lat)).toBeLessThan(0.001);
      await page.reload();
      await page.getByTestId('nav-map').click();
      await settle(page, 'globalThis.__mdcMapProbe.map.layerSizes().marks === 1');
      await expect(page.getByTestId('map-layer-marks')).toContainText('1');

      // 标注事件: an event recorded where it happened, its coordinates taken from the click.
      await page.getByTestId('map-tool-event').click();
      const pe = await at(page, b.lon, b.lat);
      await page.mouse.click(pe.x, pe.y);
      await expect(page.getByTestId('event-form')).toBeVisible();
      expect(Math.abs(Number(await page.getByTestId('event-form-lon').inputValue()) - b.lon)).toBeLessThan(0.001);
      expect(Math.abs(Number(await page.getByTestId('event-form-lat').inputValue()) - b.lat)).toBeLessThan(0.001);
      await page.getByTestId('event-form-place').fill('运输大巷');
      await page.getByTestId('event-form-description').fill('地图上标注的事件');
      await page.getByTestId('event-form-save').click();
      await expect(page.getByTestId('map-detail')).toHaveAttribute('data-layer', 'events');
      await settle(page, 'globalThis.__mdcMapProbe.map.layerSizes().events === 1');
      const event = db.prepare('SELECT place, lon, lat FROM events').get() as { place: string; lon: number; lat: number };
      db.close();
      expect(event.place).toBe('运输大巷');
      expect(Math.abs(event.lon - b.lon)).toBeLessThan(0.001);
    } finally {
      await host.stop();
    }
  });

  test("a unit's track of the past hour plays on the timeline to its last position", async ({ page, lab, errors: _errors }) => {
    const host = await mapHost(lab);
    try {
      await openMap(page, host);
      const unit = labGpsUnits().find((u) => u.kind === 'vehicle')!;
      // The units upload their buffered hour (10 s steps), as a terminal does after a dead spot.
      await settle(page, `globalThis.__mdcMapProbe.map.layerSizes().units === ${labGpsUnits().length}`);
      await backfill({ broker: labBroker(lab), hours: 1, units: [unit] });

      await page.getByTestId('map-tool-track').click();
      await page.getByTestId('track-unit').click();
      await page.locator('.ant-select-item-option', { hasText: unit.name }).click();
      await page.getByTestId('track-query').click();
      const info = page.getByTestId('track-info');
      await expect(info).toContainText('个定位点');
      const fixes = Number((await info.textContent())!.match(/(\d+) 个定位点/)![1]);
      expect(fixes).toBeGreaterThanOrEqual(300);

      const clock = page.getByTestId('track-clock');
      const start = Number(await clock.getAttribute('data-at'));
      // The uploaded history, not only the live fixes since the lab started, is in the track.
      expect(start).toBeLessThan(Date.now() - 50 * 60_000);
      const first = await probe(page, 'trackCursor()');
      await page.getByRole('combobox', { name: '倍速' }).click();
      await page.locator('.ant-select-item-option', { hasText: '256×' }).click();
      await page.getByTestId('track-play').click();
      await expect.poll(async () => Number(await clock.getAttribute('data-at')), { timeout: 10_000 }).toBeGreaterThan(start + 60_000);
      const moving = await probe(page, 'trackCursor()');
      expect(moving).not.toEqual(first);
      // An hour at 256× is about 14 s; then the button offers 播放 again and the unit is at its last fix.
      await expect(page.getByTestId('track-play')).toContainText(/播\s*放/, { timeout: 40_000 });
      const end = (await probe(page, 'trackCursor()')) as { lon: number; lat: number };
      const endAt = Number(await clock.getAttribute('data-at'));
      expect(endAt).toBeGreaterThan(start + 3_000_000);
      // The simulator's path is a function of time: where the unit was at the last fix's time.
      const there = position(unit, endAt);
      expect(Math.abs(end.lon - there.lon)).toBeLessThan(1e-5);
      expect(Math.abs(end.lat - there.lat)).toBeLessThan(1e-5);

      // Leaving the map with the track shown tears the globe down cleanly (the error collector fails on any page
      // error), and the console carries on.
      await page.getByTestId('nav-wall').click();
      await expect(page.getByTestId('map-page')).toHaveCount(0);
      await expect(page.getByTestId('nav-wall')).toBeVisible();
      await page.getByTestId('nav-map').click();
      await expect(page.locator('[data-testid="map-globe"][data-ready="true"]')).toBeVisible({ timeout: 30_000 });
    } finally {
      await host.stop();
    }
  });

  test("an alarm's 地图 in its pop-up opens the map at its camera with the alarm picked", async ({ page, lab, errors: _errors }) => {
    const host = await mapHost(lab, { alarms: true });
    try {
      await page.addInitScript('globalThis.__mdcMapProbe = {}');
      await page.goto(host.url);
      await page.getByTestId('nav-settings').click();
      const receiver = page.getByTestId('alarm-receiver-url');
      await expect(receiver).toContainText('http://127.0.0.1:');
      const base = (await receiver.textContent())!.trim();
      await page.getByTestId('nav-wall').click();

      const factory = await createLabAlarmFactory(labAlarmChannels(path.resolve('lab/.run/e2e/lab.json')), { seed: 5, kinds: ['belt-crossing'] });
      const alarm = factory.next();
      const sent = await postAlarm(labSourceUrl(`${base}/alarms/lab-ai`, alarm.category), ALARM_TOKEN, alarm.body);
      expect(sent).toMatchObject({ ok: true, status: 200 });
      await page.getByTestId('alarm-popup-map').click();

      await expect(page.locator('[data-testid="map-globe"][data-ready="true"]')).toBeVisible({ timeout: 30_000 });
      const detail = page.getByTestId('map-detail');
      await expect(detail).toHaveAttribute('data-layer', 'alarms');
      await expect(detail).toContainText('人员穿越皮带');
      // The camera the alarm names is in the middle of the view once the flight ends.
      const camera = buildChannels().find((c) => c.gbId === alarm.channel.gbId)!;
      await settle(page);
      const p = await at(page, camera.location[0], camera.location[1]);
      const r = (await probe(page, 'canvasRect()')) as ReturnType<Probe['canvasRect']>;
      expect(Math.abs(p.x - (r.left + r.width / 2))).toBeLessThan(30);
      expect(Math.abs(p.y - (r.top + r.height / 2))).toBeLessThan(30);
    } finally {
      await host.stop();
    }
  });

  test("a private network's XYZ tile server, saved in the settings, is drawn over the bundled imagery once chosen", async ({ page, lab, errors: _errors }) => {
    // Stands for the private network's tile cache: any tile is one of Cesium's own NaturalEarthII JPEGs, with CORS.
    const tile = fs.readFileSync('node_modules/cesium/Build/Cesium/Assets/Textures/NaturalEarthII/0/0/0.jpg');
    const asked: string[] = [];
    const tiles = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/jpeg', 'access-control-allow-origin': '*' }).end(tile);
    });
    await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
    const port = (tiles.address() as AddressInfo).port;
    const host = await mapHost(lab);
    try {
      await page.addInitScript('globalThis.__mdcMapProbe = {}');
      await page.goto(host.url);
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('map-layer-add').click();
      await page.getByTestId('map-layer-name').fill('内网影像');
      await page.getByTestId('map-layer-id').fill('intranet');
      await page.getByTestId('map-layer-url').fill(`http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.jpg`);
      await page.getByTestId('map-layer-modal').getByRole('button', { name: /OK|确\s*定/ }).click();
      await page.getByTestId('map-options-save').click();
      await expect(page.getByTestId('map-options-reload-hint')).toBeVisible();
      // The page keeps the security policy it was loaded with: the saved server is allowed from the next load on.
      await page.reload();
      await page.getByTestId('nav-map').click();
      await expect(page.locator('[data-testid="map-globe"][data-ready="true"]')).toBeVisible({ timeout: 30_000 });
      await settle(page);
      expect(asked).toEqual([]);
      await page.getByTestId('map-imagery').click();
      await page.locator('.ant-select-item-option', { hasText: '内网影像' }).click();
      await settle(page);
      await expect.poll(() => asked.filter((u) => /^\/tiles\/\d+\/\d+\/\d+\.jpg$/.test(u)).length, { timeout: 30_000 }).toBeGreaterThan(3);
      await expect(page.getByTestId('map-policy-stale')).toHaveCount(0);
    } finally {
      await host.stop();
      tiles.close();
    }
  });
});
