import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isEventName, type EventName } from '../../shared/contract/consoleApi';
import { clientMessageSchema, MAX_WIRE_MESSAGE_BYTES, RPC_PROTOCOL, RPC_TOKEN_PREFIX, type ServerMessage } from '../../shared/contract/rpc';
import { DisposableStore } from '../../shared/lifecycle';
import type { ConsoleCore } from '../core';
import type { Logger } from '../services/logger';
import { contentSecurityPolicy } from '../services/contentSecurityPolicy';
import { readStaticFile } from './staticFiles';


export type WebHostOptions = { core: ConsoleCore; log: Logger; rendererDir: string; port: number };
export type WebHost = { url: string; origin: string; token: string; close(): Promise<void> };

/**
 * The web host: the renderer's static files plus the ConsoleApi over a WebSocket, on 127.0.0.1 only.
 * A per-start random token (sent as a WebSocket subprotocol, never in a URL the server logs) guards the RPC.
 */
export async function startWebHost({ core, log, rendererDir, port }: WebHostOptions): Promise<WebHost> {
  const token = randomBytes(24).toString('hex');
  const server = http.createServer((req, res) => void serveStatic(req, res));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WIRE_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(RPC_PROTOCOL) ? RPC_PROTOCOL : false),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const file = await readStaticFile(rendererDir, req.url ?? '/');
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('未找到 (not found). Run `npm run build` first.');
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': contentSecurityPolicy([origin.replace('http', 'ws'), ...core.connectOrigins()], core.mapOrigins()),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const presented = offered.find((p) => p.startsWith(RPC_TOKEN_PREFIX))?.slice(RPC_TOKEN_PREFIX.length) ?? '';
    const originOk = req.headers.origin === undefined || req.headers.origin === origin;
    if (url.pathname !== '/rpc' || !originOk || !sameToken(presented, token)) {
      log.warn({ path: url.pathname, origin: req.headers.origin }, 'refused RPC connection (path, origin or token)');
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws));
  });

  function serveClient(ws: WebSocket): void {
    const subscriptions = new Map<EventName, DisposableStore>();
    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ t: 'error', error: { code: 'bad-request', message: 'binary messages are not accepted' } });
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        log.warn('malformed RPC message (not JSON)');
        return send({ t: 'error', error: { code: 'bad-request', message: 'message is not JSON' } });
      }
      const parsed = clientMessageSchema.safeParse(json);
      if (!parsed.success) {
        log.warn('malformed RPC message (schema)');
        return send({ t: 'error', error: { code: 'bad-request', message: 'message does not follow the RPC schema' } });
      }
      const msg = parsed.data;
      if (msg.t === 'req') {
        void core.dispatch(msg.method, msg.input).then((result) => send({ t: 'res', id: msg.id, result }));
        return;
      }
      if (!isEventName(msg.event)) return send({ t: 'error', error: { code: 'unknown-method', message: `unknown event ${msg.event}` } });
      const event = msg.event;
      if (msg.t === 'sub' && !subscriptions.has(event)) {
        const store = new DisposableStore();
        store.add(core.subscribe(event, (payload) => send({ t: 'evt', event, payload })));
        subscriptions.set(event, store);
      } else if (msg.t === 'unsub') {
        subscriptions.get(event)?.dispose();
        subscriptions.delete(event);
      }
    });
    ws.on('close', () => {
      for (const s of subscriptions.values()) s.dispose();
      subscriptions.clear();
    });
    ws.on('error', (err) => log.warn({ err: err.message }, 'RPC socket error'));
  }

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
