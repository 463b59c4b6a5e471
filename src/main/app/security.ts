/**
 * The Electron host's security decisions as pure functions (no `electron` import), so they can be
 * tested without an Electron binary. The wiring in `guards.ts`, `sessionPolicy.ts` and `ipcBridge.ts`
 * only asks these questions.
 */

import { MAX_MONITORS } from '../../shared/domain/wall';

/** Our renderer lives at `app://console/`: a privileged standard scheme served from `dist/renderer`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The page of a wall window: the renderer routed (hash) to one monitor of the wall. */
export function wallUrl(monitor: number): string {
  if (!Number.isInteger(monitor) || monitor < 1 || monitor > MAX_MONITORS) throw new RangeError(`no wall monitor ${monitor}`);
  return `${APP_ORIGIN}/#/wall/${monitor}`;
}

/**
 * The only permissions the console ever needs: microphone/camera (phone, talk-back), fullscreen (video
 * wall), and Chromium's Local Network Access (WebSocket/fetch to LAN and loopback backends: Janus, the
 * MPEG relay on 127.0.0.1). A page served from a custom scheme has no IP address space of its own, so
 * Chromium may count it as public and ask for these; which hosts it may reach is still limited by the
 * CSP and by the session's request filter (`mayRequest`).
 */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'fullscreen', 'local-network-access', 'local-network', 'loopback-network']);

/**
 * Is this URL (or origin string) ours, i.e. `app://console` with any path? Parsed by hand-checked
 * parts, not `URL.origin`: Node's WHATWG URL reports the origin of a non-special scheme as "null".
 */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string' || url.length === 0 || url.length > 8192) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    // Chromium canonicalises a standard scheme's host to lower case; Node's URL does not for `app:`.
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** `will-navigate` / `will-redirect`: only to another page of our own app (a reload, a route). */
export function mayNavigate(targetUrl: string): boolean {
  return isAppUrl(targetUrl);
}

/**
 * Permission request or check: granted only for the permissions above, and only when the requester is
 * our own origin (`requestingOrigin` of a check, `requestingUrl` of a request; either form is accepted).
 */
export function mayGrantPermission(permission: string, requester: string | null | undefined): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requester);
}

/** May the frame that sent an IPC message call the host? Only a live frame showing our own app. */
export function mayCallHost(frame: { readonly url: string } | null | undefined): boolean {
  return frame != null && isAppUrl(frame.url);
}

/**
 * The session's request filter, mirroring the Content-Security-Policy: our own scheme, in-memory URLs
 * and the DevTools frontend; network requests only to the configured backends' origins
 * (`connectOrigins`, given as ws(s) origins; http(s) to the same host and port counts as the same).
 */
export function mayRequest(url: string, connectOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  switch (parsed.protocol) {
    case `${APP_SCHEME}:`:
      return isAppUrl(url);
    case 'blob:':
    case 'data:':
    case 'devtools:':
      return true;
    case 'http:':
    case 'https:':
    case 'ws:':
    case 'wss:': {
      const origin = socketOrigin(parsed);
      return connectOrigins.some((o) => socketOriginOf(o) === origin);
    }
    default:
      return false;
  }
}

function socketOriginOf(origin: string): string | null {
  try {
    return socketOrigin(new URL(origin));
  } catch {
    return null;
  }
}

/** `https://h:1` -> `wss://h:1`: the CSP lists backends as WebSocket origins. */
function socketOrigin(url: URL): string {
  const scheme = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  return `${scheme}//${url.host}`;
}

/**
 * Chromium switches set before `ready`. WebRTC media must stay on the machine or its LAN: no STUN or
 * TURN server is ever configured, so only host candidates exist; loopback is added so a media server
 * on the same PC is reached over `lo` instead of the LAN address. No restrictive IP-handling policy
 * (`default_public_*`): those bind only the interface of the default route, which breaks air-gapped
 * dispatch networks (no default route) and dual-homed PCs (video on the second NIC).
 */
export function chromiumSwitches(): ReadonlyArray<readonly [name: string, value?: string]> {
  return [['allow-loopback-in-peer-connection']];
}
