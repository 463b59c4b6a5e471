import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared/contract/rpc';
import { jwtExpiryMs, md5Hex, WvpApiError, WvpClient } from './wvpClient';
import { fakeJwt, loginReply, ok, startFakeWvp, type FakeHandler, type FakeWvp } from './fakeWvp.testkit';

const PASSWORD = 'Wvp@Secret#2026';
const PASSWORD_MD5 = md5Hex(PASSWORD);

let server: FakeWvp | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** A WVP that accepts admin/PASSWORD and issues the tokens in `tokens` in turn; `valid` says which are still good. */
function wvp(tokens: string[], valid: (t: string) => boolean, extra: FakeHandler = () => undefined): FakeHandler {
  let issued = 0;
  return (req) => {
    if (req.path === '/api/user/login') {
      if (req.query.get('username') !== 'admin' || req.query.get('password') !== PASSWORD_MD5) return { body: { code: 100, msg: '用户名或密码错误', data: null } };
      return loginReply(tokens[Math.min(issued++, tokens.length - 1)] ?? 'none');
    }
    if (!req.token || !valid(req.token)) return { status: 401, body: { code: 401, msg: '请登录后重新请求', data: null } };
    return extra(req);
  };
}

async function client(handler: FakeHandler, opts: { now?: () => number; timeoutMs?: number; password?: string } = {}): Promise<WvpClient> {
  server = await startFakeWvp(handler);
  return new WvpClient({ baseUrl: `${server.url}/`, username: 'admin', password: opts.password ?? PASSWORD, now: opts.now, timeoutMs: opts.timeoutMs });
}

async function rejection(p: Promise<unknown>): Promise<ConsoleError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConsoleError);
  return err as ConsoleError;
}

const version = (req: { path: string }) => (req.path === '/api/server/version' ? ok({ version: '2.7.3', GIT_BRANCH: 'master' }) : undefined);

