import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createConsoleCore } from '../core';
import { createLogger } from '../services/logger';
import { registerLabBackend } from '../services/labBackend';
import { registerLabPbx } from '../telephony/labPbx';
import { registerLabAlarms } from '../alarms/labAlarms';
import { registerLabGps } from '../gps/labGps';
import { startWebHost } from './webHost';

/**
 * Entry of the web host: `node dist/main/web.mjs [--port N] [--data-dir DIR] [--lab-backend ws://...] [--lab-pbx FILE] [--lab-alarms FILE] [--lab-gps FILE]`.
 * Prints the URL (with the session token) and one machine-readable line `MDC_READY {...}`.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.MDC_PORT ?? '5170' },
    'data-dir': { type: 'string', default: process.env.MDC_DATA_DIR ?? defaultDataDir() },
    'renderer-dir': { type: 'string' },
    'lab-backend': { type: 'string' },
    'lab-pbx': { type: 'string' },
    'lab-alarms': { type: 'string' },
    'lab-gps': { type: 'string' },
  },
});

function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'mine-dispatch-console');
}

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.resolve(values['data-dir']!);
const rendererDir = path.resolve(values['renderer-dir'] ?? path.join(here, '..', 'renderer'));
const log = createLogger(dataDir);
const version = process.env.npm_package_version ?? '0.1.0';

async function main(): Promise<void> {
  const core = await createConsoleCore({ host: 'web', dataDir, log, version });
  if (values['lab-backend']) await registerLabBackend(core, values['lab-backend'], log);
  if (values['lab-pbx']) await registerLabPbx(core, path.resolve(values['lab-pbx']), log);
  if (values['lab-alarms']) await registerLabAlarms(core, path.resolve(values['lab-alarms']), log);
  if (values['lab-gps']) await registerLabGps(core, path.resolve(values['lab-gps']), log);
  const host = await startWebHost({ core, log, rendererDir, port: Number(values.port) });
  process.stdout.write(`\n煤矿应急指挥调度台 (web host) ready — open in Chromium:\n  ${host.url}\n\n`);
  process.stdout.write(`MDC_READY ${JSON.stringify({ url: host.url, origin: host.origin, dataDir })}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await host.close();
    await core.dispose();
    log.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'web host failed to start');
  process.stderr.write(`web host failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
