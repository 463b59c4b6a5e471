import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { BroadcastClip, BroadcastDue, BroadcastRecord, BroadcastSchedule, SaveScheduleInput } from '../../shared/domain/broadcast';
import type { ContactGroup } from '../../shared/domain/telephony';
import { createConsoleCore, type ConsoleCore } from '../core';
import { contact } from '../telephony/telephonyFixture.test-support';
import { MIN_LEAD_MS } from './broadcastSchedules';

const dirs: string[] = [];
const cores: ConsoleCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function core(dir?: string): Promise<{ core: ConsoleCore; dir: string; logLines: string[] }> {
  const dataDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-core-bc-'));
  if (!dir) dirs.push(dataDir);
  const logLines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  const c = await createConsoleCore({ host: 'web', dataDir, log, version: 'test' });
  cores.push(c);
  return { core: c, dir: dataDir, logLines };
}

type Result = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

async function ok<T>(p: Promise<Result>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

async function refused(p: Promise<Result>, code: string): Promise<string> {
  const r = await p;
  expect(r).toMatchObject({ ok: false, error: { code } });
  expect(r.error?.message).toMatch(/[\u4e00-\u9fff]/);
  return r.error?.message ?? '';
}

const DIRECTORY = [
  contact('spk1', '3001', { name: '主井口广播' }),
  contact('spk2', '3002', { name: '副井口音柱' }),
  contact('spk3', '3003', { name: '风井音柱' }),
];

/** A core with the directory imported and broadcast group bg1 = spk1, spk2, spk3. */
async function withGroup(dir?: string) {
  const made = await core(dir);
  await ok(made.core.dispatch('importContacts', { contacts: DIRECTORY, replace: true }));
  await ok(made.core.dispatch('saveBroadcastGroup', { id: 'bg1', name: '主井广播组', memberIds: ['spk1', 'spk2', 'spk3'] }));
  return made;
}

const synthesize = (c: ConsoleCore, text = '各单位注意，请立即撤离。') => ok<BroadcastClip>(c.dispatch('synthesizeClip', { text, name: '撤离通知' }));

function schedule(extra: Partial<SaveScheduleInput> = {}): SaveScheduleInput {
  return { id: 'sch1', name: '交接班提醒', groupId: 'bg1', clipId: 'none', repeat: 1, firstAt: Date.now() + 3_600_000, recurrence: 'daily', ...extra };
}

describe('broadcast groups through the core', () => {
  it('saves a group of directory contacts and refuses one naming a contact not in the directory', async () => {
    const { core: c } = await withGroup();
    expect(await ok(c.dispatch('listBroadcastGroups', {}))).toEqual([{ id: 'bg1', name: '主井广播组', memberIds: ['spk1', 'spk2', 'spk3'] }]);
    const message = await refused(c.dispatch('saveBroadcastGroup', { id: 'bg2', name: '坏组', memberIds: ['spk1', 'ghost'] }), 'bad-request');
    expect(message).toContain('ghost');
    expect(await ok<ContactGroup[]>(c.dispatch('listBroadcastGroups', {}))).toHaveLength(1);
    // Broadcast groups are not call groups.
    expect(await ok(c.dispatch('listGroups', {}))).toEqual([]);
  });

  it('deleting a contact removes it from broadcast groups; a group left empty disappears', async () => {
    const { core: c } = await withGroup();
    await ok(c.dispatch('saveBroadcastGroup', { id: 'bg2', name: '风井组', memberIds: ['spk3'] }));
    await ok(c.dispatch('deleteContact', { id: 'spk3' }));
    expect(await ok(c.dispatch('listBroadcastGroups', {}))).toEqual([{ id: 'bg1', name: '主井广播组', memberIds: ['spk1', 'spk2'] }]);
  });

  it('refuses to delete the last members of a group an active schedule plays to (the schedule would fire into nothing)', async () => {
    const { core: c } = await withGroup();
    const clip = await synthesize(c);
    await ok(c.dispatch('saveBroadcastGroup', { id: 'bg2', name: '风井组', memberIds: ['spk3'] }));
    await ok(c.dispatch('saveSchedule', schedule({ groupId: 'bg2', clipId: clip.id })));
    expect(await refused(c.dispatch('deleteContact', { id: 'spk3' }), 'conflict')).toContain('交接班提醒');
    expect(await refused(c.dispatch('importContacts', { contacts: DIRECTORY.slice(0, 2), replace: true }), 'conflict')).toContain('风井组');
    // A member of a group that keeps others may go; after the schedule is cancelled, the last one may too.
    await ok(c.dispatch('deleteContact', { id: 'spk1' }));
    await ok(c.dispatch('cancelSchedule', { id: 'sch1' }));
    await ok(c.dispatch('deleteContact', { id: 'spk3' }));
    expect(await ok(c.dispatch('listBroadcastGroups', {}))).toEqual([{ id: 'bg1', name: '主井广播组', memberIds: ['spk2'] }]);
  });
});

describe('clips through the core', () => {
  it('synthesizes a clip that reads back as Ogg audio, and refuses an upload that is not audio', async () => {
    const { core: c } = await core();
    const clip = await synthesize(c);
    expect(clip).toMatchObject({ kind: 'tts', name: '撤离通知', text: '各单位注意，请立即撤离。', mimeType: 'audio/ogg' });
    expect(clip.durationMs).toBeGreaterThan(500);
    const read = await ok<{ mimeType: string; dataBase64: string }>(c.dispatch('readClip', { id: clip.id }));
    expect(read.mimeType).toBe('audio/ogg');
    const bytes = Buffer.from(read.dataBase64, 'base64');
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(bytes.length).toBe(clip.bytes);

    const text = Buffer.from('这不是音频，只是一段文字。\n'.repeat(50)).toString('base64');
    const message = await refused(c.dispatch('uploadClip', { name: '假音频', fileName: 'notes.txt', dataBase64: text }), 'bad-request');
    expect(message).toContain('不是可识别的音频文件');
    expect(await ok<BroadcastClip[]>(c.dispatch('listClips', {}))).toEqual([clip]);
  });
});

describe('broadcasts through the core', () => {
  it('records a broadcast with its deliveries and recording, and lists it', async () => {
    const { core: c } = await withGroup();
    const clip = await synthesize(c);
    const id = 'bc-7d7f0c1e-0001';
    const started = await ok<BroadcastRecord>(
      c.dispatch('startBroadcast', { id, groupId: 'bg1', source: { kind: 'clip', clipId: clip.id, repeat: 2 }, scheduleId: null }),
    );
    expect(started).toMatchObject({ state: 'running', groupName: '主井广播组', clipName: '撤离通知', text: clip.text });
    expect(started.deliveries.map((d) => [d.endpointId, d.state])).toEqual([
      ['spk1', 'pending'],
      ['spk2', 'pending'],
      ['spk3', 'pending'],
    ]);

    const step = (endpointId: string, state: string, extra: Record<string, unknown> = {}) =>
      ok(c.dispatch('reportDelivery', { broadcastId: id, endpointId, state, callId: null, answeredAt: null, endedAt: null, outcome: null, reason: null, ...extra }));
    const t = Date.now();
    await step('spk1', 'calling', { callId: 'call-spk1' });
    await step('spk1', 'answered', { callId: 'call-spk1', answeredAt: t });
    await step('spk2', 'calling', { callId: 'call-spk2' });
    await step('spk2', 'ended', { callId: 'call-spk2', endedAt: t + 10, outcome: 'busy', reason: '终端忙' });
    await refused(c.dispatch('reportDelivery', { broadcastId: id, endpointId: 'spk1', state: 'calling', callId: null, answeredAt: null, endedAt: null, outcome: null, reason: null }), 'conflict');

    const rec = await ok<{ id: string }>(c.dispatch('startBroadcastRecording', { broadcastId: id, mimeType: 'audio/webm;codecs=opus' }));
    const pieces = [Buffer.from('opus-piece-0'), Buffer.from('opus-piece-1')];
    await ok(c.dispatch('appendBroadcastRecording', { recordingId: rec.id, seq: 0, dataBase64: pieces[0]!.toString('base64') }));
    await ok(c.dispatch('appendBroadcastRecording', { recordingId: rec.id, seq: 1, dataBase64: pieces[1]!.toString('base64') }));
    await ok(c.dispatch('stopBroadcastRecording', { recordingId: rec.id }));
    await step('spk1', 'ended', { callId: 'call-spk1', endedAt: t + 20_000 });

    const finished = await ok<BroadcastRecord>(c.dispatch('finishBroadcast', { broadcastId: id, state: 'completed', reason: null }));
    expect(finished.state).toBe('completed');
    const listed = await ok<BroadcastRecord[]>(c.dispatch('listBroadcasts', { limit: 10 }));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toEqual(finished);
    expect(listed[0]).toMatchObject({ recordingId: rec.id, recordingBytes: Buffer.concat(pieces).length });
    expect(listed[0]?.deliveries.map((d) => [d.endpointId, d.state, d.outcome, d.callId])).toEqual([
      ['spk1', 'ended', 'answered', 'call-spk1'],
      ['spk2', 'ended', 'busy', 'call-spk2'],
      ['spk3', 'ended', 'cancelled', null],
    ]);
    expect(await ok<BroadcastRecord[]>(c.dispatch('listBroadcasts', { limit: 10, text: '副井口' }))).toHaveLength(1);
    expect(await ok<BroadcastRecord[]>(c.dispatch('listBroadcasts', { limit: 10, text: '没有' }))).toEqual([]);

    expect(await ok(c.dispatch('readBroadcastRecording', { id: rec.id }))).toEqual({
      mimeType: 'audio/webm;codecs=opus',
      dataBase64: Buffer.concat(pieces).toString('base64'),
    });
    const actions = (await ok<{ action: string }[]>(c.dispatch('listAudit', { limit: 20 }))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['broadcast.start', 'broadcast.finish', 'broadcast.clip.tts', 'broadcast.group.save']));
  });

  it('answers not-found for an unknown group, clip or broadcast', async () => {
    const { core: c } = await withGroup();
    await refused(c.dispatch('startBroadcast', { id: 'bc-00000000-x', groupId: 'nope', source: { kind: 'live' }, scheduleId: null }), 'not-found');
    await refused(
      c.dispatch('startBroadcast', { id: 'bc-00000000-y', groupId: 'bg1', source: { kind: 'clip', clipId: 'nope', repeat: 1 }, scheduleId: null }),
      'not-found',
    );
    await refused(c.dispatch('finishBroadcast', { broadcastId: 'bc-nope', state: 'stopped', reason: null }), 'not-found');
    expect(await ok(c.dispatch('listBroadcasts', { limit: 10 }))).toEqual([]);
  });

  it('a core restarted on the same data folder closes a running broadcast as interrupted', async () => {
    const first = await withGroup();
    const id = 'bc-7d7f0c1e-0002';
    await ok(first.core.dispatch('startBroadcast', { id, groupId: 'bg1', source: { kind: 'live' }, scheduleId: null }));
    await ok(
      first.core.dispatch('reportDelivery', {
        broadcastId: id,
        endpointId: 'spk1',
        state: 'answered',
        callId: 'call-1',
        answeredAt: Date.now(),
        endedAt: null,
        outcome: null,
        reason: null,
      }),
    );
    const rec = await ok<{ id: string }>(first.core.dispatch('startBroadcastRecording', { broadcastId: id, mimeType: 'audio/webm' }));
    await ok(first.core.dispatch('appendBroadcastRecording', { recordingId: rec.id, seq: 0, dataBase64: Buffer.from('live').toString('base64') }));

    // A "killed" process: the data folder is opened again without stopping anything.
    const second = await core(first.dir);
    const [record] = await ok<BroadcastRecord[]>(second.core.dispatch('listBroadcasts', { limit: 10 }));
    expect(record).toMatchObject({ id, state: 'interrupted', recordingId: rec.id, recordingBytes: 4 });
    expect(record?.endedAt).not.toBeNull();
    expect(record?.deliveries.map((d) => [d.endpointId, d.state, d.outcome])).toEqual([
      ['spk1', 'ended', 'answered'],
      ['spk2', 'ended', 'cancelled'],
      ['spk3', 'ended', 'cancelled'],
    ]);
    expect(second.logLines.join('\n')).toContain('interrupted');
    // Late reports and a late finish do not reopen it.
    const late = await ok<BroadcastRecord>(second.core.dispatch('finishBroadcast', { broadcastId: id, state: 'completed', reason: null }));
    expect(late.state).toBe('interrupted');
    await refused(second.core.dispatch('appendBroadcastRecording', { recordingId: rec.id, seq: 1, dataBase64: 'AA==' }), 'conflict');
  });
});

