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
  const { token: fromHash, route } = splitTokenFromHash(location.hash);
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search + route);
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

/**
 * Splits `#/wall/2&token=…` (or `#token=…`) into the token and the route that stays in the address
 * bar, so a wall window opened by URL keeps its route once the token is put away.
 */
export function splitTokenFromHash(hash: string): { token: string | null; route: string } {
  const body = hash.replace(/^#/, '');
  const parts = body.split('&');
  let token: string | null = null;
  const rest: string[] = [];
  for (const part of parts) {
    if (part.startsWith('token=')) token = decodeURIComponent(part.slice('token='.length));
    else if (part) rest.push(part);
  }
  return { token, route: rest.length > 0 ? `#${rest.join('&')}` : '' };
}

/** Address of a wall window for `monitor` (web host: carries the session's token for the new window). */
export function wallWindowUrl(monitor: number): string {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return `${location.origin}${location.pathname}#/wall/${monitor}${token ? `&token=${encodeURIComponent(token)}` : ''}`;
}
