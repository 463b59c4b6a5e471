/**
 * The telephone dispatch lab, all on 127.0.0.1: rtpengine, then Kamailio 5.6 (UDP 5060 for the phones,
 * ws + JSON-RPC on 8088 for the consoles), then one baresip per phone. Startable alone (`startPbx`) or with
 * the video lab (`startLab` → `lab.pbx`).
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { KamailioRpc } from '../../src/main/connectors/sip/kamailioRpc';
import type { Contact } from '../../src/shared/domain/telephony';
import { cmdline, isNode, killQuietly } from '../stale';
import { RTP_SPEAKER_HOST, RTP_SPEAKERS } from '../rtpSpeakers';
import { Supervised } from '../supervisor';
import { baresipCommand, parseListCalls, type BaresipCall } from './baresipControl';
import {
  dropWebSocketContacts,
  LAB_REALM,
  RTPENGINE_NG_PORT,
  RTPENGINE_PORT_MAX,
  RTPENGINE_PORT_MIN,
  SIP_UDP_PORT,
  WS_PORT,
  writeKamailioConfig,
} from './kamailioConfig';
import { buildPhones, writeBaresipConfig, type LabPhone } from './phones';

export type { LabPhone } from './phones';
export type { BaresipCall } from './baresipControl';

export type ConsoleAccount = { user: string; password: string; displayName: string };

/** `<runDir>/pbx/console.json`, read by the web host with `--lab-pbx <file>`. */
export type PbxConsoleJson = {
  account: {
    id: 'lab';
    name: string;
    enabled: true;
    wsUrl: string;
    domain: string;
    user: string;
    realm: string;
    displayName: string;
    presenceUrl: string;
    password: string;
  };
  directory: Contact[];
  /** Broadcast groups (广播分组) of directory ids: the lab's IP speakers. */
  broadcastGroups: { id: string; name: string; memberIds: string[] }[];
  /** The RTP speakers' routes: through the lab's Janus (backend `lab`) AudioBridge to their address. */
  rtpRoutes: { contactId: string; backendId: string; host: string; port: number; codec: 'pcmu' | 'pcma' }[];
};

/** What lab.json carries under `pbx`. */
export type LabPbxJson = {
  wsUrl: string;
  domain: string;
  realm: string;
  presenceUrl: string;
  sipUdp: string;
  consoleJson: string;
  consoleAccounts: ConsoleAccount[];
  phones: LabPhone[];
};

export type LabPbx = LabPbxJson & {
  /** Dials from a lab phone; `to` is a number or a SIP URI. */
  dial(fromNumber: string, to: string): Promise<void>;
  /** Hangs up the phone's current call(s). */
  hangup(number: string): Promise<void>;
  /** Answers a ringing call (only meaningful for the phone that never answers by itself). */
  accept(number: string): Promise<void>;
  listCalls(number: string): Promise<BaresipCall[]>;
  /** Registered users and users in a dialog, from Kamailio's JSON-RPC. */
  rpc: KamailioRpc;
  /** SIGTERM Kamailio and start it again (registrations are persisted); resolves when ws/RPC answers. */
  restartKamailio(): Promise<void>;
  /** SIGKILL Kamailio; it stays down until startKamailio(). */
  killKamailio(): Promise<void>;
  /** Clean stop (SIGTERM: registrations are saved and come back with startKamailio); stays down until then. */
  stopKamailio(): Promise<void>;
  startKamailio(): Promise<void>;
  /** Every process gone, pids.json removed. Idempotent. */
  stop(): Promise<void>;
};

export const PBX_DOMAIN = '127.0.0.1';
export const PBX_WS_URL = `ws://127.0.0.1:${WS_PORT}`;
export const PBX_PRESENCE_URL = `http://127.0.0.1:${WS_PORT}/RPC`;
const CONSOLES = [
  { user: '1001', displayName: '市应急指挥中心调度台' },
  { user: '1002', displayName: '市应急指挥中心调度台（二席）' },
];
const PIDS_FILE = 'pids.json';
const KAMAILIO_READY_MS = 10_000;
const REGISTER_READY_MS = 15_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Kills what an earlier, crashed PBX with this run dir left; throws if a live one owns it. */
function cleanupStalePbx(pbxDir: string, log: (line: string) => void): void {
  const pidsFile = join(pbxDir, PIDS_FILE);
  if (existsSync(pidsFile)) {
    try {
      const pids = JSON.parse(readFileSync(pidsFile, 'utf8')) as Record<string, number | null>;
      const owner = pids.owner;
      if (owner && owner !== process.pid && isNode(owner)) throw new Error(`another lab PBX (pid ${owner}) runs with ${pbxDir}; stop it first`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('another lab PBX')) throw err;
    }
  }
  // Our children carry the pbx dir in their command line (config paths): kill leftovers, e.g. Kamailio workers.
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmd = cmdline(pid);
    if (cmd && /\b(kamailio|rtpengine|baresip)\b/.test(cmd) && cmd.includes(pbxDir)) {
      log(`pbx: stale ${cmd.split(' ')[0] ?? ''} (pid ${pid}): killing`);
      killQuietly(pid);
    }
  }
  rmSync(pidsFile, { force: true });
}

