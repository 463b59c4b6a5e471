import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type WebHostProcess = { url: string; origin: string; dataDir: string; child: ChildProcess; startedAt: number; readyAt: number; stop(): Promise<void> };

/** Starts the built web host (`dist/main/web.mjs`) on a free port with a fresh data dir; resolves on its MDC_READY line. */
export async function startWebHostProcess(opts: { labBackend?: string; labPbx?: string; labAlarms?: string; labGps?: string; dataDir?: string } = {}): Promise<WebHostProcess> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-'));
  const args = ['dist/main/web.mjs', '--port', '0', '--data-dir', dataDir];
  if (opts.labBackend) args.push('--lab-backend', opts.labBackend);
  // The lab PBX's console.json: its SIP account (with password) and directory.
  if (opts.labPbx) args.push('--lab-pbx', opts.labPbx);
  // The lab's alarm sources (webhook tokens, broker password) and the receiver's port.
  if (opts.labAlarms) args.push('--lab-alarms', opts.labAlarms);
  // The lab's GPS feed (broker, account with password, topic): saved enabled.
  if (opts.labGps) args.push('--lab-gps', opts.labGps);
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MDC_LOG_LEVEL: 'warn' } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const ready = await new Promise<{ url: string; origin: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start in 30 s\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('MDC_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('MDC_READY '.length)) as { url: string; origin: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}\n${stderr}`));
    });
  });
  const readyAt = performance.now();
  return {
    ...ready,
    dataDir,
    child,
    startedAt,
    readyAt,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
