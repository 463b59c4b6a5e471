import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared/contract/rpc';
import { channelSchema } from '../../../shared/domain/catalogue';
import type { WvpBackend } from './wvpBackend';
import { md5Hex } from './wvpClient';
import { fakeJwt, LOGIN_REFUSED, loginAccepted, loginReply, ok, startFakeWvp, WVP_PASSWORD, type FakeReply, type FakeRequest, type FakeWvp } from './fakeWvp.testkit';
import { fakeWvpFixture } from './wvpFixture.testkit';
import { fromWvpTime, toWvpTime } from './wvpTime';
import type { WvpBackendConfig } from '../../../shared/domain/settings';

const D = '14040300111180000001';
const C1 = '14040300001320000001';
const C2 = '14040300001320000002';
const STREAM = `${D}_${C1}`;
const ZLM = 'zlm.example:8080';

const fixture = fakeWvpFixture();

/** Recorded SystemConfigInfo per release (trimmed to what matters). */
const configInfo = (version: string): FakeReply =>
  ok({ serverPort: 18080, sip: { ip: '0.0.0.0', port: 5060, domain: '1404030011' }, version: { version, GIT_BRANCH: 'master' } });

/** Recorded StreamContent of /api/play/start (2.7.3; 2.6.9 and master carry the same URL fields). */
function streamContent(stream: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    app: 'rtp',
    stream,
    ip: 'zlm.example',
    flv: `http://${ZLM}/rtp/${stream}.live.flv`,
    https_flv: `https://zlm.example:8443/rtp/${stream}.live.flv`,
    ws_flv: `ws://${ZLM}/rtp/${stream}.live.flv`,
    wss_flv: `wss://zlm.example:8443/rtp/${stream}.live.flv`,
    fmp4: `http://${ZLM}/rtp/${stream}.live.mp4`,
    ws_fmp4: `ws://${ZLM}/rtp/${stream}.live.mp4`,
    hls: `http://${ZLM}/rtp/${stream}/hls.m3u8`,
    https_hls: `https://zlm.example:8443/rtp/${stream}/hls.m3u8`,
    ts: `http://${ZLM}/rtp/${stream}.live.ts`,
    rtmp: `rtmp://zlm.example:1935/rtp/${stream}`,
    rtsp: `rtsp://zlm.example:554/rtp/${stream}`,
    rtc: `http://${ZLM}/index/api/webrtc?app=rtp&stream=${stream}&type=play`,
    mediaServerId: 'FQ3TF8yT83wh5Wvz',
    tracks: [{ codecId: 0, codecIdName: 'H264', codecType: 0, fps: 25, height: 1080, width: 1920, ready: true }],
    startTime: null,
    endTime: null,
    progress: 0,
    ...extra,
  };
}

const device = { deviceId: D, name: '王庄煤矿NVR', manufacturer: 'Hikvision', transport: 'UDP', streamMode: 'TCP-PASSIVE', onLine: true, channelCount: 2, mediaServerId: 'auto' };
/** 2.7 DeviceChannel: `deviceId` is the channel's own id, status ON/OFF. */
const channels27 = [
  { id: 1, deviceId: C1, name: '主井口全景', status: 'ON', ptzType: 1, civilCode: '140403', parentId: D, longitude: 113.1, latitude: 36.2 },
  { id: 2, deviceId: C2, name: '中央变电所', status: 'ON', ptzType: 3, civilCode: '140403', parentId: D, longitude: 0, latitude: 0 },
];
/** 2.6 DeviceChannel: `channelId` with `deviceId` = the parent, numeric status; 2.6 devices say `online` 0/1. */
const channels26 = channels27.map(({ deviceId, status, ...c }) => ({ ...c, channelId: deviceId, deviceId: D, status: status === 'ON' ? 1 : 0 }));

type Options = { version?: string; tokens?: string[]; valid?: (t: string) => boolean; extra?: (req: FakeRequest) => FakeReply | undefined };

