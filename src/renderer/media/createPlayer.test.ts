import { describe, expect, it, vi } from 'vitest';

// janus.es.js is a UMD wrapper: where a CommonJS `module` exists (vitest's runner) it assigns
// module.exports and its ESM default export is undefined. The registry test needs no Janus.
vi.mock('janus-gateway', () => ({ default: undefined }));
import { createPlayer, playerRegistry } from './createPlayer';
import { createJanusSessionPool } from './janusSession';
import { JanusWebrtcPlayer } from './janusWebrtcPlayer';
import { classifyRelayClose, JsmpegPlayer } from './jsmpegPlayer';
import { MsePlayer } from './msePlayer';

describe('player registry', () => {
  it('has one factory per StreamSource kind and picks the class from kind', () => {
    expect(Object.keys(playerRegistry).sort()).toEqual(['flv', 'hls', 'janus-webrtc', 'jsmpeg-ws']);
    const pool = createJanusSessionPool();
    const ctx = { janusPool: () => pool };
    const j = createPlayer(
      { kind: 'janus-webrtc', sessionId: 's1', channelId: 'c1', server: 'ws://198.18.0.1:8188', mountpointId: 1, iceServers: [] },
      {},
      ctx,
    );
    const m = createPlayer({ kind: 'jsmpeg-ws', sessionId: 's2', channelId: 'c2', url: 'ws://127.0.0.1:1/relay?ticket=x' }, {}, ctx);
    expect(j).toBeInstanceOf(JanusWebrtcPlayer);
    expect(j.kind).toBe('janus-webrtc');
    expect(m).toBeInstanceOf(JsmpegPlayer);
    expect(m.kind).toBe('jsmpeg-ws');
    const f = createPlayer({ kind: 'flv', sessionId: 's3', channelId: 'c3', url: 'ws://127.0.0.1:1/relay?ticket=y', live: true }, {}, ctx);
    const h = createPlayer({ kind: 'hls', sessionId: 's4', channelId: 'c4', url: 'http://127.0.0.1:1/live/a.m3u8' }, {}, ctx);
    expect(f).toBeInstanceOf(MsePlayer);
    expect(f.kind).toBe('flv');
    expect(h).toBeInstanceOf(MsePlayer);
    expect(h.kind).toBe('hls');
    f.dispose();
    h.dispose();
    // Never mounted: dispose must still be safe and idempotent.
    j.dispose();
    j.dispose();
    m.dispose();
    pool.dispose();
  });
});

describe('classifyRelayClose', () => {
  it('maps relay close codes to player errors', () => {
    expect(classifyRelayClose(4001, 'invalid or expired ticket', true).code).toBe('not-found');
    expect(classifyRelayClose(4002, 'source failed: x', true).code).toBe('not-found');
    expect(classifyRelayClose(4003, '', true).code).toBe('transport-lost');
    expect(classifyRelayClose(1006, '', false)).toEqual({ code: 'transport-lost', message: 'Cannot connect to the relay' });
  });
});
