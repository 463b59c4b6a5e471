import { describe, expect, it } from 'vitest';
import { ALARM_KINDS, alarmMappingSchema } from '../../../shared/domain/alarm';
// eslint-disable-next-line no-restricted-imports -- test only: the presets are checked against the host's own push reader
import { mapPush, readPath } from '../../../main/alarms/fieldMapping';
import { MAPPING_PRESETS, mappingToJson, parseMappingJson, presetOf } from './mappingPresets';

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function mappingOf(key: string) {
  const preset = presetOf(key);
  if (!preset) throw new Error(`no preset ${key}`);
  return alarmMappingSchema.parse(preset.mapping);
}

describe('mapping presets', () => {
  it('are valid mappings, each with a Chinese label and a distinct key', () => {
    expect(MAPPING_PRESETS.map((p) => p.key)).toEqual(['generic', 'vendor-box', 'hikvision-event']);
    for (const preset of MAPPING_PRESETS) {
      expect(alarmMappingSchema.safeParse(preset.mapping).success, preset.key).toBe(true);
      expect(preset.label).toMatch(/[\u4e00-\u9fff]/);
      // The form's JSON text round-trips to the same mapping.
      const json = parseMappingJson(mappingToJson(preset.mapping));
      expect(json.ok).toBe(true);
      if (json.ok) expect(alarmMappingSchema.parse(json.value)).toEqual(alarmMappingSchema.parse(preset.mapping));
    }
  });

  it('map only to known alarm kinds', () => {
    for (const preset of MAPPING_PRESETS) {
      for (const kind of Object.values(alarmMappingSchema.parse(preset.mapping).kindMap)) expect(Object.keys(ALARM_KINDS), `${preset.key} ${kind}`).toContain(kind);
    }
  });

  it('generic reads our documented shape', () => {
    const time = Date.UTC(2026, 10, 24, 4, 0, 0);
    const { input, picture } = mapPush(
      'box1',
      mappingOf('generic'),
      {
        id: 'a-1',
        kind: 'belt-deviation',
        level: 3,
        channelId: 'wvp1:34020000001320000001',
        time,
        score: 0.87,
        boxes: [{ x: 0.1, y: 0.2, w: 0.3, h: 0.4, label: 'belt', score: 0.9 }],
        picture: PNG_BASE64,
        description: '主运输皮带跑偏',
      },
      time,
    );
    expect(input).toMatchObject({
      externalId: 'a-1',
      kind: 'belt-deviation',
      kindName: null,
      level: 3,
      deviceId: 'wvp1:34020000001320000001',
      occurredAt: time,
      score: 0.87,
      description: '主运输皮带跑偏',
      category: 'ai',
    });
    expect(input.boxes).toEqual([{ x: 0.1, y: 0.2, w: 0.3, h: 0.4, label: 'belt', score: 0.9 }]);
    expect(picture).toEqual({ kind: 'base64', data: PNG_BASE64, mimeType: null });
  });

  it('vendor-box reads the common AI box shape: codes, local time, percent, pixel boxes', () => {
    const { input, picture } = mapPush('box2', mappingOf('vendor-box'), {
      alarmId: 'AB-20261124-0001',
      eventType: 'LEAVE_POST',
      eventName: '离岗检测',
      deviceSn: 'BOX-7F31',
      channelCode: '34020000001320000001',
      alarmTime: '2026-11-24 12:00:00',
      level: 2,
      confidence: 92,
      imageWidth: 1920,
      imageHeight: 1080,
      objects: [{ x1: 192, y1: 108, x2: 576, y2: 540, label: 'person', conf: 80 }],
      image: PNG_BASE64,
      remark: '3 号岗位无人',
    });
    expect(input).toMatchObject({
      externalId: 'AB-20261124-0001',
      kind: 'off-post',
      kindName: '离岗检测',
      level: 2,
      deviceId: '34020000001320000001',
      reporter: 'BOX-7F31',
      occurredAt: new Date(2026, 10, 24, 12, 0, 0).getTime(),
      score: 0.92,
      description: '3 号岗位无人',
    });
    expect(input.boxes).toHaveLength(1);
    const [box] = input.boxes;
    expect(box!.x).toBeCloseTo(0.1);
    expect(box!.y).toBeCloseTo(0.1);
    expect(box!.w).toBeCloseTo(0.2);
    expect(box!.h).toBeCloseTo(0.4);
    expect(box!.label).toBe('person');
    expect(box!.score).toBeCloseTo(0.8);
    expect(picture?.kind).toBe('base64');
  });

  it('hikvision-event reads one ISC event item', () => {
    const { input } = mapPush('isc', mappingOf('hikvision-event'), {
      eventId: '0f6e2a3c-1d2b-4b8a-9e0a-7c5d3f1e2a10',
      eventType: 131588,
      srcIndex: 'a1b2c3d4e5f64789',
      srcName: '主斜井入口',
      srcType: 'camera',
      happenTime: '2026-11-24T12:00:00.000+08:00',
      status: 0,
      data: {},
    });
    expect(input).toMatchObject({
      externalId: '0f6e2a3c-1d2b-4b8a-9e0a-7c5d3f1e2a10',
      kind: 'intrusion',
      deviceId: 'a1b2c3d4e5f64789',
      reporter: '主斜井入口',
      occurredAt: Date.parse('2026-11-24T04:00:00Z'),
      level: 2,
    });
  });
});

describe('hikvision-event and a whole OnEventNotify POST (recorded real-shaped)', () => {
  it('finds the events at params.events and reads each', () => {
    const mapping = mappingOf('hikvision-event');
    expect(mapping.items).toBe('params.events');
    const body = {
      method: 'OnEventNotify',
      params: {
        ability: 'event_vss',
        events: [
          { eventId: 'e-1', eventType: 131585, happenTime: '2026-11-24T12:00:00.000+08:00', srcIndex: 'c1', srcName: '主斜井入口', srcType: 'camera', status: 0, timeout: 0, data: {} },
          { eventId: 'e-2', eventType: 131329, happenTime: '2026-11-24T12:00:01.000+08:00', srcIndex: 'c2', srcName: '中央变电所', srcType: 'camera', status: 0, timeout: 0, data: {} },
        ],
        sendTime: '2026-11-24T12:00:01.120+08:00',
      },
    };
    const items = readPath(body, mapping.items!) as unknown[];
    expect(items.map((item) => mapPush('isc', mapping, item).input)).toMatchObject([
      { externalId: 'e-1', kind: 'intrusion', deviceId: 'c1' },
      { externalId: 'e-2', kind: 'device-fault', reporter: '中央变电所' },
    ]);
  });
});

describe('parseMappingJson', () => {
  it('returns the value of good JSON', () => {
    expect(parseMappingJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('says on which line and column bad JSON stops', () => {
    const result = parseMappingJson('{\n  "a": 1,\n}');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.line).toBe(3);
      expect(result.column).toBe(1);
    }
  });

  it('points at the end of cut-off JSON', () => {
    const result = parseMappingJson('{\n  "a": ');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.line).toBe(2);
  });
});
