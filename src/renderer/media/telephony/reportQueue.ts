import { ConsoleError } from '../../../shared/contract/rpc';

/** Errors that say the report itself is wrong (not that the host is away). */
const REFUSALS = new Set(['bad-request', 'not-found', 'conflict', 'unknown-method']);

function isRefusal(err: unknown): boolean {
  return err instanceof ConsoleError && REFUSALS.has(err.code);
}

/**
 * Reports on their way to the Node side (call steps, broadcast deliveries), in order, none lost: a report that
 * fails (host restarting, socket down) is retried after a pause until it is stored; later reports wait behind it.
 * Only the newest pending report of a thing (same key) is kept: it carries the thing's whole state. A report the
 * host refuses as wrong (bad request, unknown record, conflict) is dropped with a warning instead of blocking the rest.
 */
export class ReportQueue<T extends object = { id: string }> {
  private readonly pending: T[] = [];
  private running = false;
  private readonly waiters: Array<{ key: string; resolve: () => void }> = [];

  constructor(
    private readonly send: (report: T) => Promise<void>,
    private readonly onRetry: (message: string) => void,
    private readonly retryMs = 2000,
    private readonly keyOf: (report: T) => string = (r) => (r as { id: string }).id,
    /** What is being stored, for the retry message (通话记录, 广播记录). */
    private readonly noun = '通话记录',
  ) {}

  push(report: T): void {
    // Replace a not-yet-sent report of the same thing; the record on the host only ever moves forward.
    const key = this.keyOf(report);
    const i = this.pending.findIndex((r, j) => this.keyOf(r) === key && (j > 0 || !this.running));
    if (i >= 0) this.pending[i] = report;
    else this.pending.push(report);
    void this.drain();
  }

  /** Resolves once nothing with this key is pending. */
  flushed(key: string): Promise<void> {
    if (!this.pending.some((r) => this.keyOf(r) === key)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ key, resolve }));
  }

  /** Resolves once everything pushed so far is stored. */
  async drained(): Promise<void> {
    await Promise.all([...new Set(this.pending.map((r) => this.keyOf(r)))].map((k) => this.flushed(k)));
  }

  get size(): number {
    return this.pending.length;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let failures = 0;
    while (this.pending.length > 0) {
      const report = this.pending[0]!;
      try {
        await this.send(report);
        failures = 0;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (isRefusal(err)) {
          // The host read it and said no: sending it again would be refused again and hold every later report back.
          this.onRetry(`${this.noun}未能保存（已放弃这一条）：${message}`);
        } else {
          failures++;
          if (failures === 1) this.onRetry(`${this.noun}暂未保存，正在重试：${message}`);
          await new Promise((r) => setTimeout(r, this.retryMs));
          continue;
        }
      }
      this.pending.shift();
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (!this.pending.some((r) => this.keyOf(r) === w.key)) {
          this.waiters.splice(i, 1);
          w.resolve();
        }
      }
    }
    this.running = false;
  }
}
