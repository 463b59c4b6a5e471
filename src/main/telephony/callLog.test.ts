import { afterEach, describe, expect, it } from 'vitest';
import { callRecordSchema } from '../../shared/domain/telephony';
import { CallLog } from './callLog';
import { report, T0, tempStores, codeOf } from './telephonyFixture.test-support';

const stores = tempStores();
afterEach(() => stores.cleanup());

const code = codeOf;

describe('CallLog.report', () => {
  it('follows a call calling → ringing → established → ended and writes each step before returning', () => {
    const { db } = stores.fresh();
    const log = new CallLog(db);
    expect(log.report(report())).toMatchObject({ state: 'calling', recordingId: null, recordingBytes: null });
    log.report(report({ state: 'ringing' }));
    log.report(report({ state: 'established', answeredAt: T0 + 3000 }));
    const ended = log.report(report({ state: 'ended', answeredAt: T0 + 3000, endedAt: T0 + 63_000, outcome: 'answered' }));
    expect(callRecordSchema.parse(ended)).toEqual(ended);
    expect(ended).toMatchObject({ state: 'ended', answeredAt: T0 + 3000, endedAt: T0 + 63_000, outcome: 'answered' });
    // Written: a second CallLog on the same database reads it back.
    expect(new CallLog(db).get('call-0001')).toEqual(ended);
  });

  it('never reopens an ended record: late reports get it back unchanged', () => {
    const log = new CallLog(stores.fresh().db);
    const ended = log.report(report({ state: 'ended', endedAt: T0 + 5000, outcome: 'cancelled' }));
    expect(log.report(report({ state: 'established', answeredAt: T0 + 6000 }))).toEqual(ended);
    expect(log.report(report({ state: 'ended', endedAt: T0 + 9000, outcome: 'answered' }))).toEqual(ended);
  });

  it('refuses going back, ended without outcome or end time, an outcome before the end, and established without answer time', () => {
    const log = new CallLog(stores.fresh().db);
    log.report(report({ state: 'established', answeredAt: T0 + 1000 }));
    expect(code(() => log.report(report({ state: 'ringing', answeredAt: T0 + 1000 })))).toBe('conflict');
    expect(code(() => log.report(report({ state: 'ended', endedAt: T0 + 2000 })))).toBe('bad-request');
    expect(code(() => log.report(report({ state: 'ended', outcome: 'answered' })))).toBe('bad-request');
    expect(code(() => log.report(report({ id: 'call-0002', outcome: 'busy' })))).toBe('bad-request');
    expect(code(() => log.report(report({ id: 'call-0003', state: 'established' })))).toBe('bad-request');
    expect(code(() => log.report(report({ direction: 'in' })))).toBe('conflict');
    expect(code(() => log.report(report({ id: 'call-0004', startedAt: 1_700_000 })))).toBe('bad-request');
    expect(log.get('call-0002')).toBeNull();
  });

  it('sets answeredAt once, and keeps startedAt from the first report', () => {
    const log = new CallLog(stores.fresh().db);
    log.report(report({ state: 'established', answeredAt: T0 + 1000 }));
    const r = log.report(report({ state: 'established', answeredAt: T0 + 9000, startedAt: T0 + 500 }));
    expect(r.answeredAt).toBe(T0 + 1000);
    expect(r.startedAt).toBe(T0);
    // calling and ringing are one step: either may follow the other.
    log.report(report({ id: 'call-0009', state: 'ringing' }));
    expect(log.report(report({ id: 'call-0009', state: 'calling' })).state).toBe('calling');
  });

  it('closes calls a killed process left open as interrupted, ended at their last report', () => {
    const { db } = stores.fresh();
    let now = T0 + 2000;
    const log = new CallLog(db, () => now);
    log.report(report({ state: 'ringing' }));
    now = T0 + 7000;
    log.report(report({ state: 'established', answeredAt: T0 + 6000 }));
    log.report(report({ id: 'call-done', state: 'ended', endedAt: T0 + 100, outcome: 'busy' }));
    const next = new CallLog(db);
    expect(next.closeInterrupted()).toBe(1);
    expect(next.get('call-0001')).toMatchObject({ state: 'ended', outcome: 'interrupted', endedAt: T0 + 7000, answeredAt: T0 + 6000 });
    expect(next.get('call-done')).toMatchObject({ outcome: 'busy', endedAt: T0 + 100 });
    expect(next.closeInterrupted()).toBe(0);
  });
});

describe('CallLog.list', () => {
  it('filters by party, direction, kind, result, time and recording, newest first, up to the limit', () => {
    const { db } = stores.fresh();
    const log = new CallLog(db);
    const at = (m: number) => T0 + m * 60_000;
    log.report(report({ id: 'out-answered', startedAt: at(0), state: 'ended', answeredAt: at(0) + 1, endedAt: at(1), outcome: 'answered' }));
    log.report(report({ id: 'out-busy', startedAt: at(2), callee: { number: '2002', name: '常村煤矿' }, state: 'ended', endedAt: at(2) + 5, outcome: 'busy' }));
    log.report(
      report({
        id: 'in-missed',
        direction: 'in',
        startedAt: at(3),
        caller: { number: '2003', name: '王庄_安监%科' },
        callee: { number: '8001', name: null },
        state: 'ended',
        endedAt: at(3) + 9,
        outcome: 'missed',
      }),
    );
    log.report(report({ id: 'grp-live', kind: 'group', groupId: 'g1', startedAt: at(4), state: 'established', answeredAt: at(4) + 2 }));
    db.prepare("INSERT INTO call_recordings (id, call_id, started_at, path, mime_type, bytes) VALUES ('rec1', 'out-answered', ?, 'calls/x.webm', 'audio/webm', 42)").run(at(0));

    const ids = (q: Partial<Parameters<CallLog['list']>[0]>) => log.list({ limit: 100, ...q }).map((c) => c.id);
    expect(ids({})).toEqual(['grp-live', 'in-missed', 'out-busy', 'out-answered']);
    expect(ids({ limit: 2 })).toEqual(['grp-live', 'in-missed']);
    expect(ids({ callee: '常村' })).toEqual(['out-busy']);
    expect(ids({ caller: '2003' })).toEqual(['in-missed']);
    expect(ids({ party: '%' })).toEqual(['in-missed']);
    expect(ids({ party: '_' })).toEqual(['in-missed']);
    expect(ids({ party: '2002' })).toEqual(['out-busy']);
    expect(ids({ direction: 'in' })).toEqual(['in-missed']);
    expect(ids({ kind: 'group' })).toEqual(['grp-live']);
    expect(ids({ result: 'answered' })).toEqual(['grp-live', 'out-answered']);
    expect(ids({ result: 'missed' })).toEqual(['in-missed']);
    expect(ids({ result: 'unanswered' })).toEqual(['in-missed', 'out-busy']);
    expect(ids({ from: at(2), to: at(4) })).toEqual(['in-missed', 'out-busy']);
    expect(ids({ recorded: true })).toEqual(['out-answered']);
    expect(log.list({ limit: 10, recorded: true })[0]).toMatchObject({ recordingId: 'rec1', recordingBytes: 42 });
  });
});
