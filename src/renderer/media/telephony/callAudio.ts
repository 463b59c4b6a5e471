/**
 * The audio of every call, in one WebAudio graph:
 * - the dispatcher's microphone goes into each call's own outgoing stream (so muting or holding one call leaves
 *   the others alone);
 * - each far end plays on the speaker;
 * - legs of a consultation (会商) also hear each other: party j's audio is fed into every other leg's outgoing
 *   stream (a console-side mixer, like a dispatch console's local conference);
 * - each call has a recording mix of both directions (what we send + what we hear);
 * - a broadcast (应急广播) has a bus: a clip or the push-to-talk microphone goes into it, every leg of the
 *   broadcast sends it (one stream per call, like the paging proved in the lab), and it is recorded once.
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
  /** False for broadcast legs: what an endpoint sends back is not played on the speaker. */
  listen: boolean;
};

/** A broadcast bus: every leg fed from it sends what goes into `input` (a clip, the gated microphone). */
type Bus = {
  input: GainNode;
  /** The microphone into the bus while the operator talks (push-to-talk). */
  talkGate: GainNode;
  micSource: MediaStreamAudioSourceNode | null;
  analyser: AnalyserNode;
  /** What went out, for the broadcast's recording. */
  rec: MediaStreamAudioDestinationNode;
  players: Set<AudioBufferSourceNode>;
  /** Other consumers of the bus (a Janus AudioBridge feed): one destination each. */
  feeds: MediaStreamAudioDestinationNode[];
};

export class CallAudio {
  private ctx: AudioContext | null = null;
  private micStream: MediaStream | null = null;
  private mic: MediaStreamAudioSourceNode | null = null;
  private keepAlive: ConstantSourceNode | null = null;
  private starting: Promise<void> | null = null;
  private readonly legs = new Map<string, Leg>();
  private readonly buses = new Map<string, Bus>();
  private ringer: { osc: OscillatorNode; gain: GainNode; timer: ReturnType<typeof setInterval> } | null = null;

