/**
 * WVP speaks local time of China (Asia/Shanghai, UTC+08:00 all year: no daylight saving since 1991) as
 * 'yyyy-MM-dd HH:mm:ss' without a zone; the console uses epoch milliseconds.
 */
const OFFSET_MS = 8 * 3600_000;

/** Epoch ms -> 'yyyy-MM-dd HH:mm:ss' (+08:00), whole seconds (`round` 'down' for a window start, 'up' for its end). */
export function toWvpTime(ms: number, round: 'down' | 'up' = 'down'): string {
  const seconds = round === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000);
  return new Date(seconds * 1000 + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * 'yyyy-MM-dd HH:mm:ss' or 'yyyy-MM-ddTHH:mm:ss' (+08:00 unless the text names a zone), or an epoch number
 * (ms; values below 1e11 are taken as seconds) -> epoch ms; null when unparsable.
 */
export function fromWvpTime(value: unknown): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return null;
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d{10,13}$/.test(text)) return fromWvpTime(Number(text));
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Number(frac.padEnd(3, '0')) : 0);
  const check = new Date(utc);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (!zone) return utc - OFFSET_MS;
  if (zone === 'Z') return utc;
  const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!zm) return null;
  const offset = (Number(zm[2]) * 60 + Number(zm[3])) * 60_000 * (zm[1] === '-' ? -1 : 1);
  return utc - offset;
}
