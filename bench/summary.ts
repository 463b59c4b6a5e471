/** Medians and spreads for the benchmarks' JSON (milliseconds rounded to 0.1). */
export type Summary = { median: number; p90: number; min: number; max: number; n: number };

export function summarise(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  const r = (x: number) => Math.round(x * 10) / 10;
  return { median: r(median), p90: r(at(0.9)), min: r(s[0]!), max: r(s[s.length - 1]!), n: s.length };
}

export const benchLog = (msg: string): boolean => process.stderr.write(`[bench] ${msg}\n`);
