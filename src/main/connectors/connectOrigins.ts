import type { BackendConfig } from '../../shared/domain/settings';
import type { SipAccount } from '../../shared/domain/telephony';

/**
 * Which origins the renderer may connect to for each configured backend (the CSP's connect-src and Electron's
 * request filter). Janus: its WebSocket API (the renderer talks to it directly). WVP and Hikvision: only their
 * media origins (ZLMediaKit FLV/HLS, the platform's HLS gateway); their REST APIs are called by the Node side
 * alone, so they are not listed.
 */
export interface MediaOriginSource {
  /** http(s)/ws(s) origins this backend's play targets point at, as far as it knows them. */
  mediaOrigins(): string[];
}

export function isMediaOriginSource(x: unknown): x is MediaOriginSource {
  return typeof x === 'object' && x !== null && 'mediaOrigins' in x && typeof x.mediaOrigins === 'function';
}

/** `http://h:1` -> [`http://h:1`, `ws://h:1`]: a stream URL may use either scheme on one media port. */
export function withSocketTwin(origin: string): string[] {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return [];
  }
  const twin: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'http:', 'wss:': 'https:' };
  const other = twin[url.protocol];
  if (!other || url.origin === 'null') return [];
  return [url.origin, `${other}//${url.host}`];
}

export function backendConnectOrigins(backends: readonly BackendConfig[], sources: ReadonlyMap<string, MediaOriginSource>): string[] {
  const out = new Set<string>();
  for (const b of backends) {
    if (!b.enabled) continue;
    if (b.kind === 'janus') {
      for (const o of withSocketTwin(b.url)) out.add(o);
      continue;
    }
    for (const origin of sources.get(b.id)?.mediaOrigins() ?? []) for (const o of withSocketTwin(origin)) out.add(o);
  }
  return [...out];
}

/**
 * SIP-over-WebSocket origins of the enabled SIP accounts (the renderer's SIP stack connects to them). Their
 * presenceUrl (the PBX's JSON-RPC) is not listed: only the Node side calls it.
 */
export function sipConnectOrigins(accounts: readonly Pick<SipAccount, 'enabled' | 'wsUrl'>[]): string[] {
  const out = new Set<string>();
  for (const a of accounts) {
    if (!a.enabled) continue;
    try {
      const url = new URL(a.wsUrl);
      if ((url.protocol === 'ws:' || url.protocol === 'wss:') && url.origin !== 'null') out.add(url.origin);
    } catch {
      // the schema checked it; nothing to list otherwise
    }
  }
  return [...out];
}
