import { WebSocket } from 'ws';
import type { ReplayClip } from './replayBuffer';

export type ReplaySessionOptions = {
  /** A viewer whose socket buffers more than this is dropped with `slowCode`. */
  hardBytes: number;
  slowCode: number;
  /** Called once when the session ends, however it ends. */
  onEnd: () => void;
};

/** Close code of a replay that sent its whole clip (a normal closure). */
export const REPLAY_DONE_CODE = 1000;
/** Chunks due within this many ms are sent together (fewer, bigger WebSocket frames). */
const BATCH_MS = 4;

/**
 * Sends one ReplayClip to one WebSocket, paced by the chunks' arrival times so the player sees the same
 * rhythm as live; closes with a normal code once the clip is sent. Never continues live.
 */
export class ReplaySession {
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  private t0 = 0;
  private ended = false;
  sentBytes = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly clip: ReplayClip,
    private readonly opts: ReplaySessionOptions,
  ) {}

  start(): void {
    this.ws.on('close', () => this.finish());
    this.ws.on('error', () => this.finish());
    this.t0 = performance.now();
    if (this.clip.prefix && !this.write(this.clip.prefix)) return;
    this.pump();
  }

  /** Stops pacing and closes the socket with `code` (cut after a second if the close frame cannot leave). */
  stop(code: number, reason: string): void {
    if (this.ended) return;
    this.finish();
    const ws = this.ws;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
      ws.close(code, reason);
      if (code !== REPLAY_DONE_CODE) setTimeout(() => ws.terminate(), 1000).unref();
    }
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private pump(): void {
    this.timer = null;
    if (this.ended) return;
    if (this.ws.readyState !== WebSocket.OPEN) {
      this.finish();
      return;
    }
    const chunks = this.clip.chunks;
    const base = this.clip.startAt;
    const elapsed = performance.now() - this.t0;
    const due: Buffer[] = [];
    for (let c = chunks[this.next]; c && c.at - base <= elapsed + BATCH_MS; c = chunks[this.next]) {
      due.push(c.data);
      this.next++;
    }
    if (due.length > 0 && !this.write(due.length === 1 ? (due[0] as Buffer) : Buffer.concat(due))) return;
    const upcoming = chunks[this.next];
    if (!upcoming) {
      this.stop(REPLAY_DONE_CODE, 'replay finished');
      return;
    }
    const delay = Math.max(0, upcoming.at - base - (performance.now() - this.t0));
    this.timer = setTimeout(() => this.pump(), delay);
  }

  private write(data: Buffer): boolean {
    if (this.ws.bufferedAmount > this.opts.hardBytes) {
      this.stop(this.opts.slowCode, 'viewer too slow');
      return false;
    }
    this.ws.send(data, { binary: true });
    this.sentBytes += data.length;
    return true;
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.ended) return;
    this.ended = true;
    this.opts.onEnd();
  }
}
