import { afterEach, describe, expect, it } from 'vitest';
import {
  broadcastRecordSchema,
  type BroadcastClip,
  type ReportDeliveryInput,
  type StartBroadcastInput,
} from '../../shared/domain/broadcast';
import type { Contact } from '../../shared/domain/telephony';
import type { Db } from '../services/store';
import { contact, T0, tempStores, codeOf } from '../telephony/telephonyFixture.test-support';
import { DirectoryStore } from '../telephony/directoryStore';
import { BroadcastLog } from './broadcastLog';

const stores = tempStores();
afterEach(() => stores.cleanup());

const code = codeOf;

const CLIP: BroadcastClip = {
  id: 'clip-evac',
  name: '撤离通知',
  kind: 'tts',
  text: '各单位注意，请立即沿避灾路线撤离',
  sourceName: null,
  durationMs: 4200,
  bytes: 20_000,
  mimeType: 'audio/ogg',
  createdAt: T0 - 60_000,
};

const MEMBERS: Contact[] = [
  contact('spk1', '3001', { name: '主井口广播', role: 'duty' }),
  contact('spk2', '3002', { name: '副井口音柱', mineName: '常村煤矿' }),
  contact('spk3', '3003', { name: '调度室话机', mineName: null }),
];

/** A directory holding MEMBERS and a broadcast group of them (in the order spk2, spk1, spk3). */
function setup(db: Db) {
  const directory = new DirectoryStore(db);
  directory.importContacts(MEMBERS, true);
  const group = directory.broadcastGroups.save({ id: 'bg1', name: '主井广播组', memberIds: ['spk2', 'spk1', 'spk3'] });
  const members = group.memberIds.map((id) => MEMBERS.find((m) => m.id === id)!);
  return { directory, group, members };
}

function input(extra: Partial<StartBroadcastInput> = {}): StartBroadcastInput {
  return { id: 'bc-00000001', groupId: 'bg1', source: { kind: 'clip', clipId: CLIP.id, repeat: 2 }, scheduleId: null, ...extra };
}

function step(endpointId: string, extra: Partial<ReportDeliveryInput> = {}): ReportDeliveryInput {
  return {
    broadcastId: 'bc-00000001',
    endpointId,
    state: 'calling',
    callId: null,
    answeredAt: null,
    endedAt: null,
    outcome: null,
    reason: null,
    ...extra,
  };
}

describe('BroadcastLog.start', () => {
  it('one firing of a schedule starts one broadcast, however many consoles heard it; the next firing starts again', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    let now = T0;
    const log = new BroadcastLog(db, () => now);
    const ctx = { operator: '值班员', group, members, clip: CLIP };
    log.start(input({ id: 'bc-console1', scheduleId: 'sch1', dueAt: T0 - 300 }), ctx);
    expect(code(() => log.start(input({ id: 'bc-console2', scheduleId: 'sch1', dueAt: T0 - 300 }), ctx))).toBe('conflict');
    // The same id again is a retry, not a second claim.
    expect(log.start(input({ id: 'bc-console1', scheduleId: 'sch1', dueAt: T0 - 300 }), ctx).id).toBe('bc-console1');
    now = T0 + 86_400_000;
    expect(log.start(input({ id: 'bc-nextday', scheduleId: 'sch1', dueAt: now - 100 }), ctx).id).toBe('bc-nextday');
  });

  it('opens a running record with one pending delivery per member, in group order, names and numbers copied in', () => {
    const { db } = stores.fresh();
    const { directory, group, members } = setup(db);
    const log = new BroadcastLog(db, () => T0);
    const record = log.start(input({ scheduleId: 'sch1' }), { operator: '值班员', group, members, clip: CLIP });
    expect(broadcastRecordSchema.parse(record)).toEqual(record);
    expect(record).toMatchObject({
      id: 'bc-00000001',
      groupId: 'bg1',
      groupName: '主井广播组',
      source: { kind: 'clip', clipId: 'clip-evac', repeat: 2 },
      clipName: '撤离通知',
      text: CLIP.text,
      scheduleId: 'sch1',
      operator: '值班员',
      state: 'running',
      reason: null,
      startedAt: T0,
      endedAt: null,
      recordingId: null,
      recordingBytes: null,
    });
    expect(record.deliveries.map((d) => [d.endpointId, d.name, d.number, d.mineName, d.state])).toEqual([
      ['spk2', '副井口音柱', '3002', '常村煤矿', 'pending'],
      ['spk1', '主井口广播', '3001', '王庄煤矿', 'pending'],
      ['spk3', '调度室话机', '3003', null, 'pending'],
    ]);
    for (const d of record.deliveries) expect(d).toMatchObject({ callId: null, answeredAt: null, endedAt: null, outcome: null, reason: null });

    // The group and its contacts go; the record stays as it was.
    for (const m of MEMBERS) directory.deleteContact(m.id);
    expect(directory.broadcastGroups.get('bg1')).toBeNull();
    expect(new BroadcastLog(db).get('bc-00000001')).toEqual(record);
  });

  it('opens a live broadcast without clip fields', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    const record = new BroadcastLog(db).start(input({ source: { kind: 'live' } }), { operator: 'op', group, members, clip: null });
    expect(record).toMatchObject({ source: { kind: 'live' }, clipName: null, text: null, scheduleId: null });
  });

  it('returns the same record, unchanged, for a repeated start with the same id', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    let now = T0;
    const log = new BroadcastLog(db, () => now);
    const first = log.start(input(), { operator: 'op', group, members, clip: CLIP });
    log.reportDelivery(step('spk1'));
    const afterStep = log.get(first.id);
    now = T0 + 5000;
    const again = log.start(input({ source: { kind: 'live' } }), { operator: 'other', group: { ...group, name: '改名' }, members: members.slice(0, 1), clip: null });
    expect(again).toEqual(afterStep);
    expect(again.startedAt).toBe(T0);
    expect(log.list({ limit: 10 })).toHaveLength(1);
  });
});

