import { randomUUID } from 'node:crypto';
import type { StreamKind } from '../../shared/domain/catalogue';
import type { StreamSource } from '../../shared/domain/stream';
import { ConsoleError } from '../../shared/contract/rpc';
import type { BackendRegistry } from '../connectors/backendRegistry';
import type { PlaybackControl, RecordSegment } from '../connectors/videoBackend';
import type { VodSegment } from '../media/vodPlaylist';
import { mergeSpans, type PlaybackSession, type RecordSpan } from '../../shared/domain/playback';

/** The part of the playback gateway the stream service needs. */
export interface PlaybackTickets {
  open(segments: readonly VodSegment[]): { token: string; url: string; timeline: PlaybackSession['timeline'] };
  revoke(token: string): void;
}

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
type Session = {
  channelId: string;
  ticketId: string | null;
  /** A playback gateway ticket. */
  playbackToken?: string;
  /** A backend-paced playback's controls. */
  control?: PlaybackControl;
};

function fileSegments(segments: readonly RecordSegment[]): VodSegment[] {
  return segments.flatMap((s) => (s.file ? [{ start: s.start, end: s.end, file: s.file }] : []));
}

export class StreamSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly registry: BackendRegistry,
    private readonly relay: RelayTickets,
    private readonly playback: PlaybackTickets,
  ) {}

  /** A channel's recordings in [from, to) from its backend; a clear error for an unknown channel. */
  async records(channelId: string, from: number, to: number): Promise<RecordSegment[]> {
    const channel = this.registry.channel(channelId);
    if (!channel) throw new ConsoleError('not-found', `通道不存在或已被删除: ${channelId}`);
    return this.registry.queryRecords(channelId, from, to);
  }

  /** The recordings of [from, to) the console can fetch itself (files), as the gateway and downloads take them. */
  async recordFiles(channelId: string, from: number, to: number): Promise<VodSegment[]> {
    return fileSegments(await this.records(channelId, from, to));
  }

  /** Recorded spans for the timeline: continuous recordings merged, per source. */
  async recordSpans(channelId: string, from: number, to: number): Promise<RecordSpan[]> {
    const segments = await this.records(channelId, from, to);
    return mergeSpans(segments.map((s) => ({ start: Math.max(s.start, from), end: Math.min(s.end, to), source: s.source })));
  }

  /**
   * Plays [from, to) of a channel's recordings. Where the backend's recordings are files the console plays them
   * itself through the playback gateway (seek, speed, step and sync in the player); otherwise the backend paces
   * a playback stream and takes pause/seek/speed through playbackControl.
   */
  async openPlayback(channelId: string, from: number, to: number): Promise<PlaybackSession> {
    const channel = this.registry.channel(channelId);
    if (!channel) throw new ConsoleError('not-found', `通道不存在或已被删除: ${channelId}`);
    const segments = await this.registry.queryRecords(channelId, from, to);
    if (segments.length === 0) throw new ConsoleError('not-found', `${channel.name} 在所选时段没有录像`);
    const files = fileSegments(segments);
    const sessionId = randomUUID();
    if (files.length > 0) {
      const ticket = this.playback.open(files);
      this.sessions.set(sessionId, { channelId, ticketId: null, playbackToken: ticket.token });
      return { source: { kind: 'hls', sessionId, channelId, url: ticket.url }, control: 'client', timeline: ticket.timeline };
    }
    const first = segments[0];
    const start = Math.max(from, first?.start ?? from);
    const stream = await this.registry.openPlaybackStream(channelId, start, to, first?.source ?? 'device');
    const session: Session = { channelId, ticketId: null, control: stream.control };
    this.sessions.set(sessionId, session);
    const timeline = [{ start, mediaStart: 0, duration: (to - start) / 1000 }];
    switch (stream.target.kind) {
      case 'flv':
        return { source: { kind: 'flv', sessionId, channelId, url: stream.target.url, live: false }, control: 'server', timeline };
      case 'hls':
        return { source: { kind: 'hls', sessionId, channelId, url: stream.target.url }, control: 'server', timeline };
      case 'flv-relay': {
        const ticket = this.relay.issueFlvTicket(stream.target.sourceUrl);
        session.ticketId = ticket.ticketId;
        return { source: { kind: 'flv', sessionId, channelId, url: ticket.url, live: false }, control: 'server', timeline };
      }
      default:
        this.close(sessionId);
        throw new ConsoleError('unsupported', `${channel.name} 的录像回放方式暂不支持 (${stream.target.kind})`);
    }
  }

  /** Pause/resume/seek/speed of a backend-paced playback. */
  async playbackControl(sessionId: string, op: 'pause' | 'resume' | 'seek' | 'speed', value: number | undefined): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) throw new ConsoleError('not-found', '回放会话已结束');
    if (!session.control) throw new ConsoleError('unsupported', '该回放由本机播放器控制');
    if ((op === 'seek' || op === 'speed') && (value === undefined || !Number.isFinite(value))) throw new ConsoleError('bad-request', `${op} 需要数值`);
    switch (op) {
      case 'pause':
        return session.control.pause();
      case 'resume':
        return session.control.resume();
      case 'seek':
        return session.control.seek(value ?? 0);
      case 'speed':
        return session.control.speed(value ?? 1);
    }
  }

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
    if (session.playbackToken) this.playback.revoke(session.playbackToken);
    if (session.control) void session.control.stop().catch(() => undefined);
  }

  get size(): number {
    return this.sessions.size;
  }
}
