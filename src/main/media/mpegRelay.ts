import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import { ConsoleError } from '../../shared/contract/rpc';
import { parseSourceUrl, redactUrls } from './ffmpegArgs';
import { RelayChannel, type RelayChannelOptions, type RelayFormat } from './relayChannel';
import { RelayCloseCode, type RelayLog, type RelayStatus } from './relayProtocol';
import type { ReplayClip } from './replayBuffer';
import { ReplaySession } from './replaySession';

export { RelayCloseCode, type RelayStatus, type RelayState, type RelayLog } from './relayProtocol';
export { RelaySourceError } from './ffmpegArgs';
export type { RelayFormat } from './relayChannel';

export type MpegRelayOptions = {
  ffmpegPath?: string;
  /** How long a source keeps running after its last viewer left (warm GOP cache for re-opens). */
  lingerMs?: number;
  log: RelayLog;
  /** Unused tickets expire after this many ms (default 30 s). */
  ticketTtlMs?: number;
  /** Tuning knobs of each source's child, mostly for tests. */
  channel?: Pick<
    RelayChannelOptions,
    'backoffMs' | 'maxFailures' | 'healthyRunMs' | 'stallMs' | 'startTimeoutMs' | 'gopCacheBytes' | 'viewerBuffer' | 'replayBuffer'
  >;
};

export type RelaySourceInfo = {
  sourceUrl: string;
  /** 'mpeg1-ts' for jsmpeg viewers, 'flv' for the H.264 remux (MSE viewers). */
  format: RelayFormat;
  state: RelayStatus['state'];
  viewers: number;
  pid: number | null;
  /** What the instant-replay buffer holds. */
  replay: { bytes: number; spanMs: number };
};

type Ticket = {
  id: string;
  token: string;
  sourceUrl: string;
  format: RelayFormat;
  expiry: NodeJS.Timeout | null;
  used: boolean;
  /** Live viewer: the channel it joined. */
  channel: RelayChannel | null;
  /** Replay ticket: the clip taken when it was issued (released when used, revoked or expired). */
  replay: ReplayClip | null;
  /** Replay ticket in use: its pacing session. */
  session: ReplaySession | null;
};

const RELAY_PATH = '/relay';

function channelKey(format: RelayFormat, sourceUrl: string): string {
  // The MPEG-1 channels keep the bare URL as key (instant replay looks them up by it).
  return format === 'mpeg1-ts' ? sourceUrl : `${format} ${sourceUrl}`;
}

/**
 * RTSP / MPEG-TS source -> MPEG-TS with MPEG-1 video over WebSocket, for jsmpeg; or, in remux mode, the
 * source's H.264 copied into FLV over WebSocket, for MSE players (mpegts.js).
 * One loopback HTTP/WebSocket server; one ffmpeg per source and format shared by its viewers;
 * every viewer comes in with a one-off ticket.
 */
export class MpegRelay {
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;
  private readonly tickets = new Map<string, Ticket>(); // by token
  private readonly ticketsById = new Map<string, Ticket>();
  /** By channelKey(format, sourceUrl): one ffmpeg per source and output format. */
  private readonly channels = new Map<string, RelayChannel>();
  private readonly replays = new Set<ReplaySession>();
  private readonly status = new Emitter<RelayStatus>();
  private disposed = false;
  private disposing: Promise<void> | null = null;
  private readonly ffmpegPath: string;
  private readonly lingerMs: number;
  private readonly ticketTtlMs: number;

  constructor(private readonly opts: MpegRelayOptions) {
    this.ffmpegPath = opts.ffmpegPath ?? 'ffmpeg';
    this.lingerMs = opts.lingerMs ?? 5000;
    this.ticketTtlMs = opts.ticketTtlMs ?? 30_000;
  }

  /** Binds the relay's HTTP/WebSocket server to 127.0.0.1 on a free port. */
  async start(): Promise<void> {
    if (this.disposed) throw new Error('MpegRelay is disposed');
    if (this.server) return;
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
    server.on('upgrade', (req, socket, head) => this.onUpgrade(wss, req, socket, head));
    this.server = server;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.opts.log('info', 'relay: listening', { port: this.port });
  }

