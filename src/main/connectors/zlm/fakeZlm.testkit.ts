import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../../services/loopbackServer';

/**
 * A local stand-in for ZLMediaKit's HTTP API in tests: answers recorded, real-shaped responses (WebApi.cpp's JSON:
 * HTTP 200 and `{code, msg?, data?}`) on 127.0.0.1 and records every request. Used by the *.test.ts files beside it.
 */
export type FakeZlmRequest = { path: string; api: string | null; query: URLSearchParams };
export type FakeZlmReply = { status?: number; body?: unknown; raw?: string };
export type FakeZlmHandler = (req: FakeZlmRequest) => FakeZlmReply | undefined;

export type FakeZlm = { url: string; requests: FakeZlmRequest[]; close: () => Promise<void> };

export const SECRET = '035c73f7-bb6b-4889-a715-d9eb2d1925cc';

export async function startFakeZlm(handler: FakeZlmHandler, secret = SECRET): Promise<FakeZlm> {
  const requests: FakeZlmRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = url.pathname.startsWith('/index/api/') ? url.pathname.slice('/index/api/'.length) : null;
    const r: FakeZlmRequest = { path: url.pathname, api, query: url.searchParams };
    requests.push(r);
    let reply: FakeZlmReply | undefined;
    // ZLMediaKit checks the secret first (CHECK_SECRET) for requests from other hosts: AuthException -> -100.
    if (api && url.searchParams.get('secret') !== secret) reply = { body: { code: -100, msg: 'Incorrect secret' } };
    else reply = handler(r);
    // An unknown API is ZLMediaKit's 404 page (HttpSession's not-found HTML).
    reply ??= { status: 404, raw: '<html><head><title>404 Not Found</title></head><body bgcolor="white"><center><h1>您访问的资源不存在！</h1></center><hr><center>ZLMediaKit(git hash:4fbb5da/2024-05-18T11:09:27+08:00,branch:master,build time:2024-05-20T02:58:27)</center></body></html>' };
    res.writeHead(reply.status ?? 200, { 'content-type': reply.raw !== undefined ? 'text/html' : 'application/json; charset=utf-8', server: 'ZLMediaKit(git hash:4fbb5da)' });
    res.end(reply.raw ?? JSON.stringify(reply.body));
  });
  const listener = await listenOnLoopback(server);
  return { url: listener.origin, requests, close: listener.close };
}

/** One getMediaList entry as ZLMediaKit 8.x makes it (makeMediaSourceJson), H.264 + AAC from an rtsp pull. */
export function mediaEntry(schema: string, app: string, stream: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aliveSecond: 3621,
    app,
    bytesSpeed: 262_144,
    createStamp: 1_764_000_000,
    isRecordingHLS: false,
    isRecordingMP4: true,
    originSock: { identifier: '140241917432496', local_ip: '192.0.2.21', local_port: 51042, peer_ip: '192.0.2.64', peer_port: 554 },
    originType: 4,
    originTypeStr: 'pull',
    originUrl: `rtsp://192.0.2.64:554/Streaming/Channels/101`,
    params: '',
    readerCount: 0,
    schema,
    stream,
    totalReaderCount: 1,
    tracks: [
      { codec_id: 0, codec_id_name: 'H264', codec_type: 0, fps: 25.0, frames: 90_525, gop_interval_ms: 2000, gop_size: 50, height: 1080, key_frames: 1811, loss: -1, ready: true, width: 1920 },
      { channels: 1, codec_id: 2, codec_id_name: 'mpeg4-generic', codec_type: 1, frames: 169_760, loss: -1, ready: true, sample_bit: 16, sample_rate: 8000 },
    ],
    vhost: '__defaultVhost__',
    ...extra,
  };
}
