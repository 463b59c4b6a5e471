import path from 'node:path';
import type { Lab } from '../../lab/lab';
import { latestHeard, rms, soundRuns, toneShare } from '../../lab/pbx/wavTone';

/**
 * What a lab phone heard in its latest call, second by second from the start of the call: with `hz`, the share
 * (0..1) of that tone (the dispatcher's fake microphone is loud, so a party heard through a consultation is a share
 * of some percent); with null, the RMS level (16-bit; silence is about 0).
 */
export async function phoneHeardPerSecond(lab: Lab, number: string, hz: number | null): Promise<number[]> {
  const dir = path.join(path.dirname(lab.pbx.consoleJson), 'phones', number);
  // sndfile closes the file when the call ends; give it a moment after the hangup.
  await new Promise((r) => setTimeout(r, 500));
  const heard = latestHeard(dir);
  if (!heard) throw new Error(`phone ${number} recorded nothing`);
  const out: number[] = [];
  for (let i = 0; i + heard.rate <= heard.samples.length; i += heard.rate) {
    const second = heard.samples.subarray(i, i + heard.rate);
    out.push(hz === null ? rms(second) : toneShare(second, hz, heard.rate));
  }
  return out;
}

/** Runs of sound (ms from the start of its last recording) that a lab phone heard (see soundRuns). */
export async function phoneHeardRuns(lab: Lab, number: string, opts: { threshold?: number; joinMs?: number } = {}): Promise<{ startMs: number; endMs: number }[]> {
  const dir = path.join(path.dirname(lab.pbx.consoleJson), 'phones', number);
  await new Promise((r) => setTimeout(r, 500));
  const heard = latestHeard(dir);
  if (!heard) throw new Error(`phone ${number} recorded nothing`);
  return soundRuns(heard.samples, heard.rate, opts);
}

/** Share of a phone's last recording, between two points (ms), that is the tone `hz`. */
export async function phoneToneShare(lab: Lab, number: string, hz: number, fromMs: number, toMs: number): Promise<number> {
  const heard = latestHeard(path.join(path.dirname(lab.pbx.consoleJson), 'phones', number));
  if (!heard) throw new Error(`phone ${number} recorded nothing`);
  const part = heard.samples.subarray(Math.floor((fromMs / 1000) * heard.rate), Math.floor((toMs / 1000) * heard.rate));
  return toneShare(part, hz, heard.rate);
}
