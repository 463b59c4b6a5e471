/**
 * The audio of every call, in one WebAudio graph:
 * - the dispatcher's microphone goes into each call's own outgoing stream (so muting or holding one call leaves
 *   the others alone);
 * - each far end plays on the speaker;
 * - legs of a consultation (会商) also hear each other: party j's audio is fed into every other leg's outgoing
 *   stream (a console-side mixer, like a dispatch console's local conference);
 * - each call has a recording mix of both directions (what we send + what we hear).
 *
 * Chromium traps handled here: a remote WebRTC stream gives WebAudio silence unless a media element also plays it
 * (a muted <audio> per remote stream), and an outgoing WebAudio stream with nothing audible sends no RTP, so a
 * constant source keeps every outgoing stream alive.
 */
type Leg = {
  id: string;
  /** What the far end hears. */
  out: MediaStreamAudioDestinationNode;
  /** Microphone into `out` (0 while held). */
  micGain: GainNode;
  /** Both directions, for the call's recording. */
  rec: MediaStreamAudioDestinationNode;
  remote: MediaStreamAudioSourceNode | null;
  remoteElement: HTMLAudioElement | null;
  /** Far end to the speaker (0 while held). */
  speakerGain: GainNode;
  /** Far end into other legs (0 while this party is muted in a consultation). */
  partyGain: GainNode;
  conference: string | null;
  held: boolean;
  partyMuted: boolean;
  /** Feeds of other legs' audio into this leg's `out`, by their leg id. */
  feeds: Map<string, GainNode>;
};

export class CallAudio {
  private ctx: AudioContext | null = null;
  private micStream: MediaStream | null = null;
  private mic: MediaStreamAudioSourceNode | null = null;
  private keepAlive: ConstantSourceNode | null = null;
  private starting: Promise<void> | null = null;
  private readonly legs = new Map<string, Leg>();
  private ringer: { osc: OscillatorNode; gain: GainNode; timer: ReturnType<typeof setInterval> } | null = null;

