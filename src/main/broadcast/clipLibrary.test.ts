import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { broadcastClipSchema, MAX_CLIP_SECONDS, MAX_CLIP_UPLOAD_BYTES } from '../../shared/domain/broadcast';
import { openStore, type Db } from '../services/store';
import { ClipLibrary } from './clipLibrary';

const run = promisify(execFile);

// --- fixtures ------------------------------------------------------------------------------

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setup(tools?: ConstructorParameters<typeof ClipLibrary>[2]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-clips-'));
  dirs.push(dir);
  const db = openStore({ dataDir: dir });
  dbs.push(db);
  const media = path.join(dir, 'media');
  return { db, media, clips: new ClipLibrary(db, media, tools) };
}

/** Generated once: a 2 s 1 kHz tone as WAV and MP3, a video without sound, a tone longer than the limit. */
let samples: string;
const sample = (name: string) => fs.readFileSync(path.join(samples, name));

beforeAll(async () => {
  samples = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-samples-'));
  const ff = (...args: string[]) => run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { timeout: 60_000 });
  await Promise.all([
    ff('-f', 'lavfi', '-i', 'sine=frequency=1000:duration=2', path.join(samples, 'tone.wav')),
    ff('-f', 'lavfi', '-i', 'sine=frequency=1000:duration=2', '-c:a', 'libmp3lame', '-b:a', '64k', path.join(samples, 'tone.mp3')),
    ff('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', '-c:v', 'mpeg4', path.join(samples, 'silent.mkv')),
    // 8 kHz 8-bit mono keeps a too-long file under the upload limit (~4.8 MB).
    ff('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=8000:duration=${MAX_CLIP_SECONDS + 1}`, '-c:a', 'pcm_u8', path.join(samples, 'long.wav')),
  ]);
});
afterAll(() => fs.rmSync(samples, { recursive: true, force: true }));

async function streamOf(file: string): Promise<{ codec_name: string; channels: number; sample_rate: string }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,channels,sample_rate', '-of', 'json', file]);
  const streams = (JSON.parse(stdout) as { streams: { codec_name: string; channels: number; sample_rate: string }[] }).streams;
  expect(streams).toHaveLength(1);
  return streams[0]!;
}

async function refusal(p: Promise<unknown>): Promise<ConsoleError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).message).toMatch(/[\u4e00-\u9fff]/);
    return err as ConsoleError;
  }
  throw new Error('did not throw');
}

function storedFiles(media: string): string[] {
  const folder = path.join(media, 'broadcast');
  return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
}

// --- tests ---------------------------------------------------------------------------------

