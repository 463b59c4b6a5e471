/**
 * The lab's network namespace: Janus skips loopback for ICE, so it runs in `mdc-lab`, reachable from the
 * host only over a veth pair whose /30 exists nowhere else.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NETNS = 'mdc-lab';
export const HOST_IF = 'mdc0';
export const NS_IF = 'mdc1';
export const HOST_IP = '198.18.0.2';
export const JANUS_IP = '198.18.0.1';

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args, { encoding: 'utf8' });
  return stdout;
}

export async function netnsExists(): Promise<boolean> {
  const out = await ip('netns', 'list');
  return out.split('\n').some((line) => line.split(/\s+/)[0] === NETNS);
}

async function hostLinkExists(): Promise<boolean> {
  try {
    await ip('link', 'show', 'dev', HOST_IF);
    return true;
  } catch {
    return false;
  }
}

/** Pids of every process inside the namespace (empty when it does not exist). */
export async function netnsPids(): Promise<number[]> {
  if (!(await netnsExists())) return [];
  const out = await ip('netns', 'pids', NETNS);
  return out
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Creates the namespace and the veth pair; assumes a clean state (see deleteNetns). */
export async function createNetns(): Promise<void> {
  await ip('netns', 'add', NETNS);
  await ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF, 'netns', NETNS);
  // No IPv6 link-local addresses on the pair: the lab speaks IPv4 only.
  await ip('link', 'set', 'dev', HOST_IF, 'addrgenmode', 'none');
  await ip('-n', NETNS, 'link', 'set', 'dev', NS_IF, 'addrgenmode', 'none');
  await ip('addr', 'add', `${HOST_IP}/30`, 'dev', HOST_IF);
  await ip('-n', NETNS, 'addr', 'add', `${JANUS_IP}/30`, 'dev', NS_IF);
  await ip('link', 'set', 'dev', HOST_IF, 'up');
  await ip('-n', NETNS, 'link', 'set', 'dev', NS_IF, 'up');
  await ip('-n', NETNS, 'link', 'set', 'dev', 'lo', 'up');
}

/** Kills whatever still runs inside the namespace, removes the veth pair and the namespace. Idempotent. */
export async function deleteNetns(): Promise<void> {
  for (const pid of await netnsPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (await hostLinkExists()) await ip('link', 'del', 'dev', HOST_IF).catch(() => undefined);
  if (await netnsExists()) {
    // The kernel may need a moment to reap killed processes before the namespace can go.
    for (let i = 0; i < 20; i++) {
      try {
        await ip('netns', 'del', NETNS);
        break;
      } catch (err) {
        if (i === 19) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
