import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_ALARM_PICTURE_BYTES } from '../../shared/domain/alarm';
import { fileTime, resolveInside, safeFileLabel } from '../services/mediaLibrary';
import { fileError, fsyncDir, removeQuietly, writeFileDurably } from '../services/pieceWriter';

const FOLDER = 'alarms';

/** The image types alarm pictures come in, by their first bytes (what the source claims is not trusted). */
const SIGNATURES: { mimeType: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { mimeType: 'image/jpeg', ext: 'jpg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mimeType: 'image/png', ext: 'png', test: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mimeType: 'image/gif', ext: 'gif', test: (b) => b.length > 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  { mimeType: 'image/webp', ext: 'webp', test: (b) => b.length > 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { mimeType: 'image/bmp', ext: 'bmp', test: (b) => b.length > 2 && b[0] === 0x42 && b[1] === 0x4d },
];

export type StoredPicture = { path: string; mimeType: string; bytes: number };

/** The picture's type from its bytes, or null when it is not an image we show. */
export function sniffImage(data: Buffer): { mimeType: string; ext: string } | null {
  const hit = SIGNATURES.find((s) => s.test(data));
  return hit ? { mimeType: hit.mimeType, ext: hit.ext } : null;
}

/** Why a picture was not kept (the alarm is kept without it). */
export class PictureRefused extends Error {}

/**
 * Alarm pictures under `<media>/alarms/<yyyymmdd>/`: checked to be an image by their bytes, size-limited, written
 * and fsync'd before the alarm row that names them (a crash leaves at most an unreferenced file, never a row
 * pointing at nothing). Paths in rows are relative to the media folder.
 */
export class AlarmPictures {
  constructor(private readonly mediaDir: string) {}

  store(data: Buffer, label: string, at: number): StoredPicture {
    const { abs, stored } = this.place(data, label, at);
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      writeFileDurably(abs, data);
      fsyncDir(path.dirname(abs));
    } catch (err) {
      removeQuietly(abs);
      throw fileError(err, '报警图片保存失败');
    }
    return stored;
  }

  /**
   * The same as `store`, with the writes and fsyncs on libuv's thread pool: a burst of pushes keeps the event loop
   * (other pushes, the renderer's requests) free while each picture reaches the disk.
   */
  async storeAsync(data: Buffer, label: string, at: number): Promise<StoredPicture> {
    const { abs, stored } = this.place(data, label, at);
    try {
      await fs.promises.mkdir(path.dirname(abs), { recursive: true });
      const file = await fs.promises.open(abs, 'wx');
      try {
        await file.writeFile(data);
        await file.sync();
      } finally {
        await file.close();
      }
      const dir = await fs.promises.open(path.dirname(abs), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (err) {
      removeQuietly(abs);
      throw fileError(err, '报警图片保存失败');
    }
    return stored;
  }

  /** Checks the picture and names its file. */
  private place(data: Buffer, label: string, at: number): { rel: string; abs: string; stored: StoredPicture } {
    if (data.length === 0) throw new PictureRefused('报警图片为空');
    if (data.length > MAX_ALARM_PICTURE_BYTES) throw new PictureRefused(`报警图片过大（${data.length} 字节，上限 ${MAX_ALARM_PICTURE_BYTES}）`);
    const type = sniffImage(data);
    if (!type) throw new PictureRefused('报警图片不是 JPEG/PNG/GIF/WebP/BMP 图像');
    const stamp = fileTime(at);
    const rel = `${FOLDER}/${stamp.slice(0, 8)}/${stamp}_${safeFileLabel(label) || 'alarm'}_${randomUUID().slice(0, 8)}.${type.ext}`;
    return { rel, abs: resolveInside(this.mediaDir, rel), stored: { path: rel, mimeType: type.mimeType, bytes: data.length } };
  }

  read(rel: string): Buffer {
    return fs.readFileSync(resolveInside(this.mediaDir, rel));
  }

  /** Removes a stored picture whose alarm row was not written (or was a duplicate). */
  discard(rel: string): void {
    removeQuietly(resolveInside(this.mediaDir, rel));
  }
}
