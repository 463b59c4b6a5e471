import { Emitter, type Disposable } from '../../shared/lifecycle';
import type { MqttInputLog, MqttInputStatus } from './mqttInput';

/** What the input needs of a Hikvision backend (HikvisionBackend.subscribeEvents / unsubscribeEvents). */
export type HikvisionEventSource = {
  subscribeEvents(eventTypes: readonly number[], eventDest: string): Promise<void>;
  unsubscribeEvents(eventTypes: readonly number[]): Promise<void>;
};

export type HikvisionAlarmInputOptions = {
  sourceId: string;
  backendId: string;
  eventTypes: readonly number[];
  /** How the platform reaches this console's receiver: `http://host:port` (no path). */
  callbackBase: string;
  /** The input's secret; the platform can only be given a URL, so it travels as `?token=`. */
  token: string | null;
  /** The running Hikvision backend of that id; null when it is missing, disabled or not a Hikvision platform. */
  backend: (backendId: string) => HikvisionEventSource | null;
  log: MqttInputLog;
  /** Between attempts while subscribing fails (default 30 s). */
  retryMs?: number;
  /** Subscribing again while it holds (default 10 min): platforms lose subscriptions when they restart. */
  renewMs?: number;
};

/** Where the platform POSTs: the receiver's path of this input, with the token when there is one. */
export function hikvisionEventDest(callbackBase: string, sourceId: string, token: string | null): string {
  const base = `${callbackBase.replace(/\/+$/, '')}/alarms/${sourceId}`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}

/**
 * A Hikvision ISC / HikCentral event subscription: subscribes the platform to `eventTypes` with this input's receiver
 * path as the destination, retries every 30 s until the platform accepts (connecting → connected; error with the
 * reason; offline while the backend is missing), subscribes again every 10 minutes, and unsubscribes on dispose
 * (best effort). The events themselves arrive at the webhook receiver (OnEventNotify batches, read with the input's
 * mapping), which counts them: received/refused here stay 0.
 * Same outward shape as MqttAlarmInput: status(), onStatus, dispose().
 */
export class HikvisionAlarmInput implements Disposable {
  private readonly statusChanged = new Emitter<MqttInputStatus>();
  readonly onStatus = this.statusChanged.event;
  private current: MqttInputStatus = { state: 'connecting', lastError: null, received: 0, refused: 0 };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | null = null;
  private disposing: Promise<void> | null = null;
  /** The backend last subscribed (unsubscribed on dispose). */
  private subscribedTo: HikvisionEventSource | null = null;

  constructor(private readonly opts: HikvisionAlarmInputOptions) {
    this.schedule(0);
  }

  status(): MqttInputStatus {
    return { ...this.current };
  }

  /** The destination as shown to the operator (without the token). */
  get destination(): string {
    return hikvisionEventDest(this.opts.callbackBase, this.opts.sourceId, null);
  }

  /** One attempt now (tests; the timer calls it too); true once the platform accepted. */
  subscribe(): Promise<boolean> {
    this.running ??= this.attempt().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops, then unsubscribes the event types (best effort: a platform that is down keeps them). Idempotent. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      await this.running;
      this.statusChanged.dispose();
      const backend = this.subscribedTo;
      this.subscribedTo = null;
      if (!backend) return;
      try {
        await backend.unsubscribeEvents(this.opts.eventTypes);
        this.opts.log.info({ sourceId: this.opts.sourceId, eventTypes: this.opts.eventTypes }, 'hikvision events unsubscribed');
      } catch (err) {
        this.opts.log.warn({ sourceId: this.opts.sourceId, reason: errorText(err) }, 'hikvision events not unsubscribed');
      }
    })();
    return this.disposing;
  }

  private schedule(ms: number): void {
    if (this.disposing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.subscribe().then((ok) => this.schedule(ok ? (this.opts.renewMs ?? 600_000) : (this.opts.retryMs ?? 30_000)));
    }, ms);
    this.timer.unref?.();
  }

  /** Resolves true once the platform accepted the subscription. */
  private async attempt(): Promise<boolean> {
    const { sourceId, backendId, eventTypes, log } = this.opts;
    const backend = this.opts.backend(backendId);
    if (!backend) {
      this.update({ state: 'offline', lastError: `视频平台 ${backendId} 不存在、未启用或不是海康平台` });
      return false;
    }
    try {
      await backend.subscribeEvents(eventTypes, hikvisionEventDest(this.opts.callbackBase, sourceId, this.opts.token));
    } catch (err) {
      const lastError = `海康事件订阅失败：${errorText(err)}`;
      if (lastError !== this.current.lastError) log.warn({ sourceId, backendId, reason: errorText(err) }, 'hikvision event subscription failed');
      this.update({ state: 'error', lastError });
      return false;
    }
    if (this.current.state !== 'connected') log.info({ sourceId, backendId, eventTypes, dest: this.destination }, 'hikvision events subscribed');
    this.subscribedTo = backend;
    this.update({ state: 'connected', lastError: null });
    return true;
  }

  private update(change: Partial<MqttInputStatus>): void {
    if (this.disposing) return;
    if (Object.entries(change).every(([k, v]) => this.current[k as keyof MqttInputStatus] === v)) return;
    this.current = { ...this.current, ...change };
    this.statusChanged.fire(this.status());
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
