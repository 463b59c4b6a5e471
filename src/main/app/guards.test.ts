import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from 'electron';
import type { Logger } from '../services/logger';
import { guardWebContents } from './guards';
import { wallUrl } from './security';

type Handler = (details: { url: string; preventDefault(): void }) => void;

/** A webContents stand-in that records the guards' handlers (guards.ts imports only electron's types). */
function fakeContents() {
  const handlers = new Map<string, Handler>();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: (event: string, handler: Handler) => handlers.set(event, handler),
    setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
  };
  const attempt = (event: string, url: string) => {
    const preventDefault = vi.fn();
    handlers.get(event)!({ url, preventDefault });
    return preventDefault.mock.calls.length === 0;
  };
  return { contents: contents as unknown as WebContents, attempt, open: (url: string) => openHandler!({ url }).action };
}

const log = { warn: vi.fn() } as unknown as Logger;

describe('guardWebContents', () => {
  it('lets a window move between the console and the wall pages of our own origin', () => {
    const { contents, attempt } = fakeContents();
    guardWebContents(contents, log);
    for (const url of [wallUrl(2), wallUrl(16), 'app://console/index.html', 'app://console/#/settings']) {
      expect(attempt('will-navigate', url), url).toBe(true);
      expect(attempt('will-redirect', url), url).toBe(true);
    }
  });

  it('refuses navigation and redirects anywhere else, and every new window, even to a wall page', () => {
    const { contents, attempt, open } = fakeContents();
    guardWebContents(contents, log);
    for (const url of ['https://example.invalid/#/wall/2', 'app://other/#/wall/2', 'file:///#/wall/2', 'http://127.0.0.1:5170/#/wall/2']) {
      expect(attempt('will-navigate', url), url).toBe(false);
      expect(attempt('will-redirect', url), url).toBe(false);
    }
    expect(open(wallUrl(2))).toBe('deny');
    expect(open('https://example.invalid/')).toBe('deny');
    expect(attempt('will-attach-webview', wallUrl(2))).toBe(false);
  });
});
