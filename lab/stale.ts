/** Cleans what a crashed lab run left behind: recorded child processes and the network namespace. */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deleteNetns, JANUS_IP, netnsExists, netnsPids } from './netns';

export type LabPids = Record<string, number | null>;

/** Written once the lab is ready (see LabJson in lab.ts). */
export const LAB_JSON = 'lab.json';
/** Written from the first child spawn on, so a crash before readiness can be cleaned up too. */
export const PIDS_JSON = 'pids.json';

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

export function cmdline(pid: number): string | null {
  const raw = readProc(pid, 'cmdline');
  return raw === null ? null : raw.split('\0').join(' ').trim();
}

export function parentPid(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  if (!stat) return null;
  // Fields after the last ')' (the command name may contain spaces): state, ppid, ...
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

function isLabChild(pid: number): boolean {
  const cmd = cmdline(pid);
  return cmd !== null && /\b(janus|ffmpeg|kamailio|rtpengine|baresip)\b/.test(cmd);
}

export function isNode(pid: number): boolean {
  const cmd = cmdline(pid);
  return cmd !== null && /\bnode\b|tsx|vitest/.test(cmd);
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone already */
  }
}

export function readRecordedPids(runDir: string): LabPids | null {
  const file = join(runDir, PIDS_JSON);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LabPids;
  } catch {
    return null;
  }
}

/**
 * Removes stale state. Throws when a lab that is still alive owns it (another `npm run lab`): stopping
 * that one is its owner's business.
 */
export async function cleanupStale(runDir: string, log: (line: string) => void): Promise<void> {
  const pids = readRecordedPids(runDir);
  if (pids) {
    const owner = pids.lab;
    if (owner && owner !== process.pid && isNode(owner)) {
      throw new Error(`another lab (pid ${owner}) is running with run dir ${runDir}; stop it first`);
    }
    for (const [name, pid] of Object.entries(pids)) {
      if (name === 'lab' || !pid || !isLabChild(pid)) continue;
      log(`stale ${name} (pid ${pid}) from a previous run: killing`);
      killQuietly(pid);
    }
  }
  // Anything inside the namespace whose parent is a live lab other than us belongs to a running lab.
  for (const pid of await netnsPids()) {
    const ppid = parentPid(pid);
    if (ppid && ppid !== 1 && ppid !== process.pid && isNode(ppid)) {
      throw new Error(`the lab namespace is in use by a running lab (pid ${ppid}); stop it first`);
    }
  }
  // Orphaned cameras (e.g. from another run dir): ffmpeg sending to the lab's Janus address whose parent
  // is no longer a lab (reparented to init or a subreaper).
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmd = cmdline(pid);
    const ppid = parentPid(pid);
    if (cmd && /\bffmpeg\b/.test(cmd) && cmd.includes(`rtp://${JANUS_IP}:`) && (ppid === null || !isNode(ppid))) {
      log(`orphaned lab camera (pid ${pid}): killing`);
      killQuietly(pid);
    }
  }
  if (await netnsExists()) log('removing the stale lab network namespace');
  await deleteNetns();
  rmSync(join(runDir, LAB_JSON), { force: true });
  rmSync(join(runDir, PIDS_JSON), { force: true });
}
