import type { EventName, RequestName } from '../../shared/contract/consoleApi';
import type { RpcTransport } from '../../shared/contract/client';
import { rpcSubprotocols, serverMessageSchema, type ClientMessage, type RpcResult } from '../../shared/contract/rpc';
import { toDisposable, type Disposable } from '../../shared/lifecycle';

type Pending = { resolve: (r: RpcResult) => void; timer: ReturnType<typeof setTimeout> };

/**
 * ConsoleApi transport over the web host's WebSocket. Reconnects with back-off, fails pending
 * requests as `unavailable` when the socket drops, re-subscribes events after a reconnect.
 */
export class WsTransport implements RpcTransport, Disposable {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private retryMs = 250;
  private disposed = false;
  private opened: Promise<void> | null = null;
  private connectionListener: ((up: boolean) => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Resolves on the first successful connection; rejects if the first attempt fails (bad token, host down). */
  connect(): Promise<void> {
    this.opened ??= new Promise((resolve, reject) => {
      this.open(resolve, reject);
    });
    return this.opened;
  }

  onConnectionChange(listener: (up: boolean) => void): void {
    this.connectionListener = listener;
  }

  request(method: RequestName, input: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise<RpcResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'timeout', message: `${method} 请求超时 (${timeoutMs} ms)` } });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      if (!this.send({ t: 'req', id, method, input })) {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'unavailable', message: '与控制台服务的连接已断开' } });
      }
    });
  }

  subscribe(event: EventName, listener: (payload: unknown) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
      this.send({ t: 'sub', event });
    }
    set.add(listener);
    return toDisposable(() => {
      const current = this.listeners.get(event);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(event);
        this.send({ t: 'unsub', event });
      }
    });
  }

  dispose(): void {
    this.disposed = true;
    this.ws?.close();
    this.failPending();
  }

  private open(onFirstOpen?: () => void, onFirstFail?: (e: Error) => void): void {
    if (this.disposed) return;
    const ws = new WebSocket(this.url, rpcSubprotocols(this.token));
    this.ws = ws;
    let wasOpen = false;
    ws.onopen = () => {
      wasOpen = true;
      this.retryMs = 250;
      for (const event of this.listeners.keys()) this.send({ t: 'sub', event });
      this.connectionListener?.(true);
      onFirstOpen?.();
    };
    ws.onmessage = (msg) => this.onMessage(msg.data);
    ws.onclose = () => {
      this.ws = null;
      this.failPending();
      if (!wasOpen && onFirstFail) {
        onFirstFail(new Error('无法连接控制台服务（地址或会话令牌无效，或服务未启动）'));
        return;
      }
      this.connectionListener?.(false);
      if (this.disposed) return;
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5_000);
    };
  }

  private send(msg: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = serverMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.t === 'res') {
      const entry = this.pending.get(msg.id);
      if (!entry) return;
      this.pending.delete(msg.id);
      clearTimeout(entry.timer);
      entry.resolve(msg.result);
    } else if (msg.t === 'evt') {
      for (const listener of this.listeners.get(msg.event as EventName) ?? []) listener(msg.payload);
    }
  }

  private failPending(): void {
    for (const [, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve({ ok: false, error: { code: 'unavailable', message: '与控制台服务的连接已断开' } });
    }
    this.pending.clear();
  }
}
