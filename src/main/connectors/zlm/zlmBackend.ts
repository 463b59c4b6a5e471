import type { Channel, Mine, StreamKind } from '../../../shared/domain/catalogue';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { ZlmBackendConfig, ZlmProxy } from '../../../shared/domain/settings';
import type { PtzCommand, PtzPreset } from '../../../shared/domain/ptz';
import type { RecordSource } from '../../../shared/domain/playback';
import type { BackendCatalogue, PlaybackStream, PlayTarget, RecordSegment, StreamProfileChoice, VideoBackend } from '../videoBackend';
import type { MediaOriginSource } from '../connectOrigins';
import { fetchTrustingCa } from '../caFetch';
import { categoryFromName } from '../hikvision/artemisCatalogue';
import { ZlmApiError, ZlmClient, scrubUrls, type ZlmFetch } from './zlmClient';
import { daysToQuery, fileSpans, offsetMinutes, parseRecordFile, type ZlmRecordFile } from './zlmRecords';
import { BackendBase } from '../backendBase';

export type ZlmBackendOptions = {
  /** The API secret from the SecretStore, read at every call so a changed secret takes effect. */
  secret: () => string | null;
  warn: (msg: string) => void;
  /** Tests: a fetch of their own; otherwise the global fetch, or one trusting `caCertPem`. */
  fetchImpl?: ZlmFetch;
  timeoutMs?: number;
  /** addStreamProxy answers once the source plays (or fails): its own timeout. */
  proxyTimeoutMs?: number;
  /** A proxy that is still absent is added again at most this often (default 30 s). */
  proxyRetryMs?: number;
  now?: () => number;
};

/** Without general.enableVhost (ZLMediaKit's default) every stream is in this vhost. */
export const ZLM_DEFAULT_VHOST = '__defaultVhost__';
const DEFAULT_UTC_OFFSET = '+08:00';
const DEFAULT_FILE_SECONDS = 3600;
const DEFAULT_RECORD_PREFIX = '/record';
const PROXY_CONCURRENCY = 8;

type StreamEntry = { app: string; stream: string };

