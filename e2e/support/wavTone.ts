import path from 'node:path';
import type { Lab } from '../../lab/lab';
import { latestHeard, rms, toneShare } from '../../lab/pbx/wavTone';

/**
 * Whether a lab phone heard something in its latest call: with `hz`, that tone is at least 15 % of what it heard in
 * the window (wall-clock ms); with null, anything but silence.
 */
export async function phoneHears(lab: Lab, number: string, hz: number | null, window?: { from: number; to: number }): Promise<boolean> {
  const dir = path.join(path.dirname(lab.pbx.consoleJson), 'phones', number);
  // sndfile closes the file when the call ends; give it a moment after the hangup.
  await new Promise((r) => setTimeout(r, 500));
  const heard = latestHeard(dir);
  if (!heard) throw new Error(`phone ${number} recorded nothing`);
  let samples = heard.samples;
  if (window) {
    const at = (ms: number) => Math.max(0, Math.min(samples.length, Math.round(((ms - heard.startMs) / 1000) * heard.rate)));
    samples = samples.subarray(at(window.from), at(window.to));
    if (samples.length < heard.rate / 2) throw new Error(`phone ${number}: window has only ${samples.length} samples of ${heard.file}`);
  }
  return hz === null ? rms(samples) > 30 : toneShare(samples, hz, heard.rate) > 0.15;
}
