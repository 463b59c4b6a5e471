import { Invitation, Inviter, SessionState, Web, type Core, type Session } from 'sip.js';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import type { CallKind, CallOutcome, CallReport, Contact, SipAccount } from '../../../shared/domain/telephony';
import { Emitter, type Disposable } from '../../../shared/lifecycle';
import { delay, errorText } from '../../../shared/waiting';
import { TileRecorder } from '../tileRecorder';
import { bytesToBase64 } from '../snapshot';
import { CallAudio } from './callAudio';
import { finalOutcome, outcomeOfRejection } from './callOutcome';
import { ReportQueue } from './reportQueue';
import { SipLine, type LineState } from './sipLine';

export type CallStats = { codec: string | null; packetsSent: number; packetsReceived: number; packetsLost: number; jitterMs: number | null; rttMs: number | null };

/** One call as the panels show it (plain data; the engine keeps the sip.js objects). */
export type CallView = {
  id: string;
  accountId: string;
  direction: 'in' | 'out';
  kind: CallKind;
  /** Group of a group call or roll-call. */
  groupId: string | null;
  /** Consultation (会商) this call belongs to. */
  conferenceId: string | null;
  party: { number: string; name: string | null; mineId: string | null; mineName: string | null; role: string | null };
  state: 'calling' | 'ringing' | 'established' | 'ended';
  held: boolean;
  muted: boolean;
  /** Muted for the other parties of a consultation. */
  partyMuted: boolean;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: CallOutcome | null;
  reason: string | null;
  stats: CallStats | null;
  recording: 'off' | 'recording' | 'saved' | 'failed';
  /** Outgoing: ms from the dial to Established, and from the INVITE leaving to Established (200 OK + ACK). */
  timing: { dialMs: number | null; inviteMs: number | null };
};

export type LineView = { accountId: string; name: string; user: string; displayName: string; state: LineState; reason: string | null };

export type RollCallEntry = { contactId: string; number: string; name: string; status: 'waiting' | 'calling' | 'answered' | 'unanswered'; outcome: CallOutcome | null; answerMs: number | null };
export type RollCallView = { groupId: string; groupName: string; running: boolean; entries: RollCallEntry[] };

export type PhoneSnapshot = { lines: LineView[]; calls: CallView[]; rollCall: RollCallView | null; notice: string | null };

type CallInternal = {
  view: CallView;
  line: SipLine;
  session: Session | null;
  /** Why it ended, when we know better than "the session terminated". */
  endedWith: CallOutcome | null;
  /** The SIP status or error text that goes with it (views are frozen once published: never patched in place). */
  endReason: string | null;
  noAnswerTimer: ReturnType<typeof setTimeout> | null;
  recorder: TileRecorder | null;
  recordingId: string | null;
  lastReceived: number;
  lastReceivedAt: number;
  /** performance.now() at dial and when the INVITE was sent. */
  dialAt: number;
  inviteAt: number | null;
  ended: Promise<void>;
  resolveEnded: () => void;
  /** The broadcast bus this leg sends, if it is a broadcast leg. */
  bus: string | null;
};

export type DialOptions = {
  kind?: CallKind;
  groupId?: string | null;
  conferenceId?: string | null;
  accountId?: string;
  /** Hang up (outcome no-answer) when nobody answers within this time. Default 45 s. */
  noAnswerMs?: number;
  /** A leg of a broadcast: sends this audio bus (not the microphone), is not recorded on its own, is not heard. */
  bus?: string;
};

const DEFAULT_NO_ANSWER_MS = 45_000;
/** An established, not held call that received no RTP for this long is dropped (the network or the far end died). */
const MEDIA_SILENCE_DROP_MS = 12_000;
const STATS_EVERY_MS = 1000;
/** Ended calls stay in the panel this long, with their outcome, before they leave it. */
const ENDED_VISIBLE_MS = 6000;
const ROLLCALL_RING_MS = 20_000;
/** How long an answered roll-call party stays connected to say "到" before the next is called. */
const ROLLCALL_TALK_MS = 4000;

/**
 * Telephone dispatch in the renderer: SIP lines (one per account), every call with its media, recording and
 * record, group calls, roll-call and consultations. The UI reads `snapshot` (pushed through `onChange`) and calls
 * the methods; nothing here is React.
 */
