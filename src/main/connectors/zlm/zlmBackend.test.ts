import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared/contract/rpc';
import { channelSchema, mineSchema } from '../../../shared/domain/catalogue';
import { backendSecretKey, saveBackendInputSchema, zlmBackendConfigSchema, type ZlmBackendConfig } from '../../../shared/domain/settings';
import { ZlmBackend, type ZlmBackendOptions } from './zlmBackend';
import { createBackend } from '../backendRegistry';
import { backendConnectOrigins, isMediaOriginSource } from '../connectOrigins';
import type { Logger } from '../../services/logger';
import { mediaEntry, SECRET, startFakeZlm, type FakeZlm, type FakeZlmHandler } from './fakeZlm.testkit';
import { daysToQuery, fileSpans, parseRecordFile } from './zlmRecords';

let server: FakeZlm | null = null;
const backends: ZlmBackend[] = [];
afterEach(async () => {
  for (const b of backends.splice(0)) b.dispose();
  await server?.close();
  server = null;
});

const PROXY_PASSWORD = 'Hik12345';

async function setup(handler: FakeZlmHandler, config: Partial<ZlmBackendConfig> = {}, options: Partial<ZlmBackendOptions> = {}) {
  server = await startFakeZlm(handler);
  const warnings: string[] = [];
  const backend = new ZlmBackend(zlmBackendConfigSchema.parse({ id: 'zlm1', kind: 'zlm', name: '矿区流媒体', enabled: true, url: server.url, ...config }), {
    secret: () => SECRET,
    warn: (m) => warnings.push(m),
    timeoutMs: 2_000,
    ...options,
  });
  backends.push(backend);
  return { backend, warnings, server };
}

/** `YYYY-MM-DD HH:MM:SS` in the server's +08:00 -> epoch ms. */
const cst = (s: string): number => Date.parse(`${s.replace(' ', 'T')}+08:00`);

