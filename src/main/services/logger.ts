import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/** Keys whose values never reach a log line. */
const REDACT = ['password', 'secret', 'token', 'ticket', 'apiKey', 'accessToken', 'authorization']
  .flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/** JSON lines to `<dataDir>/logs/console.log` and to stderr. */
export function createLogger(dataDir: string, level = process.env.MDC_LOG_LEVEL ?? 'info'): Logger {
  const dir = path.join(dataDir, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  const streams = pino.multistream([
    { level: level as pino.Level, stream: pino.destination({ dest: path.join(dir, 'console.log'), mkdir: true, sync: false }) },
    { level: level as pino.Level, stream: process.stderr },
  ]);
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } }, streams);
}
