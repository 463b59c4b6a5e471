/**
 * `npx tsx lab/cli.ts` (= `npm run lab`): runs the video lab in the foreground until SIGINT/SIGTERM.
 * `npx tsx lab/cli.ts pbx`: runs only the telephone lab (Kamailio, rtpengine, baresip phones).
 * `npx tsx lab/cli.ts install`: installs the Debian packages the lab needs (root only).
 * `npx tsx lab/cli.ts alarms --url http://127.0.0.1:PORT/alarms/lab-ai --token T [--rate 2] [--count N] [--burst N]
 *   [--concurrency 8] [--kinds off-post,smoke-fire] [--unlinked] [--seed N] [--quiet]`: pushes lab alarms (see alarmGenerator.ts).
 * `npx tsx lab/cli.ts gps [--backfill-hours N] [--url mqtt://… --username U --password P]`: with --backfill-hours,
 *   publishes the lab GPS units' history of the past N hours (10 s steps) and exits; without, runs the units live
 *   (the running lab already does that itself) until Ctrl+C. The broker is the running lab's unless --url is given.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALARM_KINDS, type KnownAlarmKind } from '../src/shared/domain/alarm';
import { labAlarmChannels, runGenerator, type SentAlarm } from './alarmGenerator';
import { backfill, labGpsUnits, startGpsSimulator } from './gpsSimulator';
import { DEFAULT_RUN_DIR, startLab, type LabAlarms, type LabJson } from './lab';
import { startPbx, type LabPbx } from './pbx/pbx';
import { LAB_DEBIAN_PACKAGES } from './packages';
import { LAB_JSON } from './stale';

function isInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function install(): void {
  const missing = LAB_DEBIAN_PACKAGES.filter((p) => !isInstalled(p));
  if (missing.length === 0) {
    console.log(`already installed: ${LAB_DEBIAN_PACKAGES.join(' ')}`);
    return;
  }
  if (process.getuid?.() !== 0) {
    console.error(`missing Debian packages: ${missing.join(' ')}; run as root: apt-get install ${missing.join(' ')}`);
    process.exitCode = 1;
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

function printPbx(pbx: LabPbx): void {
  console.log(`\nPBX: SIP ${pbx.sipUdp} (phones), ${pbx.wsUrl} (consoles, SIP over WebSocket), JSON-RPC ${pbx.presenceUrl}`);
  for (const a of pbx.consoleAccounts) console.log(`  console ${a.user}@${pbx.domain} realm ${pbx.realm} password ${a.password}  ${a.displayName}`);
  console.log(`  console.json for the web host (--lab-pbx): ${pbx.consoleJson}`);
  for (const p of pbx.phones) {
    const tone = p.answer === 'never' ? 'never answers' : `auto-answer, ${p.toneHz} Hz`;
    console.log(`  ${p.number}  ${p.role.padEnd(8)} ctrl_tcp ${p.ctrlPort}  ${tone.padEnd(20)} ${p.name}`);
  }
}

function untilSignal(log: (line: string) => void, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function runPbx(): Promise<void> {
  const t0 = Date.now();
  const log = (line: string): void => console.log(`[pbx +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
  const pbx = await startPbx({ runDir: DEFAULT_RUN_DIR, log });
  printPbx(pbx);
  console.log('\nCtrl+C stops the PBX.');
  untilSignal(log, () => pbx.stop());
}

async function run(): Promise<void> {
  const t0 = Date.now();
  const log = (line: string): void => console.log(`[lab +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
  const lab = await startLab({ log });
  console.log(`\nJanus: ${lab.janusUrl} (protocol janus-protocol, plugin janus.plugin.streaming)`);
  console.log(`Clock camera (live, barcode): mountpoint ${lab.clockMountpointId}`);
  console.log(`PTZ camera: mountpoint ${lab.ptz.mountpointId}, Hikvision ISAPI ${lab.ptz.isapiUrl} (state: ${lab.ptz.stateUrl})`);
  console.log('Channels (sub stream mountpoint in brackets):');
  for (const ch of lab.channels) {
    const tag = ch.live ? '  [live clock]' : ch.ptz ? '  [PTZ]' : '';
    const sub = ch.subMountpointId === null ? '     ' : `[${ch.subMountpointId}]`;
    console.log(`  ${ch.mountpointId} ${sub}  ${ch.category}  ${ch.gbId}  ${ch.mpegtsUrl.padEnd(38)} ${ch.name}${tag}`);
  }
  printPbx(lab.pbx);
  console.log('\nCtrl+C stops the lab.');
  untilSignal(log, () => lab.stop());
}

/** Share of alarms `--unlinked` sends with a channel code the console does not know. */
const UNLINKED_SHARE = 0.1;

