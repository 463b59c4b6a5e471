/**
 * The local video lab: Janus (streaming plugin, WebSocket only) in its own network namespace, fed by
 * ffmpeg cameras of real Changzhi mines, plus one live clock camera for latency measurements.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clipCameraArgs, LIVE_FPS, LIVE_HEIGHT, LIVE_WIDTH, liveCameraArgs } from './cameras';
import { buildChannels, type ChannelDef } from './channels';
import { ClockGenerator } from './clockGenerator';
import { ensureClips } from './clips';
import { janusWsUrl, writeJanusConfig } from './janusConfig';
import { waitForJanus, waitForMedia } from './janusChecks';
import { createNetns, deleteNetns, NETNS } from './netns';
import { cleanupStale, LAB_JSON, PIDS_JSON, type LabPids } from './stale';
import { Supervised } from './supervisor';

export type LabChannel = {
  mountpointId: number;
  name: string;
  gbId: string;
  county: string;
  mineId: string;
  category: string;
  mpegtsUrl: string;
  live: boolean;
};

export type Lab = {
  /** 'ws://198.18.0.1:8188' */
  janusUrl: string;
  channels: LabChannel[];
  /** The live-encoded camera that draws the clock barcode. */
  clockMountpointId: number;
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
  /** `lab` is the Node process that owns the lab; the others are its children (null while down). */
  pids: LabPids;
  netns: string;
  startedAt: string;
};

export const DEFAULT_RUN_DIR = fileURLToPath(new URL('./.run/', import.meta.url));

const REQUIRED_FILES = ['/usr/bin/janus', '/usr/bin/ffmpeg', '/usr/bin/setpriv', '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc'];
const JANUS_READY_MS = 15_000;
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
  };
}

function checkHost(): void {
  if (process.getuid?.() !== 0) throw new Error('the video lab needs root (it creates a network namespace)');
  const missing = REQUIRED_FILES.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npx tsx lab/cli.ts install\``);
}

export async function startLab(opts: { runDir?: string; log?: (line: string) => void } = {}): Promise<Lab> {
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
  const clips = await ensureClips(defs, log);
  const janusCfg = writeJanusConfig(janusDir, defs);
  const janusUrl = janusWsUrl();
  const clockDef = defs.find((d) => d.live);
  if (!clockDef) throw new Error('lab catalogue has no live camera');
  const channels = defs.map(toLabChannel);
  const labJsonPath = join(runDir, LAB_JSON);
  const pidsPath = join(runDir, PIDS_JSON);
  const children: Supervised[] = [];
  let ready = false;
  let stopped = false;

  // pids.json from the first spawn on (crash cleanup); lab.json only once the lab is ready.
  const writeState = (): void => {
    if (stopped) return;
    const pids: LabPids = { lab: process.pid };
    for (const c of children) pids[c.spec.name] = c.pid;
    writeFileSync(pidsPath, `${JSON.stringify(pids)}\n`);
    if (!ready) return;
    const json: LabJson = {
      janusUrl,
      clockMountpointId: clockDef.mountpointId,
      channels,
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
    const args = d.live ? liveCameraArgs(d, textDir) : clipCameraArgs(d, clips.get(d.mountpointId) ?? '');
    const spec = {
      name: `cam-${d.mountpointId}`,
      command: 'ffmpeg',
      args,
      logFile: join(logDir, `cam-${d.mountpointId}.log`),
      stdin: d.live ? ('pipe' as const) : ('ignore' as const),
      stopSignal: 'SIGTERM' as const,
      stopTimeoutMs: 2000,
    };
    const onSpawn = d.live
      ? (child: ChildProcess): void => {
          if (child.stdin) generator.attach(child.stdin);
        }
      : undefined;
    children.push(new Supervised(spec, log, writeState, onSpawn));
  }

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped = true;
      generator.stop();
      await Promise.all(children.map((c) => c.stop()));
      await deleteNetns();
      rmSync(labJsonPath, { force: true });
      rmSync(pidsPath, { force: true });
      log('lab stopped');
    })();
    return stopping;
  };

  try {
    await createNetns();
    for (const c of children) c.start();
    generator.start();
    await waitForJanus(janusUrl, JANUS_READY_MS);
    log(`janus answers on ${janusUrl}`);
    await waitForMedia(janusUrl, defs.map((d) => d.mountpointId), MEDIA_READY_MS);
    ready = true;
    writeState();
    log(`lab ready in ${Date.now() - started} ms: ${defs.length} channels`);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  return {
    janusUrl,
    channels,
    clockMountpointId: clockDef.mountpointId,
    killJanus: () => janus.kill(),
    startJanus: async () => {
      if (stopped) throw new Error('lab is stopped');
      janus.start();
      await waitForJanus(janusUrl, JANUS_READY_MS);
    },
    stop,
  };
}
