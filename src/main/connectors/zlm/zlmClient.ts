import { ConsoleError } from '../../../shared/contract/rpc';

/**
 * ZLMediaKit's HTTP API (`/index/api/<name>?secret=...`): every answer is `{code, msg?, data?}` with HTTP 200, code 0
 * meaning success, -100 a wrong secret (AuthException "Incorrect secret"), -300 missing arguments, -1 other failures.
 * Errors are ConsoleErrors with zh-CN messages; the secret is in every query string, so no URL ever appears in one.
 */
export type ZlmFetch = (input: string, init: { method?: string; headers?: Record<string, string>; signal?: AbortSignal | null }) => Promise<Response>;

export type ZlmEnvelope = { code: number; msg: string | null; data: unknown; raw: Record<string, unknown> };

/** ZLMediaKit API codes (WebApi.h, API::ApiErr). */
export const ZLM_AUTH_FAILED = -100;

export class ZlmApiError extends ConsoleError {
  constructor(
    readonly zlmCode: number,
    readonly zlmMsg: string | null,
    message: string,
  ) {
    super(zlmCode === ZLM_AUTH_FAILED ? 'unauthorized' : 'unavailable', message);
  }
}

export type ZlmClientOptions = { baseUrl: string; secret: string; fetchImpl?: ZlmFetch; timeoutMs?: number };

const DEFAULT_TIMEOUT_MS = 8_000;

export class ZlmClient {
  readonly baseUrl: string;
  private readonly fetchImpl: ZlmFetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: ZlmClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get label(): string {
    return `ZLMediaKit ${this.baseUrl}`;
  }

  /** One API call (`name` like "getMediaList"); returns the whole envelope of a code-0 answer. */
  async call(name: string, query: Record<string, string | number | undefined> = {}, timeoutMs = this.timeoutMs): Promise<ZlmEnvelope> {
    const url = new URL(`${this.baseUrl}/index/api/${name}`);
    url.searchParams.set('secret', this.options.secret);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    let status: number;
    let text: string;
    try {
      const res = await this.fetchImpl(url.toString(), { method: 'GET', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      status = res.status;
      text = await res.text();
    } catch (err) {
      const errName = err instanceof Error ? err.name : '';
      if (errName === 'TimeoutError' || errName === 'AbortError') {
        throw new ConsoleError('unavailable', `${this.label}（${name}）：请求超时（${Math.round(timeoutMs / 100) / 10} 秒）`);
      }
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
      const causeCode = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
      // Only the socket error's code, or the message with the URL (and its secret) cut out.
      const detail = causeCode ?? (err instanceof Error ? err.message : String(err)).split(url.toString()).join('').split(url.search).join('');
      throw new ConsoleError('unavailable', `无法连接 ${this.label}（${name}）：${detail}`);
    }
    if (status === 404) throw new ConsoleError('not-found', `${this.label}（${name}）：接口不存在 HTTP 404（地址不是 ZLMediaKit 的 HTTP 端口？）`);
    if (status < 200 || status >= 300) throw new ConsoleError('unavailable', `${this.label}（${name}）：HTTP ${status}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ConsoleError('unavailable', `${this.label}（${name}）：返回的不是有效的 JSON（地址不是 ZLMediaKit 的 HTTP 端口？）`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json) || typeof (json as { code?: unknown }).code !== 'number') {
      throw new ConsoleError('unavailable', `${this.label}（${name}）：返回格式不正确（缺少 code）`);
    }
    const raw = json as Record<string, unknown>;
    const env: ZlmEnvelope = { code: raw.code as number, msg: typeof raw.msg === 'string' ? raw.msg : null, data: raw.data, raw };
    if (env.code === ZLM_AUTH_FAILED) {
      throw new ZlmApiError(env.code, env.msg, `${this.label}：ZLMediaKit secret 不正确（${env.msg ?? 'Incorrect secret'}），请在“设置 → 视频平台”中填写 config.ini 的 api.secret`);
    }
    if (env.code !== 0) throw new ZlmApiError(env.code, env.msg, `${this.label}（${name}）：${scrubUrls(env.msg ?? '请求失败')}（code ${env.code}）`);
    return env;
  }
}

/** Credentials in URLs a message may echo (rtsp://user:pass@host) replaced by ***. */
export function scrubUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