function printSent({ alarm, result, ms }: SentAlarm): void {
  const outcome = result.ok ? `${result.status} ${result.duplicate ? 'duplicate ' : ''}${result.storedId ?? ''}` : `FAILED ${result.status} ${result.error ?? ''}`;
  const where = alarm.unlinked ? `${alarm.body.channelCode} (unlinked)` : alarm.channel.name;
  console.log(`${alarm.body.alarmTime}  ${alarm.body.alarmId}  ${alarm.body.eventName.padEnd(8, '　')} ${where}  ${ms} ms  ${outcome}`);
}

/** The alarm settings of the lab running from the default run dir, if one is. */
function runningLabAlarms(): LabAlarms | null {
  try {
    return (JSON.parse(readFileSync(join(DEFAULT_RUN_DIR, LAB_JSON), 'utf8')) as { alarms?: LabAlarms }).alarms ?? null;
  } catch {
    return null;
  }
}

async function runAlarms(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      rate: { type: 'string' },
      count: { type: 'string' },
      burst: { type: 'string' },
      concurrency: { type: 'string' },
      kinds: { type: 'string' },
      unlinked: { type: 'boolean' },
      seed: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  // A running lab names the receiver port and token it set the console up with.
  const running = runningLabAlarms();
  const url = values.url ?? (running ? `http://127.0.0.1:${running.receiverPort}/alarms/lab-ai` : undefined);
  if (!url) throw new Error('--url http://127.0.0.1:PORT/alarms/lab-ai is required (no running lab names one)');
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const kinds = values.kinds?.split(',').map((k) => k.trim()) as KnownAlarmKind[] | undefined;
  const unknown = kinds?.filter((k) => !(k in ALARM_KINDS)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown kinds ${unknown.join(', ')}; known: ${Object.keys(ALARM_KINDS).join(', ')}`);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const stats = await runGenerator({
    channels: labAlarmChannels(join(DEFAULT_RUN_DIR, LAB_JSON)),
    url,
    token: values.token ?? running?.token ?? null,
    ratePerSecond: num(values.rate),
    count: num(values.count),
    burst: num(values.burst),
    concurrency: num(values.concurrency),
    kinds,
    unlinked: values.unlinked ? UNLINKED_SHARE : undefined,
    seed: num(values.seed),
    signal: abort.signal,
    log: (line) => console.log(line),
    onSent: values.quiet ? undefined : printSent,
  });
  const rate = stats.durationMs > 0 ? ((stats.sent * 1000) / stats.durationMs).toFixed(1) : '-';
  console.log(`sent ${stats.sent}, ok ${stats.ok}, failed ${stats.failed.length} in ${stats.durationMs} ms (${rate}/s)`);
  console.log(`by kind: ${Object.entries(stats.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (stats.failed.length > 0) process.exitCode = 1;
}

/** The broker of the lab running from the default run dir, if one is. */
function runningLabMqtt(): LabJson['mqtt'] | null {
  try {
    return (JSON.parse(readFileSync(join(DEFAULT_RUN_DIR, LAB_JSON), 'utf8')) as { mqtt?: LabJson['mqtt'] }).mqtt ?? null;
  } catch {
    return null;
  }
}

async function runGps(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { 'backfill-hours': { type: 'string' }, url: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' } },
  });
  const running = runningLabMqtt();
  const url = values.url ?? running?.url;
  if (!url) throw new Error('--url mqtt://127.0.0.1:1883 is required (no running lab names its broker)');
  const broker = { url, username: values.username ?? running?.username ?? '', password: values.password ?? running?.password ?? '' };
  const log = (line: string): void => console.log(line);
  if (values['backfill-hours'] !== undefined) {
    const hours = Number(values['backfill-hours']);
    if (!(hours > 0 && hours <= 168)) throw new Error('--backfill-hours takes 0 < N <= 168');
    const t0 = Date.now();
    const sent = await backfill({ broker, hours, log });
    console.log(`backfilled ${sent} positions of ${labGpsUnits().length} units (${hours} h at 10 s steps) in ${Date.now() - t0} ms`);
    return;
  }
  const sim = await startGpsSimulator({ broker, log });
  for (const u of labGpsUnits()) console.log(`  gps/${u.id}  ${u.kind.padEnd(8)} ${u.name}  phone ${u.phone}  ${u.speed} m/s`);
  console.log('\nCtrl+C stops the units.');
  untilSignal(log, () => sim.stop());
}

const command = process.argv[2];
if (command === 'install') {
  install();
} else if (command === 'pbx') {
  runPbx().catch((err: unknown) => {
    console.error(`lab PBX failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else if (command === 'alarms') {
  runAlarms(process.argv.slice(3)).catch((err: unknown) => {
    console.error(`lab alarms failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else if (command === 'gps') {
  runGps(process.argv.slice(3)).catch((err: unknown) => {
    console.error(`lab gps failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else if (command === undefined || command === 'run') {
  run().catch((err: unknown) => {
    console.error(`lab failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else {
  console.error('usage: npx tsx lab/cli.ts [run|pbx|install|alarms|gps]');
  process.exitCode = 2;
}