describe('schedules through the core', () => {
  it('refuses a past time, and keeps the clip and group of an active schedule until it is cancelled', async () => {
    const { core: c } = await withGroup();
    const clip = await synthesize(c);
    const past = await refused(c.dispatch('saveSchedule', schedule({ clipId: clip.id, firstAt: Date.now() - 60_000 })), 'bad-request');
    expect(past).toContain('定时时间已过或太近');
    await refused(c.dispatch('saveSchedule', schedule({ clipId: 'nope' })), 'not-found');
    await refused(c.dispatch('saveSchedule', schedule({ clipId: clip.id, groupId: 'nope' })), 'not-found');
    expect(await ok(c.dispatch('listSchedules', {}))).toEqual([]);

    const saved = await ok<BroadcastSchedule>(c.dispatch('saveSchedule', schedule({ clipId: clip.id })));
    expect(saved).toMatchObject({ state: 'active', nextAt: saved.firstAt });
    expect(await refused(c.dispatch('deleteClip', { id: clip.id }), 'conflict')).toContain('交接班提醒');
    expect(await refused(c.dispatch('deleteBroadcastGroup', { id: 'bg1' }), 'conflict')).toContain('交接班提醒');
    expect(await ok<BroadcastClip[]>(c.dispatch('listClips', {}))).toHaveLength(1);
    expect(await ok<ContactGroup[]>(c.dispatch('listBroadcastGroups', {}))).toHaveLength(1);

    expect(await ok(c.dispatch('cancelSchedule', { id: 'sch1' }))).toMatchObject({ state: 'cancelled', nextAt: null });
    await ok(c.dispatch('deleteClip', { id: clip.id }));
    await ok(c.dispatch('deleteBroadcastGroup', { id: 'bg1' }));
    expect(await ok(c.dispatch('listClips', {}))).toEqual([]);
    expect(await ok(c.dispatch('listBroadcastGroups', {}))).toEqual([]);
    await refused(c.dispatch('readClip', { id: clip.id }), 'not-found');
  });

  // The core takes no clock: this one waits for a real timer, MIN_LEAD_MS (5 s) plus a margin.
  it('announces a due schedule on onBroadcastDue, after storing it as done', async () => {
    const { core: c } = await withGroup();
    const clip = await synthesize(c, '交接班时间到');
    // listSchedules runs synchronously inside the listener (dispatch calls the handler before its first await).
    const seen: { due: BroadcastDue; stored: Promise<Result> }[] = [];
    const sub = c.subscribe('onBroadcastDue', (due) => seen.push({ due, stored: c.dispatch('listSchedules', {}) }));
    const firstAt = Date.now() + MIN_LEAD_MS + 400;
    await ok(c.dispatch('saveSchedule', schedule({ clipId: clip.id, firstAt, recurrence: 'once', repeat: 3 })));
    await expect.poll(() => seen.length, { timeout: 7_000, interval: 50 }).toBe(1);
    sub.dispose();
    expect(seen[0]?.due).toEqual({ scheduleId: 'sch1', name: '交接班提醒', groupId: 'bg1', clipId: clip.id, repeat: 3, dueAt: firstAt });
    const [stored] = await ok<BroadcastSchedule[]>(seen[0]!.stored);
    expect(stored).toMatchObject({ id: 'sch1', state: 'done', nextAt: null });
    expect(stored?.lastFiredAt).toBeGreaterThanOrEqual(firstAt);
  }, 20_000);

  it('a schedule that fires with no console listening is recorded as a failed broadcast, every endpoint not reached', async () => {
    const { core: c } = await withGroup();
    const clip = await synthesize(c, '交接班时间到');
    const firstAt = Date.now() + MIN_LEAD_MS + 400;
    await ok(c.dispatch('saveSchedule', schedule({ clipId: clip.id, firstAt, recurrence: 'once' })));
    await expect
      .poll(async () => (await ok<BroadcastRecord[]>(c.dispatch('listBroadcasts', { limit: 10 }))).length, { timeout: 7_000, interval: 100 })
      .toBe(1);
    const [record] = await ok<BroadcastRecord[]>(c.dispatch('listBroadcasts', { limit: 10 }));
    expect(record).toMatchObject({ scheduleId: 'sch1', state: 'failed', groupName: '主井广播组', clipName: clip.name });
    expect(record?.reason).toContain('没有运行中的调度台');
    expect(record?.deliveries.map((d) => d.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  }, 20_000);
});
