import type { Session } from 'electron';
import type { Logger } from '../services/logger';
import { mayGrantPermission, mayRequest } from './security';

export type SessionPolicyOptions = {
  log: Logger;
  /** Backends' origins, read at every request (the same list as the CSP's connect-src). */
  connectOrigins: () => readonly string[];
};

/**
 * Permissions and network policy of the console's session: `media`, `fullscreen` and local network access for our own
 * origin only, no devices (HID/USB/serial), and no request outside our scheme and the configured
 * backends (the CSP says the same inside the page; this also covers what the CSP does not see).
 */
export function applySessionPolicy(session: Session, { log, connectOrigins }: SessionPolicyOptions): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = mayGrantPermission(permission, details.requestingUrl);
    if (!granted) log.warn({ permission, url: originOnly(details.requestingUrl) }, 'refused permission request');
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => mayGrantPermission(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = mayRequest(details.url, connectOrigins());
    if (!allowed) log.warn({ url: originOnly(details.url), type: details.resourceType }, 'refused request outside the configured hosts');
    callback({ cancel: !allowed });
  });
}

function originOnly(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparsable url)';
  }
}
