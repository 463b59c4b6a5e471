import { describe, expect, it } from 'vitest';
import { alarmInputSchema } from '../../../shared/domain/alarm';
import type { WvpBackend } from './wvpBackend';
import { classifyGbAlarm, levelOfGbPriority, parseWvpAlarm, wvpAlarmToPush } from './wvpAlarms';
import {
  LOGIN_REFUSED,
  loginAccepted,
  loginReply,
  ok,
  RECORDED_REAL_SHAPED_WVP_ALARMS,
  recordedRealShapedAlarmPage,
  type FakeWvp,
} from './fakeWvp.testkit';
import { fakeWvpFixture } from './wvpFixture.testkit';
import { fromWvpTime } from './wvpTime';

const fixture = fakeWvpFixture();
const backend = (url: string): WvpBackend => fixture.backend(url);

async function wvp(version: string, alarms: readonly unknown[] = RECORDED_REAL_SHAPED_WVP_ALARMS): Promise<FakeWvp> {
  return fixture.start((req) => {
    if (req.path === '/api/user/login') {
      if (!loginAccepted(req)) return LOGIN_REFUSED;
      return loginReply('tok');
    }
    if (req.path === '/api/server/system/configInfo') return ok({ serverPort: 18080, version: { version, GIT_BRANCH: 'master' } });
    const listPath = version.startsWith('2.') ? '/api/alarm/all' : '/api/alarm/list';
    if (req.path === listPath) return recordedRealShapedAlarmPage(alarms, Number(req.query.get('page')), Number(req.query.get('count')));
    return undefined;
  });
}

const FROM = Date.parse('2026-11-24T03:55:00Z');
const TO = Date.parse('2026-11-24T04:05:00.400Z');

