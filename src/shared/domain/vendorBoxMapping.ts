import type { z } from 'zod';
import type { alarmMappingSchema } from './alarm';

/** A field mapping as written (defaults may be left out; alarmMappingSchema fills them). */
export type MappingSpec = z.input<typeof alarmMappingSchema>;

/** What differs from one box to another: how its event codes and levels read, and the category of its alarms. */
export type VendorBoxCodes = Pick<MappingSpec, 'kindMap' | 'category' | 'levelMap' | 'defaultLevel'>;

/**
 * A typical AI box of the region's vendors (the console's 'vendor-box' preset, and what the lab's senders push):
 * `{ alarmId, eventType (LEAVE_POST …), eventName, deviceSn, channelCode (GB/T 28181 id), alarmTime
 *    'YYYY-MM-DD HH:mm:ss' local, level, confidence (percent), imageWidth, imageHeight,
 *    objects: [{ x1, y1, x2, y2 (pixels), label, conf (percent) }], image (base64), remark }`.
 * The fields are the same on every box; `codes` says how this one's event types and levels read.
 */
export function vendorBoxMapping(codes: VendorBoxCodes): MappingSpec {
  return {
    externalId: 'alarmId',
    kind: 'eventType',
    ...(codes.kindMap ? { kindMap: codes.kindMap } : {}),
    kindName: 'eventName',
    ...(codes.category ? { category: codes.category } : {}),
    level: 'level',
    ...(codes.levelMap ? { levelMap: codes.levelMap } : {}),
    ...(codes.defaultLevel !== undefined ? { defaultLevel: codes.defaultLevel } : {}),
    channel: 'channelCode',
    reporter: 'deviceSn',
    time: 'alarmTime',
    timeFormat: 'local',
    score: 'confidence',
    scoreScale: 100,
    boxes: 'objects',
    boxFields: {
      layout: 'xyxy',
      keys: ['x1', 'y1', 'x2', 'y2'],
      label: 'label',
      score: 'conf',
      imageWidth: 'imageWidth',
      imageHeight: 'imageHeight',
    },
    picture: 'image',
    description: 'remark',
  };
}
