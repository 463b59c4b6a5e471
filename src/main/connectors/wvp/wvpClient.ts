import { createHash } from 'node:crypto';
import { ConsoleError } from '../../../shared/contract/rpc';

/**
 * A small WVP-GB28181-pro REST client: login with the md5 of the password, the JWT in the `access-token`
 * header on every call, renewal before expiry and one re-login on HTTP 401, the `{code, msg, data}` envelope.
 * Errors are ConsoleErrors with zh-CN messages; neither the password nor the token ever appears in one
 * (nor does a query string: the login query carries the password hash).
 */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type WvpClientOptions = {
  /** e.g. http://wvp.example:18080 (a trailing slash is fine). */
  baseUrl: string;
  username: string;
  password: string;
  /** Per-request time limit; play/start may pass a longer one (WVP holds it open until the stream is ready). */
  timeoutMs?: number;
  fetchImpl?: FetchLike;
  now?: () => number;
};

export type WvpQuery = Record<string, string | number | boolean | undefined>;
export type WvpRequestOptions = { method?: 'GET' | 'POST'; query?: WvpQuery; timeoutMs?: number };

/** WVP answers HTTP 200 with code 401 in the envelope as well as HTTP 401 when the token is missing or expired. */
const UNAUTHORIZED = 401;
/** Renew this long before the JWT says it expires. */
const RENEW_MARGIN_MS = 60_000;
/** Token lifetime assumed when the JWT cannot be decoded (WVP issues ~60 min). */
const FALLBACK_LIFETIME_MS = 50 * 60_000;
const DEFAULT_TIMEOUT_MS = 8_000;

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** `exp` of a JWT in ms, or null when it is not a decodable JWT. */
export function jwtExpiryMs(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (payload && typeof payload === 'object' && 'exp' in payload && typeof payload.exp === 'number' && Number.isFinite(payload.exp)) {
      return payload.exp * 1000;
    }
  } catch {
    return null;
  }
  return null;
}

type Envelope = { code: number; msg: string; data: unknown };

function parseEnvelope(text: string, label: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConsoleError('internal', `${label}：返回的不是有效的 JSON`);
  }
  if (!json || typeof json !== 'object' || !('code' in json) || typeof json.code !== 'number') {
    throw new ConsoleError('internal', `${label}：返回格式不正确（缺少 code 字段）`);
  }
  const msg = 'msg' in json && typeof json.msg === 'string' ? json.msg : '';
  return { code: json.code, msg, data: 'data' in json ? json.data : undefined };
}

class Unauthorized extends Error {}

/** WVP answered, with a non-zero envelope code (device offline, no such channel ...). */
export class WvpApiError extends ConsoleError {
  constructor(
    readonly wvpCode: number,
    message: string,
  ) {
    super('unavailable', message);
  }
}

export class WvpClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private token: string | null = null;
  private renewAt = 0;
  private loggingIn: Promise<string> | null = null;

  constructor(private readonly options: WvpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** For messages: the server, never credentials. */
  get label(): string {
    return `WVP ${this.baseUrl}`;
  }

  /** Drops the token; the next call logs in again. */
  logout(): void {
    this.token = null;
    this.renewAt = 0;
  }

  /**
   * One API call; returns the envelope's `data`. Logs in when there is no token or it is about to expire;
   * on 401 logs in once more and retries once.
   */
  async request(path: string, options: WvpRequestOptions = {}): Promise<unknown> {
    const token = await this.validToken();
    try {
      return await this.call(path, options, token);
    } catch (err) {
      if (!(err instanceof Unauthorized)) throw err;
    }
    this.logout();
    const fresh = await this.validToken();
    try {
      return await this.call(path, options, fresh);
    } catch (err) {
      if (err instanceof Unauthorized) throw new ConsoleError('unauthorized', `${this.label}：重新登录后仍被拒绝访问（${path}），请检查账号权限`);
      throw err;
    }
  }

  private async validToken(): Promise<string> {
    if (this.token && this.now() < this.renewAt) return this.token;
    this.loggingIn ??= this.login().finally(() => {
      this.loggingIn = null;
    });
    return this.loggingIn;
  }

  private async login(): Promise<string> {
    const path = '/api/user/login';
    const query = { username: this.options.username, password: md5Hex(this.options.password) };
    const res = await this.send(path, { method: 'GET', query }, null);
    if (res.status === UNAUTHORIZED || res.status === 403) throw this.badCredentials();
    this.checkStatus(res.status, path);
    const env = parseEnvelope(res.text, `${this.label} 登录`);
    if (env.code !== 0) throw this.badCredentials(env.msg);
    const data = env.data;
    const token = data && typeof data === 'object' && 'accessToken' in data && typeof data.accessToken === 'string' ? data.accessToken : null;
    if (!token) throw new ConsoleError('internal', `${this.label} 登录：返回中没有 accessToken`);
    const exp = jwtExpiryMs(token);
    const now = this.now();
    this.token = token;
    this.renewAt = exp !== null ? Math.max(now, exp - RENEW_MARGIN_MS) : now + FALLBACK_LIFETIME_MS;
    return token;
  }

  private badCredentials(msg?: string): ConsoleError {
    return new ConsoleError('unauthorized', `${this.label}：用户名或密码错误${msg ? `（${msg}）` : ''}`);
  }

  private async call(path: string, options: WvpRequestOptions, token: string): Promise<unknown> {
    const res = await this.send(path, options, token);
    if (res.status === UNAUTHORIZED) throw new Unauthorized();
    this.checkStatus(res.status, path);
    const env = parseEnvelope(res.text, `${this.label}（${path}）`);
    if (env.code === UNAUTHORIZED) throw new Unauthorized();
    if (env.code !== 0) throw new WvpApiError(env.code, `${this.label}（${path}）：${env.msg || '请求失败'}（code ${env.code}）`);
    return env.data;
  }

  private checkStatus(status: number, path: string): void {
    if (status >= 500) throw new ConsoleError('unavailable', `${this.label}（${path}）：服务器错误 HTTP ${status}`);
    if (status === 404) throw new ConsoleError('not-found', `${this.label}（${path}）：接口不存在 HTTP 404（WVP 版本不同？）`);
    if (status < 200 || status >= 300) throw new ConsoleError('unavailable', `${this.label}（${path}）：HTTP ${status}`);
  }

  private async send(path: string, options: WvpRequestOptions, token: string | null): Promise<{ status: number; text: string }> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['access-token'] = token;
    try {
      const res = await this.fetchImpl(url.toString(), {
        method: options.method ?? 'GET',
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ConsoleError('unavailable', `${this.label}（${path}）：请求超时（${Math.round(timeoutMs / 100) / 10} 秒）`);
      }
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
      const causeCode = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
      // The URL (with its query: the login carries the password hash) is cut out of whatever the fetch says.
      const detail = (causeCode ?? (err instanceof Error ? err.message : String(err))).split(url.search).join('').split(url.toString()).join('');
      throw new ConsoleError('unavailable', `无法连接 ${this.label}（${path}）：${detail}`);
    }
  }
}
