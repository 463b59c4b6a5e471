import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';

/** Janus answers we read; anything else in the message is ignored. */
const janusReplySchema = z.object({
  janus: z.string(),
  transaction: z.string().optional(),
  session_id: z.number().optional(),
  data: z.object({ id: z.number() }).passthrough().optional(),
  plugindata: z.object({ plugin: z.string(), data: z.record(z.string(), z.unknown()) }).optional(),
  error: z.object({ code: z.number(), reason: z.string() }).optional(),
});
type JanusReply = z.infer<typeof janusReplySchema>;

export class JanusError extends Error {
  constructor(message: string, readonly code: number | null = null) {
    super(message);
    this.name = 'JanusError';
  }
}

/**
 * A minimal Janus WebSocket API client for the Node side: one session, plugin handles,
 * synchronous plugin requests with a timeout, keepalive. Media never touches it.
 */
export class JanusClient {
  private ws: WebSocket | null = null;
  private sessionId: number | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private readonly pending = new Map<string, { resolve: (r: JanusReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private closedListener: ((reason: string) => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {}

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.sessionId !== null;
  }

  onClosed(listener: (reason: string) => void): void {
    this.closedListener = listener;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    this.close();
    const ws = new WebSocket(this.url, 'janus-protocol', { handshakeTimeout: this.timeoutMs });
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => reject(new JanusError(`无法连接 Janus ${this.url}: ${err.message}`)));
    });
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('error', () => undefined);
    ws.on('close', () => this.onSocketClosed('连接已断开'));
    const created = await this.send({ janus: 'create' });
    const id = created.data?.id;
    if (typeof id !== 'number') throw new JanusError('Janus 未返回会话编号');
    this.sessionId = id;
    this.keepalive = setInterval(() => {
      this.send({ janus: 'keepalive', session_id: this.sessionId }).catch(() => undefined);
    }, 25_000);
  }

  async attach(plugin: string): Promise<number> {
    const reply = await this.send({ janus: 'attach', plugin, session_id: this.sessionId });
    const id = reply.data?.id;
    if (typeof id !== 'number') throw new JanusError(`Janus 无法加载插件 ${plugin}`);
    return id;
  }

  /** A synchronous plugin request: returns the plugin's `data`. */
  async request(handleId: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.send({ janus: 'message', session_id: this.sessionId, handle_id: handleId, body });
    const data = reply.plugindata?.data;
    if (!data) throw new JanusError('Janus 插件无应答');
    if (typeof data.error === 'string') throw new JanusError(data.error, typeof data.error_code === 'number' ? data.error_code : null);
    return data;
  }

  close(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
    const ws = this.ws;
    this.ws = null;
    this.sessionId = null;
    if (ws) {
      ws.removeAllListeners('close');
      ws.on('error', () => undefined);
      ws.close();
    }
    this.failPending('客户端已关闭');
  }

  private send(message: Record<string, unknown>): Promise<JanusReply> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new JanusError('Janus 未连接'));
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError(`Janus 请求超时 (${String(message.janus)})`));
      }, this.timeoutMs);
      this.pending.set(transaction, { resolve, reject, timer });
      ws.send(JSON.stringify({ ...message, transaction }));
    });
  }

  private onMessage(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = janusReplySchema.safeParse(json);
    if (!parsed.success || !parsed.data.transaction) return;
    const reply = parsed.data;
    if (reply.janus === 'ack') return; // wait for the real answer
    const entry = this.pending.get(reply.transaction!);
    if (!entry) return;
    this.pending.delete(reply.transaction!);
    clearTimeout(entry.timer);
    if (reply.janus === 'error') entry.reject(new JanusError(reply.error?.reason ?? 'Janus 错误', reply.error?.code ?? null));
    else entry.resolve(reply);
  }

  private onSocketClosed(reason: string): void {
    this.close();
    this.closedListener?.(reason);
  }

  private failPending(reason: string): void {
    for (const [, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new JanusError(reason));
    }
    this.pending.clear();
  }
}