  /** The relay's WebSocket origin (for the Content-Security-Policy); empty before start(). */
  get origin(): string {
    return this.port ? `ws://127.0.0.1:${this.port}` : '';
  }

  /** A one-off ticket for one viewer of `sourceUrl`. Throws RelaySourceError for unsupported sources. */
  issueTicket(sourceUrl: string): { url: string; ticketId: string } {
    this.checkUsable();
    parseSourceUrl(sourceUrl);
    return this.newTicket(sourceUrl, 'mpeg1-ts', null);
  }

  /**
   * A one-off ticket for one viewer of `sourceUrl` remuxed to FLV (H.264 copied, no transcoding): a ws://
   * URL whose messages are an FLV stream (header, onMetaData, AVC sequence header, tags from a keyframe).
   * Shared per source with the same linger and restart rules as the MPEG-1 channels.
   */
  issueFlvTicket(sourceUrl: string): { url: string; ticketId: string } {
    this.checkUsable();
    parseSourceUrl(sourceUrl);
    return this.newTicket(sourceUrl, 'flv', null);
  }

  /**
   * A one-off ticket that replays what the relay kept of `sourceUrl` from the first GOP at or after
   * now - `seconds` up to now, paced in real time, then closes normally (it does not continue live).
   * Throws ConsoleError('unsupported') when nothing of the source is buffered.
   */
  issueReplayTicket(sourceUrl: string, seconds: number): { url: string; ticketId: string } {
    this.checkUsable();
    parseSourceUrl(sourceUrl);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new ConsoleError('bad-request', `回放时长无效: ${seconds}`);
    const clip = this.channels.get(sourceUrl)?.replayClip(seconds) ?? null;
    if (!clip) throw new ConsoleError('unsupported', '该通道最近没有经本机转码播放，无即时回放缓存');
    return this.newTicket(sourceUrl, 'mpeg1-ts', clip);
  }

  private checkUsable(): void {
    if (this.disposed) throw new Error('MpegRelay is disposed');
    if (!this.server) throw new Error('MpegRelay.start() has not completed');
  }

  private newTicket(sourceUrl: string, format: RelayFormat, replay: ReplayClip | null): { url: string; ticketId: string } {
    const token = randomBytes(24).toString('base64url');
    const id = randomBytes(6).toString('hex');
    const ticket: Ticket = { id, token, sourceUrl, format, expiry: null, used: false, channel: null, replay, session: null };
    ticket.expiry = setTimeout(() => {
      if (!ticket.used) this.forgetTicket(ticket);
    }, this.ticketTtlMs);
    ticket.expiry.unref();
    this.tickets.set(token, ticket);
    this.ticketsById.set(id, ticket);
    return { url: `ws://127.0.0.1:${this.port}${RELAY_PATH}?ticket=${token}`, ticketId: id };
  }

  /** Invalidates an unused ticket, or closes the viewer (live or replay) that used it. */
  revokeTicket(ticketId: string): void {
    const ticket = this.ticketsById.get(ticketId);
    if (!ticket) return;
    this.forgetTicket(ticket);
    ticket.channel?.closeViewer(ticket.id, RelayCloseCode.revoked, 'stream closed');
    ticket.session?.stop(RelayCloseCode.revoked, 'stream closed');
  }

  onStatus(listener: (s: RelayStatus) => void): Disposable {
    return this.status.event(listener);
  }

  /** Running sources, for diagnostics and tests. */
  sources(): RelaySourceInfo[] {
    return [...this.channels.values()].map((c) => ({
      sourceUrl: c.sourceUrl,
      format: c.format,
      state: c.currentState,
      viewers: c.viewerCount,
      pid: c.pid,
      replay: c.replayBuffered,
    }));
  }