describe('BroadcastLog.reportDelivery', () => {
  it('moves a delivery pending → calling → answered → ended and writes each step', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    let now = T0 + 1000;
    const log = new BroadcastLog(db, () => now);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    expect(log.reportDelivery(step('spk1', { callId: 'call-a' }))).toMatchObject({ state: 'calling', callId: 'call-a', answeredAt: null, outcome: null });
    now = T0 + 3000;
    expect(log.reportDelivery(step('spk1', { state: 'answered', callId: 'call-a', answeredAt: T0 + 2500 }))).toMatchObject({
      state: 'answered',
      answeredAt: T0 + 2500,
      endedAt: null,
    });
    const ended = log.reportDelivery(step('spk1', { state: 'ended', callId: 'call-a', endedAt: T0 + 30_000, outcome: 'answered' }));
    expect(ended).toMatchObject({ state: 'ended', callId: 'call-a', answeredAt: T0 + 2500, endedAt: T0 + 30_000, outcome: 'answered' });
    expect(new BroadcastLog(db).get('bc-00000001').deliveries.find((d) => d.endpointId === 'spk1')).toEqual(ended);
  });

  it('stamps answeredAt and endedAt with its clock when the report has none, and keeps the first callId', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    let now = T0 + 1000;
    const log = new BroadcastLog(db, () => now);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    log.reportDelivery(step('spk2', { callId: 'call-1' }));
    now = T0 + 2000;
    expect(log.reportDelivery(step('spk2', { state: 'answered', callId: 'call-2' }))).toMatchObject({ answeredAt: T0 + 2000, callId: 'call-1' });
    now = T0 + 9000;
    expect(log.reportDelivery(step('spk2', { state: 'ended' }))).toMatchObject({ endedAt: T0 + 9000, answeredAt: T0 + 2000, outcome: 'answered' });
  });

  it('refuses going back (conflict), allows repeating a step, and treats an ended delivery as final', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    const log = new BroadcastLog(db, () => T0 + 1000);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    log.reportDelivery(step('spk1', { state: 'answered', answeredAt: T0 + 500 }));
    expect(code(() => log.reportDelivery(step('spk1', { state: 'calling' })))).toBe('conflict');
    expect(code(() => log.reportDelivery(step('spk1', { state: 'pending' })))).toBe('conflict');
    expect(log.reportDelivery(step('spk1', { state: 'answered', answeredAt: T0 + 900 })).answeredAt).toBe(T0 + 500);

    const ended = log.reportDelivery(step('spk1', { state: 'ended', endedAt: T0 + 4000, outcome: 'answered' }));
    // Final: later reports (going back or ending again differently) get it back unchanged.
    expect(log.reportDelivery(step('spk1', { state: 'calling' }))).toEqual(ended);
    expect(log.reportDelivery(step('spk1', { state: 'ended', endedAt: T0 + 8000, outcome: 'busy', reason: '忙' }))).toEqual(ended);
    expect(log.get('bc-00000001').deliveries.find((d) => d.endpointId === 'spk1')).toEqual(ended);
  });

  it('defaults the outcome of an ended delivery: answered if it was answered, failed if it never was', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    const log = new BroadcastLog(db, () => T0 + 1000);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    log.reportDelivery(step('spk1', { state: 'answered', answeredAt: T0 + 500 }));
    expect(log.reportDelivery(step('spk1', { state: 'ended', endedAt: T0 + 2000 })).outcome).toBe('answered');
    // Answered in the same report that ends it.
    expect(log.reportDelivery(step('spk2', { state: 'ended', answeredAt: T0 + 600, endedAt: T0 + 2000 })).outcome).toBe('answered');
    log.reportDelivery(step('spk3', { state: 'calling' }));
    expect(log.reportDelivery(step('spk3', { state: 'ended', endedAt: T0 + 2000, reason: '无人接听' }))).toMatchObject({
      outcome: 'failed',
      answeredAt: null,
      reason: '无人接听',
    });
  });

  it('keeps an explicit outcome and reason', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    const log = new BroadcastLog(db, () => T0 + 1000);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    expect(log.reportDelivery(step('spk1', { state: 'ended', endedAt: T0 + 1500, outcome: 'busy', reason: '终端忙' }))).toMatchObject({
      outcome: 'busy',
      reason: '终端忙',
    });
  });

  it('answers not-found for an unknown broadcast or endpoint, and bad-request for an absurd time', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    const log = new BroadcastLog(db, () => T0);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    expect(code(() => log.reportDelivery(step('spk1', { broadcastId: 'bc-missing' })))).toBe('not-found');
    expect(code(() => log.reportDelivery(step('nobody')))).toBe('not-found');
    expect(code(() => log.reportDelivery(step('spk1', { state: 'answered', answeredAt: 1_700_000 })))).toBe('bad-request');
    expect(log.get('bc-00000001').deliveries.find((d) => d.endpointId === 'spk1')?.state).toBe('pending');
  });
});