describe('ZlmBackend against recorded real-shaped ZLMediaKit responses', () => {
  it('makes one channel per app/stream of the media list (duplicates per schema ignored), one mine per app', async () => {
    const { backend } = await setup((r) =>
      r.api === 'getMediaList'
        ? {
            body: {
              code: 0,
              data: [
                mediaEntry('rtsp', 'mine01', '主井口'),
                mediaEntry('rtmp', 'mine01', '主井口'),
                mediaEntry('hls', 'mine01', '主井口'),
                mediaEntry('fmp4', 'mine01', '主井口'),
                mediaEntry('rtsp', 'mine01', 'cam-02'),
                mediaEntry('rtsp', 'mine01', 'cam-02'),
                mediaEntry('rtmp', 'mine02', '中央变电所'),
                mediaEntry('ts', 'mine02', 'only-ts'),
                mediaEntry('rtsp', 'mine03', 'other-vhost', { vhost: 'v2.example' }),
              ],
            },
          }
        : undefined,
    );
    const cat = await backend.fetchCatalogue();
    expect(cat.channels.map((c) => c.id)).toEqual(['zlm1:mine01/cam-02', 'zlm1:mine01/主井口', 'zlm1:mine02/中央变电所']);
    for (const c of cat.channels) expect(channelSchema.parse(c)).toEqual(c);
    for (const m of cat.mines) expect(mineSchema.parse(m)).toEqual(m);
    expect(cat.mines.map((m) => [m.id, m.name])).toEqual([
      ['zlm1:mine01', 'mine01'],
      ['zlm1:mine02', 'mine02'],
    ]);
    const main = cat.channels.find((c) => c.name === '主井口')!;
    expect(main).toMatchObject({ mineId: 'zlm1:mine01', categoryCode: '02', online: true, streams: ['flv', 'hls'], ptz: false, substream: false });
    expect(cat.channels.find((c) => c.name === '中央变电所')!.categoryCode).toBe('21');
    expect(backend.health()).toEqual({ state: 'online', message: null });
    expect(server!.requests[0]!.query.get('secret')).toBe(SECRET);
  });

  it('reads an empty server (ZLMediaKit leaves `data` out) as no channels', async () => {
    const { backend } = await setup((r) => (r.api === 'getMediaList' ? { body: { code: 0 } } : undefined));
    expect(await backend.fetchCatalogue()).toEqual({ mines: [], channels: [] });
  });

  it('plays FLV at /app/stream.live.flv (ws:// when configured) and HLS at /app/stream/hls.m3u8; no WebRTC, no PTZ', async () => {
    const list: FakeZlmHandler = (r) => (r.api === 'getMediaList' ? { body: { code: 0, data: [mediaEntry('rtsp', 'mine01', '主井口')] } } : undefined);
    const { backend, server: s } = await setup(list);
    await backend.fetchCatalogue();
    const enc = encodeURIComponent('主井口');
    expect(await backend.play('mine01/主井口', 'flv', 'sub')).toEqual({ kind: 'flv', url: `${s.url}/mine01/${enc}.live.flv` });
    expect(await backend.play('mine01/主井口', 'hls', 'main')).toEqual({ kind: 'hls', url: `${s.url}/mine01/${enc}/hls.m3u8` });
    await expect(backend.play('mine01/主井口', 'janus-webrtc', 'main')).rejects.toMatchObject({ code: 'unsupported' });
    await expect(backend.play('mine01/gone', 'flv', 'main')).rejects.toMatchObject({ code: 'not-found' });
    await expect(backend.ptz('mine01/主井口', { op: 'stop' } as never)).rejects.toMatchObject({ code: 'unsupported' });
    await expect(backend.openPlaybackStream('mine01/主井口', 0, 1, 'cloud')).rejects.toMatchObject({ code: 'unsupported' });
    expect(backend.mediaOrigins()).toEqual([s.url]);
    await server!.close();
    server = null;

    const ws = await setup(list, { flvOverWebSocket: true });
    await ws.backend.fetchCatalogue();
    expect(await ws.backend.play('mine01/主井口', 'flv', 'main')).toEqual({ kind: 'flv', url: `${ws.server.url.replace('http:', 'ws:')}/mine01/${enc}.live.flv` });
  });

  it('reports a wrong secret ({code:-100,"Incorrect secret"}) in clear zh-CN, without the secret', async () => {
    server = await startFakeZlm(() => undefined);
    const backend = new ZlmBackend(zlmBackendConfigSchema.parse({ id: 'zlm1', kind: 'zlm', name: 'z', enabled: true, url: server.url }), {
      secret: () => 'not-the-secret',
      warn: () => undefined,
    });
    backends.push(backend);
    const err = await backend.fetchCatalogue().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsoleError);
    expect(err).toMatchObject({ code: 'unauthorized' });
    expect((err as Error).message).toContain('ZLMediaKit secret 不正确');
    expect((err as Error).message).not.toContain('not-the-secret');
    expect(backend.health().state).toBe('offline');
    expect(backend.health().message).toContain('ZLMediaKit secret 不正确');
  });

  it('asks for the secret when none is stored', async () => {
    const { backend } = await setup(() => undefined, {}, { secret: () => null });
    await expect(backend.fetchCatalogue()).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringContaining('尚未设置 ZLMediaKit secret') });
  });

  it('reports a server that is down (ECONNREFUSED) as unavailable, without the secret', async () => {
    const { backend, server: s } = await setup(() => undefined);
    await s.close();
    server = null;
    const err = (await backend.fetchCatalogue().catch((e: unknown) => e)) as ConsoleError;
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('无法连接 ZLMediaKit');
    expect(err.message).not.toContain(SECRET);
    expect(backend.health()).toEqual({ state: 'offline', message: err.message });
  });

  it('reports malformed JSON and a non-ZLMediaKit port clearly', async () => {
    const { backend } = await setup((r) => (r.api === 'getMediaList' ? { raw: '{"code":0,"data":[{"app":"mine01",' } : undefined));
    await expect(backend.fetchCatalogue()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('不是有效的 JSON') });
    await server!.close();
    server = null;
    const other = await setup(() => undefined);
    await expect(other.backend.fetchCatalogue()).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('HTTP 404') });
    await server!.close();
    server = null;
    const noCode = await setup(() => ({ body: { status: 'ok' } }));
    await expect(noCode.backend.fetchCatalogue()).rejects.toMatchObject({ message: expect.stringContaining('缺少 code') });
  });

  it('lists MP4 recordings by server-local day: contiguous files end at the next start, a gap and the last file get recordFileSeconds capped by the window', async () => {
    const days: Record<string, string[]> = {
      '2026-11-22': ['22-10-00-6.mp4', '23-30-00-7.mp4'],
      // ZLMediaKit's scanDir order is the file system's, not sorted; non-MP4 names are not recordings.
      '2026-11-23': ['09-00-02-1.mp4', '08-00-00-0.mp4', '13-30-00-2.mp4', '23-10-00-3.mp4', 'notes.txt'],
    };
    const { backend, server: s } = await setup((r) => {
      if (r.api !== 'getMP4RecordFile') return undefined;
      const period = r.query.get('period')!;
      const rootPath = `/opt/media/bin/www/record/${r.query.get('app')}/${r.query.get('stream')}/${period}/`;
      return { body: { code: 0, data: { paths: days[period] ?? [], rootPath } } };
    });
    const from = cst('2026-11-23 00:00:00');
    const to = cst('2026-11-23 23:30:00');
    const segs = await backend.queryRecords('mine01/main', from, to);
    const q = s.requests.filter((r) => r.api === 'getMP4RecordFile');
    expect(q.map((r) => r.query.get('period'))).toEqual(['2026-11-22', '2026-11-23']);
    expect(q.every((r) => r.query.get('vhost') === '__defaultVhost__' && r.query.get('app') === 'mine01' && r.query.get('stream') === 'main')).toBe(true);
    const file = (d: string, f: string) => ({ url: `${s.url}/record/mine01/main/${d}/${f}`, container: 'mp4' });
    expect(segs).toEqual([
      // The previous day's last file reaches over midnight (no next file within an hour: a full fileSecond).
      { start: cst('2026-11-22 23:30:00'), end: cst('2026-11-23 00:30:00'), source: 'cloud', file: file('2026-11-22', '23-30-00-7.mp4') },
      // Contiguous: ends where the next starts.
      { start: cst('2026-11-23 08:00:00'), end: cst('2026-11-23 09:00:02'), source: 'cloud', file: file('2026-11-23', '08-00-00-0.mp4') },
      // A gap follows (next file 13:30): one fileSecond.
      { start: cst('2026-11-23 09:00:02'), end: cst('2026-11-23 10:00:02'), source: 'cloud', file: file('2026-11-23', '09-00-02-1.mp4') },
      { start: cst('2026-11-23 13:30:00'), end: cst('2026-11-23 14:30:00'), source: 'cloud', file: file('2026-11-23', '13-30-00-2.mp4') },
      // The last file: capped by the query window's end.
      { start: cst('2026-11-23 23:10:00'), end: to, source: 'cloud', file: file('2026-11-23', '23-10-00-3.mp4') },
    ]);
  });

  it('uses the configured UTC offset, file length and record path prefix', async () => {
    const { backend, server: s } = await setup(
      (r) => (r.api === 'getMP4RecordFile' ? { body: { code: 0, data: { paths: r.query.get('period') === '2026-11-23' ? ['10-00-00-0.mp4', '10-10-00-1.mp4'] : [], rootPath: '/x/' } } } : undefined),
      { utcOffset: '+00:00', recordFileSeconds: 600, recordPathPrefix: '/mp4' },
    );
    const segs = await backend.queryRecords('mine01/main', Date.parse('2026-11-23T00:00:00Z'), Date.parse('2026-11-24T00:00:00Z'));
    expect(segs.map((x) => [new Date(x.start).toISOString(), new Date(x.end).toISOString(), x.file!.url])).toEqual([
      ['2026-11-23T10:00:00.000Z', '2026-11-23T10:10:00.000Z', `${s.url}/mp4/mine01/main/2026-11-23/10-00-00-0.mp4`],
      ['2026-11-23T10:10:00.000Z', '2026-11-23T10:20:00.000Z', `${s.url}/mp4/mine01/main/2026-11-23/10-10-00-1.mp4`],
    ]);
  });

  it('adds configured stream proxies at connect, lists them offline while absent and adds them again after ZLMediaKit forgot them', async () => {
    const media = new Set<string>();
    let clock = 1_000_000;
    const proxies = [
      // Settings refuse credentials in proxy URLs; ZLMediaKit may still echo one it has from elsewhere (masked below).
      { app: 'mine01', stream: 'main-shaft', url: 'rtsp://192.0.2.64:554/Streaming/Channels/101' },
      { app: 'mine01', stream: 'gate', url: 'rtsp://192.0.2.65:554/Streaming/Channels/101' },
    ];
    const { backend, server: s, warnings } = await setup(
      (r) => {
        if (r.api === 'getMediaList') return { body: { code: 0, data: [...media].flatMap((k) => ['rtsp', 'rtmp'].map((sc) => mediaEntry(sc, k.split('/')[0]!, k.split('/')[1]!))) } };
        if (r.api === 'addStreamProxy') {
          const key = `${r.query.get('app')}/${r.query.get('stream')}`;
          if (key === 'mine01/gate') return { body: { code: -1, msg: `play rtsp://admin:${PROXY_PASSWORD}@192.0.2.65:554/Streaming/Channels/101 failed: 401 Unauthorized` } };
          media.add(key);
          return { body: { code: 0, data: { key: `__defaultVhost__/${key}` } } };
        }
        return undefined;
      },
      { proxies },
      { now: () => clock },
    );
    const first = await backend.fetchCatalogue();
    expect(first.channels.map((c) => [c.id, c.online])).toEqual([
      ['zlm1:mine01/gate', false],
      ['zlm1:mine01/main-shaft', false],
    ]);
    await backend.proxiesSettled();
    const adds = () => s.requests.filter((r) => r.api === 'addStreamProxy');
    expect(adds()).toHaveLength(2);
    const add = adds().find((r) => r.query.get('stream') === 'main-shaft')!;
    expect(Object.fromEntries(add.query)).toMatchObject({ vhost: '__defaultVhost__', app: 'mine01', url: proxies[0]!.url, enable_rtsp: '1', enable_hls: '1' });
    expect(backend.health().state).toBe('online');
    expect(backend.health().message).toContain('mine01/gate');
    expect(backend.health().message).toContain('401 Unauthorized');
    expect(backend.health().message).not.toContain(PROXY_PASSWORD);
    expect(warnings.join('\n')).not.toContain(PROXY_PASSWORD);

    clock += 1_000;
    const second = await backend.fetchCatalogue();
    expect(second.channels.map((c) => [c.id, c.online])).toEqual([
      ['zlm1:mine01/gate', false],
      ['zlm1:mine01/main-shaft', true],
    ]);
    await backend.proxiesSettled();
    expect(adds()).toHaveLength(2); // the failing one waits for proxyRetryMs

    // ZLMediaKit restarted: its proxies are gone.
    media.clear();
    clock += 30_000;
    const third = await backend.fetchCatalogue();
    expect(third.channels.every((c) => !c.online)).toBe(true);
    await backend.proxiesSettled();
    expect(adds().slice(2).map((r) => r.query.get('stream')).sort()).toEqual(['gate', 'main-shaft']);
    expect((await backend.fetchCatalogue()).channels.find((c) => c.name === 'main-shaft')!.online).toBe(true);
  });

  it('treats "This stream already exists" from addStreamProxy as added', async () => {
    const { backend } = await setup(
      (r) => {
        if (r.api === 'getMediaList') return { body: { code: 0, data: [] } };
        if (r.api === 'addStreamProxy') return { body: { code: -1, msg: 'This stream already exists' } };
        return undefined;
      },
      { proxies: [{ app: 'live', stream: 'cam1', url: 'rtsp://192.0.2.66/live' }] },
    );
    await backend.fetchCatalogue();
    await backend.proxiesSettled();
    expect(backend.health()).toEqual({ state: 'online', message: null });
  });
});

