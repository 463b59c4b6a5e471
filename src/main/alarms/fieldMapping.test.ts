import { describe, expect, it } from 'vitest';
import { alarmMappingSchema, type AlarmMapping } from '../../shared/domain/alarm';
import { mapPush, MappingError, readPath, readTime } from './fieldMapping';

/** A box vendor's shape (recorded-real-shaped): nested alarm, seconds, percent scores, pixel boxes as x1,y1,x2,y2. */
const VENDOR_A: AlarmMapping = alarmMappingSchema.parse({
  externalId: 'alarm.uuid',
  kind: 'alarm.algCode',
  kindMap: { PERSON_CROSS_BELT: 'belt-crossing', NO_HELMET: 'no-helmet' },
  kindName: 'alarm.algName',
  level: 'alarm.level',
  levelMap: { low: 1, mid: 2, high: 3 },
  channel: 'camera.gbId',
  reporter: 'box.name',
  time: 'alarm.time',
  timeFormat: 'epoch-s',
  score: 'alarm.score',
  scoreScale: 100,
  boxes: 'alarm.targets',
  boxFields: { layout: 'xyxy', keys: ['x1', 'y1', 'x2', 'y2'], label: 'cls', score: 'conf', imageWidth: 'image.w', imageHeight: 'image.h' },
  picture: 'image.base64',
  description: 'alarm.remark',
});

const push = {
  alarm: {
    uuid: 'a-1',
    algCode: 'PERSON_CROSS_BELT',
    algName: '人员穿越皮带',
    level: 'high',
    time: 1_790_000_000,
    score: 93,
    targets: [{ x1: 192, y1: 108, x2: 384, y2: 540, cls: 'person', conf: 88 }],
    remark: '主斜井皮带机头',
  },
  camera: { gbId: '14040500001320000101' },
  box: { name: 'AI-BOX-07' },
  image: { w: 1920, h: 1080, base64: 'iVBORw0KGgo=' },
};

describe('mapPush', () => {
  it('reads a vendor shape: kind and level through maps, seconds, percent scores, pixel xyxy boxes to fractions', () => {
    const { input, picture } = mapPush('box-a', VENDOR_A, push);
    expect(input).toEqual({
      sourceId: 'box-a',
      externalId: 'a-1',
      category: 'ai',
      kind: 'belt-crossing',
      kindName: '人员穿越皮带',
      level: 3,
      channelId: null,
      deviceId: '14040500001320000101',
      reporter: 'AI-BOX-07',
      occurredAt: 1_790_000_000_000,
      score: 0.93,
      boxes: [{ x: 0.1, y: 0.1, w: 0.1, h: 0.4, label: 'person', score: 0.88 }],
      description: '主斜井皮带机头',
    });
    expect(picture).toEqual({ kind: 'base64', data: 'iVBORw0KGgo=', mimeType: null });
  });

  it('keeps an unknown kind with the source’s own name; an unknown level string falls back to the default', () => {
    const { input } = mapPush('box-a', VENDOR_A, { ...push, alarm: { ...push.alarm, algCode: 'COAL_PILE', algName: '煤堆过高', level: 'weird' } });
    expect(input).toMatchObject({ kind: 'COAL_PILE', kindName: '煤堆过高', level: 2 });
  });

  it('reads data: URLs and http URLs as pictures; refuses anything else', () => {
    const data = mapPush('box-a', VENDOR_A, { ...push, image: { ...push.image, base64: 'data:image/jpeg;base64,/9j/4AAQ' } });
    expect(data.picture).toEqual({ kind: 'base64', data: '/9j/4AAQ', mimeType: 'image/jpeg' });
    const url = mapPush('box-a', VENDOR_A, { ...push, image: { ...push.image, base64: 'http://198.51.100.7/snap/1.jpg' } });
    expect(url.picture).toEqual({ kind: 'url', url: 'http://198.51.100.7/snap/1.jpg' });
    expect(() => mapPush('box-a', VENDOR_A, { ...push, image: { ...push.image, base64: 'file:///etc/passwd' } })).toThrow(MappingError);
  });

  it('says which field is missing or wrong, without the values', () => {
    const noId = { ...push, alarm: { ...push.alarm, uuid: undefined } };
    expect(() => mapPush('box-a', VENDOR_A, noId)).toThrow('缺少报警编号（alarm.uuid）');
    expect(() => mapPush('box-a', VENDOR_A, { ...push, alarm: { ...push.alarm, time: 'yesterday' } })).toThrow('报警时间（alarm.time）无法识别');
    expect(() => mapPush('box-a', VENDOR_A, { ...push, alarm: { ...push.alarm, time: 1_790_000_000_000 } })).toThrow('无法识别'); // ms sent as s
    expect(() => mapPush('box-a', VENDOR_A, { ...push, alarm: { ...push.alarm, targets: 'x' } })).toThrow('应为数组');
    expect(() => mapPush('box-a', VENDOR_A, { ...push, alarm: { ...push.alarm, uuid: { nested: true } } })).toThrow('应为文字或数字');
    expect(() => mapPush('box-a', VENDOR_A, 'not an object')).toThrow(MappingError);
    expect(() => mapPush('box-a', VENDOR_A, null)).toThrow(MappingError);
  });

  it('clamps boxes that reach outside the picture', () => {
    const { input } = mapPush('box-a', VENDOR_A, { ...push, alarm: { ...push.alarm, targets: [{ x1: 1800, y1: -20, x2: 2400, y2: 300 }] } });
    const [box] = input.boxes;
    expect(box!.x + box!.w).toBeLessThanOrEqual(1);
    expect(box!.y).toBe(0);
  });
});

describe('readPath and readTime', () => {
  it('walks dots and indexes, never the prototype', () => {
    expect(readPath({ a: [{ b: 1 }] }, 'a[0].b')).toBe(1);
    expect(readPath({ a: [] }, 'a[3].b')).toBeUndefined();
    expect(readPath({}, 'constructor')).toBeUndefined();
    expect(readPath({ a: 1 }, '__proto__')).toBeUndefined();
  });

  it('reads epoch ms and s, ISO with zone, and local wall-clock text', () => {
    expect(readTime('1790000000000', 'epoch-ms', 't')).toBe(1_790_000_000_000);
    expect(readTime('1790000000', 'epoch-s', 't')).toBe(1_790_000_000_000);
    expect(readTime('2026-11-24T04:00:00Z', 'iso', 't')).toBe(Date.UTC(2026, 10, 24, 4));
    expect(readTime('2026-11-24 12:00:05', 'local', 't')).toBe(new Date(2026, 10, 24, 12, 0, 5).getTime());
    expect(readTime('2026/11/24 12:00', 'local', 't')).toBe(new Date(2026, 10, 24, 12, 0).getTime());
    expect(() => readTime('24.11.2026', 'local', 't')).toThrow(MappingError);
  });
});
