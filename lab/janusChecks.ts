/** The lab's readiness checks over the console's own Node Janus client (one Janus client in the project). */
import { JanusClient } from '../src/main/connectors/janus/janusClient';

export type StreamingMountpoint = {
  id: number;
  type?: string;
  description?: string;
  metadata?: string;
  enabled?: boolean;
  media?: Array<{ mid?: string; type?: string; age_ms?: number }>;
};

/** Resolves when Janus creates a session on `url`; retries until `timeoutMs`. */
export async function waitForJanus(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    const client = new JanusClient(url, 1_000);
    try {
      await client.connect();
      return;
    } catch (err) {
      lastError = err;
    } finally {
      client.close();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Janus did not answer on ${url} within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Lists streaming mountpoints (a session and handle live only for this call). */
export async function listMountpoints(url: string): Promise<StreamingMountpoint[]> {
  const client = new JanusClient(url, 3_000);
  try {
    await client.connect();
    const handle = await client.attach('janus.plugin.streaming');
    const data = await client.request(handle, { request: 'list' });
    if (!Array.isArray(data.list)) throw new Error(`streaming list failed: ${JSON.stringify(data)}`);
    return data.list as StreamingMountpoint[];
  } finally {
    client.close();
  }
}

/**
 * Resolves when every mountpoint in `ids` has received RTP recently. Janus reports `age_ms` since the last
 * packet (or since the mountpoint was created): two fresh readings at least 500 ms apart prove data flows.
 */
export async function waitForMedia(url: string, ids: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const freshSince = new Map<number, number>();
  let missing: number[] = [...ids];
  while (Date.now() < deadline) {
    try {
      const list = await listMountpoints(url);
      const now = Date.now();
      for (const id of ids) {
        const age = list.find((m) => m.id === id)?.media?.[0]?.age_ms;
        if (age !== undefined && age < 400) {
          if (!freshSince.has(id)) freshSince.set(id, now);
        } else freshSince.delete(id);
      }
      missing = ids.filter((id) => now - (freshSince.get(id) ?? now) < 500);
      if (missing.length === 0) return;
    } catch {
      /* Janus not answering yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no media on mountpoint(s) ${missing.join(', ')} within ${timeoutMs} ms`);
}