describe('BroadcastLog.finish', () => {
  it('closes open deliveries: on air ones as answered, never-reached ones as cancelled with a reason; ended ones stay', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    let now = T0 + 1000;
    const log = new BroadcastLog(db, () => now);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    log.reportDelivery(step('spk1', { state: 'answered', answeredAt: T0 + 800 }));
    const busy = log.reportDelivery(step('spk2', { state: 'ended', endedAt: T0 + 900, outcome: 'busy', reason: '忙' }));
    log.reportDelivery(step('spk3', { state: 'calling' }));
    now = T0 + 60_000;
    const done = log.finish('bc-00000001', 'completed', null);
    expect(broadcastRecordSchema.parse(done)).toEqual(done);
    expect(done).toMatchObject({ state: 'completed', reason: null, endedAt: T0 + 60_000 });
    const byId = new Map(done.deliveries.map((d) => [d.endpointId, d]));
    expect(byId.get('spk1')).toMatchObject({ state: 'ended', outcome: 'answered', answeredAt: T0 + 800, endedAt: T0 + 60_000 });
    expect(byId.get('spk2')).toEqual(busy);
    expect(byId.get('spk3')).toMatchObject({ state: 'ended', outcome: 'cancelled', answeredAt: null, endedAt: T0 + 60_000 });
    expect(byId.get('spk3')?.reason).toMatch(/[\u4e00-\u9fff]/);
    expect(new BroadcastLog(db).get('bc-00000001')).toEqual(done);
  });

  it('returns the first result when finished twice', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    let now = T0 + 1000;
    const log = new BroadcastLog(db, () => now);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    const stopped = log.finish('bc-00000001', 'stopped', '值班员停止');
    now = T0 + 9000;
    expect(log.finish('bc-00000001', 'failed', '另一次')).toEqual(stopped);
    expect(stopped).toMatchObject({ state: 'stopped', reason: '值班员停止', endedAt: T0 + 1000 });
    // Its deliveries are final too.
    expect(log.reportDelivery(step('spk1', { state: 'answered' }))).toEqual(stopped.deliveries.find((d) => d.endpointId === 'spk1'));
  });

  it('answers not-found for an unknown broadcast', () => {
    const log = new BroadcastLog(stores.fresh().db);
    expect(code(() => log.finish('bc-missing', 'completed', null))).toBe('not-found');
    expect(code(() => log.get('bc-missing'))).toBe('not-found');
  });
});

