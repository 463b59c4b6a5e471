import { Emitter, type Disposable } from '../../shared/lifecycle';
import type { WvpAlarm } from '../connectors/wvp/wvpAlarms';
import { MAX_WVP_ALARMS, wvpAlarmToPush } from '../connectors/wvp/wvpAlarms';
import type { AlarmIntake } from './alarmIntake';
import type { MappedPush } from './fieldMapping';
import type { MqttInputLog, MqttInputState, MqttInputStatus } from './mqttInput';

/** What the input needs of a WVP backend (WvpBackend.fetchAlarms). */
export type WvpAlarmSource = { fetchAlarms(from: number, to: number): Promise<WvpAlarm[]> };

export type WvpAlarmInputOptions = {
  sourceId: string;
  backendId: string;
  pollSeconds: number;
  /** The running WVP backend of that id; null when it is missing, disabled or not a WVP. Asked at every poll. */
  backend: (backendId: string) => WvpAlarmSource | null;
  intake: Pick<AlarmIntake, 'takeMapped' | 'latestOccurredAt'>;
  log: MqttInputLog;
  now?: () => number;
};

/** The first poll looks this far back (alarms of the minutes before the console started). */
const FIRST_WINDOW_MS = 10 * 60_000;
/** Each window starts this much before the last one ended: alarms WVP stores a little late are read all the same. */
const OVERLAP_MS = 60_000;
/** After a long outage, at most this far back (WVP keeps days of alarms; the backlog is read once, bounded). */
const MAX_WINDOW_MS = 24 * 3600_000;
/** Refused alarms are remembered (counted once though every overlapping window returns them again). */
const MAX_REMEMBERED_REFUSALS = 1000;

/**
 * Alarms of a WVP-GB28181-pro backend: every `pollSeconds`, its alarm list over [end of the last good window − 60 s,
 * now] (the first: from the newest alarm of this source already stored, so a restart reads what came meanwhile — up
 * to a day back — else the last 10 minutes), each alarm handed to the intake in time order. A window WVP cuts at
 * MAX_WVP_ALARMS (it gives the newest first) is read again up to its oldest alarm until nothing is cut, then the
 * polls go on from the newest. Repeats of the overlap cost
 * nothing: the store keeps the first of (source, external id). A failed poll (WVP down, storage failure) leaves the
 * window where it was, so the next poll reads the gap as well; the state says 'error' with the reason meanwhile.
 * Same outward shape as MqttAlarmInput: status(), onStatus, dispose().
 *
 * Limit: an alarm whose device clock is more than the overlap plus one poll behind WVP's falls before the window and
 * is not read (GB alarms carry the device's time; keep the devices on NTP).
 */
export class WvpAlarmInput implements Disposable {
  private readonly statusChanged = new Emitter<MqttInputStatus>();
  /** Fires on every change of status() (state, error, counts). */
  readonly onStatus = this.statusChanged.event;
  private current: MqttInputStatus = { state: 'connecting', lastError: null, received: 0, refused: 0 };
  /** Where the next window starts: the first poll's start until a poll succeeds, then its end minus the overlap. */
  private from: number | null = null;
  /** While a cut window is read again: where that older window ends, and where the polls go on afterwards. */
  private backfill: { to: number; resumeFrom: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private disposed = false;
  private readonly refusedIds = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly opts: WvpAlarmInputOptions) {
    this.now = opts.now ?? Date.now;
    this.schedule(0);
  }

  status(): MqttInputStatus {
    return { ...this.current };
  }

  /** One poll now (tests; the timer calls it too). Resolves when its alarms are stored. */
  poll(): Promise<void> {
    this.running ??= this.pollOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops polling; resolves once a poll under way has finished. Idempotent. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.statusChanged.dispose();
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().finally(() => this.schedule(this.opts.pollSeconds * 1000));
    }, ms);
    this.timer.unref?.();
  }

  private async pollOnce(): Promise<void> {
    const { sourceId, backendId, log } = this.opts;
    const backend = this.opts.backend(backendId);
    if (!backend) {
      this.update({ state: 'offline', lastError: `视频平台 ${backendId} 不存在、未启用或不是 WVP 平台` });
      return;
    }
    const now = this.now();
    if (this.from === null) {
      const latest = this.opts.intake.latestOccurredAt(sourceId);
      this.from = latest === null ? now - FIRST_WINDOW_MS : Math.min(now - FIRST_WINDOW_MS, latest - OVERLAP_MS);
    }
    const to = this.backfill?.to ?? now;
    const from = Math.max(now - MAX_WINDOW_MS, this.from);
    let alarms: WvpAlarm[];
    try {
      alarms = await backend.fetchAlarms(from, to);
    } catch (err) {
      return this.failed('read', `读取 WVP 报警失败：${errorText(err)}`, err);
    }
    if (this.disposed) return;
    alarms.sort((a, b) => (a.time ?? to) - (b.time ?? to));
    let received = 0;
    let refused = 0;
    for (const alarm of alarms) {
      let push: MappedPush;
      try {
        push = wvpAlarmToPush(sourceId, alarm, to);
      } catch (err) {
        const key = `${alarm.id ?? ''}|${alarm.deviceId}|${alarm.timeText ?? ''}`;
        if (!this.refusedIds.has(key)) {
          if (this.refusedIds.size >= MAX_REMEMBERED_REFUSALS) this.refusedIds.clear();
          this.refusedIds.add(key);
          refused++;
          log.warn({ sourceId, wvpAlarmId: alarm.id, reason: errorText(err) }, 'wvp alarm refused');
        }
        continue;
      }
      try {
        const result = await this.opts.intake.takeMapped(push);
        if (!result.duplicate) received++;
      } catch (err) {
        // Not stored: the window stays, the next poll reads these again.
        this.update({ received: this.current.received + received, refused: this.current.refused + refused });
        return this.failed('store', `报警保存失败：${errorText(err)}`, err);
      }
    }
    if (alarms.length >= MAX_WVP_ALARMS) {
      // Cut: the older part of the window comes next, then the polls go on from where this one ended.
      const oldest = alarms[0]?.time ?? to;
      this.backfill = { to: Math.min(to, oldest + OVERLAP_MS), resumeFrom: Math.max(this.backfill?.resumeFrom ?? 0, to - OVERLAP_MS) };
      log.warn({ sourceId, polled: alarms.length }, 'wvp alarm window cut at its limit; reading the older part next');
    } else if (this.backfill) {
      this.from = this.backfill.resumeFrom;
      this.backfill = null;
    } else this.from = to - OVERLAP_MS;
    if (received > 0) log.info({ sourceId, received, polled: alarms.length }, 'wvp alarms stored');
    this.update({ state: 'connected', lastError: null, received: this.current.received + received, refused: this.current.refused + refused });
  }

  private failed(step: 'read' | 'store', lastError: string, err: unknown): void {
    if (lastError !== this.current.lastError) {
      const fields = { sourceId: this.opts.sourceId, backendId: this.opts.backendId, reason: errorText(err) };
      if (step === 'store') this.opts.log.error(fields, 'wvp alarms not stored; retrying next poll');
      else this.opts.log.warn(fields, 'wvp alarm poll failed');
    }
    this.update({ state: 'error' satisfies MqttInputState, lastError });
  }

  private update(change: Partial<MqttInputStatus>): void {
    if (this.disposed) return;
    if (Object.entries(change).every(([k, v]) => this.current[k as keyof MqttInputStatus] === v)) return;
    this.current = { ...this.current, ...change };
    this.statusChanged.fire(this.status());
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