describe('WvpClient (recorded WVP responses)', () => {
  it('logs in with the md5 of the password and sends the token in access-token on every call', async () => {
    const t1 = fakeJwt(Math.floor(Date.now() / 1000) + 3600);
    const c = await client(wvp([t1], (t) => t === t1, version));
    await expect(c.request('/api/server/version')).resolves.toMatchObject({ version: '2.7.3' });
    await c.request('/api/server/version');
    const logins = server!.requests.filter((r) => r.path === '/api/user/login');
    expect(logins).toHaveLength(1);
    expect(logins[0]!.query.get('password')).toBe(PASSWORD_MD5);
    expect(PASSWORD_MD5).toMatch(/^[0-9a-f]{32}$/);
    expect(server!.requests.filter((r) => r.path !== '/api/user/login').map((r) => r.token)).toEqual([t1, t1]);
  });

  it('shares one login between concurrent calls', async () => {
    const t1 = fakeJwt(Math.floor(Date.now() / 1000) + 3600);
    const c = await client(wvp([t1], (t) => t === t1, version));
    await Promise.all([c.request('/api/server/version'), c.request('/api/server/version'), c.request('/api/server/version')]);
    expect(server!.requests.filter((r) => r.path === '/api/user/login')).toHaveLength(1);
  });

  it('on an expired token (HTTP 401) logs in again and retries the call once', async () => {
    const now = Math.floor(Date.now() / 1000);
    const t1 = fakeJwt(now + 3600);
    const t2 = fakeJwt(now + 7200);
    let revoked = false;
    const c = await client(wvp([t1, t2], (t) => t === t2 || (t === t1 && !revoked), version));
    await c.request('/api/server/version');
    revoked = true; // the server restarted or expired the token early
    await expect(c.request('/api/server/version')).resolves.toMatchObject({ version: '2.7.3' });
    const paths = server!.requests.map((r) => `${r.path} ${r.token === t1 ? 't1' : r.token === t2 ? 't2' : '-'}`);
    expect(paths).toEqual(['/api/user/login -', '/api/server/version t1', '/api/server/version t1', '/api/user/login -', '/api/server/version t2']);
  });

  it('treats code 401 inside an HTTP 200 envelope the same way', async () => {
    const now = Math.floor(Date.now() / 1000);
    const [t1, t2] = [fakeJwt(now + 3600, 'a'), fakeJwt(now + 3600, 'b')];
    const c = await client(
      wvp([t1, t2], () => true, (req) => (req.token === t1 ? { body: { code: 401, msg: '请登录后重新请求', data: null } } : version(req))),
    );
    await expect(c.request('/api/server/version')).resolves.toMatchObject({ version: '2.7.3' });
    expect(server!.requests.filter((r) => r.path === '/api/user/login')).toHaveLength(2);
  });

  it('renews the token before the JWT expires, without waiting for a 401', async () => {
    let clock = Date.now();
    const t1 = fakeJwt(Math.floor(clock / 1000) + 3600);
    const t2 = fakeJwt(Math.floor(clock / 1000) + 7200);
    const c = await client(wvp([t1, t2], () => true, version), { now: () => clock });
    expect(jwtExpiryMs(t1)).toBe((Math.floor(clock / 1000) + 3600) * 1000);
    await c.request('/api/server/version');
    clock += 59 * 60_000 + 30_000; // within the last minute of t1
    await c.request('/api/server/version');
    expect(server!.requests.map((r) => r.path)).toEqual(['/api/user/login', '/api/server/version', '/api/user/login', '/api/server/version']);
    expect(server!.requests[3]!.token).toBe(t2);
  });

  it('renews an opaque (non-JWT) token after 50 minutes', async () => {
    let clock = 1_000_000;
    const c = await client(wvp(['opaque-1', 'opaque-2'], () => true, version), { now: () => clock });
    await c.request('/api/server/version');
    clock += 49 * 60_000;
    await c.request('/api/server/version');
    clock += 2 * 60_000;
    await c.request('/api/server/version');
    expect(server!.requests.filter((r) => r.path === '/api/user/login')).toHaveLength(2);
    expect(server!.requests.at(-1)!.token).toBe('opaque-2');
  });

  it('gives up with unauthorized when the fresh token is refused as well', async () => {
    const c = await client(wvp(['a', 'b'], () => false));
    const err = await rejection(c.request('/api/device/query/devices'));
    expect(err.code).toBe('unauthorized');
    expect(server!.requests.filter((r) => r.path === '/api/user/login')).toHaveLength(2);
  });

  it('reports a wrong password as unauthorized without leaking the password or its hash', async () => {
    const c = await client(wvp(['a'], () => true, version), { password: 'wrong-password' });
    const err = await rejection(c.request('/api/server/version'));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain('用户名或密码错误');
    expect(err.message).not.toContain('wrong-password');
    expect(err.message).not.toContain(md5Hex('wrong-password'));
    expect(server!.requests.map((r) => r.path)).toEqual(['/api/user/login']);
  });

  it('reports HTTP 500 as unavailable', async () => {
    const c = await client(
      wvp(['a'], () => true, () => ({ status: 500, body: { timestamp: '2026-11-24T05:00:00.000+00:00', status: 500, error: 'Internal Server Error', path: '/api/device/query/devices' } })),
    );
    const err = await rejection(c.request('/api/device/query/devices', { query: { page: 1, count: 10 } }));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('HTTP 500');
  });

  it('reports malformed JSON and a missing envelope as internal', async () => {
    const c = await client(
      wvp(['a'], () => true, (req) => (req.path === '/broken' ? { raw: '{"code":0,"msg":"成功","data":{"total":' } : { body: { total: 1, list: [] } })),
    );
    const broken = await rejection(c.request('/broken'));
    expect(broken.code).toBe('internal');
    expect(broken.message).toContain('JSON');
    const bare = await rejection(c.request('/bare'));
    expect(bare.code).toBe('internal');
  });

  it('reports a WVP business error (code != 0) with its message', async () => {
    const c = await client(wvp(['a'], () => true, () => ({ body: { code: 100, msg: '设备不存在', data: null } })));
    const err = await rejection(c.request('/api/play/start/1/2'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('设备不存在');
    expect(err).toBeInstanceOf(WvpApiError);
    expect((err as WvpApiError).wvpCode).toBe(100);
  });

  it('times out a server that never answers', async () => {
    const c = await client(wvp(['a'], () => true, () => 'hang'), { timeoutMs: 300 });
    const err = await rejection(c.request('/api/play/start/1/2'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('超时');
  });

  it('reports a closed port as unavailable without the password hash in the message', async () => {
    const s = await startFakeWvp(() => undefined);
    const url = s.url;
    await s.close();
    const c = new WvpClient({ baseUrl: url, username: 'admin', password: PASSWORD, timeoutMs: 2000 });
    const err = await rejection(c.request('/api/server/version'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('无法连接');
    expect(err.message).not.toContain(PASSWORD_MD5);
    expect(err.message).not.toContain(PASSWORD);
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const fetchImpl = (input: string): Promise<Response> => {
      calls.push(new URL(input).pathname);
      const body = input.includes('/api/user/login') ? { code: 0, msg: '成功', data: { accessToken: 'tok' } } : { code: 0, msg: '成功', data: 42 };
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    };
    const c = new WvpClient({ baseUrl: 'http://wvp.invalid', username: 'admin', password: PASSWORD, fetchImpl });
    await expect(c.request('/x')).resolves.toBe(42);
    expect(calls).toEqual(['/api/user/login', '/x']);
  });
});