export class PhoneEngine implements Disposable {
  readonly audio = new CallAudio();
  /** `line` is null for an account whose credentials could not be had (its view says why). */
  private readonly lines = new Map<string, { line: SipLine | null; account: SipAccount; view: LineView }>();
  private readonly calls = new Map<string, CallInternal>();
  private readonly bySession = new Map<Session, CallInternal>();
  private pendingOutgoing: CallInternal | null = null;
  private directory = new Map<string, Contact>();
  private rollCallView: RollCallView | null = null;
  private rollCallStop = false;
  private notice: string | null = null;
  private readonly changed = new Emitter<PhoneSnapshot>();
  readonly onChange = this.changed.event;
  private current: PhoneSnapshot = { lines: [], calls: [], rollCall: null, notice: null };
  private readonly reports: ReportQueue<CallReport>;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private configuring: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly api: ConsoleApi) {
    this.reports = new ReportQueue((r) => api.reportCall(r).then(() => undefined), (message) => this.warn(message));
  }

  get snapshot(): PhoneSnapshot {
    return this.current;
  }

  /** Names and mines of numbers (the directory). */
  setDirectory(contacts: readonly Contact[]): void {
    this.directory = new Map(contacts.map((c) => [c.number, c]));
  }

  /** Brings the lines in line with the settings' SIP accounts (new ones register, removed ones unregister). */
  configure(accounts: readonly SipAccount[]): Promise<void> {
    this.configuring = this.configuring.then(() => this.applyAccounts(accounts)).catch((err: unknown) => this.warn(`SIP 线路配置失败：${String(err)}`));
    return this.configuring;
  }

  private async applyAccounts(accounts: readonly SipAccount[]): Promise<void> {
    const wanted = new Map(accounts.filter((a) => a.enabled).map((a) => [a.id, a]));
    for (const [id, entry] of this.lines) {
      if (!wanted.has(id) || JSON.stringify(wanted.get(id)) !== JSON.stringify(entry.account)) {
        this.lines.delete(id);
        await entry.line?.dispose();
      }
    }
    for (const account of wanted.values()) {
      if (this.lines.has(account.id) || this.disposed) continue;
      const view: LineView = { accountId: account.id, name: account.name, user: account.user, displayName: account.displayName, state: 'connecting', reason: null };
      let credentials;
      try {
        credentials = await this.api.getSipCredentials({ accountId: account.id });
      } catch (err) {
        this.lines.set(account.id, { line: null, account, view: { ...view, state: 'failed', reason: `无法取得账号凭据：${errorText(err)}` } });
        continue;
      }
      const line: SipLine = new SipLine(
        credentials,
        (_constraints, session) => this.mediaFor(session),
        {
          state: (state, reason) => {
            const entry = this.lines.get(account.id);
            if (entry?.line !== line) return;
            if (state === 'disconnected') this.lineLost(line, reason);
            entry.view = { ...entry.view, state, reason };
            this.publish();
          },
          created: (session) => this.onCreated(session),
          received: (session) => this.onReceived(line, session),
          answered: (session) => this.onAnswered(session),
          hangup: (session) => this.onHangup(session),
          hold: (session, held) => this.update(this.bySession.get(session), { held }),
        },
        (level, message) => {
          if (level === 'error') void this.api.reportClientError({ message, context: 'sip.js' }).catch(() => undefined);
        },
      );
      this.lines.set(account.id, { line, account, view });
    }
    this.publish();
  }

  // ── Calls ──

  /** Calls a number; resolves with the call id once the call exists (it may still fail later, see its view). */
  async dial(number: string, options: DialOptions = {}): Promise<string> {
    const target = number.trim();
    const line = this.pickLine(options.accountId);
    const call = this.newCall(line, 'out', target, options);
    if (!line || !line.isRegistered) {
      const reason = line ? `线路未注册（${stateText(line.state)}）` : '没有可用的 SIP 线路，请在设置中添加电话账号';
      this.finish(call, 'failed', reason);
      return call.view.id;
    }
    try {
      await (call.bus === null ? this.audio.start() : this.audio.startContext());
    } catch (err) {
      this.finish(call, 'failed', `无法打开麦克风：${errorText(err)}`);
      return call.view.id;
    }
    const uri = `sip:${target}@${line.credentials.domain}`;
    this.pendingOutgoing = call;
    try {
      await line.manager.call(uri, undefined, {
        requestDelegate: {
          onProgress: (response: Core.IncomingResponse) => {
            if (response.message.statusCode === 180 || response.message.statusCode === 183) this.update(call, { state: 'ringing' });
          },
          onReject: (response: Core.IncomingResponse) => {
            const code = response.message.statusCode ?? 0;
            call.endedWith ??= outcomeOfRejection(code);
            call.endReason = `${code} ${response.message.reasonPhrase ?? ''}`.trim();
          },
        },
      });
    } catch (err) {
      this.pendingOutgoing = null;
      if (call.view.state !== 'ended') {
        if (call.session) await line.manager.hangup(call.session).catch(() => undefined);
        this.finish(call, 'failed', `呼叫失败：${errorText(err)}`);
      }
      return call.view.id;
    }
    this.pendingOutgoing = null;
    call.inviteAt ??= performance.now();
    const noAnswerMs = options.noAnswerMs ?? DEFAULT_NO_ANSWER_MS;
    call.noAnswerTimer = setTimeout(() => {
      if (call.view.state === 'calling' || call.view.state === 'ringing') {
        call.endedWith = 'no-answer';
        call.endReason = `${Math.round(noAnswerMs / 1000)} 秒无人接听`;
        void this.hangup(call.view.id);
      }
    }, noAnswerMs);
    return call.view.id;
  }

  async answer(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call?.session || call.view.direction !== 'in' || call.view.state === 'ended' || call.view.state === 'established') return;
    this.audio.ring(false);
    try {
      await this.audio.start();
      await call.line.manager.answer(call.session);
    } catch (err) {
      call.endedWith = 'failed';
      call.endReason = `接听失败：${errorText(err)}`;
      await call.line.manager.hangup(call.session).catch(() => undefined);
    }
  }

  async decline(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call?.session || call.view.state === 'ended') return;
    call.endedWith = 'rejected';
    await call.line.manager.decline(call.session).catch(() => undefined);
    this.updateRinger();
  }

  async hangup(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.view.state === 'ended') return;
    if (!call.session) {
      this.finish(call, 'cancelled', null);
      return;
    }
    if (call.view.state !== 'established') call.endedWith ??= call.view.direction === 'in' ? 'rejected' : 'cancelled';
    await call.line.manager.hangup(call.session).catch((err: unknown) => {
      // The session is gone already (PBX lost): close the record here.
      this.finish(call, call.endedWith ?? 'failed', errorText(err));
    });
  }

  async hold(callId: string, held: boolean): Promise<void> {
    const call = this.calls.get(callId);
    if (!call?.session || call.view.state !== 'established') return;
    try {
      if (held) await call.line.manager.hold(call.session);
      else await call.line.manager.unhold(call.session);
      this.audio.setHeld(callId, held);
      this.update(call, { held });
    } catch (err) {
      this.warn(`${held ? '保持' : '恢复'}失败：${errorText(err)}`);
    }
  }

  mute(callId: string, muted: boolean): void {
    const call = this.calls.get(callId);
    if (!call?.session || call.view.state !== 'established') return;
    if (muted) call.line.manager.mute(call.session);
    else call.line.manager.unmute(call.session);
    this.update(call, { muted });
  }

  async dtmf(callId: string, tone: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call?.session || call.view.state !== 'established' || !/^[0-9A-D*#]$/.test(tone)) return;
    await call.line.manager.sendDTMF(call.session, tone).catch((err: unknown) => this.warn(`DTMF 发送失败：${errorText(err)}`));
  }

  /** Blind transfer (REFER) of an established call to another number; our leg ends once the far end accepts. */
  async transfer(callId: string, number: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call?.session || call.view.state !== 'established') return;
    try {
      await call.line.manager.transfer(call.session, `sip:${number.trim()}@${call.line.credentials.domain}`);
      this.notify(`已将 ${partyText(call.view)} 转接至 ${number}`);
    } catch (err) {
      this.warn(`转接失败：${errorText(err)}`);
    }
  }

  // ── Consultation (会商) ──

  /** Joins established calls into one consultation (a new one, or `conferenceId`); returns its id. */
  merge(callIds: readonly string[], conferenceId: string | null = null): string {
    const id = conferenceId ?? `conf-${crypto.randomUUID().slice(0, 8)}`;
    for (const callId of callIds) {
      const call = this.calls.get(callId);
      if (!call || call.view.state === 'ended') continue;
      if (call.view.held) void this.hold(callId, false);
      this.audio.setConference(callId, id);
      this.update(call, { conferenceId: id });
    }
    return id;
  }

  /** Dials a party into a consultation; it joins when it answers. */
  addToConference(conferenceId: string, number: string): Promise<string> {
    return this.dial(number, { kind: 'consult', groupId: conferenceId, conferenceId });
  }

  /** Takes a call out of its consultation (it stays connected). */
  split(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.audio.setConference(callId, null);
    this.update(call, { conferenceId: null });
  }

  /** A party the others of the consultation do not hear. */
  setPartyMuted(callId: string, muted: boolean): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.audio.setPartyMuted(callId, muted);
    this.update(call, { partyMuted: muted });
  }

  // ── Groups ──

  /** Group call: every member rings at once. */
  async groupCall(groupId: string, members: readonly Contact[]): Promise<string[]> {
    return Promise.all(members.map((m) => this.dial(m.number, { kind: 'group', groupId })));
  }

  /** Roll-call: members one after another; who answered is reported in `snapshot.rollCall`. */
  async rollCall(groupId: string, groupName: string, members: readonly Contact[]): Promise<RollCallView> {
    if (this.rollCallView?.running) throw new Error('点名正在进行');
    this.rollCallStop = false;
    const view: RollCallView = {
      groupId,
      groupName,
      running: true,
      entries: members.map((m) => ({ contactId: m.id, number: m.number, name: m.name, status: 'waiting', outcome: null, answerMs: null })),
    };
    this.rollCallView = view;
    this.publish();
    for (let i = 0; i < view.entries.length && !this.rollCallStop; i++) {
      this.setRollEntry(i, { status: 'calling' });
      const started = Date.now();
      const callId = await this.dial(view.entries[i]!.number, { kind: 'rollcall', groupId, noAnswerMs: ROLLCALL_RING_MS });
      const call = this.calls.get(callId);
      if (!call) continue;
      const answered = await this.waitAnsweredOrEnded(call);
      if (answered) {
        this.setRollEntry(i, { status: 'answered', outcome: 'answered', answerMs: (call.view.answeredAt ?? Date.now()) - started });
        await Promise.race([call.ended, delay(ROLLCALL_TALK_MS)]);
        await this.hangup(callId);
      } else {
        this.setRollEntry(i, { status: 'unanswered', outcome: call.view.outcome ?? 'no-answer' });
      }
      await call.ended;
    }
    this.rollCallView = { ...this.rollCallView!, running: false };
    this.publish();
    return this.rollCallView;
  }

  stopRollCall(): void {
    this.rollCallStop = true;
  }

  private setRollEntry(i: number, patch: Partial<RollCallEntry>): void {
    if (!this.rollCallView) return;
    const entries = this.rollCallView.entries.map((e, j) => (j === i ? { ...e, ...patch } : e));
    this.rollCallView = { ...this.rollCallView, entries };
    this.publish();
  }

  private waitAnsweredOrEnded(call: CallInternal): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (call.view.state === 'established') return resolve(true), true;
        if (call.view.state === 'ended') return resolve(call.view.answeredAt !== null), true;
        return false;
      };
      if (check()) return;
      const sub = this.onChange(() => {
        if (check()) sub.dispose();
      });
    });
  }

  /** A call recording, whole (for playing in the console or saving). */
  readRecording(recordingId: string): Promise<{ mimeType: string; dataBase64: string }> {
    return this.api.readCallRecording({ id: recordingId });
  }

  dismissNotice(): void {
    this.notice = null;
    this.publish();
  }

  dispose(): void {
    this.disposed = true;
    this.rollCallStop = true;
    for (const call of this.calls.values()) {
      if (call.view.state !== 'ended') {
        call.endedWith = 'interrupted';
        void this.hangup(call.view.id);
      }
    }
    for (const { line } of this.lines.values()) void line?.dispose();
    this.lines.clear();
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.audio.stop();
    this.changed.dispose();
  }

  // ── sip.js events ──

  private onCreated(session: Session): void {
    if (session instanceof Inviter && this.pendingOutgoing && !this.pendingOutgoing.session) {
      const call = this.pendingOutgoing;
      call.session = session;
      this.bySession.set(session, call);
      this.pendingOutgoing = null;
      // Establishing = the INVITE went out (after the offer and ICE gathering).
      session.stateChange.addListener((state) => {
        if (state === SessionState.Establishing) call.inviteAt ??= performance.now();
      });
    }
  }

  private onReceived(line: SipLine, session: Session): void {
    if (!(session instanceof Invitation)) return;
    const identity = session.remoteIdentity;
    const number = identity.uri.user ?? identity.uri.toString();
    const call = this.newCall(line, 'in', number, { kind: 'single' });
    if (!call.view.party.name && identity.displayName) call.view = { ...call.view, party: { ...call.view.party, name: identity.displayName } };
    call.session = session;
    this.bySession.set(session, call);
    this.update(call, { state: 'ringing' });
    this.updateRinger();
  }

  private onAnswered(session: Session): void {
    const call = this.bySession.get(session);
    if (!call) return;
    if (call.noAnswerTimer) clearTimeout(call.noAnswerTimer);
    const sdh = session.sessionDescriptionHandler;
    if (sdh instanceof Web.SessionDescriptionHandler) this.audio.attachRemote(call.view.id, sdh.remoteMediaStream);
    if (call.view.conferenceId) this.audio.setConference(call.view.id, call.view.conferenceId);
    call.lastReceivedAt = Date.now();
    const at = performance.now();
    const timing = { dialMs: Math.round(at - call.dialAt), inviteMs: call.inviteAt === null ? null : Math.round(at - call.inviteAt) };
    this.update(call, { state: 'established', answeredAt: Date.now(), timing });
    this.updateRinger();
    this.startStats();
    if (call.bus === null) void this.startRecording(call);
  }

  private onHangup(session: Session): void {
    const call = this.bySession.get(session);
    if (!call) return;
    this.bySession.delete(session);
    // sip.js terminates the session before it hands the final response to our request delegate: let that run first.
    setTimeout(() => {
      // Terminated before an answer with no response we saw: the transaction failed (PBX gone, timeout).
      if (call.view.state !== 'established' && !call.endedWith && call.view.direction === 'out') {
        call.endReason ??= '未收到应答（PBX 无响应或网络中断）';
      }
      this.finish(call, finalOutcome({ direction: call.view.direction, answered: call.view.answeredAt !== null, endedWith: call.endedWith }), call.endReason);
    }, 0);
  }

  // ── Internals ──

  /** The PBX connection dropped: sip.js disposes the line's sessions next; their records end as dropped. */
  private lineLost(line: SipLine, reason: string | null): void {
    for (const call of this.calls.values()) {
      if (call.line !== line || call.view.state === 'ended') continue;
      call.endedWith = call.view.state === 'established' ? 'dropped' : 'failed';
      call.endReason = reason ?? '与 PBX 的连接断开';
    }
  }

  private pickLine(accountId?: string): SipLine | null {
    if (accountId) return this.lines.get(accountId)?.line ?? null;
    let fallback: SipLine | null = null;
    for (const { line } of this.lines.values()) {
      if (!line) continue;
      if (line.isRegistered) return line;
      fallback ??= line;
    }
    return fallback;
  }

  private newCall(line: SipLine | null, direction: 'in' | 'out', number: string, options: DialOptions): CallInternal {
    const contact = this.directory.get(number) ?? null;
    const own = line?.credentials ?? null;
    let resolveEnded!: () => void;
    const ended = new Promise<void>((r) => (resolveEnded = r));
    const call: CallInternal = {
      view: {
        id: crypto.randomUUID(),
        accountId: own?.accountId ?? options.accountId ?? this.lines.keys().next().value ?? 'none',
        direction,
        kind: options.kind ?? 'single',
        groupId: options.groupId ?? null,
        conferenceId: options.conferenceId ?? null,
        party: { number, name: contact?.name ?? null, mineId: contact?.mineId ?? null, mineName: contact?.mineName ?? null, role: contact?.role ?? null },
        state: 'calling',
        held: false,
        muted: false,
        partyMuted: false,
        startedAt: Date.now(),
        answeredAt: null,
        endedAt: null,
        outcome: null,
        reason: null,
        stats: null,
        recording: 'off',
        timing: { dialMs: null, inviteMs: null },
      },
      line: line as SipLine,
      session: null,
      endedWith: null,
      endReason: null,
      noAnswerTimer: null,
      recorder: null,
      recordingId: null,
      lastReceived: 0,
      lastReceivedAt: Date.now(),
      dialAt: performance.now(),
      inviteAt: null,
      ended,
      resolveEnded,
      bus: options.bus ?? null,
    };
    this.calls.set(call.view.id, call);
    this.report(call);
    this.publish();
    return call;
  }

  /** The outgoing media of a session: the call's own leg of the audio graph. */
  private mediaFor(session: Session): Promise<MediaStream> {
    const call = this.bySession.get(session) ?? (this.pendingOutgoing && !this.pendingOutgoing.session ? this.pendingOutgoing : null);
    if (!call) return Promise.reject(new Error('media asked for an unknown call'));
    const { bus } = call;
    if (bus !== null) return this.audio.startContext().then(() => this.audio.createLeg(call.view.id, bus));
    return this.audio.start().then(() => this.audio.createLeg(call.view.id));
  }

  private update(call: CallInternal | undefined, patch: Partial<CallView>): void {
    if (!call || call.view.state === 'ended') return;
    const stateChanged = patch.state !== undefined && patch.state !== call.view.state;
    call.view = { ...call.view, ...patch };
    if (stateChanged || patch.answeredAt !== undefined) this.report(call);
    this.publish();
  }

  private finish(call: CallInternal, outcome: CallOutcome, reason: string | null): void {
    if (call.view.state === 'ended') return;
    if (call.noAnswerTimer) clearTimeout(call.noAnswerTimer);
    call.view = { ...call.view, state: 'ended', outcome, reason, endedAt: Date.now(), held: false };
    this.report(call);
    this.publish();
    this.updateRinger();
    void this.stopRecording(call).finally(() => {
      this.audio.releaseLeg(call.view.id);
      call.resolveEnded();
      setTimeout(() => {
        this.calls.delete(call.view.id);
        this.publish();
        if (![...this.calls.values()].some((c) => c.view.state === 'established') && this.statsTimer) {
          clearInterval(this.statsTimer);
          this.statsTimer = null;
        }
      }, ENDED_VISIBLE_MS);
    });
  }

  private report(call: CallInternal): void {
    const v = call.view;
    const own = call.line?.credentials;
    const us = { number: own?.user ?? '', name: own?.displayName ?? null };
    const them = { number: v.party.number, name: v.party.name };
    const report: CallReport = {
      id: v.id,
      accountId: v.accountId,
      direction: v.direction,
      kind: v.kind,
      groupId: v.groupId,
      caller: v.direction === 'out' ? us : them,
      callee: v.direction === 'out' ? them : us,
      mineId: v.party.mineId,
      state: v.state,
      startedAt: v.startedAt,
      answeredAt: v.answeredAt,
      endedAt: v.endedAt,
      outcome: v.outcome,
      reason: v.reason ? v.reason.slice(0, 200) : null,
    };
    this.reports.push(report);
  }

  private async startRecording(call: CallInternal): Promise<void> {
    const stream = this.audio.recordingStream(call.view.id);
    if (!stream) return;
    try {
      const mimeType = TileRecorder.pickAudioMimeType();
      // The call's row must exist before its recording: wait for the reports queued so far.
      await this.reports.flushed(call.view.id);
      const entry = await this.api.startCallRecording({ callId: call.view.id, mimeType });
      if (call.view.state === 'ended') {
        await this.api.stopCallRecording({ recordingId: entry.id });
        return;
      }
      call.recordingId = entry.id;
      const recorder = new TileRecorder(
        stream,
        mimeType,
        async (seq, data) => {
          await this.api.appendCallRecording({ recordingId: entry.id, seq, dataBase64: bytesToBase64(data) });
        },
        { trackKind: 'audio', audioBitsPerSecond: 32_000, maxChunkBytes: 512 * 1024 },
      );
      call.recorder = recorder;
      recorder.onError((e) => {
        if (e.code !== 'source-ended') this.update(call, { recording: 'failed' });
      });
      recorder.start();
      this.update(call, { recording: 'recording' });
    } catch (err) {
      this.update(call, { recording: 'failed' });
      this.warn(`通话录音未能开始：${errorText(err)}`);
    }
  }

  private async stopRecording(call: CallInternal): Promise<void> {
    const { recorder, recordingId } = call;
    if (!recorder || !recordingId) return;
    call.recorder = null;
    let ok = true;
    try {
      await recorder.stop();
    } catch (err) {
      ok = false;
      this.warn(`通话录音保存不完整：${errorText(err)}`);
    }
    try {
      await this.api.stopCallRecording({ recordingId });
    } catch (err) {
      ok = false;
      this.warn(`通话录音未能关闭：${errorText(err)}`);
    }
    call.view = { ...call.view, recording: ok ? 'saved' : 'failed' };
    this.publish();
  }

  private startStats(): void {
    this.statsTimer ??= setInterval(() => void this.pollStats(), STATS_EVERY_MS);
  }

  private polling = false;

  /** Every established call's figures at once (one slow peer connection must not hold the others back). */
  private async pollStats(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const live = [...this.calls.values()].filter((c) => c.view.state === 'established' && c.session);
      await Promise.all(live.map((call) => this.pollCall(call)));
      // One snapshot for the whole round, not one per call.
      if (live.length > 0) this.publish();
    } finally {
      this.polling = false;
    }
  }

  private async pollCall(call: CallInternal): Promise<void> {
    const sdh = call.session?.sessionDescriptionHandler;
    if (!(sdh instanceof Web.SessionDescriptionHandler) || !sdh.peerConnection) return;
    const pc = sdh.peerConnection;
    let report: RTCStatsReport;
    try {
      report = await Promise.race([pc.getStats(), delay(STATS_EVERY_MS * 2).then(() => Promise.reject(new Error('getStats timed out')))]);
    } catch {
      return;
    }
    const now = Date.now();
    const stats = readStats(report);
    if (stats.packetsReceived > call.lastReceived || call.view.held) {
      call.lastReceived = stats.packetsReceived;
      call.lastReceivedAt = now;
    }
    // Figures only: no report, and published once for the whole round by pollStats.
    if (call.view.state === 'established') call.view = { ...call.view, stats };
    const iceState = pc.iceConnectionState;
    if (call.view.state === 'established' && (iceState === 'failed' || now - call.lastReceivedAt > MEDIA_SILENCE_DROP_MS)) {
      call.endedWith = 'dropped';
      call.endReason = iceState === 'failed' ? '媒体连接失败（ICE failed）' : `${Math.round(MEDIA_SILENCE_DROP_MS / 1000)} 秒未收到对方语音`;
      void this.hangup(call.view.id);
    }
  }

  private updateRinger(): void {
    const ringing = [...this.calls.values()].some((c) => c.view.direction === 'in' && c.view.state === 'ringing');
    this.audio.ring(ringing);
  }

  private notify(message: string): void {
    this.notice = message;
    this.publish();
  }

  private warn(message: string): void {
    this.notify(message);
    void this.api.reportClientError({ message, context: 'phone' }).catch(() => undefined);
  }

  private publish(): void {
    if (this.disposed) return;
    this.current = {
      lines: [...this.lines.values()].map((l) => l.view),
      calls: [...this.calls.values()].map((c) => c.view),
      rollCall: this.rollCallView,
      notice: this.notice,
    };
    this.changed.fire(this.current);
  }
}

