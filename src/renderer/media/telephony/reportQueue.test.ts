import { describe, expect, it, vi } from 'vitest';
import type { CallReport } from '../../../shared/domain/telephony';
import { ConsoleError } from '../../../shared/contract/rpc';
import { ReportQueue } from './reportQueue';

function report(id: string, state: CallReport['state']): CallReport {
  return {
    id,
    accountId: 'lab',
    direction: 'out',
    kind: 'single',
    groupId: null,
    caller: { number: '1001', name: null },
    callee: { number: '8001', name: null },
    mineId: null,
    state,
    startedAt: 1,
    answeredAt: null,
    endedAt: state === 'ended' ? 2 : null,
    outcome: state === 'ended' ? 'cancelled' : null,
    reason: null,
  };
}

describe('ReportQueue', () => {
  it('sends in order, keeps only the newest pending report of a call, and flushes per call', async () => {
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new ReportQueue<CallReport>(async (r) => {
      if (sent.length === 0) await gate;
      sent.push(`${r.id}:${r.state}`);
    }, () => undefined);
    q.push(report('call-aaaa', 'calling'));
    q.push(report('call-bbbb', 'calling'));
    q.push(report('call-aaaa', 'ringing'));
    q.push(report('call-aaaa', 'ended'));
    const flushed = q.flushed('call-aaaa');
    release();
    await flushed;
    expect(sent).toEqual(['call-aaaa:calling', 'call-bbbb:calling', 'call-aaaa:ended']);
  });

  it('retries a failed report until it is stored, without losing later ones', async () => {
    vi.useFakeTimers();
    try {
      let fail = 2;
      const sent: string[] = [];
      const retries: string[] = [];
      const q = new ReportQueue(
        async (r) => {
          if (fail-- > 0) throw new Error('socket closed');
          sent.push(r.id);
        },
        (m) => retries.push(m),
        1000,
      );
      q.push(report('call-aaaa', 'calling'));
      q.push(report('call-bbbb', 'calling'));
      await vi.advanceTimersByTimeAsync(2500);
      expect(sent).toEqual(['call-aaaa', 'call-bbbb']);
      expect(retries).toHaveLength(1);
      expect(retries[0]).toContain('socket closed');
      expect(q.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ReportQueue refusals', () => {
  it('drops a report the host refuses as wrong, warns, and goes on with the next; retries one the host could not take', async () => {
    const sent: string[] = [];
    const warnings: string[] = [];
    let unavailable = 1;
    const q = new ReportQueue<CallReport>(
      async (r) => {
        if (r.id === 'call-bad1') throw new ConsoleError('bad-request', 'reason too long');
        if (r.id === 'call-away' && unavailable-- > 0) throw new ConsoleError('unavailable', 'host restarting');
        sent.push(r.id);
      },
      (m) => warnings.push(m),
      5,
    );
    q.push(report('call-bad1', 'ended'));
    q.push(report('call-away', 'ended'));
    q.push(report('call-good', 'ended'));
    await q.drained();
    expect(sent).toEqual(['call-away', 'call-good']);
    expect(warnings[0]).toContain('已放弃');
    expect(warnings[1]).toContain('正在重试');
  });
});
