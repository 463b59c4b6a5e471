import type { App, WebContents } from 'electron';
import type { Logger } from '../services/logger';
import { mayNavigate } from './security';

/**
 * Guards every webContents the app ever creates, in one place (cf. Signal's
 * `handleCommonWindowEvents`): navigation and redirects only within `app://console`, no new
 * windows, no `<webview>`. Registered on `web-contents-created`, so nothing escapes it.
 */
export function guardAllWebContents(app: App, log: Logger): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));
}

export function guardWebContents(contents: WebContents, log: Logger): void {
  contents.on('will-navigate', (details) => {
    if (mayNavigate(details.url)) return;
    details.preventDefault();
    log.warn({ url: redact(details.url) }, 'refused navigation');
  });
  contents.on('will-redirect', (details) => {
    if (mayNavigate(details.url)) return;
    details.preventDefault();
    log.warn({ url: redact(details.url) }, 'refused redirect');
  });
  contents.setWindowOpenHandler((details) => {
    log.warn({ url: redact(details.url) }, 'refused window.open');
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('refused <webview>');
  });
}

/** Logs the scheme, host and path only: query strings may carry tickets or tokens. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`.slice(0, 300);
  } catch {
    return '(unparsable url)';
  }
}
