/**
 * `npx tsx lab/cli.ts` (= `npm run lab`): runs the video lab in the foreground until SIGINT/SIGTERM.
 * `npx tsx lab/cli.ts pbx`: runs only the telephone lab (Kamailio, rtpengine, baresip phones).
 * `npx tsx lab/cli.ts install`: installs the Debian packages the lab needs (root only).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { DEFAULT_RUN_DIR, startLab } from './lab';
import { startPbx, type LabPbx } from './pbx/pbx';
import { LAB_DEBIAN_PACKAGES } from './packages';

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

const command = process.argv[2];
if (command === 'install') {
  install();
} else if (command === 'pbx') {
  runPbx().catch((err: unknown) => {
    console.error(`lab PBX failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else if (command === undefined || command === 'run') {
  run().catch((err: unknown) => {
    console.error(`lab failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else {
  console.error('usage: npx tsx lab/cli.ts [run|pbx|install]');
  process.exitCode = 2;
}
