import { z } from 'zod';
import type { Channel, StreamKind } from '../../../shared/domain/catalogue';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { HikvisionBackendConfig } from '../../../shared/domain/settings';
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
import { fromWvpTime } from '../wvp/wvpTime';
import { ArtemisClient, type FetchLike } from './artemisClient';
import { ArtemisPtzController, artemisPtzSender, cameraToChannel, fetchAllCameras, previewUrl, type ArtemisProtocol } from './artemisCatalogue';
import { BackendBase } from '../backendBase';
import { subscribeEventTypes, unsubscribeEventTypes } from './artemisEvents';

export type HikvisionBackendOptions = {
  /** The appSecret from the SecretStore, read at every (re)connect so a changed secret takes effect. */
  appSecret: () => string | null;
  warn: (msg: string) => void;
  fetchImpl?: FetchLike;
  timeoutMs?: number;
};

type CameraEntry = { name: string; ptz: boolean };

/**
 * recordLocation of playbackURLs: 0 center storage (CVR/cloud storage of the platform) -> 'cloud',
 * 1 device storage (the NVR/DVR) -> 'device'.
 */
const LOCATION: Record<RecordSource, '0' | '1'> = { cloud: '0', device: '1' };

const playbackSchema = z.looseObject({
  url: z.string().max(4096).nullish(),
  list: z
    .array(z.looseObject({ beginTime: z.string(), endTime: z.string(), size: z.union([z.number(), z.string()]).nullish(), lockType: z.unknown().optional() }))
    .nullish(),
});

const presetsSchema = z
  .looseObject({ list: z.array(z.looseObject({ presetPointIndex: z.union([z.number(), z.string()]), presetPointName: z.string().nullish() })).nullish() })
  .nullish();

