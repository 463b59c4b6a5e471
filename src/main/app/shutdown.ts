import type { App } from 'electron';
import type { Logger } from '../services/logger';

/**
 * Holds the first `before-quit` until `stop()` has finished (bounded by `timeoutMs`, so a stuck
 * child process never keeps the app alive), then quits for real. SIGINT/SIGTERM quit the same way.
 */
export function quitCleanly(app: App, log: Logger, stop: () => Promise<void>, timeoutMs = 10_000): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    log.info('stopping');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.warn({ timeoutMs }, 'shutdown took too long; quitting anyway');
        resolve();
      }, timeoutMs);
    });
    void Promise.race([stop().catch((err: unknown) => log.error({ err }, 'shutdown failed')), deadline]).then(() => {
      clearTimeout(timer);
      state = 'stopped';
      log.info('stopped');
      log.flush();
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
}