describe('ZLMediaKit MP4 file names', () => {
  it('parses HH-MM-SS[-N].mp4 in the server offset and rejects others', () => {
    expect(parseRecordFile('2026-11-23', '08-00-00-0.mp4', 480)?.start).toBe(cst('2026-11-23 08:00:00'));
    expect(parseRecordFile('2026-11-23', '08-00-00.mp4', 480)?.start).toBe(cst('2026-11-23 08:00:00'));
    for (const bad of ['.08-00-00.mp4', '25-00-00.mp4', '08-00-00.flv', '08-00.mp4']) expect(parseRecordFile('2026-11-23', bad, 480)).toBeNull();
  });

  it('queries the day before when a file may reach into the window, and every day of a longer window', () => {
    expect(daysToQuery(cst('2026-11-23 12:00:00'), cst('2026-11-23 13:00:00'), 480, 3600)).toEqual(['2026-11-23']);
    expect(daysToQuery(cst('2026-11-23 00:30:00'), cst('2026-11-25 00:00:00'), 480, 3600)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
  });

  it('never makes an empty span for a file starting at the cap', () => {
    const f = parseRecordFile('2026-11-23', '10-00-00.mp4', 0)!;
    expect(fileSpans([f], 3600, f.start)).toEqual([{ ...f, end: f.start + 1_000 }]);
  });
});

describe('ZLMediaKit settings', () => {
  const base = { id: 'zlm1', kind: 'zlm', name: '流媒体', enabled: true, url: 'http://192.0.2.21' } as const;

  it('keeps the secret out of the config (SecretStore key backend:<id>:secret) and checks the fields', () => {
    expect(backendSecretKey(base)).toBe('backend:zlm1:secret');
    expect(saveBackendInputSchema.safeParse({ ...base, secret: SECRET, utcOffset: '+08:00', recordFileSeconds: 1800, recordPathPrefix: '/record' }).success).toBe(true);
    expect(saveBackendInputSchema.safeParse({ ...base, url: 'ws://192.0.2.21' }).success).toBe(false);
    expect(saveBackendInputSchema.safeParse({ ...base, utcOffset: '8' }).success).toBe(false);
    expect(saveBackendInputSchema.safeParse({ ...base, recordFileSeconds: 0 }).success).toBe(false);
    expect(saveBackendInputSchema.safeParse({ ...base, proxies: [{ app: 'live', stream: 'a', url: 'http://x/y' }] }).success).toBe(false);
    const many = Array.from({ length: 201 }, (_, i) => ({ app: 'live', stream: `c${i}`, url: 'rtsp://192.0.2.64/1' }));
    expect(saveBackendInputSchema.safeParse({ ...base, proxies: many }).success).toBe(false);
    expect(saveBackendInputSchema.safeParse({ ...base, proxies: many.slice(0, 200) }).success).toBe(true);
    // A camera password in a proxy URL would sit in the plain settings file: refused.
    expect(saveBackendInputSchema.safeParse({ ...base, proxies: [{ app: 'live', stream: 'c1', url: 'rtsp://admin:pw@192.0.2.64/1' }] }).success).toBe(false);
  });
});

describe('ZLMediaKit in the registry', () => {
  it('is built by createBackend with the secret read under its own key, and its HTTP port is a media origin (http and ws)', async () => {
    server = await startFakeZlm((r) => (r.api === 'getMediaList' ? { body: { code: 0, data: [mediaEntry('rtsp', 'live', 'cam1')] } } : undefined));
    const config = zlmBackendConfigSchema.parse({ id: 'zlm1', kind: 'zlm', name: 'z', enabled: true, url: server.url });
    const asked: string[] = [];
    const log = { warn: () => undefined } as unknown as Logger;
    const backend = createBackend(config, log, (key) => (asked.push(key), key === 'backend:zlm1:secret' ? SECRET : null));
    backends.push(backend as ZlmBackend);
    expect(backend).toBeInstanceOf(ZlmBackend);
    expect((await backend.fetchCatalogue()).channels.map((c) => c.id)).toEqual(['zlm1:live/cam1']);
    expect(asked).toEqual(['backend:zlm1:secret']);
    expect(isMediaOriginSource(backend)).toBe(true);
    const port = new URL(server.url).host;
    expect(backendConnectOrigins([config], new Map([['zlm1', backend as ZlmBackend]]))).toEqual([`http://${port}`, `ws://${port}`]);
  });
});
