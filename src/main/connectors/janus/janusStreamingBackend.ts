import { z } from 'zod';
import type { Channel, Mine, StreamKind } from '../../../shared/domain/catalogue';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { JanusBackendConfig } from '../../../shared/domain/settings';
import type { PtzCommand, PtzPreset } from '../../../shared/domain/ptz';
import type { RecordSource } from '../../../shared/domain/playback';
import type {
  BackendCatalogue,
  PlaybackStream,
  PlayTarget,
  RecordSegment,
  StreamProfileChoice,
  VideoBackend,
} from '../videoBackend';
import { querySegmentIndex } from '../recordings/segmentIndex';
import { IsapiPtzClient, parseIsapiPtzUrl } from '../ptz/isapiPtz';
import { JanusClient } from './janusClient';
import { isSubstreamMetadata, parseChannelMetadata, type ChannelMetadata } from './channelMetadata';
import { BackendBase } from '../backendBase';

const listReplySchema = z.object({
  list: z.array(
    z
      .object({
        id: z.number().int().nonnegative(),
        description: z.string().optional(),
        metadata: z.string().optional(),
        enabled: z.boolean().optional(),
        media: z.array(z.object({ type: z.string().optional(), age_ms: z.number().optional() }).passthrough()).optional(),
      })
      .passthrough(),
  ),
});
type Mountpoint = z.infer<typeof listReplySchema>['list'][number];

/** A mountpoint that has received nothing for this long counts as offline. */
const OFFLINE_AFTER_MS = 5_000;
const PTZ_TIMEOUT_MS = 3_000;

type MountpointEntry = {
  id: number;
  mpegts: string | null;
  /** Mountpoint of the sub stream, null where the channel has none. */
  sub: number | null;
  ptz: IsapiPtzClient | null;
  /** The camera's recording segment index, null where it has none described. */
  recordIndex: string | null;
  name: string;
};

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Janus streaming plugin as a video backend: mountpoints are channels, their JSON metadata
 * places them under a county, mine and point category.
 */
export class JanusStreamingBackend extends BackendBase<JanusBackendConfig> implements VideoBackend {
  readonly kind = 'janus';
  /** PTZ where a channel's metadata describes an ISAPI control (see channelMetadata.ts). */
  readonly capabilities = { ptz: true, playback: true, download: true, talk: false };
  private readonly client: JanusClient;
  private handleId: number | null = null;
  private mountpoints = new Map<string, MountpointEntry>();
  private readonly warned = new Set<string>();

  constructor(config: JanusBackendConfig, private readonly warn: (msg: string) => void) {
    super(config);
    this.client = new JanusClient(config.url);
    this.client.onClosed((reason) => {
      this.handleId = null;
      this.setHealth({ state: 'offline', message: `Janus ${config.url}: ${reason}` });
    });
  }



  async fetchCatalogue(): Promise<BackendCatalogue> {
    let list: Mountpoint[];
    try {
      if (!this.client.connected || this.handleId === null) {
        await this.client.connect();
        this.handleId = await this.client.attach('janus.plugin.streaming');
      }
      const reply = listReplySchema.safeParse(await this.client.request(this.handleId, { request: 'list' }));
      if (!reply.success) throw new Error('Janus 返回的点位列表格式不正确');
      list = reply.data.list;
    } catch (err) {
      this.client.close();
      this.handleId = null;
      const message = err instanceof Error ? err.message : String(err);
      this.setHealth({ state: 'offline', message });
      throw new ConsoleError('unavailable', message);
    }
    this.setHealth({ state: 'online', message: null });
    return this.toCatalogue(list);
  }

  async ptz(localId: string, command: PtzCommand): Promise<void> {
    await this.ptzClient(localId).command(command);
  }

  async ptzPresets(localId: string): Promise<PtzPreset[]> {
    return this.ptzClient(localId).presets();
  }

  async queryRecords(localId: string, from: number, to: number): Promise<RecordSegment[]> {
    const mp = this.mountpoints.get(localId);
    if (!mp) throw new ConsoleError('not-found', `通道不存在: ${this.id}:${localId}`);
    if (!mp.recordIndex) throw new ConsoleError('unsupported', `${mp.name} 没有配置录像服务`);
    return querySegmentIndex(mp.recordIndex, from, to, { label: `${mp.name} ` });
  }

  openPlaybackStream(localId: string, _from: number, _to: number, _source: RecordSource): Promise<PlaybackStream> {
    // Janus sites keep recordings as files (segment index); there is no backend-paced playback stream.
    return Promise.reject(new ConsoleError('unsupported', `通道 ${this.id}:${localId} 的录像以文件回放`));
  }

  private ptzClient(localId: string): IsapiPtzClient {
    const mp = this.mountpoints.get(localId);
    if (!mp) throw new ConsoleError('not-found', `通道不存在: ${this.id}:${localId}`);
    if (!mp.ptz) throw new ConsoleError('unsupported', '该通道不支持云台控制');
    return mp.ptz;
  }

