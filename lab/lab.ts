/**
 * The local video lab: Janus (streaming plugin, WebSocket only) in its own network namespace, fed by
 * ffmpeg cameras of real Changzhi mines (clip cameras with a main and a sub stream), one live clock camera
 * for latency measurements and one PTZ camera controlled over a Hikvision ISAPI subset on 127.0.0.1.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clipCameraArgs, LIVE_FPS, LIVE_HEIGHT, LIVE_WIDTH, liveCameraArgs, ptzCameraArgs } from './cameras';
import { buildChannels, type ChannelDef } from './channels';
import { ClockGenerator } from './clockGenerator';
import { ensureClips } from './clips';
import { startIsapiServer, type IsapiServer } from './isapiServer';
import { janusWsUrl, writeJanusConfig } from './janusConfig';
import { waitForJanus, waitForMedia } from './janusChecks';
import { writeLabAlarmsFile } from './alarmInputsFile';
import { LAB_GPS_TOPIC, labGpsFile, labGpsUnits, startGpsSimulator, type GpsSimulator } from './gpsSimulator';
import { mqttJson, startMosquitto, type LabMqtt, type LabMqttJson } from './mosquitto';
import { createNetns, deleteNetns, NETNS } from './netns';
import { ensurePanorama } from './panorama';
import { pbxJson, startPbx, type LabPbx, type LabPbxJson } from './pbx/pbx';
import { PtzCamera } from './ptzCamera';
import { startRtpSpeakers, type RtpSpeaker } from './rtpSpeakers';
import { ensureHistory, pruneRecordings, recordingDir, RETENTION_MS } from './recorder';
import { startRecordServer, type RecordServer } from './recordServer';
import { cleanupStale, LAB_JSON, PIDS_JSON, type LabPids } from './stale';
import { Supervised, type ChildSpec } from './supervisor';

export type LabChannel = {
  mountpointId: number;
  name: string;
  gbId: string;
  county: string;
  mineId: string;
  category: string;
  mpegtsUrl: string;
  /** The live clock camera (barcode). */
  live: boolean;
  /** The PTZ camera (ISAPI control, see `Lab.ptz`). */
  ptz: boolean;
  /** Janus mountpoint of the sub stream (480x270), null where the camera has none. */
  subMountpointId: number | null;
  /** The lab recorder keeps this camera's recordings (segment index in the channel metadata). */
  recorded: boolean;
};

/** The lab recorder: which cameras it records, where, and its segment index server. */
export type LabRecords = {
  /** `<runDir>/records`, one directory per recorded mountpoint. */
  root: string;
  /** `http://127.0.0.1:PORT`; a camera's index is `${origin}/records/<mountpoint>/index`. */
  origin: string;
  mountpointIds: number[];
};

export type LabPtz = {
  mountpointId: number;
  /** `http://127.0.0.1:PORT/ISAPI/PTZCtrl/channels/1`, as in the channel metadata (`ptzControl.url`). */
  isapiUrl: string;
  /** `http://127.0.0.1:PORT/lab/ptz/state`: JSON position (x, y, zoom, focus, iris), velocity, applied. */
  stateUrl: string;
};

export type Lab = {
  /** 'ws://198.18.0.1:8188' */
  janusUrl: string;
  channels: LabChannel[];
  /** The live-encoded camera that draws the clock barcode. */
  clockMountpointId: number;
  ptz: LabPtz;
  records: LabRecords;
  /** The telephone dispatch lab (Kamailio, rtpengine, baresip phones) on 127.0.0.1, see pbx/pbx.ts. */
  pbx: LabPbx;
  /** RTP broadcast speakers that Janus AudioBridge forwards to (they record what they hear like the phones). */
  rtpSpeakers: RtpSpeaker[];
  /** The MQTT broker (mosquitto) on 127.0.0.1, one account, persistent sessions; see mosquitto.ts. */
  mqtt: LabMqtt;
  /** The alarm sources for the console (`--lab-alarms <consoleJson>`) and the token the generator sends. */
  alarms: LabAlarms;
  /** The simulated GPS units publishing to the broker, and the feed for the console (`--lab-gps <consoleJson>`). */
  gps: LabGps;
  /** SIGKILL Janus (tests use this to prove recovery); it stays down until startJanus(). */
  killJanus(): Promise<void>;
  /** Starts Janus again (same config, same mountpoints); resolves when its WebSocket answers. */
  startJanus(): Promise<void>;
  /** Clean stop: every child gone, namespace deleted, lab.json removed. Idempotent. */
  stop(): Promise<void>;
};

