import { Web, type Session, type SessionDescriptionHandlerFactory } from 'sip.js';
import type { SipCredentials } from '../../../shared/domain/telephony';

/** Registration state of one SIP account, as the dispatcher sees it. */
export type LineState = 'connecting' | 'registering' | 'registered' | 'disconnected' | 'failed';

export type LineEvents = {
  state(state: LineState, reason: string | null): void;
  /** sip.js session events, forwarded to the engine. */
  created(session: Session): void;
  received(session: Session): void;
  answered(session: Session): void;
  hangup(session: Session): void;
  hold(session: Session, held: boolean): void;
};

/** Delay between connection attempts while the PBX cannot be reached (the first attempt is immediate). */
const RECONNECT_DELAY_S = 1;
/** Registration lifetime asked of the registrar; sip.js refreshes before it runs out. */
const REGISTER_EXPIRES_S = 120;

/**
 * One SIP account (线路): a sip.js SessionManager over the PBX's WebSocket, registered with the HA1 the Node side
 * handed out. It reconnects by itself for as long as the line exists (also when the PBX was down at start) and
 * registers again after every reconnect; its state and every call's events go to the engine.
 */
export class SipLine {
  readonly manager: Web.SessionManager;
  private wanted = true;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private registered = false;
  private lastState: LineState = 'connecting';

  constructor(
    readonly credentials: SipCredentials,
    mediaStreamFactory: (constraints: MediaStreamConstraints, session: Session) => Promise<MediaStream>,
    private readonly events: LineEvents,
    log: (level: 'error' | 'warn', message: string) => void,
  ) {
    const { user, domain, ha1, displayName, wsUrl } = credentials;
    // Each session's description handler gets its media from the engine, which knows the session.
    const sessionOf = new WeakMap<object, Session>();
    const base = Web.defaultSessionDescriptionHandlerFactory((constraints, sdh) => {
      const session = sessionOf.get(sdh);
      if (!session) return Promise.reject(new Error('no session for this media request'));
      return mediaStreamFactory(constraints, session);
    });
    const factory: SessionDescriptionHandlerFactory = (session, options) => {
      const sdh = base(session, options);
      sessionOf.set(sdh, session);
      return sdh;
    };
    this.manager = new Web.SessionManager(wsUrl, {
      aor: `sip:${user}@${domain}`,
      media: { constraints: { audio: true, video: false } },
      reconnectionAttempts: Number.MAX_SAFE_INTEGER,
      reconnectionDelay: RECONNECT_DELAY_S,
      registrationRetry: true,
      registrationRetryInterval: 2,
      registererOptions: { expires: REGISTER_EXPIRES_S },
      registererRegisterOptions: {
        requestDelegate: {
          onReject: (response) => {
            const code = response.message.statusCode ?? 0;
            const text = `${code} ${response.message.reasonPhrase ?? ''}`.trim();
            this.setState('failed', code === 401 || code === 403 || code === 407 ? `认证失败（${text}）：账号或密码错误` : `注册被拒绝：${text}`);
          },
        },
      },
      sendDTMFUsingSessionDescriptionHandler: true,
      maxSimultaneousSessions: 64,
      userAgentOptions: {
        authorizationUsername: user,
        authorizationHa1: ha1,
        displayName,
        logBuiltinEnabled: false,
        logLevel: 'warn',
        logConnector: (level, category, _label, content) => {
          if (level === 'error' || level === 'warn') log(level, `sip.js ${category}: ${content}`);
        },
        sessionDescriptionHandlerFactory: factory,
        // No STUN/TURN: everything stays on the dispatch network (sip.js would default to a public STUN server).
        sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 1000 },
        userAgentString: 'MineDispatchConsole',
      },
      delegate: {
        onServerConnect: () => this.setState('registering', null),
        onServerDisconnect: (error) => {
          this.registered = false;
          if (this.wanted) this.setState('disconnected', error ? `与 PBX 的连接断开：${error.message}` : '与 PBX 的连接断开');
        },
        onRegistered: () => {
          this.registered = true;
          this.setState('registered', null);
        },
        onUnregistered: () => {
          this.registered = false;
          // Unregistered because the connection dropped: stay 'disconnected' (with its reason) until it is back.
          if (this.wanted && this.lastState !== 'failed' && this.manager.isConnected()) this.setState('registering', null);
        },
        onCallCreated: (s) => events.created(s),
        onCallReceived: (s) => events.received(s),
        onCallAnswered: (s) => events.answered(s),
        onCallHangup: (s) => events.hangup(s),
        onCallHold: (s, held) => events.hold(s, held),
      },
    });
    // After the constructor: the owner's state listener may refer to this line.
    queueMicrotask(() => this.connect(true));
  }

  get state(): LineState {
    return this.lastState;
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  /** Stops the line: unregisters (best effort) and closes the WebSocket; no more reconnects. */
  async dispose(): Promise<void> {
    this.wanted = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    try {
      if (this.registered) await this.manager.unregister();
    } catch {
      // the PBX may be gone already
    }
    await this.manager.disconnect().catch(() => undefined);
  }

  private connect(first: boolean): void {
    this.retryTimer = null;
    if (!this.wanted) return;
    this.setState('connecting', first ? null : this.reasonWhileDown);
    this.manager
      .connect()
      .then(() => this.manager.register())
      .catch((err: unknown) => {
        if (!this.wanted) return;
        this.reasonWhileDown = `无法连接 PBX ${this.credentials.wsUrl}：${err instanceof Error ? err.message : String(err)}`;
        this.setState('disconnected', this.reasonWhileDown);
        this.retryTimer = setTimeout(() => this.connect(false), RECONNECT_DELAY_S * 1000);
      });
  }

  private reasonWhileDown: string | null = null;

  private setState(state: LineState, reason: string | null): void {
    // A refused registration stays 'failed' until the next success (sip.js keeps retrying meanwhile).
    if (this.lastState === 'failed' && state === 'registering') return;
    this.lastState = state;
    this.events.state(state, reason);
  }
}