describe('WVP alarms (recorded real-shaped alarm lists)', () => {
  it.each([
    ['2.6.9', '/api/alarm/all', { startTime: '2026-11-24 11:55:00', endTime: '2026-11-24 12:05:01' }],
    ['2.7.3', '/api/alarm/all', { startTime: '2026-11-24 11:55:00', endTime: '2026-11-24 12:05:01' }],
    ['3.0.0-SNAPSHOT', '/api/alarm/list', { beginTime: '2026-11-24 11:55:00', endTime: '2026-11-24 12:05:01' }],
  ])('WVP %s: reads %s with the window in +08:00 and parses every entry', async (version, path, window) => {
    const s = await wvp(version);
    const alarms = await backend(s.url).fetchAlarms(FROM, TO);
    expect(alarms.map((a) => a.id)).toEqual(['1207', '1208', '1209', '1210']);
    const call = s.requests.find((r) => r.path === path)!;
    for (const [k, v] of Object.entries(window)) expect(call.query.get(k)).toBe(v);
    expect(call.query.get('page')).toBe('1');
    expect(alarms[0]).toMatchObject({ deviceId: '14040300111180000001', channelId: '14040300001320000001', priority: 1, method: '5', type: '6', time: Date.parse('2026-11-24T04:00:05Z') });
    expect(alarms[1]).toMatchObject({ longitude: null, latitude: null, description: null });
  });

  it('reads every page of a long list', async () => {
    const many = Array.from({ length: 450 }, (_, i) => ({ ...RECORDED_REAL_SHAPED_WVP_ALARMS[0], id: 5000 + i }));
    const s = await wvp('2.7.3', many);
    const alarms = await backend(s.url).fetchAlarms(FROM, TO);
    expect(alarms).toHaveLength(450);
    expect(s.requests.filter((r) => r.path === '/api/alarm/all').map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
  });

  it('says so when the WVP has no alarm list endpoint', async () => {
    const server = await fixture.start((req) => {
      if (req.path === '/api/user/login') return loginReply('tok');
      if (req.path === '/api/server/system/configInfo') return ok({ version: { version: '2.7.3' } });
      return undefined;
    });
    await expect(backend(server.url).fetchAlarms(FROM, TO)).rejects.toMatchObject({ code: 'unsupported' });
  });
});

describe('WVP alarm -> alarm input', () => {
  const pushes = RECORDED_REAL_SHAPED_WVP_ALARMS.map((a) => wvpAlarmToPush('wvp-alarms', parseWvpAlarm(a)!));

  it('maps the recorded entries (GB priority 1 is the highest: level 4)', () => {
    for (const p of pushes) expect(alarmInputSchema.safeParse(p.input).success).toBe(true);
    expect(pushes[0]!.input).toMatchObject({
      sourceId: 'wvp-alarms',
      externalId: '1207@2026-11-24 12:00:05',
      category: 'ai',
      kind: 'intrusion',
      kindName: null,
      level: 4,
      deviceId: '14040300001320000001',
      reporter: '14040300111180000001',
      occurredAt: fromWvpTime('2026-11-24 12:00:05'),
      description: '主井口区域入侵（经度 113.106888，纬度 36.190941）',
    });
    expect(pushes[1]!.input).toMatchObject({ category: 'ai', kind: 'gb-video-2', kindName: '移动侦测', level: 2, description: null });
    expect(pushes[2]!.input).toMatchObject({ category: 'device', kind: 'device-fault', kindName: '存储设备磁盘故障', level: 3, deviceId: '14040300111180000001' });
    expect(pushes[3]!.input).toMatchObject({ category: 'app', kind: 'gb-phone', kindName: '电话报警', level: 1 });
    expect(pushes.every((p) => p.picture === null)).toBe(true);
  });

  it('GB priority 1..4 -> level 4..1; absent or invalid -> 2', () => {
    expect([1, 2, 3, 4].map((p) => levelOfGbPriority(p))).toEqual([4, 3, 2, 1]);
    expect(levelOfGbPriority(null)).toBe(2);
    expect(levelOfGbPriority(7)).toBe(2);
    expect(parseWvpAlarm({ deviceId: 'd', alarmMethod: '2', alarmPriorit: '1' })!.priority).toBe(1);
  });

  it('classifies methods and video types', () => {
    expect(classifyGbAlarm('5', '5')).toEqual({ category: 'ai', kind: 'gb-video-5', kindName: '绊线检测' });
    expect(classifyGbAlarm('5', '08')).toEqual({ category: 'ai', kind: 'gb-video-8', kindName: '徘徊检测' });
    expect(classifyGbAlarm('5', '10')).toMatchObject({ kind: 'gb-video-10', kindName: '人员密度检测' });
    expect(classifyGbAlarm('5', '11')).toMatchObject({ kind: 'gb-video-11', kindName: '视频异常检测' });
    expect(classifyGbAlarm('5', null)).toEqual({ category: 'ai', kind: 'gb-video', kindName: '视频报警' });
    expect(classifyGbAlarm('2', '1')).toEqual({ category: 'device', kind: 'device-fault', kindName: '视频丢失报警' });
    expect(classifyGbAlarm('12', null)).toMatchObject({ category: 'device', kind: 'device-fault' });
    expect(classifyGbAlarm('4', null)).toEqual({ category: 'other', kind: 'gb-gps', kindName: 'GPS 报警' });
    expect(classifyGbAlarm('7', null)).toMatchObject({ category: 'other', kind: 'gb-other' });
  });

  it('without a WVP id: device, channel, time, method and type make the id; without a time: now', () => {
    const p = wvpAlarmToPush('w', parseWvpAlarm({ deviceId: 'D1', channelId: 'C1', alarmMethod: '5', alarmType: '2', alarmTime: 'garbage' })!, 1_800_000_000_000);
    expect(p.input.externalId).toBe('D1/C1/garbage/5/2');
    expect(p.input.occurredAt).toBe(1_800_000_000_000);
    expect(parseWvpAlarm({ deviceId: 'D1' })).toBeNull();
  });
});