describe('ClipLibrary', () => {
  it('speaks Mandarin text into a loudness-normalised Ogg Opus clip, mono 48 kHz', async () => {
    const { clips, media } = setup();
    const text = '各单位注意，井下发生透水事故，请所有人员立即沿避灾路线撤离到地面。';
    const t0 = performance.now();
    const clip = await clips.synthesize({ text });
    const ms = performance.now() - t0;
    console.info(`TTS of ${Array.from(text).length} characters took ${Math.round(ms)} ms for ${clip.durationMs} ms of speech`);

    expect(broadcastClipSchema.parse(clip)).toEqual(clip);
    expect(clip).toMatchObject({ kind: 'tts', text, sourceName: null, mimeType: 'audio/ogg', name: '各单位注意，井下发生透水事故，请所有人员…' });
    expect(clip.durationMs).toBeGreaterThan(1000);
    expect(clip.durationMs).toBeLessThan(60_000);

    const files = storedFiles(media);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{8}-\d{6}-\d{3}_各单位注意_井下发生透水事故_请所有人员_[0-9a-f]{8}\.ogg$/);
    const file = path.join(media, 'broadcast', files[0]!);
    expect(fs.statSync(file).size).toBe(clip.bytes);
    expect(await streamOf(file)).toEqual({ codec_name: 'opus', channels: 1, sample_rate: '48000' });

    const { mimeType, data } = clips.read(clip.id);
    expect(mimeType).toBe('audio/ogg');
    expect(data.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(data.length).toBe(clip.bytes);
  });

  it('takes a text that starts with "-" as text, with a name and a rate', async () => {
    const { clips } = setup();
    const slow = await clips.synthesize({ text: '-5度以下，注意防冻', name: '  防冻提醒 ', rate: 100 });
    expect(slow).toMatchObject({ name: '防冻提醒', text: '-5度以下，注意防冻', kind: 'tts' });
    expect(slow.durationMs).toBeGreaterThan(1000);
    const fast = await clips.synthesize({ text: '--help', rate: 260 });
    expect(fast.name).toBe('--help');
    expect(fast.durationMs).toBeGreaterThan(200);
    expect(fast.durationMs).toBeLessThan(slow.durationMs);
  });

  it('refuses bad text-to-speech input', async () => {
    const { clips, media } = setup();
    expect((await refusal(clips.synthesize({ text: '   ' }))).code).toBe('bad-request');
    expect((await refusal(clips.synthesize({ text: '测'.repeat(501) }))).code).toBe('bad-request');
    expect((await refusal(clips.synthesize({ text: '测试', rate: 10 }))).code).toBe('bad-request');
    expect(clips.list()).toEqual([]);
    expect(storedFiles(media)).toEqual([]);
  });

  it('converts an uploaded WAV and MP3 into ~2 s Ogg Opus clips', async () => {
    const { clips, media } = setup();
    const wav = await clips.importFile({ name: '测试音', fileName: 'tone.wav', data: sample('tone.wav') });
    const mp3 = await clips.importFile({ name: '', fileName: 'C:\\fakepath\\提示音.mp3', data: sample('tone.mp3') });
    expect(wav).toMatchObject({ kind: 'file', name: '测试音', sourceName: 'tone.wav', text: null, mimeType: 'audio/ogg' });
    expect(mp3).toMatchObject({ kind: 'file', name: '提示音', sourceName: '提示音.mp3' });
    for (const clip of [wav, mp3]) {
      expect(broadcastClipSchema.parse(clip)).toEqual(clip);
      expect(clip.durationMs).toBeGreaterThanOrEqual(1900);
      expect(clip.durationMs).toBeLessThanOrEqual(2200);
    }
    const files = storedFiles(media);
    expect(files).toHaveLength(2);
    for (const f of files) expect(await streamOf(path.join(media, 'broadcast', f))).toEqual({ codec_name: 'opus', channels: 1, sample_rate: '48000' });
  });

  it('refuses what is not audio, leaving no row, no file and no temporary folder', async () => {
    const { clips, media } = setup();
    const tempFolders = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('mdc-clip-')).sort();
    const before = tempFolders();
    const text = await refusal(clips.importFile({ name: '假音频', fileName: 'notes.mp3', data: Buffer.from('这不是音频，只是一段文字。\n'.repeat(20)) }));
    expect(text.code).toBe('bad-request');
    expect(text.message).toContain('「notes.mp3」不是可识别的音频文件');

    const video = await refusal(clips.importFile({ name: '无声视频', fileName: 'silent.mkv', data: sample('silent.mkv') }));
    expect(video.code).toBe('bad-request');
    expect(video.message).toContain('「silent.mkv」不是可识别的音频文件');

    const playlist = Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${path.join(samples, 'tone.wav')}\n#EXT-X-ENDLIST\n`);
    expect((await refusal(clips.importFile({ name: '列表', fileName: 'list.m3u8', data: playlist }))).code).toBe('bad-request');

    const empty = await refusal(clips.importFile({ name: '空', fileName: 'empty.wav', data: Buffer.alloc(0) }));
    expect(empty.code).toBe('bad-request');
    expect(empty.message).toContain('空文件');

    const big = await refusal(clips.importFile({ name: '大', fileName: 'big.wav', data: Buffer.alloc(MAX_CLIP_UPLOAD_BYTES + 1) }));
    expect(big.code).toBe('bad-request');
    expect(big.message).toContain('10 MB');

    const long = await refusal(clips.importFile({ name: '长', fileName: 'long.wav', data: sample('long.wav') }));
    expect(long.code).toBe('bad-request');
    expect(long.message).toContain('10 分 1 秒');
    expect(long.message).toContain('上限 10 分 0 秒');

    expect(clips.list()).toEqual([]);
    expect(storedFiles(media)).toEqual([]);
    expect(tempFolders()).toEqual(before);
  });

  it('lists newest first, gets, reads and deletes (row and file)', async () => {
    const { clips, media } = setup();
    const a = await clips.importFile({ name: 'A', fileName: 'a.wav', data: sample('tone.wav') });
    const b = await clips.synthesize({ text: '测试广播' });
    expect(clips.list().map((c) => c.id)).toEqual([b.id, a.id]);
    expect(clips.get(a.id)).toEqual(a);
    expect(clips.read(a.id).data.length).toBe(a.bytes);

    expect(clips.delete(a.id)).toBe(true);
    expect(clips.delete(a.id)).toBe(false);
    expect(clips.list()).toEqual([b]);
    expect(storedFiles(media)).toHaveLength(1);
    expect((await refusal(Promise.resolve().then(() => clips.get(a.id)))).code).toBe('not-found');
    expect((await refusal(Promise.resolve().then(() => clips.read(a.id)))).code).toBe('not-found');

    // A row whose file went missing reads as not-found, and still deletes.
    fs.rmSync(path.join(media, 'broadcast', storedFiles(media)[0]!));
    expect((await refusal(Promise.resolve().then(() => clips.read(b.id)))).code).toBe('not-found');
    expect(clips.delete(b.id)).toBe(true);
    expect(clips.list()).toEqual([]);
  });

  it('removes the stored file when the row cannot be inserted', async () => {
    const { clips, db, media } = setup();
    db.exec('DROP TABLE broadcast_clips');
    await expect(clips.importFile({ name: 'A', fileName: 'a.wav', data: sample('tone.wav') })).rejects.toThrow(/broadcast_clips/);
    expect(storedFiles(media)).toEqual([]);
  });

  it('names the Debian package when a tool is missing', async () => {
    const noEspeak = setup({ espeak: path.join(os.tmpdir(), 'no-such-dir', 'espeak-ng') });
    const e1 = await refusal(noEspeak.clips.synthesize({ text: '测试' }));
    expect(e1.code).toBe('unavailable');
    expect(e1.message).toContain('apt install espeak-ng');

    const noFfmpeg = setup({ ffmpeg: '/no/such/ffmpeg', ffprobe: '/no/such/ffprobe' });
    const e2 = await refusal(noFfmpeg.clips.importFile({ name: 'A', fileName: 'a.wav', data: sample('tone.wav') }));
    expect(e2.code).toBe('unavailable');
    expect(e2.message).toContain('apt install ffmpeg');
    const e3 = await refusal(noFfmpeg.clips.synthesize({ text: '测试' }));
    expect(e3.code).toBe('unavailable');
    expect(e3.message).toContain('apt install ffmpeg');
    expect(noFfmpeg.clips.list()).toEqual([]);
  });
});
