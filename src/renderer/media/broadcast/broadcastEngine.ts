import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { BroadcastDue, BroadcastRecord, BroadcastSource, DeliveryState, ReportDeliveryInput, RtpRoute } from '../../../shared/domain/broadcast';
import type { CallOutcome, Contact } from '../../../shared/domain/telephony';
import { Emitter, type Disposable } from '../../../shared/lifecycle';
import { delay, errorText, waitFor } from '../../../shared/waiting';
import { base64ToBytes, bytesToBase64 } from '../snapshot';
import { createJanusSessionPool, type JanusSessionPool } from '../janusSession';
import { TileRecorder } from '../tileRecorder';
import type { CallView, PhoneEngine } from '../telephony/phoneEngine';
import { ReportQueue } from '../telephony/reportQueue';
import { AudioBridgeFeed } from './audioBridgeFeed';
import { deliveryOf, movedTo, reportOf, type EndpointView } from './deliveries';

export type { EndpointView } from './deliveries';

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
  /** Live: the microphone reaches the endpoints (push-to-talk held, or latched). */
  talking: boolean;
  /** Live: 持续喊话 (talking without holding the button). */
  latched: boolean;
  endpoints: EndpointView[];
  /** How it ended, once it did. */
  result: { state: 'completed' | 'stopped' | 'failed'; reason: string | null } | null;
};

export type BroadcastSnapshot = { active: ActiveBroadcast | null; notice: string | null };

export type StartBroadcast = { groupId: string; source: BroadcastSource; scheduled?: { scheduleId: string; dueAt: number } };

/** How long a clip waits for endpoints still ringing before it starts (those answering later hear the rest). */
const SETTLE_MAX_MS = 4000;
/** Silence between repeats of a clip. */
const REPEAT_GAP_MS = 1000;
/** After the last play, before hanging up (the jitter buffers of the far ends drain). */
const TAIL_MS = 600;
/** An endpoint that has not answered by then is given up (no-answer). */
const ENDPOINT_RING_MS = 15_000;
/** How long the end waits for legs to hang up and for delivery reports to be stored. */
const END_WAIT_MS = 5000;
/** A finished broadcast stays on the panel this long. */
const ENDED_VISIBLE_MS = 15_000;
/** A busy console records a firing it cannot play only after this, so a free console can claim it first. */
const MISSED_CLAIM_DELAY_MS = 3000;
/** The contract's limit on a reason. */
const MAX_REASON = 200;

type Running = {
  view: ActiveBroadcast;
  recorder: TileRecorder | null;
  recordingId: string | null;
  /** The recording being started (the end waits for it, so no recorder outlives its bus). */
  recordingStart: Promise<void>;
  stopRequested: boolean;
  /** Push-to-talk held. */
  held: boolean;
  sub: Disposable | null;
  /** AudioBridge rooms feeding the RTP speakers, one per Janus backend. */
  feeds: AudioBridgeFeed[];
  ending: Promise<void> | null;
};

/**
 * Emergency broadcast in the renderer (应急广播). A broadcast calls every endpoint of a group over SIP through the
 * phone engine (they answer by themselves), or feeds it through a Janus AudioBridge room when it is a plain-RTP
 * speaker, and sends them all one audio bus: a clip (TTS or uploaded file) repeated N times, or the operator's
 * microphone behind push-to-talk (实时喊话). Every endpoint's result is reported as it happens (calling → answered →
 * ended, with why), what went out is recorded, and the record is closed when the clip has played or the operator
 * stops. One broadcast at a time. Scheduled broadcasts arrive as `onBroadcastDue`.
 */
