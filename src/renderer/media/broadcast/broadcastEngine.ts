import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import type { BroadcastDue, BroadcastRecord, BroadcastSource, DeliveryState, ReportDeliveryInput, RtpRoute } from '../../../shared/domain/broadcast';
import type { CallOutcome, Contact } from '../../../shared/domain/telephony';
import { Emitter, type Disposable } from '../../../shared/lifecycle';
import { base64ToBytes, bytesToBase64 } from '../snapshot';
import { createJanusSessionPool, type JanusSessionPool } from '../janusSession';
import { TileRecorder } from '../tileRecorder';
import { AudioBridgeFeed } from './audioBridgeFeed';
import type { CallView, PhoneEngine } from '../telephony/phoneEngine';
import { ReportQueue } from '../telephony/reportQueue';

/** One endpoint of the running broadcast, as the panel shows it. */
export type EndpointView = {
  endpointId: string;
  name: string;
  number: string;
  mineName: string | null;
  state: DeliveryState;
  callId: string | null;
  answeredAt: number | null;
  outcome: CallOutcome | null;
  reason: string | null;
};

export type ActiveBroadcast = {
  id: string;
  groupId: string;
  groupName: string;
  source: BroadcastSource;
  clipName: string | null;
  scheduleId: string | null;
  /** connecting: calling the endpoints; on-air: audio goes out; ending: hanging up and saving. */
  phase: 'connecting' | 'on-air' | 'ending' | 'ended';
  startedAt: number;
  /** Clip broadcasts: which play (1-based) of `repeat`, when it started, the clip's length. */
  play: { index: number; repeat: number; startedAt: number; durationMs: number } | null;
  talking: boolean;
  endpoints: EndpointView[];
  /** How it ended, once it did. */
  result: { state: 'completed' | 'stopped' | 'failed'; reason: string | null } | null;
};

export type BroadcastSnapshot = { active: ActiveBroadcast | null; notice: string | null };

export type StartBroadcast = { groupId: string; source: BroadcastSource; scheduleId?: string | null };

/** How long a clip waits for endpoints still ringing before it starts (those answering later hear the rest). */
const SETTLE_MAX_MS = 4000;
/** Silence between repeats of a clip. */
const REPEAT_GAP_MS = 1000;
/** After the last play, before hanging up (the jitter buffers of the far ends drain). */
const TAIL_MS = 600;
/** An endpoint that has not answered by then is given up (no-answer). */
const ENDPOINT_RING_MS = 15_000;
/** A finished broadcast stays on the panel this long. */
const ENDED_VISIBLE_MS = 15_000;

type Running = {
  view: ActiveBroadcast;
  recorder: TileRecorder | null;
  recordingId: string | null;
  stopRequested: boolean;
  sub: Disposable | null;
  done: Promise<void>;
  /** AudioBridge rooms feeding the RTP speakers, one per Janus backend. */
  feeds: AudioBridgeFeed[];
};

/**
 * Emergency broadcast in the renderer (应急广播). A broadcast calls every endpoint of a group over SIP through the
 * phone engine (they answer by themselves) and sends them all one audio bus: a clip (TTS or uploaded file)
 * repeated N times, or the operator's microphone behind push-to-talk (实时喊话). Every endpoint's result is
 * reported as it happens (calling → answered → ended, with why), what went out is recorded, and the record is
 * closed when the clip has played or the operator stops. Scheduled broadcasts arrive as `onBroadcastDue`.
 */