describe('BroadcastLog.closeInterrupted', () => {
  it('turns broadcasts left running into interrupted and closes their deliveries; finished ones stay', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    const log = new BroadcastLog(db, () => T0 + 1000);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    log.reportDelivery(step('spk1', { state: 'answered', answeredAt: T0 + 900 }));
    log.start(input({ id: 'bc-00000002' }), { operator: 'op', group, members, clip: CLIP });
    const finished = log.finish('bc-00000002', 'completed', null);

    const next = new BroadcastLog(db, () => T0 + 50_000);
    expect(next.closeInterrupted()).toBe(1);
    const closed = next.get('bc-00000001');
    expect(closed).toMatchObject({ state: 'interrupted', endedAt: T0 + 50_000 });
    expect(closed.reason).toMatch(/[\u4e00-\u9fff]/);
    expect(closed.deliveries.map((d) => [d.endpointId, d.state, d.outcome])).toEqual([
      ['spk2', 'ended', 'cancelled'],
      ['spk1', 'ended', 'answered'],
      ['spk3', 'ended', 'cancelled'],
    ]);
    expect(next.get('bc-00000002')).toEqual(finished);
    expect(next.closeInterrupted()).toBe(0);
  });
});

describe('BroadcastLog.list', () => {
  it('searches group name, clip name, text and endpoint name or number; respects from, to and limit; newest first', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    let now = T0;
    const log = new BroadcastLog(db, () => now);
    const at = (m: number) => T0 + m * 60_000;
    const open = (id: string, m: number, extra: { groupName?: string; clip?: BroadcastClip | null; members?: Contact[] } = {}) => {
      now = at(m);
      log.start(input({ id, source: extra.clip === null ? { kind: 'live' } : input().source }), {
        operator: 'op',
        group: { ...group, name: extra.groupName ?? group.name },
        members: extra.members ?? members,
        clip: extra.clip === undefined ? CLIP : extra.clip,
      });
    };
    const other = [contact('x1', '4001', { name: '风井音柱' })];
    open('bc-first-01', 0);
    open('bc-secnd-02', 1, { groupName: '全矿_100%', clip: null, members: other });
    open('bc-third-03', 2, { groupName: '采区组', clip: { ...CLIP, name: '交接班提醒', text: '请按时交接班' }, members: other });
    open('bc-forth-04', 3, { groupName: '采区组', clip: null, members: other });

    const ids = (q: Partial<Parameters<BroadcastLog['list']>[0]>) => log.list({ limit: 100, ...q }).map((r) => r.id);
    expect(ids({})).toEqual(['bc-forth-04', 'bc-third-03', 'bc-secnd-02', 'bc-first-01']);
    expect(ids({ limit: 2 })).toEqual(['bc-forth-04', 'bc-third-03']);
    expect(ids({ text: '主井广播' })).toEqual(['bc-first-01']); // group name
    expect(ids({ text: '撤离通知' })).toEqual(['bc-first-01']); // clip name
    expect(ids({ text: '交接班' })).toEqual(['bc-third-03']); // clip name and text
    expect(ids({ text: '避灾路线' })).toEqual(['bc-first-01']); // text
    expect(ids({ text: '副井口' })).toEqual(['bc-first-01']); // endpoint name
    expect(ids({ text: '4001' })).toEqual(['bc-forth-04', 'bc-third-03', 'bc-secnd-02']); // endpoint number
    expect(ids({ text: '%' })).toEqual(['bc-secnd-02']); // LIKE wildcards are literal
    expect(ids({ text: '_' })).toEqual(['bc-secnd-02']);
    expect(ids({ text: '  采区  ' })).toEqual(['bc-forth-04', 'bc-third-03']);
    expect(ids({ text: '   ' })).toHaveLength(4);
    expect(ids({ text: '没有这个' })).toEqual([]);
    expect(ids({ from: at(1), to: at(3) })).toEqual(['bc-third-03', 'bc-secnd-02']);
    expect(ids({ from: at(2) })).toEqual(['bc-forth-04', 'bc-third-03']);
    expect(ids({ to: at(1) })).toEqual(['bc-first-01']);
    expect(ids({ text: '采区', from: at(3), limit: 1 })).toEqual(['bc-forth-04']);
  });

  it('shows the latest recording of a broadcast', () => {
    const { db } = stores.fresh();
    const { group, members } = setup(db);
    const log = new BroadcastLog(db, () => T0);
    log.start(input(), { operator: 'op', group, members, clip: CLIP });
    const rec = db.prepare('INSERT INTO broadcast_recordings (id, broadcast_id, started_at, path, mime_type, bytes) VALUES (?, ?, ?, ?, ?, ?)');
    rec.run('rec-old', 'bc-00000001', T0 + 10, 'broadcasts/a.webm', 'audio/webm', 10);
    rec.run('rec-new', 'bc-00000001', T0 + 20, 'broadcasts/b.webm', 'audio/webm', 42);
    expect(log.list({ limit: 5 })[0]).toMatchObject({ recordingId: 'rec-new', recordingBytes: 42 });
    expect(log.get('bc-00000001')).toMatchObject({ recordingId: 'rec-new', recordingBytes: 42 });
  });
});
