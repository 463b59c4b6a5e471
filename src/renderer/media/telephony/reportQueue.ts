import type { CallReport } from '../../../shared/domain/telephony';

/**
 * Call reports on their way to the Node side, in order, none lost: a report that fails (host restarting, socket
 * down) is retried after a pause until it is stored; later reports wait behind it. Only the newest pending report
 * of a call is kept (it carries the call's whole state).
 */
export class ReportQueue {
  private readonly pending: CallReport[] = [];
  private running = false;
  private readonly waiters: Array<{ callId: string; resolve: () => void }> = [];

  constructor(
    private readonly send: (report: CallReport) => Promise<void>,
    private readonly onRetry: (message: string) => void,
    private readonly retryMs = 2000,
  ) {}

  push(report: CallReport): void {
    // Replace a not-yet-sent report of the same call; the record on the host only ever moves forward.
    const i = this.pending.findIndex((r, j) => r.id === report.id && (j > 0 || !this.running));
    if (i >= 0) this.pending[i] = report;
    else this.pending.push(report);
    void this.drain();
  }

  /** Resolves once nothing of this call is pending. */
  flushed(callId: string): Promise<void> {
    if (!this.pending.some((r) => r.id === callId)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ callId, resolve }));
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
        failures++;
        if (failures === 1) this.onRetry(`通话记录暂未保存，正在重试：${err instanceof Error ? err.message : String(err)}`);
        await new Promise((r) => setTimeout(r, this.retryMs));
        continue;
      }
      this.pending.shift();
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (!this.pending.some((r) => r.id === w.callId)) {
          this.waiters.splice(i, 1);
          w.resolve();
        }
      }
    }
    this.running = false;
  }
}