export class BroadcastEngine implements Disposable {
  private running: Running | null = null;
  private notice: string | null = null;
  private current: BroadcastSnapshot = { active: null, notice: null };
  private readonly changed = new Emitter<BroadcastSnapshot>();
  readonly onChange = this.changed.event;
  private readonly reports: ReportQueue<ReportDeliveryInput>;
  private readonly dueSub: Disposable;
  /** Janus sessions for AudioBridge feeds (made on the first RTP broadcast). */
  private janusPool: JanusSessionPool | null = null;
  private clearTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly api: ConsoleApi,
    private readonly phone: PhoneEngine,
  ) {
    this.reports = new ReportQueue<ReportDeliveryInput>(
      (r) => api.reportDelivery(r).then(() => undefined),
      (message) => this.warn(message),
      2000,
      (r) => `${r.broadcastId}/${r.endpointId}`,
      '广播记录',
    );
    this.dueSub = api.onBroadcastDue((due) => void this.playScheduled(due));
  }

  get snapshot(): BroadcastSnapshot {
    return this.current;
  }

  get busy(): boolean {
    return this.running !== null && this.running.view.phase !== 'ended';
  }

  /** Starts a broadcast; resolves with its record id once the endpoints are being called. */
  async start(request: StartBroadcast): Promise<string> {
    if (this.busy) throw new Error('已有广播正在进行，请先结束当前广播');
    const id = crypto.randomUUID();
    const [groups, contacts, routes, settings] = await Promise.all([
      this.api.listBroadcastGroups({}),
      this.api.listContacts({}),
      this.api.listRtpRoutes({}),
      this.api.getSettings({}),
    ]);
    const group = groups.find((g) => g.id === request.groupId);
    if (!group) throw new Error('广播分组不存在');
    const byId = new Map(contacts.map((c) => [c.id, c]));
    const members = group.memberIds.flatMap((m) => byId.get(m) ?? []);
    // The clip is fetched and decoded before anything rings: a clip that cannot play must not wake the speakers.
    let buffer: AudioBuffer | null = null;
    await this.phone.audio.startContext();
    if (request.source.kind === 'clip') {
      const clip = await this.api.readClip({ id: request.source.clipId });
      const bytes = base64ToBytes(clip.dataBase64);
      buffer = await this.phone.audio.decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
    const record = await this.api.startBroadcast({ id, groupId: group.id, source: request.source, scheduleId: request.scheduleId ?? null });
    this.phone.audio.createBus(id);
    const running = this.begin(record, members);
    if (request.source.kind === 'live') {
      try {
        await this.phone.audio.connectMicToBus(id);
      } catch (err) {
        await this.end(running, 'failed', `无法打开麦克风：${errorText(err)}`);
        return id;
      }
    }
    void this.startRecording(running);
    const routeOf = new Map(routes.map((r) => [r.contactId, r]));
    const janusUrl = new Map(settings.backends.filter((b) => b.kind === 'janus' && b.enabled).map((b) => [b.id, b.url]));
    await Promise.all([
      ...members
        .filter((m) => !routeOf.has(m.id))
        .map((m) => this.phone.dial(m.number, { kind: 'broadcast', groupId: id, bus: id, noAnswerMs: ENDPOINT_RING_MS })),
      this.feedRtpSpeakers(running, members.filter((m) => routeOf.has(m.id)).map((m) => ({ contact: m, route: routeOf.get(m.id)! })), janusUrl),
    ]);
    this.syncCalls(running);
    if (buffer) running.done = this.playClip(running, buffer, request.source.kind === 'clip' ? request.source.repeat : 1);
    else this.setPhase(running, 'on-air');
    return id;
  }

  /** Push-to-talk for a live broadcast. */
  setTalking(on: boolean): void {
    const running = this.running;
    if (!running || running.view.source.kind !== 'live' || running.view.phase === 'ended') return;
    this.phone.audio.setTalking(running.view.id, on);
    this.patch(running, { talking: on });
  }

  /** The level going out now (0..1), for the meter. */
  level(): number {
    return this.running && this.running.view.phase !== 'ended' ? this.phone.audio.busLevel(this.running.view.id) : 0;
  }

  /** Ends the running broadcast now (the operator's 结束广播). */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running || running.view.phase === 'ended' || running.view.phase === 'ending') return;
    running.stopRequested = true;
    await this.end(running, 'stopped', '操作员结束广播');
  }

  /** A clip, whole (for the preview). */
  readClip(id: string): Promise<{ mimeType: string; dataBase64: string }> {
    return this.api.readClip({ id });
  }

  /** What went out in a broadcast, whole (for playing it back). */
  readRecording(id: string): Promise<{ mimeType: string; dataBase64: string }> {
    return this.api.readBroadcastRecording({ id });
  }

  dismissNotice(): void {
    this.notice = null;
    this.publish();
  }

  dispose(): void {
    this.disposed = true;
    this.dueSub.dispose();
    if (this.running && this.running.view.phase !== 'ended') void this.stop();
    if (this.clearTimer) clearTimeout(this.clearTimer);
    this.janusPool?.dispose();
    this.changed.dispose();
  }

  // ── Internals ──

  private begin(record: BroadcastRecord, members: readonly Contact[]): Running {
    const contactById = new Map(members.map((m) => [m.id, m]));
    const view: ActiveBroadcast = {
      id: record.id,
      groupId: record.groupId,
      groupName: record.groupName,
      source: record.source,
      clipName: record.clipName,
      scheduleId: record.scheduleId,
      phase: 'connecting',
      startedAt: record.startedAt,
      play: null,
      talking: false,
      endpoints: record.deliveries.map((d) => ({
        endpointId: d.endpointId,
        name: d.name,
        number: d.number,
        mineName: d.mineName ?? contactById.get(d.endpointId)?.mineName ?? null,
        state: d.state,
        callId: d.callId,
        answeredAt: d.answeredAt,
        outcome: d.outcome,
        reason: d.reason,
      })),
      result: null,
    };
    if (this.clearTimer) clearTimeout(this.clearTimer);
    const running: Running = { view, feeds: [], recorder: null, recordingId: null, stopRequested: false, sub: null, done: Promise.resolve() };
    this.running = running;
    running.sub = this.phone.onChange(() => this.syncCalls(running));
    this.publish();
    return running;
  }

  /** Follows the broadcast's calls: each endpoint's delivery moves with its call and is reported. */
  private syncCalls(running: Running): void {
    const calls = this.legsOf(running);
    let changed = false;
    const endpoints = running.view.endpoints.map((e) => {
      if (e.state === 'ended') return e;
      // A leg is known by its number from the moment it exists (before dial() has returned its id).
      const call = calls.find((c) => (e.callId ? c.id === e.callId : c.party.number === e.number));
      if (!call) return e;
      const next = deliveryOf(e, call, running.view.phase === 'ending');
      if (next.state === e.state && next.callId === e.callId) return e;
      changed = true;
      this.reports.push({
        broadcastId: running.view.id,
        endpointId: e.endpointId,
        state: next.state,
        callId: next.callId,
        answeredAt: next.answeredAt,
        endedAt: next.state === 'ended' ? (call.endedAt ?? Date.now()) : null,
        outcome: next.outcome,
        reason: next.reason,
      });
      return next;
    });
    if (!changed) return;
    this.patch(running, { endpoints });
    // A live broadcast whose every endpoint is gone has nobody left to speak to.
    const allEnded = endpoints.every((e) => e.state === 'ended');
    if (allEnded && running.view.phase !== 'ending' && running.view.phase !== 'ended' && running.view.source.kind === 'live') {
      const anyAnswered = endpoints.some((e) => e.answeredAt !== null);
      void this.end(running, anyAnswered ? 'completed' : 'failed', anyAnswered ? '所有终端已挂断' : '所有终端均未接通');
    }
  }

  /**
   * RTP speakers: per Janus backend, one AudioBridge room fed with the bus and one forwarder per speaker. A speaker
   * is answered once its forwarder runs (RTP has no answer of its own); a room or forwarder that fails fails its
   * speakers with the reason.
   */
  private async feedRtpSpeakers(running: Running, speakers: { contact: Contact; route: RtpRoute }[], janusUrl: Map<string, string>): Promise<void> {
    const byBackend = new Map<string, { contact: Contact; route: RtpRoute }[]>();
    for (const s of speakers) byBackend.set(s.route.backendId, [...(byBackend.get(s.route.backendId) ?? []), s]);
    await Promise.all(
      [...byBackend].map(async ([backendId, list]) => {
        for (const { contact } of list) this.setRtpDelivery(running, contact.id, 'calling', null, null);
        const server = janusUrl.get(backendId);
        if (!server) {
          for (const { contact } of list) this.setRtpDelivery(running, contact.id, 'ended', 'failed', `Janus 后端 ${backendId} 不存在或已停用`);
          return;
        }
        const feed = new AudioBridgeFeed((this.janusPool ??= createJanusSessionPool()), server);
        running.feeds.push(feed);
        try {
          await feed.open(this.phone.audio.createBusFeed(running.view.id), `应急广播 ${running.view.groupName}`);
        } catch (err) {
          for (const { contact } of list) this.setRtpDelivery(running, contact.id, 'ended', 'failed', `AudioBridge：${errorText(err)}`);
          return;
        }
        await Promise.all(
          list.map(async ({ contact, route }) => {
            const target = `RTP ${route.host}:${route.port}（${route.codec.toUpperCase()}）`;
            try {
              await feed.forward(route);
              this.setRtpDelivery(running, contact.id, 'answered', null, target);
            } catch (err) {
              this.setRtpDelivery(running, contact.id, 'ended', 'failed', `${target}：${errorText(err)}`);
            }
          }),
        );
      }),
    );
  }

  private setRtpDelivery(running: Running, endpointId: string, state: DeliveryState, outcome: CallOutcome | null, reason: string | null): void {
    const now = Date.now();
    const endpoints = running.view.endpoints.map((e) => {
      if (e.endpointId !== endpointId || e.state === 'ended') return e;
      const answeredAt = state === 'answered' ? now : e.answeredAt;
      this.reports.push({
        broadcastId: running.view.id,
        endpointId,
        state,
        callId: null,
        answeredAt,
        endedAt: state === 'ended' ? now : null,
        outcome: state === 'ended' ? (outcome ?? (answeredAt !== null ? 'answered' : 'failed')) : null,
        reason: reason ?? e.reason,
      });
      return { ...e, state, answeredAt, outcome: state === 'ended' ? (outcome ?? (answeredAt !== null ? 'answered' : 'failed')) : null, reason: reason ?? e.reason };
    });
    this.patch(running, { endpoints });
  }

  /** Ends the RTP speakers' part: their deliveries end (answered ones as delivered) and the rooms go. */
  private async closeFeeds(running: Running): Promise<void> {
    for (const e of running.view.endpoints) {
      if (e.callId === null && e.state !== 'ended' && e.state !== 'pending') this.setRtpDelivery(running, e.endpointId, 'ended', e.answeredAt !== null ? 'answered' : 'cancelled', null);
    }
    await Promise.all(running.feeds.map((f) => f.close()));
    running.feeds = [];
  }

  /** The broadcast's calls (legs carry the broadcast id as their group). */
  private legsOf(running: Running): CallView[] {
    return this.phone.snapshot.calls.filter((c) => c.kind === 'broadcast' && c.groupId === running.view.id);
  }

  private async playClip(running: Running, buffer: AudioBuffer, repeat: number): Promise<void> {
    await this.settled(running);
    if (running.stopRequested) return;
    if (!running.view.endpoints.some((e) => e.state === 'answered')) {
      await this.end(running, 'failed', '所有终端均未接通');
      return;
    }
    this.setPhase(running, 'on-air');
    for (let i = 0; i < repeat && !running.stopRequested; i++) {
      if (i > 0) await delay(REPEAT_GAP_MS);
      if (running.stopRequested) return;
      this.patch(running, { play: { index: i + 1, repeat, startedAt: Date.now(), durationMs: Math.round(buffer.duration * 1000) } });
      await this.phone.audio.playIntoBus(running.view.id, buffer);
    }
    if (running.stopRequested) return;
    await delay(TAIL_MS);
    await this.end(running, 'completed', null);
  }

  /** Until no endpoint is still being called, or SETTLE_MAX_MS passed. */
  private settled(running: Running): Promise<void> {
    const done = () => running.stopRequested || running.view.endpoints.every((e) => e.state === 'answered' || e.state === 'ended');
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, SETTLE_MAX_MS);
      const sub = this.onChange(() => {
        if (done()) finish();
      });
      function finish() {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }

  private async end(running: Running, state: 'completed' | 'stopped' | 'failed', reason: string | null): Promise<void> {
    if (running.view.phase === 'ending' || running.view.phase === 'ended') return;
    this.setPhase(running, 'ending');
    const id = running.view.id;
    this.phone.audio.setTalking(id, false);
    await Promise.all(this.legsOf(running).map((c) => this.phone.hangup(c.id)));
    await this.closeFeeds(running);
    await this.waitCallsEnded(running, 5000);
    await this.stopRecording(running);
    this.phone.audio.releaseBus(id);
    running.sub?.dispose();
    // Every delivery report first, then the end (it closes whatever is still open).
    await this.reports.drained();
    try {
      const record = await this.api.finishBroadcast({ broadcastId: id, state, reason });
      this.patch(running, {
        phase: 'ended',
        talking: false,
        result: { state: record.state === 'running' ? state : (record.state as typeof state), reason: record.reason },
        endpoints: running.view.endpoints.map((e) => {
          const d = record.deliveries.find((x) => x.endpointId === e.endpointId);
          return d ? { ...e, state: d.state, outcome: d.outcome, reason: d.reason, answeredAt: d.answeredAt } : e;
        }),
      });
    } catch (err) {
      this.patch(running, { phase: 'ended', talking: false, result: { state, reason } });
      this.warn(`广播记录未能关闭：${errorText(err)}`);
    }
    this.clearTimer = setTimeout(() => {
      if (this.running === running) {
        this.running = null;
        this.publish();
      }
    }, ENDED_VISIBLE_MS);
  }

  private waitCallsEnded(running: Running, maxMs: number): Promise<void> {
    const open = () => this.legsOf(running).some((c) => c.state !== 'ended');
    if (!open()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, maxMs);
      const sub = this.phone.onChange(() => {
        if (!open()) finish();
      });
      function finish() {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }

  private async startRecording(running: Running): Promise<void> {
    const stream = this.phone.audio.busRecordingStream(running.view.id);
    if (!stream) return;
    try {
      const mimeType = TileRecorder.pickAudioMimeType();
      const { id } = await this.api.startBroadcastRecording({ broadcastId: running.view.id, mimeType });
      if (running.view.phase === 'ending' || running.view.phase === 'ended') {
        await this.api.stopBroadcastRecording({ recordingId: id });
        return;
      }
      running.recordingId = id;
      const recorder = new TileRecorder(
        stream,
        mimeType,
        async (seq, data) => {
          await this.api.appendBroadcastRecording({ recordingId: id, seq, dataBase64: bytesToBase64(data) });
        },
        { trackKind: 'audio', audioBitsPerSecond: 32_000, maxChunkBytes: 512 * 1024 },
      );
      running.recorder = recorder;
      recorder.start();
    } catch (err) {
      this.warn(`广播录音未能开始：${errorText(err)}`);
    }
  }

  private async stopRecording(running: Running): Promise<void> {
    const { recorder, recordingId } = running;
    running.recorder = null;
    if (!recorder || !recordingId) return;
    try {
      await recorder.stop();
      await this.api.stopBroadcastRecording({ recordingId });
    } catch (err) {
      this.warn(`广播录音保存不完整：${errorText(err)}`);
    }
  }

  private async playScheduled(due: BroadcastDue): Promise<void> {
    if (this.disposed) return;
    if (this.busy) {
      this.warn(`定时广播「${due.name}」未播出：另一广播正在进行`);
      return;
    }
    try {
      await this.start({ groupId: due.groupId, source: { kind: 'clip', clipId: due.clipId, repeat: due.repeat }, scheduleId: due.scheduleId });
      this.notify(`定时广播「${due.name}」开始播出`);
    } catch (err) {
      this.warn(`定时广播「${due.name}」未能播出：${errorText(err)}`);
    }
  }

  private setPhase(running: Running, phase: ActiveBroadcast['phase']): void {
    this.patch(running, { phase });
  }

  private patch(running: Running, patch: Partial<ActiveBroadcast>): void {
    running.view = { ...running.view, ...patch };
    if (this.running === running) this.publish();
  }

  private notify(message: string): void {
    this.notice = message;
    this.publish();
  }

  private warn(message: string): void {
    this.notify(message);
    void this.api.reportClientError({ message, context: 'broadcast' }).catch(() => undefined);
  }

  private publish(): void {
    if (this.disposed) return;
    this.current = { active: this.running?.view ?? null, notice: this.notice };
    this.changed.fire(this.current);
  }
}

/** An endpoint's delivery from its call: ringing is still calling; established is answered; ended says why. */
export function deliveryOf(e: EndpointView, call: CallView, broadcastEnding: boolean): EndpointView {
  const base = { ...e, callId: call.id, answeredAt: call.answeredAt ?? e.answeredAt };
  if (call.state === 'ended') {
    if (call.answeredAt !== null) return { ...base, state: 'ended', outcome: 'answered', reason: call.reason };
    // Still ringing when the broadcast ended: we hung up on it, but for the record it did not answer.
    if (call.outcome === 'cancelled' && broadcastEnding) return { ...base, state: 'ended', outcome: 'no-answer', reason: '广播结束时仍未接听' };
    return { ...base, state: 'ended', outcome: call.outcome ?? 'failed', reason: call.reason };
  }
  if (call.state === 'established') return { ...base, state: 'answered' };
  return { ...base, state: 'calling' };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