/** Epoch ms -> ISO 8601 in China time as artemis wants it: 2026-11-24T10:00:00.000+08:00. */
export function toArtemisTime(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 23)}+08:00`;
}

/**
 * Hikvision ISC / HikCentral (artemis OpenAPI) as a video backend. Cameras are channels (no mine grouping yet:
 * regions are not mapped). Live video: the platform's RTSP preview URL through the console's relay — remuxed to
 * FLV (H.264, no transcoding, no CORS: the renderer talks only to the relay) or transcoded to MPEG-1 for jsmpeg
 * (H.265 cameras) — or the platform's HLS playlist played directly. The `ws` protocol is Hikvision's private format
 * (their H5 player) and is not used. Recordings: playbackURLs lists segments of one location per call; playback
 * is its RTSP URL through the relay, which cannot pause, seek or change speed.
 */
export class HikvisionBackend extends BackendBase<HikvisionBackendConfig> implements VideoBackend, MediaOriginSource {
  readonly kind = 'hikvision';
  readonly capabilities = { ptz: true, playback: true, download: false, talk: false };
  private client: ArtemisClient | null = null;
  private clientSecret: string | null = null;
  private ptzController: ArtemisPtzController | null = null;
  private cameras = new Map<string, CameraEntry>();
  private readonly media = new Set<string>();
  private readonly fetchImpl: FetchLike | undefined;
  private disposed = false;

  constructor(
    config: HikvisionBackendConfig,
    private readonly options: HikvisionBackendOptions,
  ) {
    super(config);
    this.fetchImpl = options.fetchImpl ?? (config.caCertPem ? (fetchTrustingCa(config.caCertPem) as FetchLike) : undefined);
  }



  /** HLS playlists come from the platform's media gateway (learned from the URLs it hands out). */
  mediaOrigins(): string[] {
    return [...this.media];
  }

  async fetchCatalogue(): Promise<BackendCatalogue> {
    try {
      const client = this.connection();
      const cameras = await fetchAllCameras(client);
      const entries = new Map<string, CameraEntry>();
      const channels: Channel[] = cameras.map((c) => {
        const ch = cameraToChannel(this.id, c);
        entries.set(c.cameraIndexCode, { name: ch.name, ptz: ch.ptz });
        return { ...ch, streams: ['flv', 'jsmpeg-ws', 'hls'] };
      });
      this.cameras = entries;
      this.setHealth({ state: 'online', message: null });
      return { mines: [], channels };
    } catch (err) {
      const error = err instanceof ConsoleError ? err : new ConsoleError('unavailable', `海康平台 ${this.config.url}：${err instanceof Error ? err.message : String(err)}`);
      this.setHealth({ state: 'offline', message: error.message });
      throw error;
    }
  }

  /**
   * 'flv' and 'jsmpeg-ws': the RTSP preview URL through the relay ('flv' remuxes H.264; 'jsmpeg-ws' transcodes,
   * for H.265 cameras); 'hls': the platform's playlist. `profile` 'sub' asks for streamType 1.
   */
  async play(localId: string, kind: StreamKind, profile: StreamProfileChoice): Promise<PlayTarget> {
    const cam = this.camera(localId);
    const client = this.ready();
    const streamType = profile === 'sub' ? 1 : 0;
    const protocol: ArtemisProtocol = kind === 'hls' ? 'hls' : 'rtsp';
    if (kind === 'janus-webrtc') throw new ConsoleError('unsupported', `${cam.name}：海康平台通道不提供 WebRTC（Janus）码流`);
    const url = await this.vanished(localId, cam, previewUrl(client, localId, protocol, streamType));
    if (kind === 'hls') {
      if (!/^https?:\/\//.test(url)) throw new ConsoleError('internal', `${cam.name}：海康平台返回的 HLS 地址无效`);
      this.media.add(new URL(url).origin);
      return { kind: 'hls', url };
    }
    if (!/^rtsps?:\/\//.test(url)) throw new ConsoleError('internal', `${cam.name}：海康平台返回的 RTSP 地址无效`);
    return kind === 'flv' ? { kind: 'flv-relay', sourceUrl: url } : { kind: 'jsmpeg-ws', sourceUrl: url };
  }

  async ptz(localId: string, command: PtzCommand): Promise<void> {
    const cam = this.camera(localId);
    if (!cam.ptz) throw new ConsoleError('unsupported', `${cam.name} 不支持云台控制`);
    this.ready();
    await this.vanished(localId, cam, this.ptzController!.control(localId, command));
  }

  /**
   * Presets from `/api/video/v1/presets/searches` (ISC 1.3+); a platform without that API (HTTP 404) has no list:
   * [] (presets are still called by number).
   */
  async ptzPresets(localId: string): Promise<PtzPreset[]> {
    const cam = this.camera(localId);
    if (!cam.ptz) throw new ConsoleError('unsupported', `${cam.name} 不支持云台控制`);
    const client = this.ready();
    let data: z.infer<typeof presetsSchema>;
    try {
      data = await this.vanished(localId, cam, client.post('/api/video/v1/presets/searches', { cameraIndexCode: localId }, presetsSchema));
    } catch (err) {
      if (err instanceof ConsoleError && err.code === 'unavailable' && err.message.includes('HTTP 404')) return [];
      throw err;
    }
    const out = new Map<number, PtzPreset>();
    for (const p of data?.list ?? []) {
      const n = Number(p.presetPointIndex);
      if (!Number.isInteger(n) || n < 1 || n > 255) continue;
      out.set(n, { preset: n, name: (p.presetPointName ?? '').trim().slice(0, 64) || `预置点 ${n}` });
    }
    return [...out.values()].sort((a, b) => a.preset - b.preset);
  }

  /** Segments of both storage locations; one failing (e.g. no center storage) is tolerated when the other answers. */
  async queryRecords(localId: string, from: number, to: number): Promise<RecordSegment[]> {
    const cam = this.camera(localId);
    const client = this.ready();
    const sources: RecordSource[] = ['device', 'cloud'];
    const results = await Promise.allSettled(sources.map((source) => this.playbackUrls(client, localId, from, to, source)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === results.length) return this.vanished(localId, cam, Promise.reject(failed[0]!.reason as Error));
    for (const f of failed) this.options.warn(`records of ${localId}: ${f.reason instanceof Error ? f.reason.message : String(f.reason)}`);
    const out: RecordSegment[] = [];
    results.forEach((r, i) => {
      if (r.status !== 'fulfilled') return;
      for (const item of r.value.list ?? []) {
        const start = fromWvpTime(item.beginTime);
        const end = fromWvpTime(item.endTime);
        if (start === null || end === null || end <= start || end <= from || start >= to) continue;
        out.push({ start, end, source: sources[i]!, file: null });
      }
    });
    return out.sort((a, b) => a.start - b.start || (a.source < b.source ? -1 : 1));
  }

  async openPlaybackStream(localId: string, from: number, to: number, source: RecordSource): Promise<PlaybackStream> {
    const cam = this.camera(localId);
    const client = this.ready();
    if (!(to > from)) throw new ConsoleError('bad-request', '回放时间段无效');
    const data = await this.vanished(localId, cam, this.playbackUrls(client, localId, from, to, source));
    const url = data.url ?? '';
    if (!/^rtsps?:\/\//.test(url)) throw new ConsoleError('not-found', `${cam.name} 在所选时间段没有${source === 'device' ? '设备' : '中心'}录像`);
    const unsupported = (what: string) => (): Promise<void> =>
      Promise.reject(new ConsoleError('unsupported', `海康平台回放经本机转发，不支持${what}；请重新选择时间段开始回放`));
    const control: PlaybackControl = {
      pause: unsupported('暂停'),
      resume: unsupported('继续'),
      seek: unsupported('拖动定位'),
      speed: unsupported('倍速播放'),
      // The relay stops reading when the viewer goes; the URL's token then lapses on the platform.
      stop: () => Promise.resolve(),
    };
    return { target: { kind: 'flv-relay', sourceUrl: url }, control };
  }

  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    super.dispose();
  }

  /**
   * Asks the platform to POST `eventTypes` events (OnEventNotify) to `eventDest` (the console's alarm receiver).
   * Works before the first catalogue (it connects itself).
   */
  async subscribeEvents(eventTypes: readonly number[], eventDest: string): Promise<void> {
    await subscribeEventTypes(this.connection(), eventTypes, eventDest);
  }

  /** Ends the subscription of `eventTypes` (for this appKey). */
  async unsubscribeEvents(eventTypes: readonly number[]): Promise<void> {
    await unsubscribeEventTypes(this.connection(), eventTypes);
  }

  private playbackUrls(client: ArtemisClient, cameraIndexCode: string, from: number, to: number, source: RecordSource) {
    return client.post(
      '/api/video/v2/cameras/playbackURLs',
      {
        cameraIndexCode,
        recordLocation: LOCATION[source],
        protocol: 'rtsp',
        transmode: 1,
        beginTime: toArtemisTime(from),
        endTime: toArtemisTime(to),
      },
      playbackSchema,
    );
  }

  private connection(): ArtemisClient {
    const secret = this.options.appSecret();
    if (!secret) throw new ConsoleError('unauthorized', `海康平台 ${this.config.url}：尚未设置 appSecret，请在“设置 → 视频平台”中填写`);
    if (!this.client || secret !== this.clientSecret) {
      const client = new ArtemisClient({
        origin: this.config.url,
        appKey: this.config.appKey,
        appSecret: secret,
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
        ...(this.fetchImpl ? { fetchImpl: this.fetchImpl } : {}),
      });
      this.client = client;
      this.clientSecret = secret;
      this.ptzController = new ArtemisPtzController(artemisPtzSender(client));
    }
    return this.client;
  }

  private ready(): ArtemisClient {
    if (!this.client) throw new ConsoleError('unavailable', `海康平台 ${this.config.url} 尚未连接（${this.health().message ?? '正在连接'}）`);
    return this.client;
  }

  private camera(localId: string): CameraEntry {
    const cam = this.cameras.get(localId);
    if (!cam) throw new ConsoleError('not-found', `通道 ${this.id}:${localId} 已不在海康平台上（可能已被删除），请刷新设备树`);
    return cam;
  }

  /** The platform saying the camera does not exist: it vanished since the last catalogue. */
  private async vanished<T>(localId: string, cam: CameraEntry, p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      // A platform refusal (envelope code) naming a missing resource; not an HTTP 404 (a missing API).
      if (err instanceof ConsoleError && err.code === 'unavailable' && /不存在|does not exist/i.test(err.message) && !/HTTP \d{3}/.test(err.message)) {
        this.cameras.delete(localId);
        throw new ConsoleError('not-found', `监控点“${cam.name}”已不在海康平台上（${err.message}），请刷新设备树`);
      }
      throw err;
    }
  }

}
