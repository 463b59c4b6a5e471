import type { PresenceSnapshot, PresenceState, SipAccount } from '../../shared/domain/telephony';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import type { PbxView, PbxViewSource } from '../connectors/sip/pbxView';

export const PRESENCE_POLL_MS = 1_000;
/** A poll that takes longer than this counts as no answer. */
export const PRESENCE_TIMEOUT_MS = 3_000;

export type PresenceMonitorOptions = {
  /** Builds the PBX view for a presenceUrl (KamailioRpc in the console). */
  sourceFor: (url: string) => PbxViewSource;
  warn?: (msg: string) => void;
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
};

type Poller = { url: string; source: PbxViewSource; last: PbxView | null; error: string | null };

const NO_ACCOUNT = '没有配置 PBX 状态接口 (presenceUrl) 的 SIP 账号';

/**
 * Directory presence from the PBX: every enabled SIP account's presenceUrl is polled once a second (one poll per
 * distinct URL, never overlapping). registered + in a dialog → busy, registered → idle, in a dialog but not
 * registered → busy; everyone else is not listed (the renderer shows them offline). `onPresence` fires only when
 * the snapshot's content (availability, reason, states) changes. When a PBX fails, its last known states stay
 * and `available` is false with the reason.
 */
export class PresenceMonitor implements Disposable {
  private readonly changed = new Emitter<PresenceSnapshot>();
  readonly onPresence = this.changed.event;
  private pollers: Poller[] = [];
  private snapshotValue: PresenceSnapshot;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: AbortController | null = null;
  /** Bumped on configure/dispose, so a poll that was running when the accounts changed is dropped. */
  private generation = 0;
  private disposed = false;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: PresenceMonitorOptions) {
    this.intervalMs = opts.intervalMs ?? PRESENCE_POLL_MS;
    this.timeoutMs = opts.timeoutMs ?? PRESENCE_TIMEOUT_MS;
    this.now = opts.now ?? Date.now;
    this.snapshotValue = { at: this.now(), available: false, reason: NO_ACCOUNT, states: {} };
  }

  snapshot(): PresenceSnapshot {
    return this.snapshotValue;
  }

  /** Follows the SIP accounts in settings; an unchanged set of URLs keeps polling as it was. */
  configure(accounts: readonly SipAccount[]): void {
    if (this.disposed) return;
    const urls = [...new Set(accounts.filter((a) => a.enabled && a.presenceUrl).map((a) => a.presenceUrl!))];
    if (urls.length === this.pollers.length && urls.every((u, i) => this.pollers[i]?.url === u)) return;
    this.stop();
    const previous = new Map(this.pollers.map((p) => [p.url, p]));
    this.pollers = urls.map((url) => previous.get(url) ?? { url, source: this.opts.sourceFor(url), last: null, error: null });
    if (this.pollers.length === 0) {
      this.publish({ available: false, reason: NO_ACCOUNT, states: {} });
      return;
    }
    this.schedule(0);
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.pollers = [];
    this.changed.dispose();
  }

  private stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  private schedule(delay: number): void {
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll(generation);
    }, delay);
  }

  private async poll(generation: number): Promise<void> {
    const abort = new AbortController();
    this.inFlight = abort;
    const pollers = this.pollers;
    await Promise.all(
      pollers.map(async (p) => {
        // One controller per PBX: a slow one times out alone; stop() aborts them all through `abort`.
        const own = new AbortController();
        const onStop = () => own.abort(new Error('stopped'));
        abort.signal.addEventListener('abort', onStop);
        const timer = setTimeout(() => own.abort(new Error(`${this.timeoutMs} ms 内无应答`)), this.timeoutMs);
        try {
          p.last = await untilAborted(p.source.view(own.signal), own.signal);
          p.error = null;
        } catch (err) {
          const message = own.signal.aborted && own.signal.reason instanceof Error ? own.signal.reason.message : errorText(err);
          if (p.error === null) this.opts.warn?.(`PBX ${p.url} 无应答: ${message}`);
          p.error = message;
        } finally {
          clearTimeout(timer);
          abort.signal.removeEventListener('abort', onStop);
        }
      }),
    );
    if (generation !== this.generation || this.disposed) return;
    this.inFlight = null;
    const failing = pollers.filter((p) => p.error !== null);
    this.publish({
      available: failing.length === 0,
      reason: failing.length === 0 ? null : failing.map((p) => `PBX 无应答：${p.error}`).join('；'),
      states: mergeStates(pollers.map((p) => p.last).filter((v): v is PbxView => v !== null)),
    });
    this.schedule(this.intervalMs);
  }

  private publish(content: Omit<PresenceSnapshot, 'at'>): void {
    const prev = this.snapshotValue;
    const same = prev.available === content.available && prev.reason === content.reason && sameStates(prev.states, content.states);
    this.snapshotValue = { at: this.now(), ...content };
    if (!same) this.changed.fire(this.snapshotValue);
  }
}

/** PBX views to states by number; across several PBXs busy wins over idle. */
export function mergeStates(views: readonly PbxView[]): Record<string, PresenceState> {
  const states: Record<string, PresenceState> = {};
  for (const view of views) {
    for (const user of view.registered) if (!states[user]) states[user] = 'idle';
    for (const user of view.inDialog) states[user] = 'busy';
  }
  return Object.fromEntries(Object.entries(states).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sameStates(a: Record<string, PresenceState>, b: Record<string, PresenceState>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    // fetch() says only "fetch failed"; the cause says why (connect ECONNREFUSED 127.0.0.1:5066).
    if (err.message === 'fetch failed' && cause instanceof Error) return cause.message;
    return err.message;
  }
  return String(err);
}

/** `promise`, or a rejection as soon as `signal` aborts (a source that ignores its signal cannot stall polling). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
