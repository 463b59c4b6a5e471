import { z } from 'zod';
import type { Channel, Mine, StreamKind } from '../../../shared/domain/catalogue';
import { ConsoleError } from '../../../shared/contract/rpc';
import { Emitter } from '../../../shared/lifecycle';
import type { JanusBackendConfig } from '../../../shared/domain/settings';
import type { PtzPreset } from '../../../shared/domain/ptz';
import type { BackendCatalogue, BackendHealth, PlayTarget, StreamProfileChoice, VideoBackend } from '../videoBackend';
import { JanusClient } from './janusClient';
import { parseChannelMetadata } from './channelMetadata';

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

/**
 * Janus streaming plugin as a video backend: mountpoints are channels, their JSON metadata
 * places them under a county, mine and point category.
 */
export class JanusStreamingBackend implements VideoBackend {
  readonly kind = 'janus';
  readonly capabilities = { ptz: false, playback: false, download: false, talk: false };
  private readonly client: JanusClient;
  private handleId: number | null = null;
  private current: BackendHealth = { state: 'connecting', message: null };
  private readonly healthChanged = new Emitter<BackendHealth>();
  readonly onHealthChange = this.healthChanged.event;
  private mountpoints = new Map<string, { id: number; mpegts: string | null }>();

  constructor(private readonly config: JanusBackendConfig, private readonly warn: (msg: string) => void) {
    this.client = new JanusClient(config.url);
    this.client.onClosed((reason) => {
      this.handleId = null;
      this.setHealth({ state: 'offline', message: `Janus ${config.url}: ${reason}` });
    });
  }

  get id(): string {
    return this.config.id;
  }
  get name(): string {
    return this.config.name;
  }

  health(): BackendHealth {
    return this.current;
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

  async ptz(): Promise<void> {
    throw new ConsoleError('unsupported', '该通道不支持云台控制');
  }

  async ptzPresets(): Promise<PtzPreset[]> {
    throw new ConsoleError('unsupported', '该通道不支持云台控制');
  }

  async play(localId: string, kind: StreamKind, _profile: StreamProfileChoice): Promise<PlayTarget> {
    const mp = this.mountpoints.get(localId);
    if (!mp) throw new ConsoleError('not-found', `通道不存在: ${this.id}:${localId}`);
    if (kind === 'janus-webrtc') return { kind, server: this.config.url, mountpointId: mp.id };
    if (!mp.mpegts) throw new ConsoleError('not-found', '该通道没有可转码的码流');
    return { kind, sourceUrl: mp.mpegts };
  }

  dispose(): void {
    this.client.close();
    this.healthChanged.dispose();
  }

  private toCatalogue(list: Mountpoint[]): BackendCatalogue {
    const mines = new Map<string, Mine>();
    const channels: Channel[] = [];
    const mountpoints = new Map<string, { id: number; mpegts: string | null }>();
    for (const mp of list) {
      const meta = parseChannelMetadata(mp.metadata);
      if (!meta.ok) this.warn(`mountpoint ${mp.id}: ${meta.reason}; shown as unclassified`);
      const m = meta.ok ? meta.value : null;
      const localId = String(mp.id);
      mountpoints.set(localId, { id: mp.id, mpegts: m?.mpegts ?? null });
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
        name: m?.name ?? mp.description ?? `通道 ${localId}`,
        gbId: m?.gbId ?? null,
        countyCode: m?.county ?? null,
        mineId: m?.mineId ?? null,
        categoryCode: m?.category ?? '00',
        place: m?.place ?? '',
        location: m?.location ?? null,
        online: mp.enabled !== false && receiving,
        streams: m?.mpegts ? ['janus-webrtc', 'jsmpeg-ws'] : ['janus-webrtc'],
        substream: false,
        ptz: m?.ptz ?? false,
      });
    }
    this.mountpoints = mountpoints;
    return { mines: [...mines.values()], channels };
  }

  private setHealth(next: BackendHealth): void {
    if (next.state === this.current.state && next.message === this.current.message) return;
    this.current = next;
    this.healthChanged.fire(next);
  }
}
