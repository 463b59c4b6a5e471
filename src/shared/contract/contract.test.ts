import { describe, expect, it } from 'vitest';
import { createConsoleApi, type RpcTransport } from './client';
import { createDispatcher } from './dispatcher';
import { EVENT_NAMES, REQUEST_NAMES, type ConsoleHandlers } from './consoleApi';
import { ConsoleError } from './rpc';
import { toDisposable } from '../lifecycle';

const notUsed = async (): Promise<never> => {
  throw new Error('not used in this test');
};

function handlers(overrides: Partial<ConsoleHandlers>): ConsoleHandlers {
  const base = Object.fromEntries(REQUEST_NAMES.map((n) => [n, notUsed])) as unknown as ConsoleHandlers;
  return { ...base, ...overrides };
}

/** The client and the dispatcher joined by an in-memory transport, with the event side scripted. */
function connect(h: ConsoleHandlers, emit?: (listener: (payload: unknown) => void) => void) {
  const errors: string[] = [];
  const dispatch = createDispatcher(h, (method) => errors.push(method));
  const transport: RpcTransport = {
    request: (method, input) => dispatch(method, JSON.parse(JSON.stringify(input ?? null))),
    subscribe: (_event, listener) => {
      emit?.(listener);
      return toDisposable(() => undefined);
    },
  };
  const invalid: string[] = [];
  return { api: createConsoleApi(transport, (e) => invalid.push(e)), errors, invalid };
}

describe('ConsoleApi contract', () => {
  it('exposes exactly one method per request and one onX per event', () => {
    const { api } = connect(handlers({}));
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, ...EVENT_NAMES].sort());
  });

  it('round-trips a valid request', async () => {
    const { api } = connect(
      handlers({ getAppInfo: async () => ({ name: 'x', version: '1', host: 'web', startedAt: 1, dataDir: '/d', secretProtection: 'file-0600' }) }),
    );
    await expect(api.getAppInfo({})).resolves.toMatchObject({ host: 'web' });
  });

  it('rejects input that fails the schema with bad-request, before the handler runs', async () => {
    let called = false;
    const { api } = connect(
      handlers({
        closeStream: async () => {
          called = true;
          return null;
        },
      }),
    );
    const err = await api.closeStream({ sessionId: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).code).toBe('bad-request');
    expect(called).toBe(false);
  });

  it('turns a handler output that breaks the contract into an internal error (and reports it)', async () => {
    const { api, errors } = connect(handlers({ getSettings: async () => ({ language: 'fr' }) as never }));
    await expect(api.getSettings({})).rejects.toMatchObject({ code: 'internal' });
    expect(errors).toEqual(['getSettings']);
  });

  it('carries ConsoleError codes across', async () => {
    const { api } = connect(
      handlers({
        openStream: async () => {
          throw new ConsoleError('not-found', '通道不存在');
        },
      }),
    );
    await expect(api.openStream({ channelId: 'x', accept: ['janus-webrtc'] })).rejects.toMatchObject({ code: 'not-found', message: '通道不存在' });
  });

  it('answers an unknown method without calling anything', async () => {
    const dispatch = createDispatcher(handlers({}), () => undefined);
    await expect(dispatch('dropTables', {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });

  it('drops event payloads that fail their schema and reports them', () => {
    const seen: unknown[] = [];
    const { api, invalid } = connect(handlers({}), (listener) => {
      listener({ version: 'not a number' });
      listener({ backendId: 'lab', name: 'lab', kind: 'janus', state: 'online', message: null, channelCount: 3, updatedAt: 1 });
    });
    api.onBackendStatus((s) => seen.push(s.state));
    expect(seen).toEqual(['online']);
    expect(invalid).toEqual(['onBackendStatus']);
  });
});