/** A WVP of one release with one NVR and two channels, recorded shapes; `extra` answers first. */
async function wvp(opts: Options = {}): Promise<FakeWvp> {
  const version = opts.version ?? '2.7.3';
  const tokens = opts.tokens ?? ['tok'];
  let issued = 0;
  return fixture.start((req) => {
    if (req.path === '/api/user/login') {
      if (!loginAccepted(req)) return LOGIN_REFUSED;
      return loginReply(tokens[Math.min(issued++, tokens.length - 1)]!);
    }
    if (!req.token || !(opts.valid ?? (() => true))(req.token)) return { status: 401, body: { code: 401, msg: '请登录后重新请求', data: null } };
    const special = opts.extra?.(req);
    if (special) return special;
    if (req.path === '/api/server/system/configInfo') return configInfo(version);
    if (req.path === '/api/device/query/devices') {
      const d = version.startsWith('2.6') ? { ...device, onLine: undefined, online: 1 } : device;
      return ok({ total: 1, list: [d] });
    }
    if (req.path === `/api/device/query/devices/${D}/channels`) return ok({ total: 2, list: version.startsWith('2.6') ? channels26 : channels27 });
    if (req.path === '/api/server/media_server/online/list') {
      return ok([{ id: 'FQ3TF8yT83wh5Wvz', ip: 'zlm.example', streamIp: 'zlm.example', httpPort: 8080, httpSSlPort: 8443, rtmpPort: 1935, rtspPort: 554, status: true }]);
    }
    if (req.path === `/api/play/start/${D}/${C1}`) return ok(streamContent(STREAM));
    if (req.path.startsWith('/api/ptz/') || req.path.startsWith('/api/front-end/')) return ok(null);
    return undefined;
  });
}

function backend(url: string, password: string | null = WVP_PASSWORD, extra: Partial<WvpBackendConfig> = {}): WvpBackend {
  return fixture.backend(url, { password: () => password }, extra);
}

async function rejection(p: Promise<unknown>): Promise<ConsoleError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConsoleError);
  return err as ConsoleError;
}

const local1 = `${D}/${C1}`;

