import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../../services/loopbackServer';

/**
 * A local stand-in for a WVP-GB28181-pro server in tests: answers recorded, real-shaped responses on
 * 127.0.0.1 and records every request. Used by the *.test.ts files beside it only.
 */
export type FakeRequest = { method: string; path: string; query: URLSearchParams; token: string | null };
export type FakeReply = { status?: number; body?: unknown; raw?: string } | 'hang';
export type FakeHandler = (req: FakeRequest) => FakeReply | undefined;

export type FakeWvp = { url: string; requests: FakeRequest[]; close: () => Promise<void> };

export const ok = (data: unknown): FakeReply => ({ body: { code: 0, msg: '成功', data } });

export async function startFakeWvp(handler: FakeHandler): Promise<FakeWvp> {
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = req.headers['access-token'];
    const r: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, token: typeof token === 'string' ? token : null };
    requests.push(r);
    const reply = handler(r) ?? { status: 404, body: { timestamp: '2026-11-24T05:00:00.000+00:00', status: 404, error: 'Not Found', path: url.pathname } };
    if (reply === 'hang') return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(reply.raw ?? JSON.stringify(reply.body));
  });
  const listener = await listenOnLoopback(server);
  return { url: listener.origin, requests, close: listener.close };
}

/** A JWT shaped like WVP's (jose, RS256); the signature is not checked by the client. */
export function fakeJwt(expSeconds: number, user = 'admin'): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', kid: '3e79646c4dbc408383a9eed09f2b85ae' })}.${b64({ jti: 'x', iat: expSeconds - 3600, exp: expSeconds, sub: 'login', aud: 'Audience', userName: user })}.c2lnbmF0dXJl`;
}

/** The login answer of WVP 2.7 (LoginUser: user fields, role, accessToken). */
export function loginReply(accessToken: string): FakeReply {
  return ok({
    id: 1,
    username: 'admin',
    pushKey: '3e80d1762a324d5b0ff636e0bd16f1e3',
    role: { id: 1, name: 'admin', authority: '0', createTime: '2021-04-13 14:14:57', updateTime: '2021-04-13 14:14:57' },
    createTime: '2021-04-13 14:14:57',
    updateTime: '2021-04-13 14:14:57',
    accessToken,
  });
}