  /**
   * The sub stream where asked for and present (WebRTC only; the relay transcodes anyway). 'jsmpeg-ws' and
   * 'flv' go through the console's relay from the channel's MPEG-TS source (MPEG-1 transcode / H.264 remux).
   */
  async play(localId: string, kind: StreamKind, profile: StreamProfileChoice): Promise<PlayTarget> {
    const mp = this.mountpoints.get(localId);
    if (!mp) throw new ConsoleError('not-found', `通道不存在: ${this.id}:${localId}`);
    if (kind === 'janus-webrtc') return { kind, server: this.config.url, mountpointId: (profile === 'sub' ? mp.sub : null) ?? mp.id };
    if (kind === 'hls') throw new ConsoleError('unsupported', '该通道不提供 HLS 码流');
    if (!mp.mpegts) throw new ConsoleError('not-found', '该通道没有可转码的码流');
    if (kind === 'flv') return { kind: 'flv-relay', sourceUrl: mp.mpegts };
    return { kind, sourceUrl: mp.mpegts };
  }

  override dispose(): void {
    this.client.close();
    super.dispose();
  }

  /**
   * An ISAPI client for the channel's PTZ control, or null (none described or switched off with `ptz: false`,
   * or somewhere metadata may not send the console, see `trusted`).
   */
  private ptzControl(mp: Mountpoint, m: ChannelMetadata | null): IsapiPtzClient | null {
    if (!m?.ptzControl || m.ptz === false) return null;
    const endpoint = parseIsapiPtzUrl(m.ptzControl.url);
    if (!endpoint || !this.trusted(mp, 'PTZ control', m.ptzControl.url)) return null;
    return new IsapiPtzClient(endpoint, { timeoutMs: PTZ_TIMEOUT_MS, label: `云台摄像机（${m.name}）` });
  }

  /** The channel's recording index URL, or null (none described, or not on loopback or the Janus host). */
  private recordIndex(mp: Mountpoint, m: ChannelMetadata | null): string | null {
    if (!m?.recordIndex) return null;
    return this.trusted(mp, 'record index', m.recordIndex.url) ? m.recordIndex.url : null;
  }

  /**
   * Metadata never sends the console's requests into another network: a URL it names must be on loopback or on
   * this Janus host; anything else is ignored with one warning.
   */
  private trusted(mp: Mountpoint, what: string, url: string): boolean {
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      // stays '' (untrusted)
    }
    if (host !== '' && (isLoopback(host) || host === new URL(this.config.url).hostname)) return true;
    const key = `${mp.id} ${url}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.warn(`mountpoint ${mp.id}: ${what} ${url} is neither loopback nor the Janus host; ignored`);
    }
    return false;
  }

  private toCatalogue(list: Mountpoint[]): BackendCatalogue {
    const mines = new Map<string, Mine>();
    const channels: Channel[] = [];
    const mountpoints = new Map<string, MountpointEntry>();
    const present = new Set(list.map((mp) => mp.id));
    const parsed = list.map((mp) => ({ mp, meta: parseChannelMetadata(mp.metadata) }));
    // Sub stream mountpoints are streams of a channel, not channels.
    const subs = new Set<number>();
    for (const { mp, meta } of parsed) {
      const sub = meta.ok ? meta.value.subMountpoint : undefined;
      if (sub !== undefined && sub !== mp.id && present.has(sub)) subs.add(sub);
    }
    for (const { mp, meta } of parsed) {
      if (subs.has(mp.id) || isSubstreamMetadata(mp.metadata)) continue;
      if (!meta.ok) this.warn(`mountpoint ${mp.id}: ${meta.reason}; shown as unclassified`);
      const m = meta.ok ? meta.value : null;
      const localId = String(mp.id);
      const sub = m?.subMountpoint !== undefined && subs.has(m.subMountpoint) ? m.subMountpoint : null;
      const ptz = this.ptzControl(mp, m);
      const name = m?.name ?? mp.description ?? `通道 ${localId}`;
      mountpoints.set(localId, { id: mp.id, mpegts: m?.mpegts ?? null, sub, ptz, recordIndex: this.recordIndex(mp, m), name });
      if (m?.mineId && !mines.has(m.mineId)) {
        mines.set(m.mineId, {
          id: m.mineId,
          name: m.mineName ?? m.mineShort ?? m.mineId,
          shortName: m.mineShort ?? m.mineName ?? m.mineId,
          countyCode: m.county ?? null,
          location: m.mineLocation ?? m.location ?? null,
        });
      }
      const ages = (mp.media ?? []).map((x) => x.age_ms).filter((x): x is number => typeof x === 'number');
      const receiving = ages.length === 0 ? true : Math.min(...ages) < OFFLINE_AFTER_MS;
      channels.push({
        id: `${this.id}:${localId}`,
        backendId: this.id,
        name,
        gbId: m?.gbId ?? null,
        countyCode: m?.county ?? null,
        mineId: m?.mineId ?? null,
        categoryCode: m?.category ?? '00',
        place: m?.place ?? '',
        location: m?.location ?? null,
        online: mp.enabled !== false && receiving,
        streams: m?.mpegts ? ['janus-webrtc', 'jsmpeg-ws', 'flv'] : ['janus-webrtc'],
        substream: sub !== null,
        ptz: ptz !== null,
      });
    }
    this.mountpoints = mountpoints;
    return { mines: [...mines.values()], channels };
  }

}
