/**
 * The lab's MQTT broker (Mosquitto 2.0, Debian's package), on 127.0.0.1 only, one account (no anonymous access, so
 * the console's secret handling is exercised), persistence on: persistent sessions, their subscriptions and their
 * queued QoS 1 messages survive a restart and a SIGKILL (the database is saved at every change; only a message
 * acknowledged in the last few ms before a SIGKILL can be lost). Startable
 * alone (`startMosquitto`, tests) or with the lab (`startLab` → `lab.mqtt`). The Debian service stays disabled.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { cmdline, killQuietly } from './stale';
import { Supervised } from './supervisor';

/** The standard MQTT port: what a site's broker uses (the Debian service must not run alongside the lab). */
export const LAB_MQTT_PORT = 1883;
/** The lab's one account (loopback only, no secret worth keeping). */
export const LAB_MQTT_USERNAME = 'mdc-console';
export const LAB_MQTT_PASSWORD = 'mdc-lab-mqtt-7Kq2';

const READY_MS = 5000;

export type LabMqtt = {
  /** `mqtt://127.0.0.1:PORT` */
  url: string;
  port: number;
  username: string;
  password: string;
  /** The broker's log (stderr): connections, subscriptions, database saves. */
  logFile: string;
  /** The broker's pid, null while it is down. */
  readonly pid: number | null;
  /** Starts it again after kill()/stop(): same port, same persistence; resolves when the port accepts connections. */
  start(): Promise<void>;
  /** SIGKILL (a broker outage); it stays down until start(). */
  kill(): Promise<void>;
  /** Clean stop (SIGTERM: the database is saved); stays down until start(). Idempotent. */
  stop(): Promise<void>;
};

/** What lab.json carries under `mqtt`. */
export type LabMqttJson = Pick<LabMqtt, 'url' | 'username' | 'password'>;

export function mqttJson(mqtt: LabMqtt): LabMqttJson {
  return { url: mqtt.url, username: mqtt.username, password: mqtt.password };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A port the kernel just gave out on 127.0.0.1 (free at the time of asking). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err) => reject(new Error(`lab MQTT: tcp 127.0.0.1:${port} is in use (${err.message}); is another broker (the Debian mosquitto service?) running?`)));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A broker an earlier, crashed run left with this config (its command line names it). */
function killStaleBroker(confPath: string, log: (line: string) => void): void {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmd = cmdline(pid);
    if (cmd && /\bmosquitto\b/.test(cmd) && cmd.includes(confPath)) {
      log(`mqtt: stale mosquitto (pid ${pid}): killing`);
      killQuietly(pid);
    }
  }
}

function writeConfig(dir: string, port: number): string {
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  // A plain `user:password` file hashed in place: the password never shows on a command line.
  const passwordFile = join(dir, 'passwd');
  writeFileSync(passwordFile, `${LAB_MQTT_USERNAME}:${LAB_MQTT_PASSWORD}\n`, { mode: 0o600 });
  execFileSync('mosquitto_passwd', ['-U', passwordFile]);
  const confPath = join(dir, 'mosquitto.conf');
  const lines = [
    // As root, stay root: dropping privileges would clear the parent-death signal (setpriv --pdeathsig), and the
    // broker could outlive a crashed lab. It listens on loopback only.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    `password_file ${passwordFile}`,
    'persistence true',
    `persistence_location ${dataDir}/`,
    // Saved after every change (subscription, queued message), in the same turn of the broker's loop that sent the
    // PUBACK: a SIGKILL a few ms after an acknowledgement can still lose that message (mosquitto never fsyncs per
    // message); anything older survives.
    'autosave_on_changes true',
    'autosave_interval 1',
    'max_queued_messages 10000',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'log_timestamp_format %Y-%m-%dT%H:%M:%S',
    'connection_messages true',
  ];
  writeFileSync(confPath, `${lines.join('\n')}\n`);
  return confPath;
}

/**
 * Starts a broker with its config, password file, database and log in `<runDir>/mosquitto/` (the database is kept
 * across runs, like a real broker's). `port` 0: any free one; default LAB_MQTT_PORT. Resolves when the port accepts
 * connections.
 */
export async function startMosquitto(opts: { runDir: string; port?: number; log?: (line: string) => void }): Promise<LabMqtt> {
  const log = opts.log ?? ((): void => undefined);
  const dir = join(opts.runDir, 'mosquitto');
  mkdirSync(dir, { recursive: true });
  const confPath = join(dir, 'mosquitto.conf');
  killStaleBroker(confPath, log);
  const port = opts.port === 0 ? await freePort() : (opts.port ?? LAB_MQTT_PORT);
  await checkPortFree(port);
  writeConfig(dir, port);
  const logFile = join(dir, 'mosquitto.log');
  const broker = new Supervised(
    { name: 'mosquitto', command: 'mosquitto', args: ['-c', confPath], logFile, stopTimeoutMs: 3000 },
    log,
    () => undefined,
  );
  const start = async (): Promise<void> => {
    broker.start();
    const deadline = Date.now() + READY_MS;
    while (!(await accepts(port))) {
      if (Date.now() > deadline) throw new Error(`lab MQTT: mosquitto not accepting on 127.0.0.1:${port} within ${READY_MS} ms (see ${logFile})`);
      await sleep(50);
    }
  };
  try {
    await start();
  } catch (err) {
    await broker.stop();
    throw err;
  }
  log(`mqtt: mosquitto answers on mqtt://127.0.0.1:${port}`);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    username: LAB_MQTT_USERNAME,
    password: LAB_MQTT_PASSWORD,
    logFile,
    get pid() {
      return broker.pid;
    },
    start,
    kill: () => broker.kill(),
    stop: () => broker.stop(),
  };
}