/** Contents of `<runDir>/lab.json`: written once the lab is ready, kept current, removed by stop(). */
export type LabJson = {
  janusUrl: string;
  clockMountpointId: number;
  channels: LabChannel[];
  ptz: LabPtz;
  records: LabRecords;
  pbx: LabPbxJson;
  mqtt: LabMqttJson;
  alarms: LabAlarms;
  gps: LabGps;
  /** `lab` is the Node process that owns the lab; the others are its children (null while down). */
  pids: LabPids;
  netns: string;
  startedAt: string;
};

export type LabAlarms = {
  /** `<runDir>/alarms.json` (0600): the webhook sources with their token, the broker input, the receiver's port. */
  consoleJson: string;
  /** Bearer token of the lab's webhook sources (what `npx tsx lab/cli.ts alarms --token` sends). */
  token: string;
  /** Where the console's receiver listens for the lab (0: a free port, read from the console's settings). */
  receiverPort: number;
};

export type LabGps = {
  /** `<runDir>/gps.json` (0600): `{url, username, password, topic}` of the broker the units publish to. */
  consoleJson: string;
  /** `gps/#`: each unit publishes on `gps/<id>`. */
  topic: string;
  unitIds: string[];
};

/** The lab's webhook token: a lab secret, like its SIP and broker passwords. */
export const LAB_ALARM_TOKEN = 'mdc-lab-alarm-3Fz8';
/** The receiver port the lab's alarm sources are set up for (the generator's default target). */
export const LAB_ALARM_RECEIVER_PORT = 18_090;

export const DEFAULT_RUN_DIR = fileURLToPath(new URL('./.run/', import.meta.url));

const REQUIRED_FILES = ['/usr/bin/janus', '/usr/bin/ffmpeg', '/usr/bin/setpriv', '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc'];
const JANUS_READY_MS = 15_000;
/** Cameras the lab recorder keeps: two clip cameras of different mines with history, the clock camera, one more clip camera. */
export const RECORDED_MOUNTPOINTS: readonly number[] = [101, 102, 103, 105];
const PRUNE_EVERY_MS = 60_000;
const MEDIA_READY_MS = 20_000;

function toLabChannel(d: ChannelDef): LabChannel {
  return {
    mountpointId: d.mountpointId,
    name: d.name,
    gbId: d.gbId,
    county: d.county,
    mineId: d.mineId,
    category: d.category,
    mpegtsUrl: d.mpegtsUrl,
    live: d.live,
    ptz: d.ptz,
    subMountpointId: d.subMountpointId,
    recorded: d.recordIndexUrl !== null,
  };
}

function checkHost(): void {
  if (process.getuid?.() !== 0) throw new Error('the video lab needs root (it creates a network namespace)');
  const missing = REQUIRED_FILES.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npx tsx lab/cli.ts install\``);
}

