import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/alarm';
import { MAX_WVP_ALARMS, parseWvpAlarm, type WvpAlarm } from '../connectors/wvp/wvpAlarms';
import { RECORDED_REAL_SHAPED_WVP_ALARMS } from '../connectors/wvp/fakeWvp.testkit';
import type { IntakeResult } from './alarmIntake';
import type { MappedPush } from './fieldMapping';
import { WvpAlarmInput, type WvpAlarmSource } from './wvpAlarmInput';

const recorded: WvpAlarm[] = RECORDED_REAL_SHAPED_WVP_ALARMS.map((a) => parseWvpAlarm(a)!);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Stores like the AlarmStore: the first of (source, external id) wins, a repeat says so. */
function fakeIntake(fail: () => boolean = () => false, latest: number | null = null) {
  const stored = new Map<string, MappedPush>();
  return {
    stored,
    latestOccurredAt: (sourceId: string): number | null => {
      const times = [...stored.values()].filter((p) => p.input.sourceId === sourceId).map((p) => p.input.occurredAt);
      return times.length ? Math.max(...times) : latest;
    },
    takeMapped: async (push: MappedPush): Promise<IntakeResult> => {
      if (fail()) throw new Error('SQLITE_FULL: database or disk is full');
      const key = `${push.input.sourceId}|${push.input.externalId}`;
      const duplicate = stored.has(key);
      if (!duplicate) stored.set(key, push);
      return { alarm: { id: key } as unknown as Alarm, duplicate, pictureNote: null };
    },
  };
}

const inputs: WvpAlarmInput[] = [];
afterEach(async () => {
  for (const i of inputs.splice(0)) await i.dispose();
});

function input(source: WvpAlarmSource | null, intake: ReturnType<typeof fakeIntake>, now: () => number): WvpAlarmInput {
  // A long poll interval: the test drives poll() itself after the first one.
  const i = new WvpAlarmInput({ sourceId: 'wvp-alarms', backendId: 'wvp1', pollSeconds: 300, backend: () => source, intake, log: quiet, now });
  inputs.push(i);
  return i;
}

describe('WvpAlarmInput (recorded real-shaped WVP alarms)', () => {
  it('reads the last 10 minutes first, then from the last window’s end minus 60 s; repeats are not counted', async () => {
    let clock = Date.parse('2026-11-24T04:05:00Z');
    const windows: [number, number][] = [];
    const source: WvpAlarmSource = {
      fetchAlarms: async (from, to) => {
        windows.push([from, to]);
        return recorded;
      },
    };
    const intake = fakeIntake();
    const i = input(source, intake, () => clock);
    await i.poll();
    expect(windows[0]).toEqual([clock - 600_000, clock]);
    expect(i.status()).toEqual({ state: 'connected', lastError: null, received: 4, refused: 0 });
    expect([...intake.stored.values()].map((p) => p.input.kind)).toEqual(['intrusion', 'gb-video-2', 'device-fault', 'gb-phone']);
    const firstEnd = clock;
    clock += 5_000;
    await i.poll();
    expect(windows[1]).toEqual([firstEnd - 60_000, clock]);
    expect(i.status().received).toBe(4);
  });

  it('survives a WVP failure (error in Chinese) and reads the gap with the next poll', async () => {
    let clock = Date.parse('2026-11-24T04:05:00Z');
    let down = false;
    const windows: [number, number][] = [];
    const source: WvpAlarmSource = {
      fetchAlarms: async (from, to) => {
        windows.push([from, to]);
        if (down) throw new Error('无法连接 WVP 平台');
        return recorded.slice(0, 1);
      },
    };
    const i = input(source, fakeIntake(), () => clock);
    await i.poll();
    const goodEnd = clock;
    down = true;
    clock += 10_000;
    await i.poll();
    expect(i.status()).toMatchObject({ state: 'error', lastError: '读取 WVP 报警失败：无法连接 WVP 平台' });
    down = false;
    clock += 10_000;
    await i.poll();
    expect(windows[2]).toEqual([goodEnd - 60_000, clock]);
    expect(i.status()).toMatchObject({ state: 'connected', lastError: null, received: 1 });
  });

  it('keeps the window when an alarm cannot be stored, and stores it with the next poll', async () => {
    let clock = Date.parse('2026-11-24T04:05:00Z');
    let full = true;
    const windows: [number, number][] = [];
    const intake = fakeIntake(() => full);
    const i = input({ fetchAlarms: async (from, to) => (windows.push([from, to]), recorded) }, intake, () => clock);
    await i.poll();
    expect(i.status()).toMatchObject({ state: 'error', lastError: '报警保存失败：SQLITE_FULL: database or disk is full', received: 0 });
    full = false;
    clock += 5_000;
    await i.poll();
    expect(windows[1]![0]).toBe(windows[0]![0]);
    expect(i.status()).toMatchObject({ state: 'connected', received: 4 });
  });

  it('after a restart reads from the newest alarm it already stored (not only the last 10 minutes), at most a day back', async () => {
    const clock = Date.parse('2026-11-24T04:05:00Z');
    const windows: [number, number][] = [];
    const source: WvpAlarmSource = { fetchAlarms: async (from, to) => (windows.push([from, to]), []) };
    await input(source, fakeIntake(() => false, clock - 3 * 3600_000), () => clock).poll();
    expect(windows[0]).toEqual([clock - 3 * 3600_000 - 60_000, clock]);
    await input(source, fakeIntake(() => false, clock - 3 * 86_400_000), () => clock).poll();
    expect(windows[1]).toEqual([clock - 86_400_000, clock]);
  });

  it('reads a window WVP cut at its limit again up to its oldest alarm, then goes on from the newest', async () => {
    let clock = Date.parse('2026-11-24T04:05:00Z');
    const start = clock - 10 * 60_000;
    const windows: [number, number][] = [];
    // WVP gives the newest first and stops at the limit: the first window's older alarms are not in its answer.
    const many = (from: number, to: number, n: number): WvpAlarm[] =>
      Array.from({ length: n }, (_, k) => ({ ...recorded[0]!, id: `cut-${from}-${k}`, time: to - k * 100 })).filter((a) => a.time! >= from);
    const source: WvpAlarmSource = {
      fetchAlarms: async (from, to) => {
        windows.push([from, to]);
        return windows.length === 1 ? many(from, to, MAX_WVP_ALARMS) : [];
      },
    };
    const i = input(source, fakeIntake(), () => clock);
    await i.poll();
    const oldest = clock - (MAX_WVP_ALARMS - 1) * 100;
    clock += 5_000;
    await i.poll();
    expect(windows[1]).toEqual([start, oldest + 60_000]);
    clock += 5_000;
    await i.poll();
    expect(windows[2]).toEqual([windows[0]![1] - 60_000, clock]);
  });

  it('is offline while its backend is missing or not a WVP', async () => {
    const i = input(null, fakeIntake(), Date.now);
    await i.poll();
    expect(i.status()).toMatchObject({ state: 'offline', lastError: '视频平台 wvp1 不存在、未启用或不是 WVP 平台' });
  });

  it('polls by itself every pollSeconds and stops on dispose', async () => {
    let calls = 0;
    const i = new WvpAlarmInput({
      sourceId: 'wvp-alarms',
      backendId: 'wvp1',
      pollSeconds: 2,
      backend: () => ({ fetchAlarms: async () => (calls++, []) }),
      intake: fakeIntake(),
      log: quiet,
    });
    const states: string[] = [];
    i.onStatus((s) => states.push(s.state));
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
    expect(states).toEqual(['connected']);
    await i.dispose();
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
  });
});
