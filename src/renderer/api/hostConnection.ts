import { createConsoleApi, type RpcTransport } from '../../shared/contract/client';
import type { ConsoleApi } from '../../shared/contract/consoleApi';
import { HOST_BRIDGE_GLOBAL, type HostBridge } from '../../shared/contract/hostBridge';
import { WsTransport } from './wsTransport';

export type HostConnection = { api: ConsoleApi; kind: 'ipc' | 'websocket'; onConnectionChange(listener: (up: boolean) => void): void };

const TOKEN_KEY = 'mdc.sessionToken';

/** Adds a timeout to a bridge call (the IPC path has none of its own). */
function withTimeout(p: Promise<unknown>, ms: number, method: string): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: { code: 'timeout', message: `${method} 请求超时 (${ms} ms)` } }), ms);
    p.then(
      (v) => resolve(v),
      (e: unknown) => resolve({ ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } }),
    ).finally(() => clearTimeout(timer));
  });
}

/**
 * Picks the host at start-up: the Electron preload's bridge when present, otherwise the web host's
 * WebSocket (token from the URL fragment, kept for reloads in sessionStorage). Nothing else in the
 * renderer knows which one it got.
 */
export async function connectToHost(reportInvalid: (event: string, reason: string) => void): Promise<HostConnection> {
  const bridge = (globalThis as Record<string, unknown>)[HOST_BRIDGE_GLOBAL] as HostBridge | undefined;
  if (bridge) {
    const transport: RpcTransport = {
      request: (method, input, timeoutMs) => withTimeout(bridge[method](input), timeoutMs, method),
      subscribe: (event, listener) => bridge[event](listener),
    };
    return { api: createConsoleApi(transport, reportInvalid), kind: 'ipc', onConnectionChange: () => undefined };
  }
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`;
  const transport = new WsTransport(wsUrl, token);
  await transport.connect();
  return {
    api: createConsoleApi(transport, reportInvalid),
    kind: 'websocket',
    onConnectionChange: (listener) => transport.onConnectionChange(listener),
  };
}
