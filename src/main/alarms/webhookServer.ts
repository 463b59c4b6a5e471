import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_ALARM_PICTURE_BYTES, type AlarmMapping } from '../../shared/domain/alarm';
import type { AlarmIntake } from './alarmIntake';
import { MappingError, readPath } from './fieldMapping';

/** One configured webhook input (AI box vendor, app gateway). */
export type WebhookSource = { id: string; enabled: boolean; mapping: AlarmMapping; /** Shared secret the box sends; null: none asked. */ token: string | null };

/** A push may carry a base64 picture; a batch several. */
export const MAX_WEBHOOK_BODY_BYTES = Math.ceil((MAX_ALARM_PICTURE_BYTES * 4) / 3) + 512 * 1024;
const MAX_BATCH = 200;

type Reply = { status: number; body: Record<string, unknown> };

/**
 * The HTTP receiver AI boxes push alarms to: `POST /alarms/<sourceId>` with a JSON alarm (or an array of them, or a
 * body with them at the mapping's `items` path), the source's token as `Authorization: Bearer <token>`,
 * `X-Alarm-Token` or `?token=`. Each alarm is read with its source's
 * mapping and stored before the reply: 200 with each alarm's id (and whether it was a repeat) means it is on disk.
 * Bad pushes get a 4xx and a log line naming the source and the fault, never the body; nothing a box sends can
 * crash the receiver.
 */
export class AlarmWebhookServer {
  private server: http.Server | null = null;

  constructor(
    private readonly deps: {
      sources: () => readonly WebhookSource[];
      intake: AlarmIntake;
      warn: (fields: Record<string, unknown>, message: string) => void;
      /** Counts each alarm of a configured source: stored (or a repeat) or refused. */
      count?: (sourceId: string, outcome: 'received' | 'refused') => void;
    },
  ) {}

  /** Listens on host:port (port 0: any free one); resolves with the base URL. */
  async start(host: string, port: number): Promise<string> {
    const server = http.createServer((req, res) => {
      void this.handle(req).then(
        (reply) => send(res, reply),
        (err: unknown) => {
          this.deps.warn({ err: err instanceof Error ? err.message : String(err) }, 'alarm webhook failed');
          send(res, { status: 500, body: { error: '内部错误' } });
        },
      );
    });
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage): Promise<Reply> {
    const match = /^\/alarms\/([a-z0-9][a-z0-9-]{0,31})\/?(\?.*)?$/.exec(req.url ?? '');
    if (!match) return { status: 404, body: { error: '地址应为 /alarms/<来源标识>' } };
    const sourceId = match[1]!;
    const source = this.deps.sources().find((s) => s.id === sourceId && s.enabled);
    if (!source) return this.reject(404, sourceId, `未配置或已停用的报警来源 ${sourceId}`, req);
    if (req.method !== 'POST') return { status: 405, body: { error: '只接受 POST' } };
    if (!authorised(req, source.token)) return this.reject(401, sourceId, '报警来源令牌不正确', req);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return this.reject(415, sourceId, '请以 application/json 推送', req);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_WEBHOOK_BODY_BYTES) return this.reject(413, sourceId, `推送过大（${declared} 字节）`, req);
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_WEBHOOK_BODY_BYTES);
    } catch (err) {
      return this.reject(413, sourceId, err instanceof Error ? err.message : String(err), req);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.reject(400, sourceId, '推送不是有效的 JSON', req);
    }
    // Several alarms in one push: a JSON array, or the array at the mapping's `items` path (Hikvision OnEventNotify).
    let items: unknown[];
    if (source.mapping.items) {
      const inner = readPath(body, source.mapping.items);
      if (!Array.isArray(inner)) return this.reject(400, sourceId, `推送中 ${source.mapping.items} 不是报警列表`, req);
      items = inner;
    } else items = Array.isArray(body) ? body : [body];
    if (items.length === 0 || items.length > MAX_BATCH) return this.reject(400, sourceId, `一次推送应有 1–${MAX_BATCH} 条报警`, req);
    const results: Record<string, unknown>[] = [];
    let refused = 0;
    for (const item of items) {
      try {
        const { alarm, duplicate, pictureNote } = await this.deps.intake.take(source.id, source.mapping, item);
        results.push({ id: alarm.id, externalId: alarm.externalId, duplicate, ...(pictureNote ? { picture: pictureNote } : {}) });
        this.deps.count?.(sourceId, 'received');
      } catch (err) {
        if (!(err instanceof MappingError)) throw err;
        refused++;
        this.deps.count?.(sourceId, 'refused');
        results.push({ error: err.message });
        this.deps.warn({ sourceId, reason: err.message, remote: req.socket.remoteAddress }, 'alarm push refused');
      }
    }
    // One alarm: its own status. A batch: 200 when any was stored (each result says which), 400 when none was.
    const status = refused === items.length ? 400 : 200;
    return { status, body: Array.isArray(body) || source.mapping.items ? { results } : results[0]! };
  }

  private reject(status: number, sourceId: string, reason: string, req: http.IncomingMessage): Reply {
    if (status !== 404) this.deps.count?.(sourceId, 'refused');
    this.deps.warn({ sourceId, status, reason, remote: req.socket.remoteAddress }, 'alarm push refused');
    req.resume(); // drain what the box still sends
    return { status, body: { error: reason } };
  }
}

/**
 * The token as `Authorization: Bearer`, `X-Alarm-Token`, or `?token=` for platforms that can only be given a URL
 * (Hikvision's event destination).
 */
function authorised(req: http.IncomingMessage, token: string | null): boolean {
  if (token === null) return true;
  const header = req.headers.authorization;
  const query = new URL(req.url ?? '/', 'http://receiver').searchParams.get('token') ?? undefined;
  const given = header?.startsWith('Bearer ') ? header.slice(7) : ((req.headers['x-alarm-token'] as string | undefined) ?? query);
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new Error(`推送过大（超过 ${max} 字节）`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
