import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alarmMappingSchema, type AlarmMapping } from '../../shared/domain/alarm';
import type { Channel, Mine } from '../../shared/domain/catalogue';
import { openStore, type Db } from '../services/store';
import { AlarmIntake } from './alarmIntake';
import { AlarmPictures } from './alarmPictures';
import { AlarmStore } from './alarmStore';
import { ChannelLinker } from './channelLinker';
import { AlarmWebhookServer, MAX_WEBHOOK_BODY_BYTES, type WebhookSource } from './webhookServer';

/** A recorded-real-shaped AI box push (the lab generator sends the same shape). */
const MAPPING: AlarmMapping = alarmMappingSchema.parse({
  externalId: 'alarmId',
  kind: 'type',
  level: 'level',
  channel: 'channelId',
  reporter: 'device',
  time: 'time',
  timeFormat: 'local',
  score: 'score',
  boxes: 'boxes',
  picture: 'picture',
  description: 'desc',
});

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 9)]);

const CHANNEL: Channel = {
  id: 'lab:101',
  backendId: 'lab',
  name: '五阳煤矿主斜井皮带机头',
  gbId: '14040500001320000101',
  countyCode: '140405',
  mineId: 'wuyang',
  categoryCode: 'A01',
  place: '主斜井',
  location: null,
  online: true,
  streams: ['janus-webrtc'],
  substream: false,
  ptz: false,
} as unknown as Channel;
const MINE: Mine = { id: 'wuyang', name: '山西潞安环能五阳煤矿', shortName: '五阳煤矿', countyCode: '140405', location: null };

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function push(id: string, extra: Record<string, unknown> = {}) {
  return {
    alarmId: id,
    type: 'belt-crossing',
    level: 3,
    channelId: '14040500001320000101',
    device: 'AI-BOX-07',
    time: localTime(Date.now() - 2000),
    score: 0.91,
    boxes: [{ x: 0.1, y: 0.2, w: 0.3, h: 0.4 }],
    picture: JPEG.toString('base64'),
    desc: '主斜井皮带机头有人穿越',
    ...extra,
  };
}