describe('WvpBackend (recorded real-shaped WVP responses)', () => {
  it.each([
    ['2.6.9', 'POST', `/api/ptz/control/${D}/${C1}`],
    ['2.7.3', 'GET', `/api/front-end/ptz/${D}/${C1}`],
    ['3.0.0-SNAPSHOT', 'GET', `/api/front-end/ptz/${D}/${C1}`],
  ])('WVP %s: login, catalogue, play mapped to FLV/HLS, PTZ on the version’s path', async (version, ptzMethod, ptzPath) => {
    const s = await wvp({ version });
    const b = backend(s.url);
    const health: string[] = [];
    b.onHealthChange((h) => health.push(h.state));
    const cat = await b.fetchCatalogue();
    expect(health).toEqual(['online']);
    expect(cat.mines).toHaveLength(1);
    expect(cat.channels.map((c) => c.id)).toEqual([`wvp1:${D}/${C1}`, `wvp1:${D}/${C2}`]);
    for (const c of cat.channels) expect(channelSchema.safeParse(c).success).toBe(true);
    expect(cat.channels[0]).toMatchObject({ streams: ['flv', 'hls'], ptz: true, online: true, categoryCode: '02', countyCode: '140403' });
    expect(cat.channels[1]).toMatchObject({ ptz: false });
    expect(await b.play(local1, 'flv', 'main')).toEqual({ kind: 'flv', url: `ws://${ZLM}/rtp/${STREAM}.live.flv` });
    expect(await b.play(local1, 'hls', 'sub')).toEqual({ kind: 'hls', url: `http://${ZLM}/rtp/${STREAM}/hls.m3u8` });
    await expect(b.play(local1, 'janus-webrtc', 'main')).rejects.toMatchObject({ code: 'unsupported' });
    expect(b.mediaOrigins().sort()).toEqual([`http://${ZLM}`, 'https://zlm.example:8443', `ws://${ZLM}`]);
    await b.ptz(local1, { op: 'move', pan: 0.5, tilt: 0, zoom: 0 });
    const ptz = s.requests.find((r) => r.path === ptzPath)!;
    expect(ptz.method).toBe(ptzMethod);
    expect(ptz.query.get('command')).toBe('right');
    await expect(b.ptz(`${D}/${C2}`, { op: 'stop' })).rejects.toMatchObject({ code: 'unsupported' });
    expect(s.requests.filter((r) => r.path === '/api/user/login')).toHaveLength(1);
  });

  it('fetches every channel list at most once a minute; polls in between read only the device list', async () => {
    let clock = 1_000_000;
    let nvrOnline = true;
    const s = await wvp({ extra: (req) => (req.path === '/api/device/query/devices' ? ok({ total: 1, list: [{ ...device, onLine: nvrOnline }] }) : undefined) });
    const b = fixture.backend(s.url, { now: () => clock, timeoutMs: undefined });
    await b.fetchCatalogue();
    const channelLists = () => s.requests.filter((r) => r.path.endsWith('/channels')).length;
    expect(channelLists()).toBe(1);
    nvrOnline = false;
    clock += 5_000;
    expect((await b.fetchCatalogue()).channels.map((c) => c.online)).toEqual([false, false]);
    nvrOnline = true;
    clock += 5_000;
    expect((await b.fetchCatalogue()).channels.map((c) => c.online)).toEqual([true, true]);
    expect(channelLists()).toBe(1);
    clock += 60_000;
    await b.fetchCatalogue();
    expect(channelLists()).toBe(2);
  });

  it('falls back to http FLV when the media server gives no ws_flv', async () => {
    const s = await wvp({ extra: (req) => (req.path === `/api/play/start/${D}/${C1}` ? ok(streamContent(STREAM, { ws_flv: '', wss_flv: null })) : undefined) });
    const b = backend(s.url);
    await b.fetchCatalogue();
    expect(await b.play(local1, 'flv', 'main')).toEqual({ kind: 'flv', url: `http://${ZLM}/rtp/${STREAM}.live.flv` });
  });

  it('logs in again when the token expired (HTTP 401) and goes on', async () => {
    const now = Math.floor(Date.now() / 1000);
    const [t1, t2] = [fakeJwt(now + 3600, 'a'), fakeJwt(now + 3600, 'b')];
    let revoked = false;
    const s = await wvp({ tokens: [t1, t2], valid: (t) => t === t2 || (t === t1 && !revoked) });
    const b = backend(s.url);
    await b.fetchCatalogue();
    revoked = true;
    expect(await b.play(local1, 'flv', 'main')).toMatchObject({ kind: 'flv' });
    expect(s.requests.filter((r) => r.path === '/api/user/login')).toHaveLength(2);
    expect(s.requests.at(-1)).toMatchObject({ path: `/api/play/start/${D}/${C1}`, token: t2 });
  });

  it('says 用户名或密码错误 for a wrong password and asks for one when none is stored', async () => {
    const s = await wvp();
    const wrong = backend(s.url, 'not-the-password');
    const err = await rejection(wrong.fetchCatalogue());
    expect(err.code).toBe('unauthorized');
    expect(wrong.health()).toMatchObject({ state: 'offline' });
    expect(wrong.health().message).toContain('用户名或密码错误');
    expect(wrong.health().message).not.toContain('not-the-password');
    expect(wrong.health().message).not.toContain(md5Hex('not-the-password'));
    const none = backend(s.url, null);
    await expect(none.fetchCatalogue()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(none.health().message).toContain('尚未设置登录密码');
  });

  it('shows ECONNREFUSED when the server is down', async () => {
    const s = await startFakeWvp(() => undefined);
    const url = s.url;
    await s.close();
    const b = backend(url);
    await expect(b.fetchCatalogue()).rejects.toMatchObject({ code: 'unavailable' });
    expect(b.health()).toMatchObject({ state: 'offline' });
    expect(b.health().message).toMatch(/无法连接 WVP .*ECONNREFUSED/);
  });

  it('goes offline with a clear message on HTTP 500 and on malformed JSON', async () => {
    let mode: 'ok' | '500' | 'broken' = '500';
    const s = await wvp({
      extra: (req) => {
        if (req.path !== '/api/device/query/devices' || mode === 'ok') return undefined;
        return mode === '500'
          ? { status: 500, body: { timestamp: '2026-11-24T05:00:00.000+00:00', status: 500, error: 'Internal Server Error', path: req.path } }
          : { raw: '{"code":0,"msg":"成功","data":{"total":1,"list":[{"deviceId":' };
      },
    });
    const b = backend(s.url);
    expect((await rejection(b.fetchCatalogue())).code).toBe('unavailable');
    expect(b.health().message).toContain('HTTP 500');
    mode = 'broken';
    expect((await rejection(b.fetchCatalogue())).code).toBe('internal');
    expect(b.health().message).toContain('JSON');
    mode = 'ok';
    await b.fetchCatalogue();
    expect(b.health()).toEqual({ state: 'online', message: null });
  });

  it('finds device recordings across a gap (two spans) and cloud recordings as MP4 files, in +08:00', async () => {
    // 2026-11-24 10:00 .. 12:00 in Changzhi = 02:00 .. 04:00 UTC.
    const from = Date.UTC(2026, 10, 24, 2, 0, 0);
    const to = Date.UTC(2026, 10, 24, 4, 0, 0);
    const s = await wvp({
      extra: (req) => {
        if (req.path === `/api/gb_record/query/${D}/${C1}`) {
          // Recorded RecordInfo: the NVR splits one recording into files; 11:00-11:20 has none.
          const item = (a: string, b: string) => ({ deviceId: C1, name: '主井口全景', filePath: null, address: 'Address', startTime: a, endTime: b, secrecy: 0, type: 'time', recorderId: null, fileSize: '524288000' });
          return ok({
            deviceId: D,
            channelId: C1,
            sn: '416432',
            name: '主井口全景',
            sumNum: 3,
            count: 3,
            lastTime: 0,
            recordList: [item('2026-11-24 10:30:00', '2026-11-24 11:00:00'), item('2026-11-24 09:40:00', '2026-11-24 10:30:00'), item('2026-11-24 11:20:00', '2026-11-24 12:10:00')],
          });
        }
        if (req.path === '/api/cloud/record/list') {
          // CloudRecordItem: start/end as epoch ms.
          return ok({ total: 1, list: [{ id: 77, app: 'rtp', stream: STREAM, fileName: '10-05-00-0.mp4', mediaServerId: 'FQ3TF8yT83wh5Wvz', startTime: Date.UTC(2026, 10, 24, 2, 5), endTime: Date.UTC(2026, 10, 24, 2, 35), timeLen: 1_800_000 }] });
        }
        if (req.path === '/api/cloud/record/play/path') {
          return ok({ httpPath: `http://${ZLM}/index/api/downloadFile?file_path=/opt/media/record/rtp/${STREAM}/2026-11-24/10-05-00-0.mp4`, httpsPath: null, httpDomainPath: null, httpsDomainPath: null });
        }
        return undefined;
      },
    });
    const b = backend(s.url);
    await b.fetchCatalogue();
    const segments = await b.queryRecords(local1, from, to);
    expect(segments).toEqual([
      { start: Date.UTC(2026, 10, 24, 1, 40), end: Date.UTC(2026, 10, 24, 3, 0), source: 'device', file: null },
      {
        start: Date.UTC(2026, 10, 24, 2, 5),
        end: Date.UTC(2026, 10, 24, 2, 35),
        source: 'cloud',
        file: { url: `http://${ZLM}/index/api/downloadFile?file_path=/opt/media/record/rtp/${STREAM}/2026-11-24/10-05-00-0.mp4`, container: 'mp4' },
      },
      { start: Date.UTC(2026, 10, 24, 3, 20), end: Date.UTC(2026, 10, 24, 4, 10), source: 'device', file: null },
    ]);
    const q = s.requests.find((r) => r.path.startsWith('/api/gb_record/query/'))!;
    expect([q.query.get('startTime'), q.query.get('endTime')]).toEqual(['2026-11-24 10:00:00', '2026-11-24 12:00:00']);
    const cloud = s.requests.find((r) => r.path === '/api/cloud/record/list')!;
    expect(cloud.query.get('stream')).toBe(STREAM);
    expect(cloud.query.get('startTime')).toBe('2026-11-24 10:00:00');
    expect(s.requests.find((r) => r.path === '/api/cloud/record/play/path')!.query.get('recordId')).toBe('77');
  });

  it('starts device playback as non-live FLV and sends pause/resume/seek/speed/stop to the right paths', async () => {
    const from = Date.UTC(2026, 10, 24, 2, 0, 0);
    const to = Date.UTC(2026, 10, 24, 3, 0, 0);
    const pbStream = '0400000123';
    const s = await wvp({
      extra: (req) => {
        if (req.path === `/api/playback/start/${D}/${C1}`) return ok(streamContent(pbStream, { startTime: '2026-11-24 10:00:00', endTime: '2026-11-24 11:00:00' }));
        if (req.path.startsWith('/api/playback/')) return ok(null);
        return undefined;
      },
    });
    const b = backend(s.url);
    await b.fetchCatalogue();
    const { target, control } = await b.openPlaybackStream(local1, from, to, 'device');
    expect(target).toEqual({ kind: 'flv', url: `ws://${ZLM}/rtp/${pbStream}.live.flv`, live: false });
    const start = s.requests.find((r) => r.path === `/api/playback/start/${D}/${C1}`)!;
    expect([start.query.get('startTime'), start.query.get('endTime')]).toEqual(['2026-11-24 10:00:00', '2026-11-24 11:00:00']);
    await control.pause();
    await control.resume();
    await control.seek(from + 15 * 60_000);
    await control.speed(4);
    await expect(control.speed(8)).rejects.toMatchObject({ code: 'unsupported' });
    await expect(control.seek(to + 3_600_000)).rejects.toMatchObject({ code: 'bad-request' });
    await control.stop();
    await control.stop();
    expect(s.requests.filter((r) => r.path.startsWith('/api/playback/') && !r.path.startsWith('/api/playback/start')).map((r) => r.path)).toEqual([
      `/api/playback/pause/${pbStream}`,
      `/api/playback/resume/${pbStream}`,
      `/api/playback/seek/${pbStream}/900`,
      `/api/playback/speed/${pbStream}/4`,
      `/api/playback/stop/${D}/${C1}/${pbStream}`,
    ]);
    await expect(control.pause()).rejects.toMatchObject({ code: 'not-found' });
    await expect(b.openPlaybackStream(local1, from, to, 'cloud')).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('reports a vanished channel as not-found with a clear message', async () => {
    let gone = false;
    const s = await wvp({
      extra: (req) => (gone && req.path === `/api/play/start/${D}/${C1}` ? { body: { code: 400, msg: '通道不存在', data: null } } : undefined),
    });
    const b = backend(s.url);
    await b.fetchCatalogue();
    const unknown = await rejection(b.play(`${D}/99999999999999999999`, 'flv', 'main'));
    expect(unknown.code).toBe('not-found');
    expect(unknown.message).toContain('已不在 WVP 平台上');
    gone = true;
    const err = await rejection(b.play(local1, 'flv', 'main'));
    expect(err.code).toBe('not-found');
    expect(err.message).toContain('主井口全景');
    expect(err.message).toContain('请刷新设备树');
    expect((await rejection(b.ptzPresets(local1))).code).toBe('not-found');
  });
});

describe('WVP time (Asia/Shanghai, +08:00)', () => {
  it('formats and parses without the host time zone', () => {
    expect(toWvpTime(Date.UTC(2026, 0, 1, 16, 0, 0))).toBe('2026-01-02 00:00:00');
    expect(toWvpTime(Date.UTC(2026, 0, 1, 16, 0, 0, 1), 'up')).toBe('2026-01-02 00:00:01');
    expect(fromWvpTime('2026-01-02 00:00:00')).toBe(Date.UTC(2026, 0, 1, 16, 0, 0));
    expect(fromWvpTime('2026-01-02T00:00:00')).toBe(Date.UTC(2026, 0, 1, 16, 0, 0));
    expect(fromWvpTime('2026-01-02T00:00:00Z')).toBe(Date.UTC(2026, 0, 2, 0, 0, 0));
    expect(fromWvpTime(1_767_283_200)).toBe(1_767_283_200_000);
    expect(fromWvpTime(1_767_283_200_000)).toBe(1_767_283_200_000);
    expect(fromWvpTime('2026-02-30 00:00:00')).toBeNull();
    expect(fromWvpTime('yesterday')).toBeNull();
  });
});
