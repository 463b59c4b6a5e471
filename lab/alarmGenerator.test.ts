import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALARM_KINDS, type KnownAlarmKind } from '../src/shared/domain/alarm';
import type { Channel, Mine } from '../src/shared/domain/catalogue';
import { AlarmIntake } from '../src/main/alarms/alarmIntake';
import { AlarmPictures } from '../src/main/alarms/alarmPictures';
import { AlarmStore } from '../src/main/alarms/alarmStore';
import { ChannelLinker } from '../src/main/alarms/channelLinker';
import { mapPush } from '../src/main/alarms/fieldMapping';
import { AlarmWebhookServer } from '../src/main/alarms/webhookServer';
import { openStore } from '../src/main/services/store';
import {
  createLabAlarmFactory,
  LAB_ALARM_MAPPINGS,
  LAB_ALARM_SOURCE_IDS,
  labAlarmPlan,
  labSourceUrl,
  labWebhookSources,
  runGenerator,
  type LabAlarm,
} from './alarmGenerator';
import { buildChannels } from './channels';

const channels = buildChannels();
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-lab-alarms-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every alarm the lab can send, at least once each: many draws from a seeded factory. */
async function sample(n: number, unlinked?: number): Promise<LabAlarm[]> {
  const factory = await createLabAlarmFactory(channels, { pictureDir: path.join(dir, 'pictures'), seed: 7, unlinked });
  return Array.from({ length: n }, () => factory.next());
}

describe('lab alarm plan', () => {
  it('gives every coal-mine kind to a channel whose place fits it', () => {
    const plan = labAlarmPlan(channels);
    const placesOf = (kind: KnownAlarmKind) => plan.filter((e) => e.kinds.includes(kind)).map((e) => e.channel.place);
    for (const kind of Object.keys(ALARM_KINDS) as KnownAlarmKind[]) expect(placesOf(kind).length, kind).toBeGreaterThan(0);
    expect(placesOf('off-post')).toEqual(['调度室']);
    expect(placesOf('overcrowding').every((p) => p.includes('工作面'))).toBe(true);
    expect(placesOf('belt-crossing').every((p) => p.includes('胶带机'))).toBe(true);
    expect(placesOf('no-helmet').every((p) => /井口|出入/.test(p))).toBe(true);
    expect(placesOf('device-fault').every((p) => /水泵房|变电所/.test(p))).toBe(true);
    expect(labAlarmPlan(channels, ['off-post']).map((e) => e.kinds)).toEqual([['off-post']]);
  });

  it('sends each category to its own webhook source', () => {
    expect(labSourceUrl('http://127.0.0.1:9/alarms/lab-ai', 'device')).toBe('http://127.0.0.1:9/alarms/lab-device');
    expect(labSourceUrl('http://127.0.0.1:9', 'app')).toBe('http://127.0.0.1:9/alarms/lab-app');
    expect(labSourceUrl('http://127.0.0.1:9/alarms/box-7', 'app')).toBe('http://127.0.0.1:9/alarms/box-7');
  });
});

describe('lab alarm pushes', () => {
  it('each maps to a valid alarm of the expected kind, level, score, boxes and time', async () => {
    const started = Date.now();
    const alarms = await sample(400);
    const seen = new Set<string>();
    for (const a of alarms) {
      const { input, picture } = mapPush(LAB_ALARM_SOURCE_IDS[a.category], LAB_ALARM_MAPPINGS[a.category], a.body);
      seen.add(input.kind);
      expect(input).toMatchObject({ kind: a.kind, kindName: ALARM_KINDS[a.kind], category: a.category, externalId: a.body.alarmId, deviceId: a.channel.gbId });
      expect(input.level).toBe(['低', '中', '高', '紧急'].indexOf(a.body.level) + 1);
      expect(input.occurredAt).toBeGreaterThanOrEqual(started - 1000);
      expect(input.occurredAt).toBeLessThanOrEqual(Date.now());
      expect(input.description).toContain(a.channel.place);
      if (a.category === 'ai') {
        expect(input.score).toBeGreaterThanOrEqual(0.7);
        expect(input.score).toBeLessThanOrEqual(1);
        expect(input.reporter).toMatch(/^BOX-/);
        expect(input.boxes.length).toBeGreaterThan(0);
        for (const b of input.boxes) {
          for (const v of [b.x, b.y, b.w, b.h, b.score]) expect(v).toBeGreaterThanOrEqual(0);
          expect(b.x + b.w).toBeLessThanOrEqual(1);
          expect(b.y + b.h).toBeLessThanOrEqual(1);
          expect(b.w * b.h).toBeGreaterThan(0.001); // something the operator can see (a head is ~30x30 px)
        }
        expect(picture).toMatchObject({ kind: 'base64', mimeType: null });
      } else {
        expect(input.score).toBeNull();
        expect(input.boxes).toEqual([]);
      }
      if (a.kind === 'overcrowding') expect(input.boxes.length).toBeGreaterThan(3);
      if (a.kind === 'asleep-on-post' || a.kind === 'belt-crossing') {
        const [person] = input.boxes;
        expect(person!.h * 540).toBeGreaterThan(person!.w * 960); // upright, person-sized
      }
      if (a.category === 'app') expect(input.reporter).toMatch(/^[\u4e00-\u9fa5]{3}$/);
      if (a.category === 'device') expect(picture).toBeNull();
    }
    expect([...seen].sort()).toEqual(Object.keys(ALARM_KINDS).sort());
  });

  it('carries a real 960x540 JPEG of the channel (small), the app sometimes a phone photo', async () => {
    const alarms = await sample(200);
    const ai = alarms.find((a) => a.category === 'ai')!;
    const jpeg = Buffer.from(ai.body.image!, 'base64');
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(jpeg.length).toBeLessThan(150_000);
    const file = path.join(dir, 'probe.jpg');
    fs.writeFileSync(file, jpeg);
    const size = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height,codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    expect(size.trim()).toBe('mjpeg,960,540');
    for (const f of fs.readdirSync(path.join(dir, 'pictures'))) expect(fs.statSync(path.join(dir, 'pictures', f)).size).toBeLessThan(150_000);
    const app = alarms.filter((a) => a.category === 'app');
    expect(app.some((a) => a.body.image !== undefined)).toBe(true);
    expect(app.some((a) => a.body.image === undefined)).toBe(true);
  });

  it('sends unknown channel codes only when asked', async () => {
    expect((await sample(100)).some((a) => a.unlinked)).toBe(false);
    const some = await sample(100, 0.2);
    const unlinked = some.filter((a) => a.unlinked);
    expect(unlinked.length).toBeGreaterThan(5);
    const known = new Set(channels.map((c) => c.gbId));
    for (const a of unlinked) {
      expect(a.body.channelCode).toMatch(/^\d{20}$/);
      expect(known.has(a.body.channelCode)).toBe(false);
    }
  });
});

