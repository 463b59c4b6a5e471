import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, type LoopbackListener } from '../../services/loopbackServer';

/**
 * A local stand-in for a Hikvision artemis gateway (综合安防 ISC) in tests: checks each request's X-Ca-Signature the
 * way the gateway does and answers a badly signed one 401; the others go to the test's handler. Used by tests only.
 */
export const APP_KEY = '24747926';
export const APP_SECRET = 'mcsioUGkT5GRMZTvjwA1';

export type ArtemisRequest = { path: string; body: Record<string, unknown>; headers: IncomingMessage['headers'] };
export type ArtemisHandler = (req: ArtemisRequest, res: ServerResponse) => void;

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(value));
}

/** Verifies the signature the way the gateway does, from the raw request headers (independent of artemisSign.ts). */
export function artemisSignatureOk(req: IncomingMessage, rawBody: string): boolean {
  const h = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const names = (h('x-ca-signature-headers') ?? '').split(',').filter(Boolean).sort();
  if (!names.includes('x-ca-key') || h('x-ca-key') !== APP_KEY) return false;
  const md5 = h('content-md5');
  if (md5 !== undefined && md5 !== createHash('md5').update(rawBody).digest('base64')) return false;
  const lines = [req.method ?? ''];
  for (const std of ['accept', 'content-md5', 'content-type', 'date']) {
    const v = h(std);
    if (v !== undefined) lines.push(v);
  }
  for (const n of names) lines.push(`${n}:${h(n) ?? ''}`);
  lines.push(req.url ?? '');
  const expected = createHmac('sha256', APP_SECRET).update(lines.join('\n')).digest('base64');
  return expected === h('x-ca-signature');
}

/**
 * The fake gateway on a free loopback port: `onRequest` sees every request (badly signed ones too), `handler`
 * answers the well-signed ones (JSON bodies).
 */
export async function startFakeArtemis(handler: ArtemisHandler, onRequest: (req: ArtemisRequest) => void = () => undefined): Promise<LoopbackListener> {
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const request: ArtemisRequest = { path: req.url ?? '', body: JSON.parse(raw || '{}') as Record<string, unknown>, headers: req.headers };
      onRequest(request);
      if (!artemisSignatureOk(req, raw)) return sendJson(res, 401, { code: '0x02401003', msg: 'signature not match' });
      handler(request, res);
    });
  });
  return listenOnLoopback(server);
}
