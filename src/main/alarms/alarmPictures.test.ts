import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ALARM_PICTURE_BYTES } from '../../shared/domain/alarm';
import { AlarmPictures, PictureRefused, sniffImage } from './alarmPictures';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function media(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-alarm-pic-'));
  dirs.push(d);
  return d;
}

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);

describe('alarm pictures', () => {
  it('knows images by their bytes, not by what the source claims', () => {
    expect(sniffImage(JPEG)).toEqual({ mimeType: 'image/jpeg', ext: 'jpg' });
    expect(sniffImage(PNG)).toEqual({ mimeType: 'image/png', ext: 'png' });
    expect(sniffImage(Buffer.from('GIF89a......'))).toMatchObject({ mimeType: 'image/gif' });
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toMatchObject({ mimeType: 'image/webp' });
    expect(sniffImage(Buffer.from('<html>not a picture</html>'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });

  it('stores a picture under media/alarms/<day>/ with its real type and reads it back', () => {
    const dir = media();
    const pictures = new AlarmPictures(dir);
    const at = new Date(2026, 10, 24, 12, 0, 5).getTime();
    const stored = pictures.store(JPEG, '人员穿越皮带', at);
    expect(stored).toMatchObject({ mimeType: 'image/jpeg', bytes: JPEG.length });
    expect(stored.path).toMatch(/^alarms\/20261124\/20261124-120005-000_人员穿越皮带_[0-9a-f]{8}\.jpg$/);
    expect(pictures.read(stored.path).equals(JPEG)).toBe(true);
    pictures.discard(stored.path);
    expect(fs.existsSync(path.join(dir, stored.path))).toBe(false);
  });

  it('refuses empty, oversized and non-image pictures, leaving no file', () => {
    const dir = media();
    const pictures = new AlarmPictures(dir);
    expect(() => pictures.store(Buffer.alloc(0), 'x', Date.now())).toThrow(PictureRefused);
    expect(() => pictures.store(Buffer.concat([JPEG, Buffer.alloc(MAX_ALARM_PICTURE_BYTES)]), 'x', Date.now())).toThrow('过大');
    expect(() => pictures.store(Buffer.from('<html>'), 'x', Date.now())).toThrow('不是');
    expect(fs.existsSync(path.join(dir, 'alarms'))).toBe(false);
  });

  it('stores off the event loop the same way (what the intake uses), and refuses the same pictures', async () => {
    const dir = media();
    const pictures = new AlarmPictures(dir);
    const stored = await pictures.storeAsync(JPEG, '烟火', Date.now());
    expect(stored).toMatchObject({ mimeType: 'image/jpeg', bytes: JPEG.length });
    expect(pictures.read(stored.path).equals(JPEG)).toBe(true);
    await expect(pictures.storeAsync(Buffer.from('<html>'), 'x', Date.now())).rejects.toThrow('不是');
    expect(fs.readdirSync(path.dirname(path.join(dir, stored.path)))).toHaveLength(1);
  });
});
