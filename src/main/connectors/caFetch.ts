import https from 'node:https';
import type { IncomingMessage } from 'node:http';

/**
 * A fetch for one backend that trusts its own CA (private-network platforms with certificates no public CA signed),
 * built on node:https (undici is not a direct dependency, so its Agent is not used). http:// URLs go to the global
 * fetch unchanged. Failures look like fetch's: a TypeError('fetch failed') whose `cause` carries the socket error's
 * `code` (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT ...), AbortError/TimeoutError from the signal as they are.
 * Only string bodies are supported (the connectors send JSON or nothing); redirects are not followed.
 */
export type CaFetchInit = { method?: string; headers?: HeadersInit; body?: BodyInit | null; signal?: AbortSignal | null };

export function fetchTrustingCa(caPem: string): (input: string, init: CaFetchInit) => Promise<Response> {
  const agent = new https.Agent({ ca: caPem, keepAlive: true, maxSockets: 8 });
  return (input, init) => {
    const url = new URL(input);
    if (url.protocol !== 'https:') return fetch(input, init as RequestInit);
    if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') {
      return Promise.reject(new TypeError('fetchTrustingCa: only string bodies are supported'));
    }
    const body = init.body ?? undefined;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
        return;
      }
      const req = https.request(url, { method: init.method ?? 'GET', headers, agent });
      const onAbort = (): void => {
        req.destroy();
        reject(signal?.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new TypeError('fetch failed', { cause: err }));
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new TypeError('fetch failed', { cause: err })));
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
          // Response refuses a body for null-body statuses and any status outside 200..599.
          const nullBody = status === 204 || status === 205 || status === 304;
          const safeStatus = status >= 200 && status <= 599 ? status : 502;
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status: safeStatus, headers: responseHeaders }));
        });
      });
      req.end(body);
    });
  };
}
