import type { Channel, StreamKind } from '../../../shared/domain/catalogue';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { WvpBackendConfig } from '../../../shared/domain/settings';
import type { PtzCommand, PtzPreset } from '../../../shared/domain/ptz';
import type { RecordSource } from '../../../shared/domain/playback';
import type {
  BackendCatalogue,
  PlaybackControl,
  PlaybackStream,
  PlayTarget,
  RecordSegment,
  StreamProfileChoice,
  VideoBackend,
} from '../videoBackend';
import type { MediaOriginSource } from '../connectOrigins';
import { fetchTrustingCa } from '../caFetch';
import { WvpApiError, WvpClient, type FetchLike } from './wvpClient';
import { probeWvpVersion, type WvpPaths } from './wvpVersion';
import { fetchAllPages, fetchWvpCatalogue, parseDevice, parsePage, splitLocalId, toConsoleCatalogue } from './wvpCatalogue';
import { mapPtzCommand, parseWvpPresets, wvpPtzCall } from './wvpPtz';
import { fromWvpTime, toWvpTime } from './wvpTime';
import { fetchWvpAlarms, type WvpAlarm } from './wvpAlarms';
import { BackendBase } from '../backendBase';

export type WvpBackendOptions = {
  /** The password from the SecretStore, read at every (re)connect so a changed password takes effect. */
  password: () => string | null;
  warn: (msg: string) => void;
  /** Tests: a fetch of their own; otherwise the global fetch, or one trusting `caCertPem`. */
  fetchImpl?: FetchLike;
  timeoutMs?: number;
  /** play/start and playback/start are held open by WVP until the device sends (its playTimeout, ~18 s). */
  playTimeoutMs?: number;
  /** Record queries wait for the device's answer over SIP. */
  recordTimeoutMs?: number;
  /**
   * Full catalogue (every device's channels) at most this often (default 60 s); the registry's polls in between
   * fetch only the device list, which keeps device online states and the connection's health current.
   */
  fullRefreshMs?: number;
  now?: () => number;
};

type ChannelEntry = { deviceId: string; channelId: string; name: string; ptz: boolean };

/** Speeds WVP's /api/playback/speed accepts (PlaybackController). */
const WVP_SPEEDS = [0.25, 0.5, 1, 2, 4];
/** Device segments closer than this are one span (files of one recording split by the NVR). */
const MERGE_GAP_MS = 1_000;
const CLOUD_PAGE = 200;
const MAX_SEGMENTS = 5_000;

