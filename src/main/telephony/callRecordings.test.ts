import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { callRecordingEntrySchema, MAX_CALL_RECORDING_CHUNK_BYTES, MAX_CALL_RECORDING_READ_BYTES } from '../../shared/domain/telephony';
import { CallLog } from './callLog';
import { CallRecordings } from './callRecordings';
import { report, tempStores } from './telephonyFixture.test-support';

const stores = tempStores();
afterEach(() => stores.cleanup());

function setup() {
  const s = stores.fresh();
  const calls = new CallLog(s.db);
  calls.report(report({ caller: { number: '8001', name: '市应急调度' }, callee: { number: '../2001', name: null } }));
  return { ...s, calls, recs: new CallRecordings(s.db, s.media) };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).message).toMatch(/[\u4e00-\u9fff]/);
    return (err as ConsoleError).code;
  }
  throw new Error('did not throw');
}

describe('CallRecordings', () => {
  it('writes pieces in order under media/calls with a sanitised name, repeats idempotently and refuses gaps', () => {
    const { recs, calls, media } = setup();
    const entry = recs.start({ callId: 'call-0001', mimeType: 'audio/webm;codecs=opus' });
    expect(callRecordingEntrySchema.parse(entry)).toEqual(entry);
    expect(path.dirname(entry.path)).toBe(path.join(media, 'calls'));
    expect(path.basename(entry.path)).toMatch(/^\d{8}-\d{6}-\d{3}_8001-2001_[0-9a-f]{8}\.webm$/);
    expect(recs.append(entry.id, 0, Buffer.from('abc'))).toEqual({ bytes: 3 });
    expect(recs.append(entry.id, 0, Buffer.from('abc'))).toEqual({ bytes: 3 });
    expect(recs.append(entry.id, 1, Buffer.from('de'))).toEqual({ bytes: 5 });
    expect(codeOf(() => recs.append(entry.id, 3, Buffer.from('x')))).toBe('conflict');
    expect(codeOf(() => recs.append(entry.id, 2, Buffer.alloc(MAX_CALL_RECORDING_CHUNK_BYTES + 1)))).toBe('bad-request');
    const stopped = recs.stop(entry.id);
    expect(stopped.endedAt).not.toBeNull();
    expect(recs.stop(entry.id)).toEqual(stopped);
    expect(codeOf(() => recs.append(entry.id, 2, Buffer.from('x')))).toBe('conflict');
    expect(fs.readFileSync(entry.path, 'utf8')).toBe('abcde');
    expect(recs.read(entry.id)).toEqual({ mimeType: 'audio/webm;codecs=opus', data: Buffer.from('abcde') });
    // The call shows its recording.
    expect(calls.get('call-0001')).toMatchObject({ recordingId: entry.id, recordingBytes: 5 });
  });

  it('belongs to an existing call and takes only audio', () => {
    const { recs } = setup();
    expect(codeOf(() => recs.start({ callId: 'no-such-call', mimeType: 'audio/ogg' }))).toBe('not-found');
    expect(codeOf(() => recs.start({ callId: 'call-0001', mimeType: 'video/webm' }))).toBe('bad-request');
    expect(codeOf(() => recs.append('nope', 0, Buffer.from('x')))).toBe('not-found');
    expect(path.extname(recs.start({ callId: 'call-0001', mimeType: 'audio/ogg;codecs=opus' }).path)).toBe('.ogg');
  });

  it('refuses to read a recording above the read limit, and says so when the file is gone', () => {
    const { recs } = setup();
    const big = recs.start({ callId: 'call-0001', mimeType: 'audio/webm' });
    fs.truncateSync(big.path, MAX_CALL_RECORDING_READ_BYTES + 1);
    expect(codeOf(() => recs.read(big.id))).toBe('bad-request');
    fs.rmSync(big.path);
    expect(codeOf(() => recs.read(big.id))).toBe('not-found');
  });

  it('closes recordings a killed process left open, with the size on disk', () => {
    const { recs, db, media } = setup();
    const entry = recs.start({ callId: 'call-0001', mimeType: 'audio/webm' });
    recs.append(entry.id, 0, Buffer.from('hello'));
    // This instance is still writing it: left alone.
    expect(recs.recoverUnfinished()).toBe(0);
    fs.appendFileSync(entry.path, 'xy'); // a piece that landed on disk but not in the row
    const next = new CallRecordings(db, media);
    expect(next.recoverUnfinished()).toBe(1);
    expect(next.get(entry.id)).toMatchObject({ bytes: 7 });
    expect(next.get(entry.id).endedAt).not.toBeNull();
  });
});