async function checkPortsFree(): Promise<void> {
  const tcp = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const srv = createServer();
      srv.once('error', (err) => reject(new Error(`lab PBX: tcp 127.0.0.1:${port} is in use (${err.message}); is another PBX running?`)));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
    });
  const udp = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', (err) => reject(new Error(`lab PBX: udp 127.0.0.1:${port} is in use (${err.message}); is another PBX running?`)));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve()));
    });
  await Promise.all([tcp(WS_PORT), udp(SIP_UDP_PORT), udp(RTPENGINE_NG_PORT)]);
}

/** rtpengine's ng protocol: `<cookie> d7:command4:pinge` → `<cookie> d6:result4:ponge`. */
function pingRtpengine(timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(false);
    }, timeoutMs);
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      resolve(msg.toString().includes('pong'));
    });
    s.on('error', () => undefined);
    s.send('lab1 d7:command4:pinge', RTPENGINE_NG_PORT, '127.0.0.1');
  });
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`lab PBX: ${what} not ready within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function loadPasswords(file: string): Record<string, string> {
  let stored: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      stored = {};
    }
  }
  let changed = false;
  for (const c of CONSOLES) {
    if (typeof stored[c.user] !== 'string' || !/^[A-Za-z0-9]{12,}$/.test(stored[c.user] ?? '')) {
      stored[c.user] = randomBytes(12).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x');
      changed = true;
    }
  }
  if (changed) writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return stored;
}

/**
 * A speaker the PBX knows but that never registers (a broken device): the directory shows it 异常, and a call to it
 * gets 480 Temporarily Unavailable. Tests use it for an endpoint that is down.
 */
export const OFFLINE_SPEAKER = { number: '7009', name: '井下广播音柱（主运输巷）' } as const;

function offlineSpeakerContact(phones: readonly LabPhone[]): Contact {
  const mine = phones.find((p) => p.role === 'speaker') ?? phones[0]!;
  return {
    id: `lab-${OFFLINE_SPEAKER.number}`,
    name: `${mine.mineName ?? ''}${OFFLINE_SPEAKER.name}`,
    number: OFFLINE_SPEAKER.number,
    role: 'speaker',
    org: '广播',
    county: mine.county,
    mineId: mine.mineId,
    mineName: mine.mineName,
  };
}

/** The video lab's RTP speakers (lab/rtpSpeakers.ts) as directory entries of the first speaker's mine. */
function rtpSpeakerContacts(phones: readonly LabPhone[]): Contact[] {
  const mine = phones.find((p) => p.role === 'speaker') ?? phones[0]!;
  return RTP_SPEAKERS.map((r) => ({
    id: `lab-${r.number}`,
    name: `${mine.mineName ?? ''}${r.name}`,
    number: r.number,
    role: 'speaker',
    org: '广播',
    county: mine.county,
    mineId: mine.mineId,
    mineName: mine.mineName,
  }));
}

export function phoneContact(p: LabPhone): Contact {
  return { id: `lab-${p.number}`, name: p.name, number: p.number, role: p.role, org: p.org, county: p.county, mineId: p.mineId, mineName: p.mineName };
}

function toSipUri(to: string): string {
  return /^sips?:/.test(to) ? to : `sip:${to}@${PBX_DOMAIN}`;
}

/**
 * Telephony runs beside the video lab's sixteen ffmpeg cameras on two cores: the PBX, the media relay and the phones
 * get a higher CPU priority (nice -10, root), as a site gives its voice servers, so audio is not starved when the
 * cameras take the CPU (phones otherwise stopped sending for seconds). `nice` execs the program: pids stay the same.
 */
function withAudioPriority(command: string, args: string[]): { command: string; args: string[] } {
  return { command: 'nice', args: ['-n', '-10', command, ...args] };
}

export async function startPbx(opts: { runDir: string; log?: (line: string) => void }): Promise<LabPbx> {
  const log = opts.log ?? ((): void => undefined);
  const started = Date.now();
  const pbxDir = join(opts.runDir, 'pbx');
  mkdirSync(pbxDir, { recursive: true });
  cleanupStalePbx(pbxDir, log);
  await checkPortsFree();
  const logDir = join(pbxDir, 'logs');
  const phonesDir = join(pbxDir, 'phones');
  rmSync(logDir, { recursive: true, force: true });
  rmSync(phonesDir, { recursive: true, force: true }); // recordings of this run only
  mkdirSync(logDir, { recursive: true });

  const phones = buildPhones();
  const passwords = loadPasswords(join(pbxDir, 'console-passwords.json'));
  const consoleAccounts: ConsoleAccount[] = CONSOLES.map((c) => ({ ...c, password: passwords[c.user] ?? '' }));
  for (const p of phones) writeBaresipConfig(join(phonesDir, p.number), p);

  const kamDir = join(pbxDir, 'kamailio');
  // A fresh start forgets earlier registrations; restartKamailio() keeps them.
  rmSync(join(kamDir, 'db', 'location'), { force: true });
  const kam = writeKamailioConfig({
    dir: kamDir,
    wsUsers: consoleAccounts.map((a) => ({ user: a.user, password: a.password })),
    knownNumbers: [...consoleAccounts.map((a) => a.user), ...phones.map((p) => p.number), OFFLINE_SPEAKER.number],
  });

  const consoleJsonPath = join(pbxDir, 'console.json');
  const [seat1, seat2] = consoleAccounts;
  if (!seat1 || !seat2) throw new Error('lab PBX: console accounts missing');
  const consoleJson: PbxConsoleJson = {
    account: {
      id: 'lab',
      name: '本地实验室 PBX',
      enabled: true,
      wsUrl: PBX_WS_URL,
      domain: PBX_DOMAIN,
      user: seat1.user,
      realm: LAB_REALM,
      displayName: seat1.displayName,
      presenceUrl: PBX_PRESENCE_URL,
      password: seat1.password,
    },
    directory: [
      ...phones.map(phoneContact),
      { id: `lab-${seat2.user}`, name: seat2.displayName, number: seat2.user, role: 'dispatch', org: '市应急指挥中心', county: null, mineId: null, mineName: null },
      offlineSpeakerContact(phones),
      ...rtpSpeakerContacts(phones),
    ],
    broadcastGroups: [
      { id: 'lab-speakers', name: '实验室广播音柱', memberIds: phones.filter((p) => p.role === 'speaker').map((p) => phoneContact(p).id) },
      // SIP and RTP speakers in one group, as a mine's surface and underground systems often are.
      { id: 'lab-mixed', name: '实验室混合广播', memberIds: ['lab-7001', ...RTP_SPEAKERS.map((r) => `lab-${r.number}`)] },
    ],
    rtpRoutes: RTP_SPEAKERS.map((r) => ({ contactId: `lab-${r.number}`, backendId: 'lab', host: RTP_SPEAKER_HOST, port: r.port, codec: r.codec })),
  };
  writeFileSync(consoleJsonPath, `${JSON.stringify(consoleJson, null, 2)}\n`, { mode: 0o600 });

  const children: Supervised[] = [];
  let stopped = false;
  const pidsPath = join(pbxDir, PIDS_FILE);
  const writePids = (): void => {
    if (stopped) return;
    const pids: Record<string, number | null> = { owner: process.pid };
    for (const c of children) pids[c.spec.name] = c.pid;
    writeFileSync(pidsPath, `${JSON.stringify(pids)}\n`);
  };
  const rtpengine = new Supervised(
    {
      name: 'rtpengine',
      ...withAudioPriority('rtpengine', [
        '--config-file=none', '--foreground', '--table=-1', '--interface=127.0.0.1',
        `--listen-ng=127.0.0.1:${RTPENGINE_NG_PORT}`, `--port-min=${RTPENGINE_PORT_MIN}`, `--port-max=${RTPENGINE_PORT_MAX}`,
        '--log-stderr', `--pidfile=${join(pbxDir, 'rtpengine.pid')}`,
      ]),
      logFile: join(logDir, 'rtpengine.log'),
    },
    log,
    writePids,
  );
  const kamailio = new Supervised(
    {
      name: 'kamailio',
      // -DD: stay in the foreground (workers are still forked), -E: log to stderr.
      ...withAudioPriority('kamailio', ['-DD', '-E', '-f', kam.cfg, '-Y', kam.runtimeDir, '-m', '64', '-M', '8']),
      logFile: join(logDir, 'kamailio.log'),
      stopTimeoutMs: 5000,
    },
    log,
    writePids,
  );
  const phoneProcs = phones.map(
    (p) =>
      new Supervised(
        { name: `phone-${p.number}`, ...withAudioPriority('baresip', ['-f', join(phonesDir, p.number)]), logFile: join(logDir, `phone-${p.number}.log`), stopTimeoutMs: 2000 },
        log,
        writePids,
      ),
  );
  children.push(rtpengine, kamailio, ...phoneProcs);
  const rpc = new KamailioRpc(PBX_PRESENCE_URL, 2000);

  /** Kamailio's forked workers outlive a SIGKILLed main process: kill them by their config path. */
  const killKamailioLeftovers = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      const left = readdirSync('/proc').filter((e) => {
        const cmd = /^\d+$/.test(e) ? cmdline(Number(e)) : null;
        return cmd !== null && /\bkamailio\b/.test(cmd) && cmd.includes(kam.cfg);
      });
      if (left.length === 0) return;
      for (const pid of left) killQuietly(Number(pid));
      await sleep(100);
    }
  };
  const kamailioReady = async (): Promise<void> => {
    await waitFor('Kamailio JSON-RPC', KAMAILIO_READY_MS, async () => (await rpc.call('core.version')) !== undefined);
  };
  const startKamailio = async (): Promise<void> => {
    if (stopped) throw new Error('lab PBX is stopped');
    await killKamailioLeftovers();
    dropWebSocketContacts(kam.dbDir);
    kamailio.start();
    await kamailioReady();
  };
  const stopKamailio = async (): Promise<void> => {
    await kamailio.stop();
    await killKamailioLeftovers();
  };

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped = true;
      await Promise.all(phoneProcs.map((c) => c.stop()));
      await stopKamailio();
      await rtpengine.stop();
      rmSync(pidsPath, { force: true });
      log('pbx stopped');
    })();
    return stopping;
  };

  try {
    rtpengine.start();
    await waitFor('rtpengine', 5000, () => pingRtpengine(300));
    await startKamailio();
    log(`pbx: kamailio answers on ${PBX_PRESENCE_URL}`);
    for (const c of phoneProcs) c.start();
    const expected = phones.map((p) => p.number);
    await waitFor('phone registrations', REGISTER_READY_MS, async () => {
      const { registered } = await rpc.view();
      return expected.every((n) => registered.includes(n));
    });
    log(`pbx ready in ${Date.now() - started} ms: ${phones.length} phones registered, ws ${PBX_WS_URL}`);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  const ctrlPort = (number: string): number => {
    const p = phones.find((x) => x.number === number);
    if (!p) throw new Error(`no lab phone ${number}`);
    return p.ctrlPort;
  };
  const command = async (number: string, cmd: string, params = ''): Promise<string> => {
    const res = await baresipCommand(ctrlPort(number), cmd, params);
    if (!res.ok) throw new Error(`phone ${number}: ${cmd} ${params} failed: ${res.data}`);
    return res.data;
  };

  return {
    wsUrl: PBX_WS_URL,
    domain: PBX_DOMAIN,
    realm: LAB_REALM,
    presenceUrl: PBX_PRESENCE_URL,
    sipUdp: `udp:127.0.0.1:${SIP_UDP_PORT}`,
    consoleJson: consoleJsonPath,
    consoleAccounts,
    phones,
    rpc,
    dial: async (from, to) => {
      await command(from, 'dial', toSipUri(to));
    },
    hangup: async (number) => {
      await command(number, 'hangup');
    },
    accept: async (number) => {
      await command(number, 'accept');
    },
    listCalls: async (number) => parseListCalls(await command(number, 'listcalls')),
    restartKamailio: async () => {
      await stopKamailio();
      await startKamailio();
    },
    killKamailio: async () => {
      await kamailio.kill();
      await killKamailioLeftovers();
    },
    stopKamailio,
    startKamailio,
    stop,
  };
}

/** The serialisable part of a LabPbx (for lab.json). */
export function pbxJson(pbx: LabPbx): LabPbxJson {
  return {
    wsUrl: pbx.wsUrl,
    domain: pbx.domain,
    realm: pbx.realm,
    presenceUrl: pbx.presenceUrl,
    sipUdp: pbx.sipUdp,
    consoleJson: pbx.consoleJson,
    consoleAccounts: pbx.consoleAccounts,
    phones: pbx.phones,
  };
}