export async function startLab(opts: { runDir?: string; log?: (line: string) => void; alarmReceiverPort?: number } = {}): Promise<Lab> {
  const runDir = resolve(opts.runDir ?? DEFAULT_RUN_DIR);
  const log = opts.log ?? ((): void => undefined);
  checkHost();
  // Paths end up inside ffmpeg filter arguments: keep them free of filtergraph metacharacters.
  if (!/^[\w/.-]+$/.test(runDir)) throw new Error(`run dir ${runDir}: use letters, digits, / . _ - only`);
  const started = Date.now();
  await cleanupStale(runDir, log);
  const logDir = join(runDir, 'logs');
  const janusDir = join(runDir, 'janus');
  const textDir = join(runDir, 'text');
  rmSync(logDir, { recursive: true, force: true }); // logs of this run only
  for (const d of [logDir, janusDir, textDir]) mkdirSync(d, { recursive: true });

  const defs = buildChannels();
  const clockDef = defs.find((d) => d.camera === 'clock');
  const ptzDef = defs.find((d) => d.camera === 'ptz');
  if (!clockDef || !ptzDef) throw new Error('lab catalogue needs a clock camera and a PTZ camera');
  const clips = await ensureClips(defs, log);
  const panorama = await ensurePanorama(ptzDef, log);
  // The PTZ camera's control first: its ISAPI URL goes into the channel metadata, i.e. the Janus config.
  const ptzCamera = new PtzCamera(join(runDir, `ptz-${ptzDef.mountpointId}.zmq`), join(runDir, 'ptz-presets.json'), log);
  let isapi: IsapiServer;
  try {
    isapi = await startIsapiServer(ptzCamera, log);
  } catch (err) {
    ptzCamera.stop();
    throw err;
  }
  ptzDef.ptzControlUrl = isapi.ptzUrl;
  const ptz: LabPtz = { mountpointId: ptzDef.mountpointId, isapiUrl: isapi.ptzUrl, stateUrl: isapi.stateUrl };
  // The recorder's index also goes into the metadata: its server first, history made up before the cameras run.
  const recordRoot = join(runDir, 'records');
  let recordServer: RecordServer;
  try {
    const now = Date.now();
    for (const d of defs.filter((x) => RECORDED_MOUNTPOINTS.includes(x.mountpointId))) {
      const dir = recordingDir(recordRoot, d.mountpointId);
      mkdirSync(dir, { recursive: true });
      pruneRecordings(dir, now - RETENTION_MS);
      const paths = clips.get(d.mountpointId);
      if (d.camera === 'clip' && paths) await ensureHistory(dir, paths.main, now);
    }
    recordServer = await startRecordServer(recordRoot);
  } catch (err) {
    ptzCamera.stop();
    await isapi.close();
    throw err;
  }
  for (const d of defs) if (RECORDED_MOUNTPOINTS.includes(d.mountpointId)) d.recordIndexUrl = recordServer.indexUrl(d.mountpointId);
  const records: LabRecords = { root: recordRoot, origin: recordServer.origin, mountpointIds: [...RECORDED_MOUNTPOINTS] };
  const recordTarget = (d: ChannelDef): { dir: string; base: number } | null =>
    d.recordIndexUrl ? { dir: recordingDir(recordRoot, d.mountpointId), base: Date.now() } : null;
  const janusCfg = writeJanusConfig(janusDir, defs);
  const janusUrl = janusWsUrl();
  const channels = defs.map(toLabChannel);
  const mediaIds = defs.flatMap((d) => (d.subMountpointId === null ? [d.mountpointId] : [d.mountpointId, d.subMountpointId]));
  const labJsonPath = join(runDir, LAB_JSON);
  const pidsPath = join(runDir, PIDS_JSON);
  const children: Supervised[] = [];
  let ready = false;
  let stopped = false;
  let pbx: LabPbx | null = null;
  let pbxStart: Promise<LabPbx> | null = null;
  let mqtt: LabMqtt | null = null;
  let mqttStart: Promise<LabMqtt> | null = null;
  const alarms: LabAlarms = { consoleJson: join(runDir, 'alarms.json'), token: LAB_ALARM_TOKEN, receiverPort: opts.alarmReceiverPort ?? LAB_ALARM_RECEIVER_PORT };
  const gps: LabGps = { consoleJson: join(runDir, 'gps.json'), topic: LAB_GPS_TOPIC, unitIds: labGpsUnits().map((u) => u.id) };
  let gpsSimulator: GpsSimulator | null = null;

  // pids.json from the first spawn on (crash cleanup); lab.json only once the lab is ready.
  const writeState = (): void => {
    if (stopped) return;
    const pids: LabPids = { lab: process.pid };
    for (const c of children) pids[c.spec.name] = c.pid;
    writeFileSync(pidsPath, `${JSON.stringify(pids)}\n`);
    if (!ready || !pbx || !mqtt) return;
    const json: LabJson = {
      janusUrl,
      clockMountpointId: clockDef.mountpointId,
      channels,
      ptz,
      records,
      pbx: pbxJson(pbx),
      mqtt: mqttJson(mqtt),
      alarms,
      gps,
      pids,
      netns: NETNS,
      startedAt: new Date(started).toISOString(),
    };
    writeFileSync(labJsonPath, `${JSON.stringify(json, null, 2)}\n`);
  };

  const janus = new Supervised(
    {
      name: 'janus',
      command: 'ip',
      args: ['netns', 'exec', NETNS, 'janus', '-F', janusDir, '-C', janusCfg],
      logFile: join(logDir, 'janus.log'),
      // Janus ignores SIGTERM for a long time; SIGINT is its clean stop.
      stopSignal: 'SIGINT',
      stopTimeoutMs: 5000,
    },
    log,
    writeState,
  );
  const generator = new ClockGenerator(LIVE_WIDTH, LIVE_HEIGHT, LIVE_FPS);
  children.push(janus);
  for (const d of defs) {
    const spec: ChildSpec = {
      name: `cam-${d.mountpointId}`,
      command: 'ffmpeg',
      args: [],
      logFile: join(logDir, `cam-${d.mountpointId}.log`),
      stdin: 'ignore',
      stopSignal: 'SIGTERM',
      stopTimeoutMs: 2000,
    };
    let onSpawn: ((child: ChildProcess) => void) | undefined;
    if (d.camera === 'clock') {
      // Built at every spawn: each run of recording segments is named by the time it starts.
      spec.args = () => liveCameraArgs(d, textDir, recordTarget(d));
      spec.stdin = 'pipe';
      onSpawn = (child) => {
        if (child.stdin) generator.attach(child.stdin);
      };
    } else if (d.camera === 'ptz') {
      // Built at every spawn: a restarted camera starts where the PTZ state is, then follows it over zmq.
      spec.args = () => ptzCameraArgs(d, panorama, ptzCamera.zmqSocket, textDir, ptzCamera.current());
      onSpawn = () => ptzCamera.cameraSpawned();
    } else {
      const paths = clips.get(d.mountpointId);
      if (!paths) throw new Error(`no clips for channel ${d.mountpointId}`);
      spec.args = () => clipCameraArgs(d, paths, recordTarget(d));
    }
    children.push(new Supervised(spec, log, writeState, onSpawn));
  }

  const pruneTimer = setInterval(() => {
    for (const id of RECORDED_MOUNTPOINTS) pruneRecordings(recordingDir(recordRoot, id), Date.now() - RETENTION_MS);
  }, PRUNE_EVERY_MS);
  pruneTimer.unref();
  let rtpSpeakers: RtpSpeaker[] = [];
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped = true;
      clearInterval(pruneTimer);
      generator.stop();
      ptzCamera.stop();
      await gpsSimulator?.stop();
      await isapi.close();
      await recordServer.close();
      await Promise.all([...children.map((c) => c.stop()), pbxStart?.then((p) => p.stop(), () => undefined), mqttStart?.then((m) => m.stop(), () => undefined), ...rtpSpeakers.map((r) => r.stop())]);
      rmSync(ptzCamera.zmqSocket, { force: true });
      await deleteNetns();
      rmSync(labJsonPath, { force: true });
      rmSync(pidsPath, { force: true });
      log('lab stopped');
    })();
    return stopping;
  };

  try {
    // The PBX (all loopback, no namespace) starts alongside the video part.
    pbxStart = startPbx({ runDir, log });
    pbxStart.catch(() => undefined);
    mqttStart = startMosquitto({ runDir, log });
    mqttStart.catch(() => undefined);
    await createNetns();
    for (const c of children) c.start();
    generator.start();
    ptzCamera.start();
    await waitForJanus(janusUrl, JANUS_READY_MS);
    log(`janus answers on ${janusUrl}`);
    await waitForMedia(janusUrl, mediaIds, MEDIA_READY_MS);
    pbx = await pbxStart;
    mqtt = await mqttStart;
    writeLabAlarmsFile(alarms.consoleJson, { token: alarms.token, receiverPort: alarms.receiverPort, mqtt: mqttJson(mqtt) });
    // The GPS units publish live from now on (their history only with `npx tsx lab/cli.ts gps --backfill-hours N`).
    writeFileSync(gps.consoleJson, JSON.stringify(labGpsFile(mqttJson(mqtt)), null, 2), { mode: 0o600 });
    gpsSimulator = await startGpsSimulator({ broker: mqttJson(mqtt), log });
    // After the PBX (it empties the phones' folder) and the namespace (their address is the host side of its veth).
    rtpSpeakers = await startRtpSpeakers(join(dirname(pbx.consoleJson), 'phones'), log);
    ready = true;
    writeState();
    log(`lab ready in ${Date.now() - started} ms: ${defs.length} channels, ${mediaIds.length} mountpoints, PTZ control ${isapi.ptzUrl}`);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  if (!pbx) throw new Error('lab PBX did not start');
  if (!mqtt) throw new Error('lab MQTT broker did not start');

  return {
    janusUrl,
    channels,
    clockMountpointId: clockDef.mountpointId,
    ptz,
    records,
    pbx,
    rtpSpeakers,
    mqtt,
    alarms,
    gps,
    killJanus: () => janus.kill(),
    startJanus: async () => {
      if (stopped) throw new Error('lab is stopped');
      janus.start();
      await waitForJanus(janusUrl, JANUS_READY_MS);
    },
    stop,
  };
}