function rec(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** A URL field of WVP's StreamContent: a string (2.6.9+), or the older StreamURL object {protocol, host, port, file}. */
function urlField(v: unknown): string | null {
  if (typeof v === 'string') return /^(https?|wss?):\/\//.test(v.trim()) ? v.trim() : null;
  const r = rec(v);
  if (!r) return null;
  if (typeof r.url === 'string') return urlField(r.url);
  if (typeof r.protocol === 'string' && typeof r.host === 'string' && (typeof r.port === 'number' || typeof r.port === 'string') && typeof r.file === 'string') {
    return urlField(`${r.protocol}://${r.host}:${r.port}/${r.file.replace(/^\/+/, '')}`);
  }
  return null;
}

function isNotFound(err: unknown): boolean {
  return err instanceof WvpApiError && /不存在|未找到|not\s*found/i.test(err.message);
}

/**
 * WVP-GB28181-pro as a video backend: GB devices are mines, their channels are channels; live video is
 * ZLMediaKit's FLV (ws_flv preferred: no CORS preflight, same socket for the whole stream) or HLS, played by the
 * renderer's MSE player; WebRTC (`rtc`) is left out: ZLMediaKit's WebRTC play wants its own SDP exchange, which the
 * console's Janus player does not speak. Recordings: the device's (GB RecordInfo) as a backend-paced playback
 * stream, and ZLMediaKit's cloud recordings as MP4 files.
 */
export class WvpBackend extends BackendBase<WvpBackendConfig> implements VideoBackend, MediaOriginSource {
  readonly kind = 'wvp';
  readonly capabilities = { ptz: true, playback: true, download: false, talk: false };
  private client: WvpClient | null = null;
  private clientPassword: string | null = null;
  private paths: WvpPaths | null = null;
  private channels = new Map<string, ChannelEntry>();
  private readonly media = new Set<string>();
  private readonly fetchImpl: FetchLike | undefined;
  private readonly openPlaybacks = new Set<PlaybackControl>();
  private disposed = false;
  private last: { at: number; catalogue: BackendCatalogue } | null = null;

  constructor(
    config: WvpBackendConfig,
    private readonly options: WvpBackendOptions,
  ) {
    super(config);
    this.fetchImpl = options.fetchImpl ?? (config.caCertPem ? fetchTrustingCa(config.caCertPem) : undefined);
  }



  mediaOrigins(): string[] {
    return [...this.media];
  }

  async fetchCatalogue(): Promise<BackendCatalogue> {
    try {
      const client = this.connection();
      const now = (this.options.now ?? Date.now)();
      if (this.paths && this.last && now - this.last.at < (this.options.fullRefreshMs ?? 60_000)) {
        const catalogue = await this.deviceStates(client, this.paths, this.last.catalogue);
        this.setHealth({ state: 'online', message: null });
        return catalogue;
      }
      this.paths ??= (await probeWvpVersion(client)).paths;
      const raw = await fetchWvpCatalogue(client, this.paths, { warn: this.options.warn });
      const { mines, channels, ptz } = toConsoleCatalogue(this.id, raw);
      const entries = new Map<string, ChannelEntry>();
      const out: Channel[] = channels.map((c) => {
        const localId = c.id.slice(this.id.length + 1);
        const ids = splitLocalId(localId);
        if (ids) entries.set(localId, { ...ids, name: c.name, ptz: ptz.has(localId) });
        return { ...c, streams: ['flv', 'hls'] };
      });
      this.channels = entries;
      await this.learnMediaServers(client, this.paths);
      this.last = { at: now, catalogue: { mines, channels: out } };
      this.setHealth({ state: 'online', message: null });
      return { mines, channels: out };
    } catch (err) {
      const error = err instanceof ConsoleError ? err : new ConsoleError('unavailable', `${this.label}：${err instanceof Error ? err.message : String(err)}`);
      // Credentials or the server may have changed: probe the version again next time.
      if (error.code !== 'unavailable') this.paths = null;
      this.setHealth({ state: 'offline', message: error.message });
      throw error;
    }
  }

  /** Live video of a channel. GB channels have one stream per INVITE: `profile` does not apply. */
  async play(localId: string, kind: StreamKind, _profile: StreamProfileChoice): Promise<PlayTarget> {
    if (kind !== 'flv' && kind !== 'hls') throw new ConsoleError('unsupported', `WVP 通道只提供 FLV 和 HLS 码流（请求的是 ${kind}）`);
    const ch = this.channel(localId);
    const { client, paths } = this.ready();
    let content: unknown;
    try {
      content = await client.request(paths.playStart(ch.deviceId, ch.channelId), { timeoutMs: this.options.playTimeoutMs ?? 20_000 });
    } catch (err) {
      throw this.vanished(localId, ch, err);
    }
    return this.target(content, kind, true, ch.name);
  }

  async ptz(localId: string, command: PtzCommand): Promise<void> {
    const ch = this.channel(localId);
    if (!ch.ptz) throw new ConsoleError('unsupported', `${ch.name} 不支持云台控制`);
    const { client, paths } = this.ready();
    const call = wvpPtzCall(paths, ch.deviceId, ch.channelId, mapPtzCommand(command));
    try {
      await client.request(call.path, { method: call.method, query: call.query });
    } catch (err) {
      throw this.vanished(localId, ch, err);
    }
  }

  async ptzPresets(localId: string): Promise<PtzPreset[]> {
    const ch = this.channel(localId);
    const { client, paths } = this.ready();
    try {
      return parseWvpPresets(await client.request(paths.presetQuery(ch.deviceId, ch.channelId), { timeoutMs: 10_000 }));
    } catch (err) {
      throw this.vanished(localId, ch, err);
    }
  }

  /**
   * Device recordings (GB RecordInfo; adjacent files merged into spans, no file: played through
   * openPlaybackStream) and cloud recordings (ZLMediaKit MP4 files), overlapping [from, to), sorted by start.
   * One source failing is tolerated (warned) when the other answers; both failing throws the device's error.
   */
  async queryRecords(localId: string, from: number, to: number): Promise<RecordSegment[]> {
    const ch = this.channel(localId);
    const ready = this.ready();
    const [device, cloud] = await Promise.allSettled([this.deviceRecords(ready, ch, from, to), this.cloudRecords(ready, ch, from, to)]);
    if (device.status === 'rejected' && cloud.status === 'rejected') throw this.vanished(localId, ch, device.reason);
    if (device.status === 'rejected') this.options.warn(`device recordings of ${localId}: ${String((device.reason as Error).message)}`);
    if (cloud.status === 'rejected') this.options.warn(`cloud recordings of ${localId}: ${String((cloud.reason as Error).message)}`);
    const all = [...(device.status === 'fulfilled' ? device.value : []), ...(cloud.status === 'fulfilled' ? cloud.value : [])];
    return all.filter((s) => s.end > from && s.start < to).sort((a, b) => a.start - b.start || (a.source < b.source ? -1 : 1));
  }

  async openPlaybackStream(localId: string, from: number, to: number, source: RecordSource): Promise<PlaybackStream> {
    const ch = this.channel(localId);
    if (source === 'cloud') throw new ConsoleError('unsupported', `${ch.name} 的云端录像以文件回放，无需回放流`);
    if (!(to > from)) throw new ConsoleError('bad-request', '回放时间段无效');
    const { client, paths } = this.ready();
    let content: unknown;
    try {
      content = await client.request(paths.playback.start(ch.deviceId, ch.channelId), {
        query: { startTime: toWvpTime(from, 'down'), endTime: toWvpTime(to, 'up') },
        timeoutMs: this.options.playTimeoutMs ?? 20_000,
      });
    } catch (err) {
      throw this.vanished(localId, ch, err);
    }
    const target = this.target(content, 'flv', false, ch.name);
    const stream = rec(content) && typeof rec(content)!.stream === 'string' ? (rec(content)!.stream as string) : null;
    if (!stream) throw new ConsoleError('internal', `${this.label}：回放应答中没有流 ID（stream）`);
    const windowStart = Math.floor(from / 1000) * 1000;
    const length = Math.ceil(to / 1000) * 1000 - windowStart;
    let stopped = false;
    const call = async (path: string): Promise<void> => {
      if (stopped) throw new ConsoleError('not-found', `${ch.name} 的回放已结束`);
      await client.request(path);
    };
    const control: PlaybackControl = {
      pause: () => call(paths.playback.pause(stream)),
      resume: () => call(paths.playback.resume(stream)),
      seek: (ms) => {
        if (!Number.isFinite(ms) || ms < windowStart || ms > windowStart + length) {
          return Promise.reject(new ConsoleError('bad-request', '跳转时间不在回放时间段内'));
        }
        return call(paths.playback.seek(stream, (ms - windowStart) / 1000));
      },
      speed: (factor) => {
        if (!WVP_SPEEDS.includes(factor)) {
          return Promise.reject(new ConsoleError('unsupported', `设备回放不支持 ${factor} 倍速（WVP 支持 0.25、0.5、1、2、4 倍）`));
        }
        return call(paths.playback.speed(stream, factor));
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        this.openPlaybacks.delete(control);
        try {
          await client.request(paths.playback.stop(ch.deviceId, ch.channelId, stream));
        } catch (err) {
          // The device may have ended the session already; nothing is left to release.
          this.options.warn(`playback stop of ${localId}: ${err instanceof Error ? err.message : String(err)}`);
        }
      },
    };
    this.openPlaybacks.add(control);
    return { target, control };
  }

  /**
   * The GB alarms WVP collected whose alarmTime lies in [from, to] (its alarm list of this version, every page).
   * Works before the first catalogue: logs in and probes the version itself when needed.
   */
  async fetchAlarms(from: number, to: number): Promise<WvpAlarm[]> {
    if (this.disposed) throw new ConsoleError('unavailable', `${this.label} 已停用`);
    const client = this.connection();
    try {
      this.paths ??= (await probeWvpVersion(client)).paths;
      return await fetchWvpAlarms(client, this.paths, from, to, this.options.warn);
    } catch (err) {
      if (err instanceof ConsoleError) throw err;
      throw new ConsoleError('unavailable', `${this.label}：${err instanceof Error ? err.message : String(err)}`);
    }
  }

  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const control of [...this.openPlaybacks]) void control.stop();
    this.client?.logout();
    super.dispose();
  }

  private get label(): string {
    return `WVP ${this.config.url.replace(/\/+$/, '')}`;
  }

  /** The client, rebuilt when the stored password changed. */
  private connection(): WvpClient {
    const password = this.options.password();
    if (!password) throw new ConsoleError('unauthorized', `${this.label}：尚未设置登录密码，请在“设置 → 视频平台”中填写`);
    if (!this.client || password !== this.clientPassword) {
      this.client = new WvpClient({
        baseUrl: this.config.url,
        username: this.config.username,
        password,
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
        ...(this.fetchImpl ? { fetchImpl: this.fetchImpl } : {}),
      });
      this.clientPassword = password;
      this.paths = null;
    }
    return this.client;
  }

  private ready(): { client: WvpClient; paths: WvpPaths } {
    if (!this.paths || !this.client) throw new ConsoleError('unavailable', `${this.label} 尚未连接（${this.health().message ?? '正在连接'}）`);
    return { client: this.client, paths: this.paths };
  }

  private channel(localId: string): ChannelEntry {
    const ch = this.channels.get(localId);
    if (!ch) throw new ConsoleError('not-found', `通道 ${this.id}:${localId} 已不在 WVP 平台上（可能已被删除或改号），请刷新设备树`);
    return ch;
  }

  /** WVP saying the device or channel does not exist: the channel vanished since the last catalogue. */
  private vanished(localId: string, ch: ChannelEntry, err: unknown): unknown {
    if (!isNotFound(err)) return err;
    this.channels.delete(localId);
    return new ConsoleError('not-found', `通道“${ch.name}”已不在 WVP 平台上（${(err as Error).message}），请刷新设备树`);
  }

  /** StreamContent -> PlayTarget: FLV prefers ws(s)_flv over http(s) flv; HLS its playlist. */
  private target(content: unknown, kind: 'flv' | 'hls', live: boolean, name: string): PlayTarget {
    const c = rec(content);
    if (!c) throw new ConsoleError('internal', `${this.label}：播放应答格式不正确`);
    const secure = this.config.url.startsWith('https:');
    const pick = (...fields: string[]): string | null => {
      for (const f of fields) {
        const u = urlField(c[f]);
        if (u) return u;
      }
      return null;
    };
    const url =
      kind === 'flv'
        ? secure
          ? pick('wss_flv', 'https_flv', 'ws_flv', 'flv')
          : pick('ws_flv', 'flv', 'wss_flv', 'https_flv')
        : secure
          ? pick('https_hls', 'hls')
          : pick('hls', 'https_hls');
    if (!url) throw new ConsoleError('unsupported', `${name}：WVP 没有返回 ${kind === 'flv' ? 'FLV' : 'HLS'} 地址（媒体服务器未开启该协议？）`);
    this.media.add(new URL(url).origin);
    if (kind === 'hls') return { kind: 'hls', url };
    return live ? { kind: 'flv', url } : { kind: 'flv', url, live: false };
  }

  private async deviceRecords(ready: { client: WvpClient; paths: WvpPaths }, ch: ChannelEntry, from: number, to: number): Promise<RecordSegment[]> {
    const data = await ready.client.request(ready.paths.recordQuery(ch.deviceId, ch.channelId), {
      query: { startTime: toWvpTime(from, 'down'), endTime: toWvpTime(to, 'up') },
      timeoutMs: this.options.recordTimeoutMs ?? 30_000,
    });
    const list = rec(data)?.recordList;
    if (list === null || list === undefined) return [];
    if (!Array.isArray(list)) throw new ConsoleError('internal', `${this.label}：设备录像查询返回格式不正确`);
    const spans: { start: number; end: number }[] = [];
    for (const item of list.slice(0, MAX_SEGMENTS)) {
      const r = rec(item);
      const start = r ? fromWvpTime(r.startTime) : null;
      const end = r ? fromWvpTime(r.endTime) : null;
      if (start === null || end === null || end <= start) continue;
      spans.push({ start, end });
    }
    spans.sort((a, b) => a.start - b.start);
    const merged: { start: number; end: number }[] = [];
    for (const s of spans) {
      const last = merged.at(-1);
      if (last && s.start <= last.end + MERGE_GAP_MS) last.end = Math.max(last.end, s.end);
      else merged.push({ ...s });
    }
    return merged.map((s) => ({ start: s.start, end: s.end, source: 'device' as const, file: null }));
  }

  /** ZLMediaKit recordings of the channel's GB stream (app "rtp", stream "<deviceId>_<channelId>"). */
  private async cloudRecords(ready: { client: WvpClient; paths: WvpPaths }, ch: ChannelEntry, from: number, to: number): Promise<RecordSegment[]> {
    const { client, paths } = ready;
    let items: { id: string; start: number; end: number }[];
    try {
      items = await fetchAllPages(
        async (page, count) =>
          parsePage(
            await client.request(paths.cloudRecordList, {
              query: { app: 'rtp', stream: `${ch.deviceId}_${ch.channelId}`, startTime: toWvpTime(from, 'down'), endTime: toWvpTime(to, 'up'), page, count },
            }),
            'WVP 云端录像列表',
          ),
        (item) => {
          const r = rec(item);
          const id = r && (typeof r.id === 'number' || typeof r.id === 'string') ? String(r.id) : null;
          const start = r ? fromWvpTime(r.startTime) : null;
          const end = r ? fromWvpTime(r.endTime) : null;
          return id && start !== null && end !== null && end > start ? { id, start, end } : null;
        },
        (x) => x.id,
        { pageSize: CLOUD_PAGE, maxItems: MAX_SEGMENTS, warn: this.options.warn },
      );
    } catch (err) {
      // A WVP without cloud recording (no such endpoint) simply has none.
      if (err instanceof ConsoleError && err.code === 'not-found') return [];
      throw err;
    }
    const secure = this.config.url.startsWith('https:');
    const out: RecordSegment[] = [];
    for (const item of items.filter((i) => i.end > from && i.start < to)) {
      const info = rec(await client.request(paths.cloudRecordPlayPath, { query: { recordId: item.id } }));
      const url = urlField(secure ? (info?.httpsPath ?? info?.httpPath) : (info?.httpPath ?? info?.httpsPath));
      if (!url) {
        this.options.warn(`cloud recording ${item.id}: no http path`);
        continue;
      }
      out.push({ start: item.start, end: item.end, source: 'cloud', file: { url, container: 'mp4' } });
    }
    return out;
  }

  /**
   * The last catalogue with each channel's online state following its device's current one (a device that went
   * offline takes its channels with it; one that came back restores the states of the last full fetch).
   */
  private async deviceStates(client: WvpClient, paths: WvpPaths, last: BackendCatalogue): Promise<BackendCatalogue> {
    const devices = await fetchAllPages(
      async (page, count) => parsePage(await client.request(paths.devices, { query: { page, count } }), 'WVP 设备列表'),
      parseDevice,
      (d) => d.deviceId,
      { warn: this.options.warn },
    );
    const online = new Map(devices.map((d) => [d.deviceId, d.online]));
    const channels = last.channels.map((c) => {
      const ids = splitLocalId(c.id.slice(this.id.length + 1));
      return ids && online.get(ids.deviceId) === false ? { ...c, online: false } : c;
    });
    return { mines: last.mines, channels };
  }

  /** Origins of the media servers' HTTP(S) ports (best effort: older versions lack the endpoint). */
  private async learnMediaServers(client: WvpClient, paths: WvpPaths): Promise<void> {
    let data: unknown;
    try {
      data = await client.request(paths.mediaServers);
    } catch {
      // Play answers still teach the origins (see target()).
      return;
    }
    const list = Array.isArray(data) ? data : Array.isArray(rec(data)?.list) ? (rec(data)!.list as unknown[]) : [];
    for (const item of list) {
      const r = rec(item);
      const host = r ? [r.streamIp, r.ip].find((x): x is string => typeof x === 'string' && x.trim() !== '') : undefined;
      if (!r || !host) continue;
      const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      const httpPort = Number(r.httpPort);
      const httpsPort = Number(r.httpSSlPort ?? r.httpSslPort);
      try {
        if (Number.isInteger(httpPort) && httpPort > 0) this.media.add(new URL(`http://${h}:${httpPort}`).origin);
        if (Number.isInteger(httpsPort) && httpsPort > 0) this.media.add(new URL(`https://${h}:${httpsPort}`).origin);
      } catch {
        // not a host name: skipped
      }
    }
  }

}
