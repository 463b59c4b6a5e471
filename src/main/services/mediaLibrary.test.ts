import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { MAX_RECORDING_CHUNK_BYTES, MAX_SNAPSHOT_BYTES, recordingEntrySchema, snapshotEntrySchema } from '../../shared/domain/mediaLibrary';
import { checkPng, MediaLibrary, safeFileLabel } from './mediaLibrary';
import { openStore, type Db } from './store';

const dirs: string[] = [];
const dbs: Db[] = [];
function fresh(): { db: Db; dir: string; media: string; lib: MediaLibrary } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-media-'));
  dirs.push(dir);
  const db = openStore({ dataDir: dir });
  dbs.push(db);
  const media = path.join(dir, 'media');
  return { db, dir, media, lib: new MediaLibrary(db, media) };
}
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A real, decodable RGB PNG of `width`×`height` grey pixels. */
function makePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc(height * (1 + width * 3), 0x80);
  for (let y = 0; y < height; y++) rows[y * (1 + width * 3)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsoleError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsoleError');
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

describe('MediaLibrary snapshots', () => {
  it('round trip: saves a PNG to disk before indexing it, lists newest first, reads the bytes back, survives a reopen', () => {
    const { db, dir, media, lib } = fresh();
    const png = makePng(64, 36);
    const t0 = Date.UTC(2025, 4, 1, 2, 3, 4, 5);
    const a = lib.saveSnapshot({ channelId: 'lab:101', channelName: '王庄煤矿 主井口', takenAt: t0, png });
    const b = lib.saveSnapshot({ channelId: 'lab:102', channelName: '副井口', takenAt: t0 + 1000, png: makePng(2, 3) });
    expect(snapshotEntrySchema.parse(a)).toEqual(a);
    expect(a).toMatchObject({ channelId: 'lab:101', channelName: '王庄煤矿 主井口', takenAt: t0, bytes: png.length, width: 64, height: 36 });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(path.dirname(a.path)).toBe(path.join(media, 'snapshots'));
    expect(path.basename(a.path)).toMatch(/^\d{8}-\d{6}-\d{3}_王庄煤矿_主井口_[0-9a-f]{8}\.png$/);
    expect(fs.readFileSync(a.path).equals(png)).toBe(true);
    expect(filesUnder(path.join(media, 'snapshots'))).toHaveLength(2); // no temporary files left behind
    expect(lib.listSnapshots(10).map((s) => s.id)).toEqual([b.id, a.id]);
    expect(lib.listSnapshots(1).map((s) => s.id)).toEqual([b.id]);
    expect(lib.readSnapshot(a.id).equals(png)).toBe(true);
    expect(code(() => lib.readSnapshot('nope'))).toBe('not-found');

    // The row stores a path relative to the media folder, so the data folder may move.
    const stored = db.prepare('SELECT path FROM snapshots WHERE id = ?').get(a.id) as { path: string };
    expect(path.isAbsolute(stored.path)).toBe(false);
    db.close();
    const db2 = openStore({ dataDir: dir });
    dbs.push(db2);
    const again = new MediaLibrary(db2, media);
    expect(again.listSnapshots(10)).toEqual([b, a]);
    expect(again.readSnapshot(b.id).length).toBe(b.bytes);

    fs.rmSync(a.path);
    expect(code(() => again.readSnapshot(a.id))).toBe('not-found');
  });

  it('rejects what is not a whole PNG with bad-request and a Chinese message, writing nothing', () => {
    const { media, lib } = fresh();
    const good = makePng(8, 8);
    const save = (png: Buffer) => () => lib.saveSnapshot({ channelId: 'c', channelName: 'c', takenAt: Date.now(), png });
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]);
    const badCrc = Buffer.from(good);
    badCrc[17] = (badCrc[17] ?? 0) ^ 0xff; // width changed, CRC not
    const zeroWidth = makePng(8, 8);
    zeroWidth.writeUInt32BE(0, 16);
    zeroWidth.writeUInt32BE(zlib.crc32(zeroWidth.subarray(12, 29)) >>> 0, 29);
    const notIhdrFirst = Buffer.from(good);
    notIhdrFirst.write('IDAT', 12, 'latin1');
    const cases: Buffer[] = [
      Buffer.alloc(0),
      jpeg,
      good.subarray(0, 20),
      good.subarray(0, good.length - 5), // truncated upload
      badCrc,
      zeroWidth,
      notIhdrFirst,
      Buffer.concat([Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), Buffer.alloc(40)]),
    ];
    for (const png of cases) {
      let err: unknown;
      try {
        save(png)();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConsoleError);
      expect((err as ConsoleError).code).toBe('bad-request');
      expect((err as ConsoleError).message).toMatch(/[\u4e00-\u9fff]/);
    }
    const huge = Buffer.concat([good.subarray(0, 33), Buffer.alloc(MAX_SNAPSHOT_BYTES), good.subarray(-12)]);
    expect(code(save(huge))).toBe('bad-request');
    expect(code(() => lib.saveSnapshot({ channelId: 'c', channelName: 'c', takenAt: Number.NaN, png: good }))).toBe('bad-request');
    expect(filesUnder(media)).toEqual([]);
    expect(lib.listSnapshots(10)).toEqual([]);
    expect(checkPng(good)).toEqual({ width: 8, height: 8 });
  });

  it('keeps channel names from steering files out of the media folder', () => {
    const { dir, media, lib } = fresh();
    const png = makePng(4, 4);
    const hostile = ['../../../etc/passwd', '..\\..\\windows\\system32', '/abs/path', 'C:\\x', '..', '.', '', 'a/../../b', 'nul\u0000byte', 'CON'];
    for (const name of hostile) {
      const e = lib.saveSnapshot({ channelId: name, channelName: name, takenAt: Date.now(), png });
      expect(path.dirname(e.path)).toBe(path.join(media, 'snapshots'));
      expect(path.basename(e.path)).not.toMatch(/\.\.|[/\\:]/);
      expect(e.path).not.toContain('\u0000');
      const r = lib.startRecording({ channelId: name, channelName: name, mimeType: 'video/webm;codecs=vp8' });
      expect(path.dirname(r.path)).toBe(path.join(media, 'recordings'));
      expect(path.basename(r.path)).toMatch(/\.webm$/);
    }
    // Nothing was created outside <dataDir>/media except the database itself.
    const outside = fs.readdirSync(dir).filter((f) => !f.startsWith('console.db') && f !== 'media');
    expect(outside).toEqual([]);
    expect(filesUnder(media)).toHaveLength(hostile.length * 2);
    expect(safeFileLabel('../../etc/passwd')).toBe('etc_passwd');
    expect(safeFileLabel('王庄煤矿:主井口/1号')).toBe('王庄煤矿_主井口_1号');
    expect(safeFileLabel('...')).toBe('');
    expect(Array.from(safeFileLabel('长'.repeat(100)))).toHaveLength(40);
  });
});

