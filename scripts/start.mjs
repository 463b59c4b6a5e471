// `npm start`: the real Electron app where its binary is present (and a display exists), otherwise the web host.
// `npm start -- --web` forces the web host. When the local lab runs (`npm run lab`), its Janus is registered as a backend
// its PBX's SIP account and directory are passed with --lab-pbx, its alarm sources with --lab-alarms, and its GPS
// units' feed (broker, account, topic) with --lab-gps.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

const args = process.argv.slice(2);
const forceWeb = args.includes('--web');
if (!fs.existsSync('dist/renderer/index.html') || !fs.existsSync('dist/main/web.mjs')) {
  if (spawnSync('npm', ['run', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

const labFile = 'lab/.run/lab.json';
let labBackend = null;
let labPbx = null;
let labAlarms = null;
let labGps = null;
try {
  const lab = JSON.parse(fs.readFileSync(labFile, 'utf8'));
  labBackend = lab.janusUrl ?? null;
  // The lab's PBX writes the console's SIP account and directory; lab.json names the file under `pbx`.
  const pbxFile = lab.pbx?.consoleJson ?? 'lab/.run/pbx/console.json';
  if (lab.pbx && fs.existsSync(pbxFile)) labPbx = pbxFile;
  // Its alarm sources (generator webhooks, broker subscription): `npx tsx lab/cli.ts alarms` then pops alarms up.
  if (lab.alarms?.consoleJson && fs.existsSync(lab.alarms.consoleJson)) labAlarms = lab.alarms.consoleJson;
  // Its simulated GPS units publish to its broker: the console's feed subscribes to them.
  if (lab.gps?.consoleJson && fs.existsSync(lab.gps.consoleJson)) labGps = lab.gps.consoleJson;
} catch {
  // no lab running: fine
}

const { electronBinaryPath } = await import('./electron/electronBinary.mjs');
const electron = forceWeb ? null : electronBinaryPath();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

let child;
if (electron && hasDisplay) {
  console.log(`Starting the Electron app (${electron})`);
  child = spawn(
    electron,
    ['.', ...(labBackend ? [`--lab-backend=${labBackend}`] : []), ...(labPbx ? [`--lab-pbx=${labPbx}`] : []), ...(labAlarms ? [`--lab-alarms=${labAlarms}`] : []), ...(labGps ? [`--lab-gps=${labGps}`] : [])],
    { stdio: 'inherit' },
  );
} else {
  if (!forceWeb) {
    console.log(electron ? 'No display: starting the web host instead of Electron.' : 'Electron binary not present: starting the web host (open the printed URL in Chromium).');
  }
  const port = args.find((a) => a.startsWith('--port='))?.slice(7) ?? process.env.MDC_PORT ?? '5170';
  child = spawn(
    process.execPath,
    [
      'dist/main/web.mjs',
      '--port',
      port,
      ...(labBackend ? ['--lab-backend', labBackend] : []),
      ...(labPbx ? ['--lab-pbx', labPbx] : []),
      ...(labAlarms ? ['--lab-alarms', labAlarms] : []),
      ...(labGps ? ['--lab-gps', labGps] : []),
    ],
    { stdio: 'inherit' },
  );
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
