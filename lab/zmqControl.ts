/**
 * Runtime control of a running ffmpeg through its `zmq` filter: a minimal ZMTP 3.0 client (NULL security,
 * DEALER socket) over the filter's ipc:// (Unix socket) endpoint. Each message is `<target> <command> <arg>`;
 * the filter applies every queued message before the next frame passes it and answers `<errno> <text>`
 * (`0 Success`). A DEALER may pipeline many requests, unlike REQ, so one batch of commands lands on one frame.
 *
 * Why not ffmpeg's interactive stdin (`c<target> <time> <command> <arg>`): it works with a pipe, but ffmpeg
 * polls stdin for one key every 100 ms, so each command costs ~120 ms and a pan+tilt+zoom update ~360 ms
 * (measured here, ffmpeg 5.1). Through zmq a whole batch is applied within one frame (≤ 40 ms).
 *
 * Reconnects by itself (the camera's ffmpeg may restart); `onReady` runs after every handshake.
 */
import { connect, type Socket } from 'node:net';

const SIGNATURE_FIRST = 0xff;
const SIGNATURE_LAST = 0x7f;
const FLAG_MORE = 0x01;
const FLAG_LONG = 0x02;
const FLAG_COMMAND = 0x04;
const RETRY_MS = 200;
/** More unanswered requests than this means the graph is stuck: drop the connection and start over. */
const MAX_PENDING = 500;

export type ZmqReply = { code: number; text: string };

function frame(flags: number, body: Buffer): Buffer {
  if (body.length < 256) return Buffer.concat([Buffer.from([flags, body.length]), body]);
  const head = Buffer.alloc(9);
  head[0] = flags | FLAG_LONG;
  head.writeBigUInt64BE(BigInt(body.length), 1);
  return Buffer.concat([head, body]);
}

function greeting(): Buffer {
  const g = Buffer.alloc(64);
  g[0] = SIGNATURE_FIRST;
  g[9] = SIGNATURE_LAST;
  g[10] = 3; // version 3.0
  g[11] = 0;
  g.write('NULL', 12, 'ascii'); // mechanism, zero-padded to 20 bytes; as-server 0; filler
  return g;
}

function readyCommand(socketType: string): Buffer {
  const name = Buffer.from('Socket-Type', 'ascii');
  const value = Buffer.from(socketType, 'ascii');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(value.length);
  return frame(FLAG_COMMAND, Buffer.concat([Buffer.from([5]), Buffer.from('READY', 'ascii'), Buffer.from([name.length]), name, len, value]));
}

export function parseReply(body: string): ZmqReply {
  const m = /^(-?\d+) ?([\s\S]*)$/.exec(body);
  return m ? { code: Number(m[1]), text: (m[2] ?? '').trim() } : { code: -1, text: body };
}

export class ZmqControl {
  private socket: Socket | null = null;
  private ready = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private greeted = false;
  private parts: Buffer[] = [];
  private readonly pending: Array<{ resolve: (r: ZmqReply) => void; reject: (e: Error) => void }> = [];
  /** Completed handshakes so far. */
  connections = 0;

  constructor(
    /** Path of the filter's ipc:// endpoint. */
    readonly path: string,
    private readonly onReady: () => void,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get connected(): boolean {
    return this.ready;
  }

  /** Starts connecting (and reconnecting whenever the connection drops) until close(). */
  start(): void {
    this.closed = false;
    if (!this.socket && !this.retryTimer) this.open();
  }

  /** Retries at once, e.g. after the camera was respawned, instead of waiting for the next retry tick. */
  kick(): void {
    if (this.closed || this.socket) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), 50);
  }

  /**
   * Sends the messages in one write; resolves with one reply each, in order. Null when not connected
   * (the caller re-sends its whole state from onReady).
   */
  send(messages: readonly string[]): Promise<ZmqReply[]> | null {
    const socket = this.socket;
    if (!socket || !this.ready || messages.length === 0) return messages.length === 0 ? Promise.resolve([]) : null;
    const replies = messages.map(
      (): Promise<ZmqReply> => new Promise((resolve, reject) => this.pending.push({ resolve, reject })),
    );
    socket.write(Buffer.concat(messages.flatMap((m) => [frame(FLAG_MORE, Buffer.alloc(0)), frame(0, Buffer.from(m, 'utf8'))])));
    if (this.pending.length > MAX_PENDING) {
      this.log(`zmq ${this.path}: ${this.pending.length} requests unanswered, reconnecting`);
      socket.destroy();
    }
    return Promise.all(replies);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.destroy();
    this.socket = null;
    this.ready = false;
    this.failPending(new Error('zmq control closed'));
  }

  private open(): void {
    this.retryTimer = null;
    if (this.closed) return;
    const socket = connect({ path: this.path });
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.greeted = false;
    this.parts = [];
    socket.on('connect', () => {
      socket.write(greeting());
      socket.write(readyCommand('DEALER'));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.onData(chunk);
      } catch (err) {
        this.log(`zmq ${this.path}: ${err instanceof Error ? err.message : String(err)}`);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined); // 'close' follows; ENOENT/ECONNREFUSED while ffmpeg starts
    socket.on('close', () => {
      if (this.socket !== socket) return;
      if (this.ready) this.log(`zmq ${this.path}: disconnected`);
      this.socket = null;
      this.ready = false;
      this.failPending(new Error('zmq connection lost'));
      if (!this.closed) this.retryTimer = setTimeout(() => this.open(), RETRY_MS);
    });
  }

  private failPending(err: Error): void {
    for (const p of this.pending.splice(0)) p.reject(err);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.greeted) {
      if (this.buffer.length < 64) return;
      if (this.buffer[0] !== SIGNATURE_FIRST || this.buffer[9] !== SIGNATURE_LAST || (this.buffer[10] ?? 0) < 3) {
        throw new Error('peer is not a ZMTP 3 endpoint');
      }
      this.greeted = true;
      this.buffer = this.buffer.subarray(64);
    }
    for (;;) {
      if (this.buffer.length < 2) return;
      const flags = this.buffer[0] ?? 0;
      let size: number;
      let head: number;
      if (flags & FLAG_LONG) {
        if (this.buffer.length < 9) return;
        size = Number(this.buffer.readBigUInt64BE(1));
        head = 9;
      } else {
        size = this.buffer[1] ?? 0;
        head = 2;
      }
      if (this.buffer.length < head + size) return;
      const body = this.buffer.subarray(head, head + size);
      this.buffer = this.buffer.subarray(head + size);
      if (flags & FLAG_COMMAND) this.onCommand(body);
      else this.onFrame(body, (flags & FLAG_MORE) !== 0);
    }
  }

  private onCommand(body: Buffer): void {
    const nameLength = body[0] ?? 0;
    const name = body.subarray(1, 1 + nameLength).toString('ascii');
    if (name === 'READY' && !this.ready) {
      this.ready = true;
      this.connections++;
      this.onReady();
    } else if (name === 'ERROR') {
      throw new Error(`peer error: ${body.subarray(2 + nameLength).toString('ascii')}`);
    }
    // PING/PONG and other commands: nothing to do (no heartbeats configured on either side).
  }

  private onFrame(body: Buffer, more: boolean): void {
    this.parts.push(Buffer.from(body));
    if (more) return;
    const parts = this.parts;
    this.parts = [];
    // A REP peer answers a DEALER with the empty delimiter, then the reply.
    const reply = parts[parts.length - 1]?.toString('utf8') ?? '';
    this.pending.shift()?.resolve(parseReply(reply));
  }
}