describe('MediaLibrary recordings', () => {
  const piece = (n: number, size = 1000) => Buffer.alloc(size, n);

  it('appends pieces in order, committing each to disk with the row, and stops idempotently', () => {
    const { lib } = fresh();
    const r = lib.startRecording({ channelId: 'lab:101', channelName: '主井口', mimeType: 'video/webm;codecs=vp9' });
    expect(recordingEntrySchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({ endedAt: null, bytes: 0, mimeType: 'video/webm;codecs=vp9' });
    expect(fs.statSync(r.path).size).toBe(0); // the file exists before the entry is returned
    expect(lib.appendRecording(r.id, 0, piece(1))).toEqual({ bytes: 1000 });
    expect(lib.appendRecording(r.id, 1, piece(2, 500))).toEqual({ bytes: 1500 });
    expect(fs.readFileSync(r.path).equals(Buffer.concat([piece(1), piece(2, 500)]))).toBe(true);
    expect(lib.listRecordings(10)[0]).toMatchObject({ id: r.id, bytes: 1500, endedAt: null });

    const stopped = lib.stopRecording(r.id);
    expect(stopped.endedAt).toBeTypeOf('number');
    expect(stopped.endedAt).toBeGreaterThanOrEqual(r.startedAt);
    expect(stopped.bytes).toBe(1500);
    expect(lib.stopRecording(r.id)).toEqual(stopped);
    expect(code(() => lib.appendRecording(r.id, 2, piece(3)))).toBe('conflict');
    expect(code(() => lib.appendRecording('nope', 0, piece(3)))).toBe('not-found');
    expect(code(() => lib.stopRecording('nope'))).toBe('not-found');
    expect(code(() => lib.appendRecording(r.id, 0, piece(3)))).toBe('conflict');
    expect(code(() => lib.startRecording({ channelId: 'c', channelName: 'c', mimeType: 'text/html' }))).toBe('bad-request');
  });

  it('acknowledges a repeated last piece without writing it twice, and refuses a gap', () => {
    const { lib } = fresh();
    const r = lib.startRecording({ channelId: 'c', channelName: '通道', mimeType: 'video/mp4' });
    expect(path.extname(r.path)).toBe('.mp4');
    expect(code(() => lib.appendRecording(r.id, 1, piece(1)))).toBe('conflict'); // gap at the start
    lib.appendRecording(r.id, 0, piece(1));
    expect(lib.appendRecording(r.id, 0, piece(1))).toEqual({ bytes: 1000 }); // retry of the last piece
    let gap: unknown;
    try {
      lib.appendRecording(r.id, 2, piece(3));
    } catch (e) {
      gap = e;
    }
    expect((gap as ConsoleError).code).toBe('conflict');
    expect((gap as ConsoleError).message).toContain('期望 1');
    lib.appendRecording(r.id, 1, piece(2));
    expect(code(() => lib.appendRecording(r.id, 0, piece(1)))).toBe('conflict'); // older than the last
    expect(fs.statSync(r.path).size).toBe(2000);
    expect(code(() => lib.appendRecording(r.id, 2, Buffer.alloc(MAX_RECORDING_CHUNK_BYTES + 1)))).toBe('bad-request');
    // A repeat after stop is still acknowledged (the reply to the last piece may have been lost).
    lib.stopRecording(r.id);
    expect(lib.appendRecording(r.id, 1, piece(2))).toEqual({ bytes: 2000 });
  });

  it('a piece written to the file but not recorded in the row (crash in between) is not stored twice on retry', () => {
    const { lib } = fresh();
    const r = lib.startRecording({ channelId: 'c', channelName: 'c', mimeType: 'video/webm' });
    lib.appendRecording(r.id, 0, piece(1));
    fs.appendFileSync(r.path, piece(2)); // what the crashed process managed to write of piece 1
    expect(lib.appendRecording(r.id, 1, piece(2))).toEqual({ bytes: 2000 });
    expect(fs.readFileSync(r.path).equals(Buffer.concat([piece(1), piece(2)]))).toBe(true);
  });

  it('recovers recordings a killed process left open: end time from the file, size from the file', () => {
    const { dir, db, media, lib } = fresh();
    const startedAt = Date.now() - 60_000;
    const open = lib.startRecording({ channelId: 'c1', channelName: '一', mimeType: 'video/webm', startedAt });
    lib.appendRecording(open.id, 0, piece(1));
    fs.appendFileSync(open.path, piece(2, 300)); // written, but the process died before the row was updated
    const mtime = new Date(Math.floor(startedAt / 1000) * 1000 + 42_000); // whole seconds: every file system keeps them
    fs.utimesSync(open.path, mtime, mtime);
    const gone = lib.startRecording({ channelId: 'c2', channelName: '二', mimeType: 'video/webm', startedAt: startedAt + 1 });
    fs.rmSync(gone.path);
    const done = lib.startRecording({ channelId: 'c3', channelName: '三', mimeType: 'video/webm', startedAt: startedAt + 2 });
    const doneEntry = lib.stopRecording(done.id);
    // This instance is still writing its own recording: recovery in the same process leaves it open.
    expect(lib.recoverUnfinished()).toBe(0);

    // "Kill": drop the instance without stopping anything, then start over on the same data folder.
    db.close();
    const db2 = openStore({ dataDir: dir });
    dbs.push(db2);
    const next = new MediaLibrary(db2, media);
    expect(next.recoverUnfinished()).toBe(2);
    expect(next.recoverUnfinished()).toBe(0);
    const byId = new Map(next.listRecordings(10).map((e) => [e.id, e]));
    expect(byId.get(open.id)).toMatchObject({ endedAt: mtime.getTime(), bytes: 1300 });
    expect(byId.get(gone.id)).toMatchObject({ endedAt: gone.startedAt, bytes: 0 });
    expect(byId.get(done.id)).toEqual(doneEntry);
    expect(next.listRecordings(10).map((e) => e.id)).toEqual([done.id, gone.id, open.id]);
    expect(code(() => next.appendRecording(open.id, 1, piece(3)))).toBe('conflict');
  });
});
