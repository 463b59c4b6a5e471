// `npm run setup`: everything a fresh machine of this workplace (or a site PC) needs, in one command.
// Uses only Node built-ins, because it runs before node_modules exists.
//  1. Debian packages for the lab and the tests (only as root on Debian/Ubuntu; skipped otherwise).
//  2. npm packages (install scripts allowed only for the packages listed in package.json allowScripts).
//  3. better-sqlite3 checked (rebuilt from source for this Node when needed).
//  4. Electron's binary: downloaded where its host is reachable; otherwise reported, and the web host is used.
//  5. The build (renderer + Node bundles).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const log = (msg) => process.stdout.write(`[setup] ${msg}\n`);
const run = (cmd, args, opts = {}) => {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status === 0;
};
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

// 1. Debian packages (lab servers, fonts for the OSD, Chromium for tests and the web host).
const DEBIAN = fs.readFileSync(new URL('../lab/debian-packages.txt', import.meta.url), 'utf8').split(/\s+/).filter(Boolean);
if (process.env.MDC_SKIP_APT === '1') log('MDC_SKIP_APT=1: Debian packages not touched');
else if (process.getuid?.() === 0 && has('apt-get')) {
  const missing = DEBIAN.filter((p) => spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout?.includes('install ok installed') !== true);
  if (missing.length === 0) log('Debian packages already installed');
  else {
    run('apt-get', ['update', '-qq']);
    if (!run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })) {
      log(`could not install ${missing.join(' ')}: the lab and the end-to-end tests need them`);
      process.exit(1);
    }
    // Debian's own brokers/servers would hold the lab's ports (mosquitto on 1883): the lab starts its own instances.
    if (missing.includes('mosquitto') && has('systemctl')) run('systemctl', ['disable', '--now', 'mosquitto']);
  }
} else log(`not root or no apt-get: install these Debian packages yourself for the lab and tests: ${DEBIAN.join(' ')}`);

// 2. npm packages. Electron's own postinstall is not allowed to run here (it downloads); step 4 does that with a time limit.
const lock = fs.existsSync(new URL('../package-lock.json', import.meta.url));
if (!run('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'])) process.exit(1);

// 3. better-sqlite3 for this Node (built from source where no prebuilt binary is reachable).
const sqliteOk = () => spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { stdio: 'ignore' }).status === 0;
if (!sqliteOk()) {
  run('npm', ['rebuild', 'better-sqlite3']);
  if (!sqliteOk()) {
    log('better-sqlite3 does not load: install python3, make and g++ and run `npm rebuild better-sqlite3`');
    process.exit(1);
  }
}
log('better-sqlite3 loads in Node');

// 4. Electron binary, honestly: downloaded where possible; the web host works without it.
const { fetchElectronBinary } = await import('./electron/fetchBinary.mjs');
const electron = await fetchElectronBinary({ timeoutMs: 180_000 });
if (electron.ok) {
  log(`Electron binary present: ${electron.path}`);
  const { buildSqliteForElectron } = await import('./electron/rebuildSqlite.mjs');
  const native = await buildSqliteForElectron();
  log(native.ok ? `better-sqlite3 built for Electron: ${native.path}` : `better-sqlite3 for Electron not built: ${native.reason}`);
} else {
  log(`Electron binary not available (${electron.reason}). \`npm start\` will run the web host instead; everything else works.`);
}

// 5. Build.
if (!run('npm', ['run', 'build'])) process.exit(1);
log('done. Next: `npm start` (and `npm run lab` for the local lab of real servers).');