export class BroadcastEngine implements Disposable {
  private running: Running | null = null;
  /** Set from the first line of start() until the broadcast runs or failed to: no second start gets in between. */
  private starting = false;
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
    return this.starting || (this.running !== null && this.running.view.phase !== 'ended');
  }

  /** Starts a broadcast; resolves with its record id once the endpoints are being called. */
  async start(request: StartBroadcast): Promise<string> {
    if (this.busy) throw new Error('已有广播正在进行，请先结束当前广播');
    this.starting = true;
    const id = crypto.randomUUID();
    try {
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
      // The bus first: it holds the audio context open through the awaits below.
      await this.phone.audio.startContext();
      this.phone.audio.createBus(id);
      let buffer: AudioBuffer | null = null;
      let running: Running;
      try {
        // The clip is fetched and decoded before anything rings: a clip that cannot play must not wake the speakers.
        if (request.source.kind === 'clip') {
          const clip = await this.api.readClip({ id: request.source.clipId });
          const bytes = base64ToBytes(clip.dataBase64);
          buffer = await this.phone.audio.decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
        const record = await this.api.startBroadcast({
          id,
          groupId: group.id,
          source: request.source,
          scheduleId: request.scheduled?.scheduleId ?? null,
          dueAt: request.scheduled?.dueAt ?? null,
        });
        running = this.begin(record, members);
      } catch (err) {
        this.phone.audio.releaseBus(id);
        throw err;
      }
      this.starting = false;
      try {
        if (request.source.kind === 'live') await this.phone.audio.connectMicToBus(id);
      } catch (err) {
        await this.end(running, 'failed', `无法打开麦克风：${errorText(err)}`);
        return id;
      }
      running.recordingStart = this.startRecording(running);
      const routeOf = new Map(routes.map((r) => [r.contactId, r]));
      const janusUrl = new Map(settings.backends.filter((b) => b.kind === 'janus' && b.enabled).map((b) => [b.id, b.url]));
      await Promise.all([
        ...members
          .filter((m) => !routeOf.has(m.id))
          .map((m) => this.phone.dial(m.number, { kind: 'broadcast', groupId: id, bus: id, noAnswerMs: ENDPOINT_RING_MS })),
        this.feedRtpSpeakers(running, members.flatMap((m) => (routeOf.has(m.id) ? [{ contact: m, route: routeOf.get(m.id)! }] : [])), janusUrl),
      ]);
      this.syncCalls(running);
      // Stopped, or every endpoint already gone, while the endpoints were being reached: nothing more to start.
      if (running.view.phase !== 'connecting') return id;
      if (buffer) void this.playClip(running, buffer, request.source.kind === 'clip' ? request.source.repeat : 1);
      else this.patch(running, { phase: 'on-air' });
      return id;
    } finally {
      this.starting = false;
    }
  }

  /** Push-to-talk (the button or the space bar) for a live broadcast. */
  pushToTalk(down: boolean): void {
    const running = this.live();
    if (!running) return;
    running.held = down;
    this.applyTalking(running);
  }

  /** 持续喊话: the microphone stays on without holding the button. */
  setLatched(on: boolean): void {
    const running = this.live();
    if (!running) return;
    this.patch(running, { latched: on });
    this.applyTalking(running);
  }

  /** The level going out now (0..1), for the meter. */
  level(): number {
    return this.running && this.running.view.phase !== 'ended' ? this.phone.audio.busLevel(this.running.view.id) : 0;
  }

  /** Ends the running broadcast now (the operator's 结束广播). */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running || running.view.phase === 'ended') return;
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
      latched: false,
      endpoints: record.deliveries.map((d) => ({
        endpointId: d.endpointId,
        name: d.name,
        number: d.number,
        mineName: d.mineName ?? contactById.get(d.endpointId)?.mineName ?? null,
        state: d.state,
        callId: d.callId,
        answeredAt: d.answeredAt,
        endedAt: d.endedAt,
        outcome: d.outcome,
        reason: d.reason,
      })),
      result: null,
    };
    if (this.clearTimer) clearTimeout(this.clearTimer);
    const running: Running = {
      view,
      feeds: [],
      recorder: null,
      recordingId: null,
      recordingStart: Promise.resolve(),
      stopRequested: false,
      held: false,
      sub: null,
      ending: null,
    };
    this.running = running;
    running.sub = this.phone.onChange(() => this.syncCalls(running));
    this.publish();
    return running;
  }

  private live(): Running | null {
    const running = this.running;
    return running && running.view.source.kind === 'live' && (running.view.phase === 'connecting' || running.view.phase === 'on-air') ? running : null;
  }

  private applyTalking(running: Running): void {
    const talking = running.held || running.view.latched;
    this.phone.audio.setTalking(running.view.id, talking);
    if (talking !== running.view.talking) this.patch(running, { talking });
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
      this.reports.push(reportOf(running.view.id, next));
      return next;
    });
    if (!changed) return;
    this.patch(running, { endpoints });
    // A live broadcast whose every endpoint is gone has nobody left to speak to.
    const live = running.view.phase === 'connecting' || running.view.phase === 'on-air';
    if (live && running.view.source.kind === 'live' && endpoints.every((e) => e.state === 'ended')) {
      const anyAnswered = endpoints.some((e) => e.answeredAt !== null);
      void this.end(running, anyAnswered ? 'completed' : 'failed', anyAnswered ? '所有终端已挂断' : '所有终端均未接通');
    }
  }

  /**
   * RTP speakers: per Janus backend, one AudioBridge room fed with the bus and one forwarder per speaker. A speaker
   * is answered once its forwarder runs (RTP has no answer of its own); a room or forwarder that fails fails its
   * speakers with the reason, and a room lost mid-broadcast drops them.
   */
  private async feedRtpSpeakers(running: Running, speakers: { contact: Contact; route: RtpRoute }[], janusUrl: Map<string, string>): Promise<void> {
    const byBackend = new Map<string, { contact: Contact; route: RtpRoute }[]>();
    for (const s of speakers) byBackend.set(s.route.backendId, [...(byBackend.get(s.route.backendId) ?? []), s]);
    await Promise.all(
      [...byBackend].map(async ([backendId, list]) => {
        const ids = list.map(({ contact }) => contact.id);
        for (const id of ids) this.moveEndpoint(running, id, 'calling', null, null);
        const server = janusUrl.get(backendId);
        if (!server) {
          for (const id of ids) this.moveEndpoint(running, id, 'ended', 'failed', `Janus 后端 ${backendId} 不存在或已停用`);
          return;
        }
        const feed = new AudioBridgeFeed((this.janusPool ??= createJanusSessionPool()), server);
        running.feeds.push(feed);
        feed.onLost((reason) => {
          for (const id of ids) this.moveEndpoint(running, id, 'ended', 'dropped', `AudioBridge 中断：${reason}`);
        });
        try {
          await feed.open(this.phone.audio.createBusFeed(running.view.id), `应急广播 ${running.view.groupName}`);
        } catch (err) {
          for (const id of ids) this.moveEndpoint(running, id, 'ended', 'failed', `AudioBridge：${errorText(err)}`);
          await feed.close();
          return;
        }
        await Promise.all(
          list.map(async ({ contact, route }) => {
            const target = `RTP ${route.host}:${route.port}（${route.codec.toUpperCase()}）`;
            try {
              await feed.forward(route);
              this.moveEndpoint(running, contact.id, 'answered', null, target);
            } catch (err) {
              this.moveEndpoint(running, contact.id, 'ended', 'failed', `${target}：${errorText(err)}`);
            }
          }),
        );
      }),
    );
  }

  /** Moves an endpoint the console drives itself (RTP speakers) and reports it. */
  private moveEndpoint(running: Running, endpointId: string, state: DeliveryState, outcome: CallOutcome | null, reason: string | null): void {
    const endpoints = running.view.endpoints.map((e) => {
      if (e.endpointId !== endpointId || e.state === 'ended') return e;
      const next = movedTo(e, state, outcome, reason);
      this.reports.push(reportOf(running.view.id, next));
      return next;
    });
    this.patch(running, { endpoints });
  }

  /** Ends the RTP speakers' part: their deliveries end (answered ones as delivered) and the rooms go. */
  private async closeFeeds(running: Running): Promise<void> {
    for (const e of running.view.endpoints) {
      if (e.callId === null && (e.state === 'calling' || e.state === 'answered')) {
        this.moveEndpoint(running, e.endpointId, 'ended', e.answeredAt !== null ? 'answered' : 'cancelled', null);
      }
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
    if (running.view.phase !== 'connecting') return;
    if (!running.view.endpoints.some((e) => e.state === 'answered')) {
      await this.end(running, 'failed', '所有终端均未接通');
      return;
    }
    this.patch(running, { phase: 'on-air' });
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

  /** Until no endpoint is still being reached, or SETTLE_MAX_MS passed. */
  private settled(running: Running): Promise<void> {
    return waitFor(
      () => running.stopRequested || running.view.endpoints.every((e) => e.state === 'answered' || e.state === 'ended'),
      (check) => this.onChange(check),
      SETTLE_MAX_MS,
    );
  }

  /** Hangs up, closes the rooms, saves the recording and closes the record; once, whoever asks first. */
  private end(running: Running, state: 'completed' | 'stopped' | 'failed', reason: string | null): Promise<void> {
    running.ending ??= this.finish(running, state, reason);
    return running.ending;
  }

  private async finish(running: Running, state: 'completed' | 'stopped' | 'failed', reason: string | null): Promise<void> {
    this.patch(running, { phase: 'ending', talking: false });
    const id = running.view.id;
    this.phone.audio.setTalking(id, false);
    await Promise.all(this.legsOf(running).map((c) => this.phone.hangup(c.id)));
    await this.closeFeeds(running);
    await waitFor(
      () => !this.legsOf(running).some((c) => c.state !== 'ended'),
      (check) => this.phone.onChange(check),
      END_WAIT_MS,
    );
    await running.recordingStart;
    await this.stopRecording(running);
    this.phone.audio.releaseBus(id);
    running.sub?.dispose();
    // Every delivery report first, then the end (it closes whatever is still open). A host that stays away does not
    // hold the console: the queue keeps retrying and the end below closes the record in any case.
    await Promise.race([this.reports.drained(), delay(END_WAIT_MS)]);
    try {
      const record = await this.api.finishBroadcast({ broadcastId: id, state, reason: reason === null ? null : reason.slice(0, MAX_REASON) });
      this.patch(running, {
        phase: 'ended',
        result: { state: record.state === 'running' || record.state === 'interrupted' ? state : record.state, reason: record.reason },
        endpoints: running.view.endpoints.map((e) => {
          const d = record.deliveries.find((x) => x.endpointId === e.endpointId);
          return d ? { ...e, state: d.state, outcome: d.outcome, reason: d.reason, answeredAt: d.answeredAt, endedAt: d.endedAt } : e;
        }),
      });
    } catch (err) {
      this.patch(running, { phase: 'ended', result: { state, reason } });
      this.warn(`广播记录未能关闭：${errorText(err)}`);
    }
    this.clearTimer = setTimeout(() => {
      if (this.running === running) {
        this.running = null;
        this.publish();
      }
    }, ENDED_VISIBLE_MS);
  }

  private async startRecording(running: Running): Promise<void> {
    const stream = this.phone.audio.busRecordingStream(running.view.id);
    if (!stream) return;
    try {
      const mimeType = TileRecorder.pickAudioMimeType();
      const { id } = await this.api.startBroadcastRecording({ broadcastId: running.view.id, mimeType });
      running.recordingId = id;
      if (running.ending) return; // stopRecording closes the row
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
    if (!recordingId) return;
    try {
      await recorder?.stop();
      await this.api.stopBroadcastRecording({ recordingId });
    } catch (err) {
      this.warn(`广播录音保存不完整：${errorText(err)}`);
    }
  }

  /**
   * A schedule's time came. Another console of the centre may have played it already (the host refuses a second
   * start of one firing); one that cannot be played here is still recorded, as failed, with why.
   */
  private async playScheduled(due: BroadcastDue): Promise<void> {
    if (this.disposed) return;
    const scheduled = { scheduleId: due.scheduleId, dueAt: due.dueAt };
    const source: BroadcastSource = { kind: 'clip', clipId: due.clipId, repeat: due.repeat };
    if (this.busy) {
      // A free console of the centre plays it if there is one: give it the first claim on this firing.
      await delay(MISSED_CLAIM_DELAY_MS);
      await this.recordMissed(due, source, '另一广播正在进行，定时广播未播出');
      return;
    }
    try {
      await this.start({ groupId: due.groupId, source, scheduled });
      this.notify(`定时广播「${due.name}」开始播出`);
    } catch (err) {
      if (err instanceof ConsoleError && err.code === 'conflict') return; // played by another console
      await this.recordMissed(due, source, `定时广播未能播出：${errorText(err)}`);
    }
  }

  private async recordMissed(due: BroadcastDue, source: BroadcastSource, reason: string): Promise<void> {
    this.warn(`定时广播「${due.name}」：${reason}`);
    try {
      const id = crypto.randomUUID();
      await this.api.startBroadcast({ id, groupId: due.groupId, source, scheduleId: due.scheduleId, dueAt: due.dueAt });
      await this.api.finishBroadcast({ broadcastId: id, state: 'failed', reason: reason.slice(0, MAX_REASON) });
    } catch {
      // No record possible (the group or clip is gone, or another console played it): the notice says it.
    }
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