  /** Opens the microphone and the audio context (on the first call; kept while calls exist). */
  start(): Promise<void> {
    this.starting ??= (async () => {
      const ctx = new AudioContext({ latencyHint: 'interactive' });
      this.ctx = ctx;
      if (ctx.state === 'suspended') await ctx.resume().catch(() => undefined);
      const micStream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        video: false,
      });
      this.micStream = micStream;
      this.mic = ctx.createMediaStreamSource(micStream);
      const keepAlive = ctx.createConstantSource();
      keepAlive.offset.value = 1e-4;
      keepAlive.start();
      this.keepAlive = keepAlive;
    })().catch((err: unknown) => {
      this.starting = null;
      this.closeContext();
      throw err;
    });
    return this.starting;
  }

  get started(): boolean {
    return this.mic !== null;
  }

  /** The outgoing stream of a new call (a fresh track per call, so sip.js may stop it when the call ends). */
  createLeg(id: string): MediaStream {
    const ctx = this.context();
    const existing = this.legs.get(id);
    if (existing) return existing.out.stream;
    const out = ctx.createMediaStreamDestination();
    out.channelCount = 1;
    const rec = ctx.createMediaStreamDestination();
    rec.channelCount = 1;
    const micGain = ctx.createGain();
    this.mic!.connect(micGain);
    micGain.connect(out);
    micGain.connect(rec);
    this.keepAlive!.connect(out);
    const speakerGain = ctx.createGain();
    speakerGain.connect(ctx.destination);
    const partyGain = ctx.createGain();
    const leg: Leg = {
      id,
      out,
      micGain,
      rec,
      remote: null,
      remoteElement: null,
      speakerGain,
      partyGain,
      conference: null,
      held: false,
      partyMuted: false,
      feeds: new Map(),
    };
    this.legs.set(id, leg);
    return out.stream;
  }

  hasLeg(id: string): boolean {
    return this.legs.has(id);
  }

  /** The far end's audio of a call (once the call has media). */
  attachRemote(id: string, stream: MediaStream): void {
    const leg = this.legs.get(id);
    if (!leg || leg.remote || stream.getAudioTracks().length === 0) return;
    const ctx = this.context();
    const element = new Audio();
    element.muted = true;
    element.srcObject = stream;
    void element.play().catch(() => undefined);
    leg.remoteElement = element;
    leg.remote = ctx.createMediaStreamSource(stream);
    leg.remote.connect(leg.speakerGain);
    leg.remote.connect(leg.rec);
    leg.remote.connect(leg.partyGain);
    this.rewire();
  }

  /** What the call's recording records: our side and the far end, mixed. */
  recordingStream(id: string): MediaStream | null {
    return this.legs.get(id)?.rec.stream ?? null;
  }

  setHeld(id: string, held: boolean): void {
    const leg = this.legs.get(id);
    if (!leg) return;
    leg.held = held;
    this.applyGains(leg);
    this.rewire();
  }

  /** Consultation: a muted party is not heard by the others (nor on the speaker); it still hears them. */
  setPartyMuted(id: string, muted: boolean): void {
    const leg = this.legs.get(id);
    if (!leg) return;
    leg.partyMuted = muted;
    this.applyGains(leg);
  }

  /** Puts calls into one consultation (null: out of it); legs of one conference hear each other. */
  setConference(id: string, conference: string | null): void {
    const leg = this.legs.get(id);
    if (!leg) return;
    leg.conference = conference;
    this.rewire();
  }

  releaseLeg(id: string): void {
    const leg = this.legs.get(id);
    if (!leg) return;
    this.legs.delete(id);
    for (const node of [leg.micGain, leg.speakerGain, leg.partyGain, leg.remote, ...leg.feeds.values()]) node?.disconnect();
    for (const other of this.legs.values()) {
      other.feeds.get(id)?.disconnect();
      other.feeds.delete(id);
    }
    try {
      this.keepAlive?.disconnect(leg.out);
    } catch {
      // already disconnected
    }
    if (leg.remoteElement) {
      leg.remoteElement.pause();
      leg.remoteElement.srcObject = null;
    }
    for (const t of leg.out.stream.getTracks()) t.stop();
    for (const t of leg.rec.stream.getTracks()) t.stop();
    if (this.legs.size === 0 && !this.ringer) this.stop();
  }

  /** A two-tone ring on the speaker while a call comes in. */
  ring(on: boolean): void {
    if (!on) {
      if (!this.ringer) return;
      clearInterval(this.ringer.timer);
      this.ringer.osc.stop();
      this.ringer.gain.disconnect();
      this.ringer = null;
      if (this.legs.size === 0) this.stop();
      return;
    }
    if (this.ringer) return;
    const ctx = this.ctx ?? new AudioContext();
    this.ctx = ctx;
    void ctx.resume().catch(() => undefined);
    const osc = ctx.createOscillator();
    osc.frequency.value = 440;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    let tick = 0;
    const timer = setInterval(() => {
      // 0.4 s on, 0.2 s off, 0.4 s on, 2 s off (a Chinese-style ring cadence, roughly).
      const phase = tick++ % 15;
      gain.gain.value = phase < 2 || (phase >= 3 && phase < 5) ? 0.15 : 0;
      osc.frequency.value = phase % 2 === 0 ? 440 : 480;
    }, 200);
    this.ringer = { osc, gain, timer };
  }

  /** Everything off: the microphone is released (the browser's recording indicator goes out). */
  stop(): void {
    for (const id of [...this.legs.keys()]) this.releaseLeg(id);
    this.ring(false);
    this.closeContext();
  }

  private closeContext(): void {
    for (const t of this.micStream?.getTracks() ?? []) t.stop();
    this.micStream = null;
    this.mic?.disconnect();
    this.mic = null;
    this.keepAlive?.stop();
    this.keepAlive = null;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.starting = null;
  }

  private context(): AudioContext {
    if (!this.ctx || !this.mic) throw new Error('call audio not started');
    return this.ctx;
  }

  private applyGains(leg: Leg): void {
    leg.micGain.gain.value = leg.held ? 0 : 1;
    leg.speakerGain.gain.value = leg.held || leg.partyMuted ? 0 : 1;
    leg.partyGain.gain.value = leg.partyMuted || leg.held ? 0 : 1;
  }

  /** Feeds every leg of a conference with the other legs' audio; removes feeds that no longer apply. */
  private rewire(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    for (const leg of this.legs.values()) {
      const wanted = new Set<string>();
      if (leg.conference !== null && !leg.held) {
        for (const other of this.legs.values()) {
          if (other.id !== leg.id && other.conference === leg.conference && other.remote && !other.held) wanted.add(other.id);
        }
      }
      for (const [otherId, feed] of leg.feeds) {
        if (!wanted.has(otherId)) {
          feed.disconnect();
          try {
            this.legs.get(otherId)?.partyGain.disconnect(feed);
          } catch {
            // not connected
          }
          leg.feeds.delete(otherId);
        }
      }
      for (const otherId of wanted) {
        if (leg.feeds.has(otherId)) continue;
        const other = this.legs.get(otherId)!;
        const feed = ctx.createGain();
        other.partyGain.connect(feed);
        feed.connect(leg.out);
        leg.feeds.set(otherId, feed);
      }
    }
  }
}
