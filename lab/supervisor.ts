/**
 * Supervised child processes: restart with back-off on unexpected exit, a stop signal with a SIGKILL
 * fallback, and a parent-death signal (setpriv --pdeathsig KILL) so nothing outlives a crashed lab.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';

export type ChildSpec = {
  name: string;
  command: string;
  /** A function is called at every spawn (e.g. to start a camera where it was when it died). */
  args: string[] | (() => string[]);
  /** stdout and stderr are appended here. */
  logFile: string;
  /** 'pipe' gives the spawn callback a writable stdin. */
  stdin?: 'pipe' | 'ignore';
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
};

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
/** A child that ran this long is considered healthy: the back-off starts over. */
const HEALTHY_AFTER_MS = 20_000;

export class Supervised {
  private child: ChildProcess | null = null;
  private wanted = false;
  private backoffMs = BACKOFF_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private exitWaiters: Array<() => void> = [];
  /** Number of spawns so far (1 after the first start). */
  spawnCount = 0;

  constructor(
    readonly spec: ChildSpec,
    private readonly log: (line: string) => void,
    /** Called after every spawn and exit (pid or null), e.g. to record pids. */
    private readonly onChange: (s: Supervised) => void,
    /** Called after every spawn, e.g. to attach a stdin writer. */
    private readonly onSpawn?: (child: ChildProcess) => void,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    this.wanted = true;
    if (!this.child && !this.restartTimer) this.spawnNow();
  }

  private spawnNow(): void {
    this.restartTimer = null;
    const { spec } = this;
    const fd = openSync(spec.logFile, 'a');
    const args = typeof spec.args === 'function' ? spec.args() : spec.args;
    let child: ChildProcess;
    try {
      child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', spec.command, ...args], {
        stdio: [spec.stdin ?? 'ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    this.spawnCount++;
    const startedAt = Date.now();
    this.child = child;
    child.once('error', (err) => this.log(`${spec.name}: spawn error ${err.message}`));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      const ranMs = Date.now() - startedAt;
      for (const w of this.exitWaiters.splice(0)) w();
      this.onChange(this);
      if (!this.wanted) return;
      if (ranMs > HEALTHY_AFTER_MS) this.backoffMs = BACKOFF_MIN_MS;
      const delay = this.backoffMs;
      this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
      const why = `${spec.name} exited (code ${code ?? '-'}, signal ${signal ?? '-'}) after ${ranMs} ms; restart in ${delay} ms`;
      this.log(why);
      appendFileSync(spec.logFile, `--- lab: ${why}\n`);
      this.restartTimer = setTimeout(() => this.spawnNow(), delay);
    });
    this.onSpawn?.(child);
    this.onChange(this);
  }

  private waitExit(timeoutMs: number): Promise<boolean> {
    if (!this.child) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Stops for good (until start()): stop signal, then SIGKILL after the timeout. */
  async stop(): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child) return;
    child.kill(this.spec.stopSignal ?? 'SIGTERM');
    if (await this.waitExit(this.spec.stopTimeoutMs ?? 3000)) return;
    this.log(`${this.spec.name}: no exit after ${this.spec.stopSignal ?? 'SIGTERM'}, sending SIGKILL`);
    await this.kill();
  }

  /** SIGKILL now and do not restart (until start()). */
  async kill(): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.waitExit(5000);
  }
}
