/**
 * The alarm pop-up's sound: a two-tone chime made with WebAudio (nothing to ship or fetch), higher and longer for
 * the severe levels. Quiet enough not to drown a call the operator is on; never more than one every 2 s, so a
 * burst of alarms is one sound, not a hundred.
 */
const MIN_GAP_MS = 2000;

export class AlarmSound {
  private ctx: AudioContext | null = null;
  private lastAt = -Infinity;

  /**
   * Plays the chime for `level`; resolves true once it is really sounding (the audio context runs), false when it
   * was skipped (one just played) or the page may not play sound (no device, autoplay refused).
   */
  async play(level: number): Promise<boolean> {
    const now = performance.now();
    if (now - this.lastAt < MIN_GAP_MS) return false;
    this.lastAt = now;
    try {
      const ctx = (this.ctx ??= new AudioContext());
      await ctx.resume();
      if (ctx.state !== 'running') return false;
      const [low, high] = level >= 3 ? [880, 1320] : [660, 990];
      const repeats = level >= 3 ? 3 : 2;
      const gain = ctx.createGain();
      gain.gain.value = level >= 3 ? 0.35 : 0.2;
      gain.connect(ctx.destination);
      const start = ctx.currentTime + 0.02;
      for (let i = 0; i < repeats * 2; i++) {
        const osc = ctx.createOscillator();
        osc.type = 'triangle';
        osc.frequency.value = i % 2 === 0 ? low : high;
        osc.connect(gain);
        osc.start(start + i * 0.22);
        osc.stop(start + i * 0.22 + 0.18);
      }
    } catch {
      // No audio device: the pop-up is still shown.
      return false;
    }
    return true;
  }

  dispose(): void {
    void this.ctx?.close();
    this.ctx = null;
  }
}
