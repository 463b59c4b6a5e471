import path from 'node:path';
import type { Lab } from '../../lab/lab';
import { latestHeard, rms, toneShare } from '../../lab/pbx/wavTone';

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