  /** Opens the microphone and the audio context (on the first call; kept while calls exist). */
  start(): Promise<void> {
    this.starting ??= (async () => {
      await this.startContext();
      const micStream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        video: false,
      });
      this.micStream = micStream;
      this.mic = this.ctx!.createMediaStreamSource(micStream);
    })().catch((err: unknown) => {
      this.starting = null;
      if (this.legs.size === 0 && this.buses.size === 0) this.closeContext();
      throw err;
    });
    return this.starting;
  }

  /** The audio context alone (a clip broadcast needs no microphone). */
  async startContext(): Promise<void> {
    if (this.ctx && this.keepAlive) return;
    const ctx = this.ctx ?? new AudioContext({ latencyHint: 'interactive' });
    this.ctx = ctx;
    if (ctx.state === 'suspended') await ctx.resume().catch(() => undefined);
    const keepAlive = ctx.createConstantSource();
    keepAlive.offset.value = 1e-4;
    keepAlive.start();
    this.keepAlive = keepAlive;
  }

  get started(): boolean {
    return this.mic !== null;
  }

  /**
   * The outgoing stream of a new call (a fresh track per call, so sip.js may stop it when the call ends): the
   * microphone, or a broadcast bus (`bus`: its id) for a leg of a broadcast.
   */
  createLeg(id: string, bus?: string): MediaStream {
    const ctx = this.ctx;
    const source = bus === undefined ? this.mic : (this.buses.get(bus)?.input ?? null);
    if (!ctx || !source) throw new Error(bus === undefined ? 'call audio not started' : `no broadcast bus ${bus}`);
    const existing = this.legs.get(id);
    if (existing) return existing.out.stream;
    const out = ctx.createMediaStreamDestination();
    out.channelCount = 1;
    const rec = ctx.createMediaStreamDestination();
    rec.channelCount = 1;
    const micGain = ctx.createGain();
    source.connect(micGain);
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
      listen: bus === undefined,
    };
    this.applyGains(leg);
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
    const ctx = this.ctx;
    if (!ctx) return;
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
    this.stopWhenIdle();
  }

  // ── Broadcast buses ──

  /** A new broadcast bus (the context must be started). */
  createBus(id: string): void {
    const ctx = this.ctx;
    if (!ctx) throw new Error('call audio not started');
    if (this.buses.has(id)) return;
    const input = ctx.createGain();
    const talkGate = ctx.createGain();
    talkGate.gain.value = 0;
    talkGate.connect(input);
    // The analyser sits in the recording's path: a node that feeds no sink is not processed (the meter would read 0).
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    input.connect(analyser);
    const rec = ctx.createMediaStreamDestination();
    rec.channelCount = 1;
    analyser.connect(rec);
    this.keepAlive?.connect(rec);
    this.buses.set(id, { input, talkGate, micSource: null, analyser, rec, players: new Set(), feeds: [] });
  }

  /** A stream of what goes out on a bus, for another sender (a Janus AudioBridge room); ends with the bus. */
  createBusFeed(id: string): MediaStream {
    const bus = this.buses.get(id);
    if (!bus || !this.ctx) throw new Error(`no broadcast bus ${id}`);
    const out = this.ctx.createMediaStreamDestination();
    out.channelCount = 1;
    bus.analyser.connect(out);
    this.keepAlive?.connect(out);
    bus.feeds.push(out);
    return out.stream;
  }

  /** The microphone into a bus, behind its push-to-talk gate (opens the microphone if need be). */
  async connectMicToBus(id: string): Promise<void> {
    const bus = this.buses.get(id);
    if (!bus || bus.micSource) return;
    await this.start();
    const micStream = this.micStream;
    if (!micStream || !this.ctx) throw new Error('microphone not open');
    bus.micSource = this.ctx.createMediaStreamSource(micStream);
    bus.micSource.connect(bus.talkGate);
  }

  /** Push-to-talk: whether the microphone reaches the bus. */
  setTalking(id: string, on: boolean): void {
    const bus = this.buses.get(id);
    if (!bus || !this.ctx) return;
    bus.talkGate.gain.setTargetAtTime(on ? 1 : 0, this.ctx.currentTime, 0.01);
  }

  /** Decodes a clip (Ogg Opus, WAV …) for playing into a bus. */
  decode(data: ArrayBuffer): Promise<AudioBuffer> {
    if (!this.ctx) return Promise.reject(new Error('call audio not started'));
    return this.ctx.decodeAudioData(data);
  }

  /** Plays a clip into a bus once; resolves when it ended (or was stopped by releaseBus). */
  playIntoBus(id: string, buffer: AudioBuffer): Promise<void> {
    const bus = this.buses.get(id);
    if (!bus || !this.ctx) return Promise.resolve();
    const player = this.ctx.createBufferSource();
    player.buffer = buffer;
    player.connect(bus.input);
    bus.players.add(player);
    return new Promise((resolve) => {
      player.onended = () => {
        bus.players.delete(player);
        player.disconnect();
        resolve();
      };
      player.start();
    });
  }

  /** The bus's level now, 0..1 (RMS of the last ~20 ms), for the level meter. */
  busLevel(id: string): number {
    const bus = this.buses.get(id);
    if (!bus) return 0;
    const samples = new Float32Array(bus.analyser.fftSize);
    bus.analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const x of samples) sum += x * x;
    return Math.min(1, Math.sqrt(sum / samples.length) * 2);
  }

  /** What went out on a bus, for the broadcast's recording. */
  busRecordingStream(id: string): MediaStream | null {
    return this.buses.get(id)?.rec.stream ?? null;
  }

  releaseBus(id: string): void {
    const bus = this.buses.get(id);
    if (!bus) return;
    this.buses.delete(id);
    for (const player of bus.players) {
      try {
        player.stop();
      } catch {
        // never started
      }
    }
    for (const node of [bus.micSource, bus.talkGate, bus.input, bus.analyser]) node?.disconnect();
    for (const dest of [bus.rec, ...bus.feeds]) {
      try {
        this.keepAlive?.disconnect(dest);
      } catch {
        // already disconnected
      }
      for (const t of dest.stream.getTracks()) t.stop();
    }
    this.stopWhenIdle();
  }

  private stopWhenIdle(): void {
    if (this.legs.size === 0 && this.buses.size === 0 && !this.ringer) this.stop();
  }

  /** A two-tone ring on the speaker while a call comes in. */
  ring(on: boolean): void {
    if (!on) {
      if (!this.ringer) return;
      clearInterval(this.ringer.timer);
      this.ringer.osc.stop();
      this.ringer.gain.disconnect();
      this.ringer = null;
      this.stopWhenIdle();
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
    for (const id of [...this.buses.keys()]) this.releaseBus(id);
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

  private applyGains(leg: Leg): void {
    leg.micGain.gain.value = leg.held ? 0 : 1;
    leg.speakerGain.gain.value = leg.held || leg.partyMuted || !leg.listen ? 0 : 1;
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