const dirs: string[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup(sources: WebhookSource[] = [{ id: 'box-a', enabled: true, mapping: MAPPING, token: 's3cret' }]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-webhook-'));
  dirs.push(dir);
  const db: Db = openStore({ dataDir: dir });
  closers.push(() => void db.close());
  const store = new AlarmStore(db);
  const media = path.join(dir, 'media');
  const warnings: string[] = [];
  const intake = new AlarmIntake({
    store,
    pictures: new AlarmPictures(media),
    linker: new ChannelLinker(() => ({ channels: [CHANNEL], mines: [MINE] })),
    warn: (fields, message) => warnings.push(`${message} ${JSON.stringify(fields)}`),
  });
  const server = new AlarmWebhookServer({ sources: () => sources, intake, warn: (fields, message) => warnings.push(`${message} ${JSON.stringify(fields)}`) });
  const url = await server.start('127.0.0.1', 0);
  closers.push(() => server.close());
  const post = (body: unknown, headers: Record<string, string> = {}, sourceId = 'box-a') =>
    fetch(`${url}/alarms/${sourceId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { store, media, warnings, post, url };
}

describe('alarm webhook', () => {
  it('stores a push before answering 200: linked to its channel and mine, picture on disk, skew measured', async () => {
    const { store, media, post } = await setup();
    const res = await post(push('a-1'));
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { id: string; duplicate: boolean };
    expect(reply.duplicate).toBe(false);
    const alarm = store.get(reply.id);
    expect(alarm).toMatchObject({
      sourceId: 'box-a',
      externalId: 'a-1',
      kind: 'belt-crossing',
      level: 3,
      channelId: 'lab:101',
      mineId: 'wuyang',
      mineName: '五阳煤矿',
      county: '140405',
      linked: true,
      picture: { mimeType: 'image/jpeg', bytes: JPEG.length },
      state: 'new',
    });
    expect(alarm.skewMs).toBeGreaterThan(1000);
    const picture = store.picturePath(reply.id);
    expect(fs.readFileSync(path.join(media, picture!)).equals(JPEG)).toBe(true);
  });

  it('a repeated push is the same alarm (200, duplicate) and leaves no second picture', async () => {
    const { store, media, post } = await setup();
    const first = (await (await post(push('a-1'))).json()) as { id: string };
    const again = await post(push('a-1'));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: first.id, duplicate: true });
    expect(store.count()).toBe(1);
    const files = fs.readdirSync(path.join(media, 'alarms'), { recursive: true }).filter((f) => String(f).endsWith('.jpg'));
    expect(files).toHaveLength(1);
  });

  it('keeps an alarm whose channel is unknown (unlinked) and one whose picture is not an image (without it)', async () => {
    const { store, post, warnings } = await setup();
    const unknown = (await (await post(push('a-2', { channelId: '99999999999999999999' }))).json()) as { id: string };
    expect(store.get(unknown.id)).toMatchObject({ linked: false, channelId: null, deviceId: '99999999999999999999', mineId: null });
    const res = await post(push('a-3', { picture: Buffer.from('<html>oops</html>').toString('base64') }));
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { id: string; picture: string };
    expect(reply.picture).toContain('不是');
    expect(store.get(reply.id).picture).toBeNull();
    expect(warnings.some((w) => w.includes('alarm kept without its picture'))).toBe(true);
  });

  it('takes a batch: each alarm stored or refused on its own', async () => {
    const { store, post } = await setup();
    const res = await post([push('b-1'), { nonsense: true }, push('b-2')]);
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { id?: string; error?: string }[] };
    expect(results.map((r) => (r.id ? 'ok' : 'refused'))).toEqual(['ok', 'refused', 'ok']);
    expect(results[1]!.error).toContain('缺少报警编号');
    expect(store.count()).toBe(2);
  });

  it('reads a platform batch at the mapping\'s items path, with the token in the URL (Hikvision OnEventNotify shape)', async () => {
    const mapping = alarmMappingSchema.parse({ ...MAPPING, items: 'params.events' });
    const { store, url } = await setup([{ id: 'isc', enabled: true, mapping, token: 'cb-token' }]);
    const body = { method: 'OnEventNotify', params: { ability: 'event_vss', events: [push('h-1'), push('h-2')] } };
    const post = (token: string) =>
      fetch(`${url}/alarms/isc?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('wrong')).status).toBe(401);
    const res = await post('cb-token');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(2);
    expect(store.count()).toBe(2);
    const notAList = await fetch(`${url}/alarms/isc?token=cb-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"params":{}}' });
    expect(notAList.status).toBe(400);
  });

  it('bad pushes get a 4xx and a log line without the body, and store nothing', async () => {
    const { store, post, url, warnings } = await setup();
    expect((await post(push('x'), { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(push('x'), { authorization: '' })).status).toBe(401);
    expect((await post(push('x'), {}, 'no-such-box')).status).toBe(404);
    expect((await post('{"alarmId": "x", ')).status).toBe(400);
    expect((await post(push('x', { time: 'yesterday' }))).status).toBe(400);
    expect((await post(push('x'), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post([])).status).toBe(400);
    expect((await fetch(`${url}/alarms/box-a`, { method: 'GET', headers: { authorization: 'Bearer s3cret' } })).status).toBe(405);
    expect((await fetch(`${url}/other`)).status).toBe(404);
    const huge = JSON.stringify(push('x', { picture: 'A'.repeat(MAX_WEBHOOK_BODY_BYTES) }));
    const tooBig = await post(huge).catch(() => null);
    expect(tooBig === null || tooBig.status === 413).toBe(true);
    expect(store.count()).toBe(0);
    expect(warnings.filter((w) => w.startsWith('alarm push refused')).length).toBeGreaterThanOrEqual(7);
    expect(warnings.join('\n')).not.toContain('s3cret');
    expect(warnings.join('\n')).not.toContain('主斜井皮带机头有人穿越');
  });
});
