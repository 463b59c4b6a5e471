/** Minimal Janus WebSocket client for the lab's own checks (readiness, mountpoint list). */
import WebSocket from 'ws';

export type JanusReply = Record<string, unknown> & { janus: string };

export type StreamingMountpoint = {
  id: number;
  type?: string;
  description?: string;
  metadata?: string;
  enabled?: boolean;
  media?: Array<{ mid?: string; type?: string; age_ms?: number }>;
};

export class JanusWs {
  private seq = 0;
  private readonly pending = new Map<string, { resolve: (r: JanusReply) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      let msg: JanusReply;
      try {
        msg = JSON.parse(String(data)) as JanusReply;
      } catch {
        return;
      }
      const tx = typeof msg.transaction === 'string' ? msg.transaction : null;
      // "ack" only says the request was queued; wait for the real answer.
      if (!tx || msg.janus === 'ack') return;
      const p = this.pending.get(tx);
      if (!p) return;
      this.pending.delete(tx);
      if (msg.janus === 'error') p.reject(new Error(`janus error: ${JSON.stringify(msg.error)}`));
      else p.resolve(msg);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('janus websocket closed'));
      this.pending.clear();
    });
  }

  static connect(url: string, timeoutMs = 2000): Promise<JanusWs> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol');
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`janus websocket ${url}: timeout`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new JanusWs(ws));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  request(body: Record<string, unknown>, timeoutMs = 3000): Promise<JanusReply> {
    const transaction = `lab-${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new Error(`janus ${String(body.janus)}: timeout`));
      }, timeoutMs);
      this.pending.set(transaction, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ ...body, transaction }));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Resolves when Janus answers `info` on `url`; retries until `timeoutMs`. */
export async function waitForJanus(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const c = await JanusWs.connect(url, 1000);
      try {
        const info = await c.request({ janus: 'info' }, 1000);
        if (info.janus === 'server_info') return;
      } finally {
        c.close();
      }
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Janus did not answer on ${url} within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Lists streaming mountpoints (session + handle are created and destroyed around the request). */
export async function listMountpoints(url: string): Promise<StreamingMountpoint[]> {
  const c = await JanusWs.connect(url);
  try {
    const session = await c.request({ janus: 'create' });
    const sessionId = (session.data as { id: number }).id;
    const handle = await c.request({ janus: 'attach', session_id: sessionId, plugin: 'janus.plugin.streaming' });
    const handleId = (handle.data as { id: number }).id;
    const reply = await c.request({ janus: 'message', session_id: sessionId, handle_id: handleId, body: { request: 'list' } });
    const data = (reply.plugindata as { data?: { list?: StreamingMountpoint[]; error?: string } } | undefined)?.data;
    if (!data?.list) throw new Error(`streaming list failed: ${data?.error ?? JSON.stringify(reply)}`);
    await c.request({ janus: 'destroy', session_id: sessionId }).catch(() => undefined);
    return data.list;
  } finally {
    c.close();
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
