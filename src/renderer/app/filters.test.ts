import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { withFilter, withTimeRange } from './filters';

type F = { state?: string; level?: number; overdueOnly?: boolean; from?: number; to?: number };

describe('filters', () => {
  it('sets a filter, and drops it for an empty value', () => {
    expect(withFilter<F, 'state'>({ level: 2 }, 'state', 'new')).toEqual({ level: 2, state: 'new' });
    for (const empty of [undefined, '']) expect(withFilter<F, 'state'>({ state: 'new', level: 2 }, 'state', empty)).toEqual({ level: 2 });
    expect(withFilter<F, 'overdueOnly'>({ overdueOnly: true }, 'overdueOnly', false)).toEqual({});
    expect(withFilter<F, 'level'>({}, 'level', 0)).toEqual({ level: 0 });
  });

  it('takes a time range as epoch ms, an open end as no bound', () => {
    const a = dayjs('2026-11-24T08:00:00Z');
    const b = dayjs('2026-11-24T09:00:00Z');
    expect(withTimeRange<F>({ level: 1, from: 1, to: 2 }, 'from', 'to', [a, b])).toEqual({ level: 1, from: a.valueOf(), to: b.valueOf() });
    expect(withTimeRange<F>({ from: 1, to: 2 }, 'from', 'to', [a, null])).toEqual({ from: a.valueOf() });
    expect(withTimeRange<F>({ from: 1, to: 2 }, 'from', 'to', null)).toEqual({});
  });
});