  /** Closes the server and every viewer, kills every ffmpeg child and waits for them to exit. Idempotent. */
  dispose(): Promise<void> {
    this.disposing ??= this.doDispose();
    return this.disposing;
  }

  private async doDispose(): Promise<void> {
    this.disposed = true;
    for (const t of [...this.tickets.values()]) this.forgetTicket(t);
    // Replays stop pacing at once; their sockets close with the rest below.
    for (const r of [...this.replays]) r.stop(RelayCloseCode.shutdown, 'relay shutting down');
    this.replays.clear();
    await Promise.all([...this.channels.values()].map((c) => c.dispose()));
    this.channels.clear();
    const wss = this.wss;
    const server = this.server;
    this.wss = null;
    this.server = null;
    if (wss) {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.status.dispose();
  }

  private forgetTicket(ticket: Ticket): void {
    if (ticket.expiry) clearTimeout(ticket.expiry);
    ticket.expiry = null;
    ticket.replay = null;
    this.tickets.delete(ticket.token);
    this.ticketsById.delete(ticket.id);
  }

  private onUpgrade(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      rejectUpgrade(socket, 400, 'Bad Request');
      return;
    }
    if (url.pathname !== RELAY_PATH || this.disposed) {
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    const token = url.searchParams.get('ticket') ?? '';
    const ticket = this.tickets.get(token);
    // The ticket is consumed before the handshake completes, so it can never be used twice.
    if (ticket) {
      ticket.used = true;
      this.tickets.delete(token);
      if (ticket.expiry) clearTimeout(ticket.expiry);
      ticket.expiry = null;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!ticket || this.disposed) {
        // Accept, then close with a code the player can map ("ticket invalid" rather than "relay down").
        this.opts.log('warn', 'relay: refused viewer with an invalid ticket', {});
        ws.close(RelayCloseCode.badTicket, 'invalid or expired ticket');
        return;
      }
      if (ticket.replay) this.attachReplay(ticket, ticket.replay, ws);
      else this.attachViewer(ticket, ws);
    });
  }

  private attachViewer(ticket: Ticket, ws: WebSocket): void {
    const key = channelKey(ticket.format, ticket.sourceUrl);
    let channel = this.channels.get(key);
    if (!channel) {
      const created: RelayChannel = new RelayChannel(ticket.sourceUrl, {
        ...this.opts.channel,
        format: ticket.format,
        ffmpegPath: this.ffmpegPath,
        lingerMs: this.lingerMs,
        log: this.opts.log,
        onStatus: (s) => this.status.fire(s),
        onIdle: () => {
          if (this.channels.get(key) === created && created.viewerCount === 0) {
            this.channels.delete(key);
          }
        },
      });
      channel = created;
      this.channels.set(key, channel);
    }
    ticket.channel = channel;
    ws.once('close', () => {
      // The viewer is gone: the ticket cannot be used again, drop the bookkeeping.
      this.ticketsById.delete(ticket.id);
    });
    this.opts.log('info', 'relay: viewer connected', { source: redactUrls(ticket.sourceUrl), format: ticket.format, ticketId: ticket.id });
    channel.addViewer(ws, ticket.id);
  }

  private attachReplay(ticket: Ticket, clip: ReplayClip, ws: WebSocket): void {
    ticket.replay = null;
    const session: ReplaySession = new ReplaySession(ws, clip, {
      hardBytes: this.opts.channel?.viewerBuffer?.hardBytes ?? 8 * 1024 * 1024,
      slowCode: RelayCloseCode.slowViewer,
      onEnd: () => {
        this.replays.delete(session);
        // The ticket cannot be used again; drop the bookkeeping.
        this.ticketsById.delete(ticket.id);
      },
    });
    ticket.session = session;
    this.replays.add(session);
    this.opts.log('info', 'relay: replay viewer connected', {
      source: redactUrls(ticket.sourceUrl),
      ticketId: ticket.id,
      spanMs: Math.round(clip.endAt - clip.startAt),
      bytes: clip.bytes,
    });
    session.start();
  }
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
