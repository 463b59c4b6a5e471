/**
 * A small client of the Hikvision artemis OpenAPI gateway: signed JSON POSTs to `<origin>/artemis<path>`,
 * replies `{code:"0", msg, data}`. Every failure becomes a ConsoleError with a zh-CN message:
 *   network errors, timeouts, HTTP 5xx/other  → 'unavailable'
 *   HTTP 401/403, gateway auth codes 0x024010xx → 'unauthorized'
 *   a reply that is not the artemis JSON envelope, or data of the wrong shape → 'internal'
 *   any other non-"0" code                     → 'unavailable' (the platform refused; its msg is quoted)
 * The appSecret never appears in a message or a log line.
 *
 * TLS: the transport is an injected `fetch`-like function, so a deployment with the platform's own CA can pass a
 * fetch bound to an undici Agent later; tests pass the global fetch against a local http server.
 */
import type { z } from 'zod';
import { ConsoleError } from '../../../shared/contract/rpc';
import { signArtemisRequest } from './artemisSign';

export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'error' },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export type ArtemisClientOptions = {
  /** `https://artemis.example:443` (no path; the client adds `/artemis`). */
  origin: string;
  appKey: string;
  appSecret: string;
  timeoutMs?: number;
  fetchImpl?: FetchLike;
  now?: () => number;
  nonce?: () => string;
};

export const ARTEMIS_PREFIX = '/artemis';
const DEFAULT_TIMEOUT_MS = 10_000;
const MSG_MAX = 200;

/** Gateway authentication failures (signature, unknown appKey, expired timestamp …) share this code prefix. */
function isAuthCode(code: string): boolean {
  return /^0x024010[0-9a-f]{2}$/i.test(code);
}

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > MSG_MAX ? `${t.slice(0, MSG_MAX)}…` : t;
}

type Envelope = { code: string; msg: string; data: unknown };

function parseEnvelope(text: string): Envelope | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if (typeof o.code !== 'string' && typeof o.code !== 'number') return null;
  return { code: String(o.code), msg: typeof o.msg === 'string' ? o.msg : '', data: o.data };
}

export class ArtemisClient {
  readonly origin: string;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;

  constructor(private readonly options: ArtemisClientOptions) {
    let url: URL;
    try {
      url = new URL(options.origin);
    } catch {
      throw new ConsoleError('bad-request', `海康平台地址无效：${short(options.origin)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConsoleError('bad-request', `海康平台地址须为 https://主机[:端口]：${short(options.origin)}`);
    }
    this.origin = url.origin;
    this.fetchImpl = options.fetchImpl ?? ((u, init) => fetch(u, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** POSTs `body` to `/artemis<path>` and returns `data`, parsed with `schema`. */
  async post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const fullPath = `${ARTEMIS_PREFIX}${path}`;
    const json = JSON.stringify(body);
    const headers = signArtemisRequest({
      appKey: this.options.appKey,
      appSecret: this.options.appSecret,
      method: 'POST',
      path: fullPath,
      body: json,
      ...(this.options.now ? { now: this.options.now } : {}),
      ...(this.options.nonce ? { nonce: this.options.nonce } : {}),
    });
    let status: number;
    let text: string;
    try {
      const res = await this.fetchImpl(`${this.origin}${fullPath}`, {
        method: 'POST',
        headers,
        body: json,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ConsoleError('unavailable', `海康平台 ${this.origin} 在 ${this.timeoutMs} ms 内未响应（${path}）`);
      }
      const cause = err instanceof Error && err.cause instanceof Error ? `：${short(err.cause.message)}` : '';
      throw new ConsoleError('unavailable', `无法连接海康平台 ${this.origin}（${path}）${cause}`);
    }

    const envelope = parseEnvelope(text);
    if (status === 401 || status === 403 || (envelope && isAuthCode(envelope.code))) {
      const detail = envelope ? `${envelope.code} ${short(envelope.msg)}`.trim() : `HTTP ${status}`;
      throw new ConsoleError('unauthorized', `海康平台拒绝了签名或 appKey（${detail}），请检查 appKey/appSecret 与本机时间`);
    }
    if (status < 200 || status >= 300) {
      const detail = envelope ? `，${envelope.code} ${short(envelope.msg)}` : '';
      throw new ConsoleError('unavailable', `海康平台返回 HTTP ${status}（${path}）${detail}`);
    }
    if (!envelope) {
      throw new ConsoleError('internal', `海康平台的应答不是预期的 JSON（${path}）：${short(text) || '空应答'}`);
    }
    if (envelope.code !== '0') {
      throw new ConsoleError('unavailable', `海康平台拒绝请求 ${path}：${envelope.code} ${short(envelope.msg)}`.trim());
    }
    const parsed = schema.safeParse(envelope.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(data)'}: ${issue.message}` : '';
      throw new ConsoleError('internal', `海康平台的应答数据格式不符（${path}）${where ? `：${short(where)}` : ''}`);
    }
    return parsed.data as z.infer<S>;
  }
}
