import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/** Keys whose values never reach a log line. */
const REDACT = ['password', 'secret', 'token', 'ticket', 'apiKey', 'accessToken', 'authorization']
  .flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/**
 * JSON lines to `<dataDir>/logs/console.log` (from `MDC_LOG_LEVEL`, default info) and to stderr
 * (from `MDC_STDERR_LOG_LEVEL`, default warn, so a terminal shows only what needs attention).
 */
export function createLogger(dataDir: string, level = process.env.MDC_LOG_LEVEL ?? 'info'): Logger {
  const stderrLevel = (process.env.MDC_STDERR_LOG_LEVEL ?? 'warn') as pino.Level;
  const dir = path.join(dataDir, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  const streams = pino.multistream([
    { level: level as pino.Level, stream: pino.destination({ dest: path.join(dir, 'console.log'), mkdir: true, sync: false }) },
    { level: stderrLevel, stream: process.stderr },
  ]);
  return pino({ level: minLevel(level, stderrLevel), redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } }, streams);
}

function minLevel(a: string, b: string): string {
  const values = pino.levels.values;
  return (values[a] ?? 30) <= (values[b] ?? 30) ? a : b;
}