describe('lab alarm generator against the webhook receiver', () => {
  async function receiver() {
    const work = fs.mkdtempSync(path.join(dir, 'console-'));
    const db = openStore({ dataDir: work });
    const store = new AlarmStore(db);
    const catalogue = {
      channels: channels.map((c) => ({ id: `lab:${c.mountpointId}`, backendId: 'lab', gbId: c.gbId, countyCode: c.county, mineId: c.mineId }) as unknown as Channel),
      mines: channels.map((c): Mine => ({ id: c.mineId, name: c.mineName, shortName: c.mineShort, countyCode: c.county, location: null })),
    };
    const warnings: string[] = [];
    const intake = new AlarmIntake({ store, pictures: new AlarmPictures(path.join(work, 'media')), linker: new ChannelLinker(() => catalogue), warn: (_f, m) => warnings.push(m) });
    const server = new AlarmWebhookServer({ sources: () => labWebhookSources('lab-token'), intake, warn: (f, m) => warnings.push(`${m} ${JSON.stringify(f)}`) });
    const url = await server.start('127.0.0.1', 0);
    return { store, url, warnings, close: async () => (await server.close(), db.close()) };
  }

  it('a burst stores every alarm exactly once, each with its picture, linked, in its category', async () => {
    const { store, url, warnings, close } = await receiver();
    try {
      const stats = await runGenerator({ channels, url: `${url}/alarms/lab-ai`, token: 'lab-token', burst: 120, concurrency: 8, pictureDir: path.join(dir, 'pictures'), seed: 3 });
      expect(warnings).toEqual([]);
      expect(stats).toMatchObject({ sent: 120, ok: 120, failed: [] });
      expect(new Set(stats.okIds).size).toBe(120);
      expect(store.count()).toBe(120);
      expect(new Set(stats.storedIds).size).toBe(120);
      const stored = stats.storedIds.map((id) => store.get(id));
      expect(new Set(stored.map((a) => a.externalId))).toEqual(new Set(stats.okIds));
      for (const a of stored) {
        expect(a.linked).toBe(true);
        expect(a.sourceId).toBe(LAB_ALARM_SOURCE_IDS[a.category as keyof typeof LAB_ALARM_SOURCE_IDS]);
        if (a.category === 'ai') expect(a.picture?.mimeType).toBe('image/jpeg');
      }
      expect(new Set(stored.map((a) => a.category))).toEqual(new Set(['ai', 'device', 'app']));
    } finally {
      await close();
    }
  });

  it('a steady rate keeps its schedule; a wrong token is counted as failed with its status', async () => {
    const { store, url, close } = await receiver();
    try {
      const sent: number[] = [];
      const stats = await runGenerator({ channels, url, token: 'lab-token', ratePerSecond: 20, count: 20, pictureDir: path.join(dir, 'pictures'), onSent: () => sent.push(Date.now()) });
      expect(stats.ok).toBe(20);
      expect(sent).toHaveLength(20);
      expect(stats.durationMs).toBeGreaterThanOrEqual(950);
      expect(stats.durationMs).toBeLessThan(2000);
      expect(store.count()).toBe(20);
      const bad = await runGenerator({ channels, url, token: 'wrong', burst: 3, pictureDir: path.join(dir, 'pictures') });
      expect(bad.ok).toBe(0);
      expect(bad.failed.map((f) => f.status)).toEqual([401, 401, 401]);
      expect(store.count()).toBe(20);
    } finally {
      await close();
    }
  });

  it('takes a publish callback instead of HTTP', async () => {
    const published: string[] = [];
    const stats = await runGenerator({
      channels,
      publish: async (body, category) => void published.push(`${category}:${body.alarmId}`),
      burst: 10,
      pictureDir: path.join(dir, 'pictures'),
    });
    expect(stats.ok).toBe(10);
    expect(published).toHaveLength(10);
  });
});