function rec(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const streamKey = (s: StreamEntry): string => `${s.app}/${s.stream}`;

/** `app/stream` -> its parts (the app never has a slash; the stream may). */
function splitLocalId(localId: string): StreamEntry | null {
  const i = localId.indexOf('/');
  if (i <= 0 || i === localId.length - 1) return null;
  return { app: localId.slice(0, i), stream: localId.slice(i + 1) };
}

/**
 * ZLMediaKit on its own as a video backend: the streams it currently has (getMediaList; pushed streams and stream
 * proxies) are the channels, grouped into one "mine" per app; configured stream proxies are kept added (ZLMediaKit
 * forgets them when it restarts) and listed offline while absent. Live video is its FLV (http or ws) or HLS; its
 * WebRTC play (/index/api/webrtc, WHEP) is not offered because the renderer has no player for it. Recordings are its
 * MP4 files by day (getMP4RecordFile), fetched and remuxed by the console's playback gateway. No PTZ: ZLMediaKit
 * only relays media.
 */
export class ZlmBackend extends BackendBase<ZlmBackendConfig> implements VideoBackend, MediaOriginSource {
  readonly kind = 'zlm';
  readonly capabilities = { ptz: false, playback: true, download: false, talk: false };
  private client: ZlmClient | null = null;
  private clientSecret: string | null = null;
  private channels = new Map<string, StreamEntry>();
  private readonly fetchImpl: ZlmFetch | undefined;
  private readonly base: string;
  private readonly proxyErrors = new Map<string, string>();
  private readonly proxyNextTry = new Map<string, number>();
  private proxying: Promise<void> | null = null;
  private disposed = false;

  constructor(
    config: ZlmBackendConfig,
    private readonly options: ZlmBackendOptions,
  ) {
    super(config);
    this.fetchImpl = options.fetchImpl ?? (config.caCertPem ? (fetchTrustingCa(config.caCertPem) as ZlmFetch) : undefined);
    this.base = config.url.replace(/\/+$/, '');
  }



  /** Media is served on the API's own HTTP port. */
  mediaOrigins(): string[] {
    return [new URL(this.base).origin];
  }

  async fetchCatalogue(): Promise<BackendCatalogue> {
    try {
      const client = this.connection();
      const env = await client.call('getMediaList');
      // No stream at all: ZLMediaKit leaves `data` out.
      const list = env.data === undefined || env.data === null ? [] : env.data;
      if (!Array.isArray(list)) throw new ConsoleError('unavailable', `${this.label}：媒体列表（getMediaList）格式不正确`);
      const listed = new Map<string, StreamEntry>();
      for (const item of list) {
        const r = rec(item);
        if (!r || (r.schema !== 'rtsp' && r.schema !== 'rtmp')) continue;
        if (r.vhost !== undefined && r.vhost !== ZLM_DEFAULT_VHOST) continue;
        if (typeof r.app !== 'string' || typeof r.stream !== 'string' || !r.app || !r.stream || r.app.includes('/')) continue;
        const entry = { app: r.app, stream: r.stream };
        // One source is listed once per protocol it is muxed into (rtsp, rtmp, hls, ts, fmp4 ...).
        if (!listed.has(streamKey(entry))) listed.set(streamKey(entry), entry);
      }
      const all = new Map(listed);
      for (const p of this.config.proxies ?? []) if (!all.has(streamKey(p))) all.set(streamKey(p), { app: p.app, stream: p.stream });
      const sorted = [...all.values()].sort((a, b) => (a.app === b.app ? a.stream.localeCompare(b.stream) : a.app.localeCompare(b.app)));
      const mines = new Map<string, Mine>();
      const channels: Channel[] = sorted.map((s) => {
        const mineId = `${this.id}:${s.app}`.slice(0, 64);
        if (!mines.has(mineId)) mines.set(mineId, { id: mineId, name: s.app.slice(0, 200), shortName: s.app.slice(0, 100), countyCode: null, location: null });
        return {
          id: `${this.id}:${streamKey(s)}`.slice(0, 200),
          backendId: this.id,
          name: s.stream.slice(0, 200),
          gbId: /^\d{20}$/.test(s.stream) ? s.stream : null,
          countyCode: null,
          mineId,
          categoryCode: categoryFromName(s.stream),
          place: '',
          location: null,
          online: listed.has(streamKey(s)),
          streams: ['flv', 'hls'],
          substream: false,
          ptz: false,
        };
      });
      this.channels = new Map(sorted.map((s) => [streamKey(s), s]));
      this.ensureProxies(client, listed);
      this.setHealth({ state: 'online', message: this.proxyMessage() });
      return { mines: [...mines.values()], channels };
    } catch (err) {
      const error = err instanceof ConsoleError ? err : new ConsoleError('unavailable', `${this.label}：${err instanceof Error ? err.message : String(err)}`);
      this.setHealth({ state: 'offline', message: error.message });
      throw error;
    }
  }

  /** Live FLV or HLS of the stream, straight from ZLMediaKit's HTTP port. One stream per source: `profile` does not apply. */
  async play(localId: string, kind: StreamKind, _profile: StreamProfileChoice): Promise<PlayTarget> {
    if (kind !== 'flv' && kind !== 'hls') throw new ConsoleError('unsupported', `ZLMediaKit 流只提供 FLV 和 HLS 码流（请求的是 ${kind}）`);
    const s = this.channel(localId);
    const path = `/${encodeURIComponent(s.app)}/${s.stream.split('/').map(encodeURIComponent).join('/')}`;
    if (kind === 'hls') return { kind: 'hls', url: `${this.base}${path}/hls.m3u8` };
    const httpUrl = `${this.base}${path}.live.flv`;
    return { kind: 'flv', url: this.config.flvOverWebSocket ? httpUrl.replace(/^http/, 'ws') : httpUrl };
  }

  ptz(_localId: string, _command: PtzCommand): Promise<void> {
    return Promise.reject(new ConsoleError('unsupported', 'ZLMediaKit 只转发媒体流，不支持云台控制'));
  }

  ptzPresets(_localId: string): Promise<PtzPreset[]> {
    return Promise.reject(new ConsoleError('unsupported', 'ZLMediaKit 只转发媒体流，不支持云台预置位'));
  }

  /** MP4 files of the stream overlapping [from, to), one getMP4RecordFile call per server-local day. */
  async queryRecords(localId: string, from: number, to: number): Promise<RecordSegment[]> {
    if (!(Number.isFinite(from) && Number.isFinite(to) && to > from)) throw new ConsoleError('bad-request', '录像查询时间段无效');
    const s = this.channels.get(localId) ?? splitLocalId(localId);
    if (!s) throw new ConsoleError('not-found', `通道 ${this.id}:${localId} 不是 ZLMediaKit 的流（应为 app/stream）`);
    const client = this.connection();
    const offsetMin = offsetMinutes(this.config.utcOffset ?? DEFAULT_UTC_OFFSET);
    const fileSeconds = this.config.recordFileSeconds ?? DEFAULT_FILE_SECONDS;
    const files: ZlmRecordFile[] = [];
    for (const day of daysToQuery(from, to, offsetMin, fileSeconds)) {
      const env = await client.call('getMP4RecordFile', { vhost: ZLM_DEFAULT_VHOST, app: s.app, stream: s.stream, period: day });
      const data = rec(env.data);
      const paths = data?.paths ?? data?.path ?? [];
      if (!Array.isArray(paths)) throw new ConsoleError('unavailable', `${this.label}：录像文件列表（getMP4RecordFile）格式不正确`);
      for (const name of paths) {
        const f = typeof name === 'string' ? parseRecordFile(day, name, offsetMin) : null;
        if (f) files.push(f);
      }
    }
    const prefix = (this.config.recordPathPrefix ?? DEFAULT_RECORD_PREFIX).replace(/\/+$/, '');
    const dir = `${this.base}${prefix}/${encodeURIComponent(s.app)}/${s.stream.split('/').map(encodeURIComponent).join('/')}`;
    const ca = this.config.caCertPem ? { caCertPem: this.config.caCertPem } : {};
    return fileSpans(files, fileSeconds, Math.min(to, this.now()))
      .filter((f) => f.end > from && f.start < to)
      .map((f) => ({ start: f.start, end: f.end, source: 'cloud' as const, file: { url: `${dir}/${f.date}/${encodeURIComponent(f.file)}`, container: 'mp4' as const, ...ca } }));
  }

  openPlaybackStream(_localId: string, _from: number, _to: number, _source: RecordSource): Promise<PlaybackStream> {
    return Promise.reject(new ConsoleError('unsupported', 'ZLMediaKit 的录像是 MP4 文件，由控制台直接回放，没有回放流'));
  }

  /** Resolves when no addStreamProxy round is running (tests). */
  async proxiesSettled(): Promise<void> {
    while (this.proxying) await this.proxying;
  }

  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    super.dispose();
  }

  private get label(): string {
    return `ZLMediaKit ${this.base}`;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The client, rebuilt when the stored secret changed. */
  private connection(): ZlmClient {
    const secret = this.options.secret();
    if (!secret) throw new ConsoleError('unauthorized', `${this.label}：尚未设置 ZLMediaKit secret，请在“设置 → 视频平台”中填写`);
    if (!this.client || secret !== this.clientSecret) {
      this.client = new ZlmClient({
        baseUrl: this.base,
        secret,
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
        ...(this.fetchImpl ? { fetchImpl: this.fetchImpl } : {}),
      });
      this.clientSecret = secret;
    }
    return this.client;
  }

  private channel(localId: string): StreamEntry {
    const s = this.channels.get(localId);
    if (!s) throw new ConsoleError('not-found', `通道 ${this.id}:${localId} 已不在 ZLMediaKit 上（流已断开？），请刷新设备树`);
    return s;
  }

  /**
   * Adds the configured proxies absent from the media list (at connect, and after ZLMediaKit restarted and forgot
   * them), each at most once per proxyRetryMs, in the background: addStreamProxy waits for the source, and the
   * catalogue must not. Failures show in the health message; the proxy's URL (it may carry credentials) never does.
   */
  private ensureProxies(client: ZlmClient, listed: ReadonlyMap<string, StreamEntry>): void {
    const proxies = this.config.proxies ?? [];
    for (const key of [...this.proxyErrors.keys()]) if (listed.has(key) || !proxies.some((p) => streamKey(p) === key)) this.proxyErrors.delete(key);
    if (this.proxying || this.disposed) return;
    const now = this.now();
    const due = proxies.filter((p) => !listed.has(streamKey(p)) && now >= (this.proxyNextTry.get(streamKey(p)) ?? 0));
    if (due.length === 0) return;
    const retryMs = this.options.proxyRetryMs ?? 30_000;
    for (const p of due) this.proxyNextTry.set(streamKey(p), now + retryMs);
    this.proxying = (async () => {
      for (let i = 0; i < due.length; i += PROXY_CONCURRENCY) {
        await Promise.all(due.slice(i, i + PROXY_CONCURRENCY).map((p) => this.addProxy(client, p)));
      }
      if (this.health().state === 'online') this.setHealth({ state: 'online', message: this.proxyMessage() });
    })().finally(() => (this.proxying = null));
  }

  private async addProxy(client: ZlmClient, p: ZlmProxy): Promise<void> {
    const key = streamKey(p);
    try {
      await client.call(
        'addStreamProxy',
        { vhost: ZLM_DEFAULT_VHOST, app: p.app, stream: p.stream, url: p.url, rtp_type: 0, retry_count: -1, timeout_sec: 10, enable_rtsp: 1, enable_rtmp: 1, enable_hls: 1, enable_mp4: 0 },
        this.options.proxyTimeoutMs ?? 20_000,
      );
      this.proxyErrors.delete(key);
    } catch (err) {
      // Added meanwhile (by us before a restart of the poll, or by someone else): it is there.
      if (err instanceof ZlmApiError && /already exists|已存在/i.test(err.zlmMsg ?? '')) {
        this.proxyErrors.delete(key);
        return;
      }
      const detail = err instanceof ZlmApiError && err.code !== 'unauthorized' ? scrubUrls(err.zlmMsg ?? `code ${err.zlmCode}`) : err instanceof Error ? err.message : String(err);
      this.proxyErrors.set(key, detail);
      this.options.warn(`addStreamProxy ${key} failed: ${detail}`);
    }
  }

  private proxyMessage(): string | null {
    if (this.proxyErrors.size === 0) return null;
    const shown = [...this.proxyErrors].slice(0, 3).map(([k, m]) => `${k}：${m}`);
    const more = this.proxyErrors.size > 3 ? ` 等 ${this.proxyErrors.size} 路` : '';
    return `拉流代理添加失败（${shown.join('；')}${more}）`;
  }

}
