/**
 * What a lab phone heard: baresip's sndfile module writes each call's decoded audio to `<phone dir>/*-dec.wav`
 * (16-bit PCM). Tests read it back and measure how much of it is one phone's tone (Goertzel).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Wav = { rate: number; samples: Int16Array };

/** 16-bit PCM WAV: sample rate from the fmt chunk, samples from the data chunk (a file still being written is fine). */
export function readWav(file: string): Wav {
  const buf = readFileSync(file);
  const fmt = buf.indexOf('fmt ');
  const rate = fmt >= 0 ? buf.readUInt32LE(fmt + 12) : 8000;
  const data = buf.indexOf('data');
  const start = data + 8;
  const body = buf.subarray(start, start + Math.floor((buf.length - start) / 2) * 2);
  return { rate, samples: new Int16Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)) };
}

/** Share (0..1) of the signal's energy at `hz`. */
export function toneShare(samples: Int16Array, hz: number, rate = 8000): number {
  const k = (2 * Math.PI * hz) / rate;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const x of samples) {
    const s = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (samples.length * energy);
}

export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

/** The newest recording of what a phone heard, with the wall-clock time of its first sample (from its mtime). */
export function latestHeard(phoneDir: string): (Wav & { file: string; startMs: number; endMs: number }) | null {
  const files = readdirSync(phoneDir)
    .filter((f) => f.endsWith('-dec.wav'))
    .map((f) => ({ f, mtime: statSync(join(phoneDir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  const newest = files[0];
  if (!newest) return null;
  const wav = readWav(join(phoneDir, newest.f));
  const endMs = newest.mtime;
  return { ...wav, file: newest.f, endMs, startMs: endMs - (wav.samples.length / wav.rate) * 1000 };
}

/** Runs of sound (ms from the start): 50 ms windows whose RMS is above `threshold`, joined across gaps shorter than `joinMs`. */
export function soundRuns(samples: Int16Array, rate: number, { threshold = 300, joinMs = 700 }: { threshold?: number; joinMs?: number } = {}): { startMs: number; endMs: number }[] {
  const win = Math.round(rate / 20);
  const runs: { startMs: number; endMs: number }[] = [];
  for (let i = 0; i + win <= samples.length; i += win) {
    if (rms(samples.subarray(i, i + win)) < threshold) continue;
    const startMs = (i / rate) * 1000;
    const endMs = ((i + win) / rate) * 1000;
    const last = runs.at(-1);
    if (last && startMs - last.endMs < joinMs) last.endMs = endMs;
    else runs.push({ startMs, endMs });
  }
  return runs;
}
