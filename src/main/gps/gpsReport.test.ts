import { describe, expect, it } from 'vitest';
import { GpsReportError, MAX_GPS_PAYLOAD_BYTES, parseGpsPayload } from './gpsReport';

const NOW = Date.UTC(2025, 5, 1, 4, 0, 0);
const SECRET = '13800138000-secret-name';

function one(body: unknown) {
  const [r] = parseGpsPayload(JSON.stringify(body), NOW);
  return r!;
}
function refused(body: unknown): string {
  try {
    parseGpsPayload(typeof body === 'string' ? body : JSON.stringify(body), NOW);
  } catch (err) {
    expect(err).toBeInstanceOf(GpsReportError);
    return (err as Error).message;
  }
  throw new Error('not refused');
}

describe('GPS report', () => {
  it('reads a full report', () => {
    const r = one({ id: 'sb-01', kind: '单兵', name: '五阳单兵1', lon: 112.96, lat: 36.49, alt: 950.5, speed: 1.4, heading: 90, time: NOW - 1000, phone: '8001', mineId: 'M1228', channelId: 'lab:101' });
    expect(r).toEqual({
      unit: { id: 'sb-01', kind: 'soldier', name: '五阳单兵1', mineId: 'M1228', phone: '8001', channelId: 'lab:101' },
      fix: { unitId: 'sb-01', at: NOW - 1000, lon: 112.96, lat: 36.49, alt: 950.5, speed: 1.4, heading: 90 },
    });
  });

  it('needs only id, lon and lat; kind by any alias; missing time is the receive time', () => {
    const r = one({ id: 7, lon: '112.5', lat: 36 });
    expect(r.unit).toEqual({ id: '7', kind: undefined, name: undefined, mineId: undefined, phone: undefined, channelId: undefined });
    expect(r.fix).toEqual({ unitId: '7', at: NOW, lon: 112.5, lat: 36, alt: null, speed: null, heading: null });
    for (const [kind, want] of [['车载', 'vehicle'], ['无人机', 'drone'], ['uav', 'drone'], ['移动app', 'app'], ['APP', 'app'], ['Drone', 'drone'], ['soldier', 'soldier']])
      expect(one({ id: 'x', kind, lon: 1, lat: 1 }).unit.kind).toBe(want);
    expect(one({ id: 'x', lon: 1, lat: 1, heading: -90 }).fix.heading).toBe(270);
  });

  it('reads the time as epoch ms, epoch seconds (also as text) or ISO 8601', () => {
    const t = NOW - 60_000;
    expect(one({ id: 'x', lon: 1, lat: 1, time: t }).fix.at).toBe(t);
    expect(one({ id: 'x', lon: 1, lat: 1, time: t / 1000 }).fix.at).toBe(t);
    expect(one({ id: 'x', lon: 1, lat: 1, time: String(t / 1000) }).fix.at).toBe(t);
    expect(one({ id: 'x', lon: 1, lat: 1, time: 1748750340.5 }).fix.at).toBe(1748750340500);
    expect(one({ id: 'x', lon: 1, lat: 1, time: new Date(t).toISOString() }).fix.at).toBe(t);
    expect(one({ id: 'x', lon: 1, lat: 1, time: '2025-06-01T11:59:00+08:00' }).fix.at).toBe(t);
  });

  it('accepts an array of reports (a buffered upload)', () => {
    const reports = parseGpsPayload(JSON.stringify([1, 2, 3].map((i) => ({ id: 'car', kind: 'vehicle', lon: 112 + i / 100, lat: 36, time: NOW - i * 10_000 }))), NOW);
    expect(reports.map((r) => r.fix.at)).toEqual([NOW - 10_000, NOW - 20_000, NOW - 30_000]);
  });

  it('refuses bad reports naming the field, never the value', () => {
    const messages = [
      refused('{"id": "x", '),
      refused({ kind: 'soldier', lon: 1, lat: 1, name: SECRET }),
      refused({ id: 'x', kind: 'tank', lon: 1, lat: 1, name: SECRET }),
      refused({ id: 'x', lon: 181, lat: 1, name: SECRET }),
      refused({ id: 'x', lon: 1, lat: -91 }),
      refused({ id: 'x', lon: 'east', lat: 1, phone: SECRET }),
      refused({ id: 'x', lat: 1 }),
      refused({ id: 'x', lon: 1, lat: 1, speed: -1 }),
      refused({ id: 'x', lon: 1, lat: 1, time: 'yesterday', name: SECRET }),
      refused({ id: 'x', lon: 1, lat: 1, time: NOW + 3600_000 }),
      refused({ id: 'x', lon: 1, lat: 1, name: { first: SECRET } }),
      refused({ id: 'x'.repeat(65), lon: 1, lat: 1 }),
      refused([]),
      refused([{ id: 'a', lon: 1, lat: 1 }, { id: 'b', lon: 1, lat: 100 }]),
      refused('"just text"'),
      refused(JSON.stringify({ id: 'x', lon: 1, lat: 1, name: 'y'.repeat(MAX_GPS_PAYLOAD_BYTES) })),
    ];
    expect(messages).toEqual([
      '上报不是有效的 JSON',
      '缺少 id',
      expect.stringContaining('kind 不是已知的终端类型'),
      'lon 超出范围（-180～180）',
      'lat 超出范围（-90～90）',
      'lon 应为数字',
      '缺少 lon',
      'speed 超出范围（0～500）',
      expect.stringContaining('time 无法识别'),
      expect.stringContaining('time 比本机时间超前'),
      'name 应为字符串',
      'id 超过 64 个字符',
      '上报数组为空',
      '第 2 条：lat 超出范围（-90～90）',
      '上报应为 JSON 对象',
      expect.stringContaining('上报过大'),
    ]);
    expect(messages.join('\n')).not.toContain(SECRET);
    expect(messages.join('\n')).not.toContain('tank');
  });
});