function readStats(report: RTCStatsReport): CallStats {
  const stats: CallStats = { codec: null, packetsSent: 0, packetsReceived: 0, packetsLost: 0, jitterMs: null, rttMs: null };
  const codecs = new Map<string, string>();
  let codecId: string | null = null;
  report.forEach((s: Record<string, unknown> & { type: string; id: string }) => {
    if (s.type === 'codec' && typeof s.mimeType === 'string') codecs.set(s.id, s.mimeType);
    if (s.type === 'outbound-rtp' && s.kind === 'audio') stats.packetsSent += Number(s.packetsSent ?? 0);
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      stats.packetsReceived += Number(s.packetsReceived ?? 0);
      stats.packetsLost += Number(s.packetsLost ?? 0);
      if (typeof s.jitter === 'number') stats.jitterMs = Math.round(s.jitter * 1000);
      if (typeof s.codecId === 'string') codecId = s.codecId;
    }
    if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') stats.rttMs = Math.round(s.currentRoundTripTime * 1000);
  });
  if (codecId) stats.codec = (codecs.get(codecId) ?? '').replace(/^audio\//, '') || null;
  return stats;
}

function partyText(v: CallView): string {
  return v.party.name ? `${v.party.name}（${v.party.number}）` : v.party.number;
}

function stateText(state: LineState): string {
  return { connecting: '正在连接', registering: '正在注册', registered: '已注册', disconnected: '未连接', failed: '注册失败' }[state];
}
