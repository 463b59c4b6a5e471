import { afterEach } from 'vitest';
import type { WvpBackendConfig } from '../../../shared/domain/settings';
import { startFakeWvp, WVP_PASSWORD, type FakeHandler, type FakeWvp } from './fakeWvp.testkit';
import { WvpBackend, type WvpBackendOptions } from './wvpBackend';

export type FakeWvpFixture = {
  /** startFakeWvp, closed after the test. */
  start(handler: FakeHandler): Promise<FakeWvp>;
  /** A WvpBackend ('wvp1', admin / WVP_PASSWORD, 2 s timeout unless `options` say otherwise), disposed after the test. */
  backend(url: string, options?: Partial<WvpBackendOptions>, config?: Partial<WvpBackendConfig>): WvpBackend;
};

/** Fake WVPs and backends for a test file's tests, each test's closed and disposed after it (call at the top level). */
export function fakeWvpFixture(): FakeWvpFixture {
  const servers: FakeWvp[] = [];
  const backends: WvpBackend[] = [];
  afterEach(async () => {
    for (const b of backends.splice(0)) b.dispose();
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    async start(handler) {
      const server = await startFakeWvp(handler);
      servers.push(server);
      return server;
    },
    backend(url, options = {}, config = {}) {
      const b = new WvpBackend(
        { id: 'wvp1', kind: 'wvp', name: '长治 WVP', enabled: true, url, username: 'admin', ...config },
        { password: () => WVP_PASSWORD, warn: () => undefined, timeoutMs: 2_000, ...options },
      );
      backends.push(b);
      return b;
    },
  };
}
