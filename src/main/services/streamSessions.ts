import { randomUUID } from 'node:crypto';
import type { StreamKind } from '../../shared/domain/catalogue';
import type { StreamSource } from '../../shared/domain/stream';
import { ConsoleError } from '../../shared/contract/rpc';
import type { BackendRegistry } from '../connectors/backendRegistry';

/** The part of the jsmpeg relay the stream service needs. */
export interface RelayTickets {
  issueTicket(sourceUrl: string): { url: string; ticketId: string };
  /** A one-off ticket for the source's H.264 remuxed to FLV (no transcoding), for MSE players. */
  issueFlvTicket(sourceUrl: string): { url: string; ticketId: string };
  revokeTicket(ticketId: string): void;
  /**
   * A ticket that replays the last `seconds` the relay kept of this source, paced in real time; throws
   * ConsoleError('unsupported') when it keeps nothing of it (the source has not run through the relay lately).
   */
  issueReplayTicket(sourceUrl: string, seconds: number): { url: string; ticketId: string };
}

/**
 * Turns "play channel X with one of these transports" into a StreamSource and remembers
 * what to release when the tile closes.
 */
export class StreamSessions {
  private readonly sessions = new Map<string, { channelId: string; ticketId: string | null }>();

  constructor(
    private readonly registry: BackendRegistry,
    private readonly relay: RelayTickets,
  ) {}

  async open(channelId: string, accept: readonly StreamKind[], profile: 'main' | 'sub' = 'main'): Promise<StreamSource> {
    const channel = this.registry.channel(channelId);
    if (!channel) throw new ConsoleError('not-found', `通道不存在: ${channelId}`);
    const kind = accept.find((k) => channel.streams.includes(k));
    if (!kind) throw new ConsoleError('not-found', `通道 ${channel.name} 不支持所需的播放方式 (${accept.join(', ')})`);
    const target = await this.registry.play(channelId, kind, profile);
    const sessionId = randomUUID();
    switch (target.kind) {
      case 'janus-webrtc':
        this.sessions.set(sessionId, { channelId, ticketId: null });
        return { kind: 'janus-webrtc', sessionId, channelId, server: target.server, mountpointId: target.mountpointId, iceServers: [] };
      case 'flv':
        // Served by the backend itself: nothing to release here beyond the session.
        this.sessions.set(sessionId, { channelId, ticketId: null });
        return { kind: 'flv', sessionId, channelId, url: target.url, live: target.live ?? true };
      case 'hls':
        this.sessions.set(sessionId, { channelId, ticketId: null });
        return { kind: 'hls', sessionId, channelId, url: target.url };
      case 'flv-relay': {
        const ticket = this.relay.issueFlvTicket(target.sourceUrl);
        this.sessions.set(sessionId, { channelId, ticketId: ticket.ticketId });
        return { kind: 'flv', sessionId, channelId, url: ticket.url, live: true };
      }
      case 'jsmpeg-ws': {
        const ticket = this.relay.issueTicket(target.sourceUrl);
        this.sessions.set(sessionId, { channelId, ticketId: ticket.ticketId });
        return { kind: 'jsmpeg-ws', sessionId, channelId, url: ticket.url };
      }
    }
  }

  /** Instant replay of the last seconds of a channel, through the relay's buffer of its source. */
  async openReplay(channelId: string, seconds: number): Promise<StreamSource> {
    const channel = this.registry.channel(channelId);
    if (!channel) throw new ConsoleError('not-found', `通道不存在: ${channelId}`);
    if (!channel.streams.includes('jsmpeg-ws')) throw new ConsoleError('unsupported', `${channel.name} 的码流不经本机转发，无法即时回放`);
    const target = await this.registry.play(channelId, 'jsmpeg-ws', 'main');
    if (target.kind !== 'jsmpeg-ws') throw new ConsoleError('unsupported', `${channel.name} 无法即时回放`);
    const ticket = this.relay.issueReplayTicket(target.sourceUrl, seconds);
    const sessionId = randomUUID();
    this.sessions.set(sessionId, { channelId, ticketId: ticket.ticketId });
    return { kind: 'jsmpeg-ws', sessionId, channelId, url: ticket.url };
  }

  close(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    if (session.ticketId) this.relay.revokeTicket(session.ticketId);
  }

  get size(): number {
    return this.sessions.size;
  }
}
