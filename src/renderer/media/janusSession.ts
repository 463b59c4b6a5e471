import Janus from 'janus-gateway';
import adapter from 'webrtc-adapter';
import { SessionPool, type SessionFactory } from './sessionPool';

export type JanusSession = InstanceType<typeof Janus>;
export type JanusSessionParams = { server: string; iceServers: RTCIceServer[] };

type JanusDebugOption = NonNullable<Parameters<typeof Janus.init>[0]['debug']>;

const CONNECT_TIMEOUT_MS = 10_000;

let initDone: Promise<void> | null = null;

/** Janus.init once per page, with webrtc-adapter passed explicitly (no global `adapter` needed). */
export function initJanus(): Promise<void> {
  initDone ??= new Promise<void>((resolve, reject) => {
    if (typeof Janus !== 'function') {
      // janus.es.js is UMD inside: where a CommonJS `module` global exists (nodeIntegration, some
      // test runners) it exports through module.exports and its ESM default is undefined.
      reject(new Error('janus-gateway did not load (its UMD wrapper saw a CommonJS `module`)'));
      return;
    }
    Janus.init({
      // The d.ts types levels as a non-const ambient enum (no runtime object): pass the strings janus.js reads.
      debug: ['warn', 'error'] as unknown as JanusDebugOption,
      dependencies: Janus.useDefaultDependencies({ adapter }),
      callback: () => (Janus.isWebrtcSupported() ? resolve() : reject(new Error('WebRTC is not supported here'))),
    });
  });
  return initDone;
}

/** janus.js keeps every session in a static map that it never prunes; drop ours on destroy. */
function forgetSession(id: number | null | undefined): void {
  const sessions = (Janus as unknown as { sessions?: Map<unknown, unknown> }).sessions;
  if (sessions && id !== null && id !== undefined) sessions.delete(id);
}

export const janusSessionFactory: SessionFactory<JanusSession, JanusSessionParams> = {
  async create({ server, iceServers }, onLost) {
    await initJanus();
    return new Promise<JanusSession>((resolve, reject) => {
      let opened = false;
      let settled = false;
      let janus: JanusSession | null = null;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new Error(`Janus at ${server} did not answer within ${CONNECT_TIMEOUT_MS} ms`));
        if (janus) janusSessionFactory.destroy(janus);
      }, CONNECT_TIMEOUT_MS);
      janus = new Janus({
        server,
        // Always explicit: without it janus.js falls back to Google's public STUN server.
        iceServers,
        destroyOnUnload: false,
        success: () => {
          if (settled) return;
          settled = true;
          opened = true;
          clearTimeout(timer);
          resolve(janus as JanusSession);
        },
        error: (error: unknown) => {
          const message = typeof error === 'string' ? error : 'Janus session error';
          if (opened) {
            onLost(message);
            return;
          }
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(new Error(message));
        },
        destroyed: () => {
          // Only reached for server-side destruction: we destroy with notifyDestroyed:false.
          if (opened) onLost('Janus session destroyed');
        },
      });
    });
  },
  destroy(janus) {
    let id: number | null = null;
    try {
      id = janus.getSessionId();
      janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
    } catch {
      // Already torn down.
    }
    forgetSession(id);
  },
};

export type JanusSessionPool = SessionPool<JanusSession, JanusSessionParams>;

export function createJanusSessionPool(idleMs?: number): JanusSessionPool {
  return new SessionPool(janusSessionFactory, (p) => `${p.server}|${JSON.stringify(p.iceServers)}`, idleMs);
}
