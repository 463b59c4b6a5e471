import type { Page } from '@playwright/test';

/** Hosts a test page may talk to: the web host and the lab (loopback and the lab's own veth pair). */
const ALLOWED_HOSTS = new Set(['127.0.0.1', '198.18.0.1']);

/**
 * Collects console errors, page errors and any request that leaves this machine; a test fails on
 * them at the end unless it declared the message as expected (e.g. a WebSocket error while Janus is killed).
 */
export class ErrorCollector {
  readonly problems: string[] = [];
  private readonly expected: RegExp[] = [];

  constructor(page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.add(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.add(`page error: ${err.message}`));
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'app:') return; // app:// is the Electron host's own origin
      if (!ALLOWED_HOSTS.has(url.hostname)) this.add(`request outside this machine: ${req.url()}`);
    });
  }

  expect(pattern: RegExp): void {
    this.expected.push(pattern);
  }

  private add(problem: string): void {
    this.problems.push(problem);
  }

  unexpected(): string[] {
    return this.problems.filter((p) => !this.expected.some((re) => re.test(p)));
  }
}
