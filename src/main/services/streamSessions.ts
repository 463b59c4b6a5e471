import { randomUUID } from 'node:crypto';
import type { StreamKind } from '../../shared/domain/catalogue';
import type { StreamSource } from '../../shared/domain/stream';
import { ConsoleError } from '../../shared/contract/rpc';
import type { BackendRegistry } from '../connectors/backendRegistry';

/** The part of the jsmpeg relay the stream service needs. */
export interface RelayTickets {
  issueTicket(sourceUrl: string): { url: string; ticketId: string };
  revokeTicket(ticketId: string): void;
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

  async open(channelId: string, accept: readonly StreamKind[]): Promise<StreamSource> {
    const channel = this.registry.channel(channelId);
    if (!channel) throw new ConsoleError('not-found', `通道不存在: ${channelId}`);
    const kind = accept.find((k) => channel.streams.includes(k));
    if (!kind) throw new ConsoleError('not-found', `通道 ${channel.name} 不支持所需的播放方式 (${accept.join(', ')})`);
    const target = await this.registry.play(channelId, kind);
    const sessionId = randomUUID();
    if (target.kind === 'janus-webrtc') {
      this.sessions.set(sessionId, { channelId, ticketId: null });
      return { kind: 'janus-webrtc', sessionId, channelId, server: target.server, mountpointId: target.mountpointId, iceServers: [] };
    }
    const ticket = this.relay.issueTicket(target.sourceUrl);
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
