import type { Dayjs } from 'dayjs';

/** A RangePicker's value. */
export type TimeRange = [Dayjs | null, Dayjs | null] | null;

/** The filters with `key` set to `value`, or without it when the value is empty (undefined, null, '' or false). */
export function withFilter<F extends object, K extends keyof F>(filters: F, key: K, value: F[K] | undefined): F {
  const next = { ...filters };
  if (value === undefined || value === null || value === '' || value === false) delete next[key];
  else next[key] = value;
  return next;
}

/** The filters with a time range from a RangePicker, as epoch ms; an end left open is no bound. */
export function withTimeRange<F extends object>(filters: F, fromKey: keyof F, toKey: keyof F, range: TimeRange): F {
  const next = { ...filters };
  delete next[fromKey];
  delete next[toKey];
  if (range?.[0]) next[fromKey] = range[0].valueOf() as F[keyof F];
  if (range?.[1]) next[toKey] = range[1].valueOf() as F[keyof F];
  return next;
}
