import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { CallLog } from './callLog';
import { CallRecordings } from './callRecordings';
import { csvField, exportCallRecordings } from './recordingExport';
import { readZip, report, T0, tempStores } from './telephonyFixture.test-support';

const stores = tempStores();
afterEach(() => stores.cleanup());

describe('exportCallRecordings', () => {
  it('zips recordings with readable names and a UTF-8 CSV manifest into media/exports', async () => {
    const { db, media } = stores.fresh();
    const calls = new CallLog(db);
    const recs = new CallRecordings(db, media);
    calls.report(report({ state: 'ended', answeredAt: T0 + 2000, endedAt: T0 + 65_000, outcome: 'answered' }));
    calls.report(
      report({
        id: 'call-0002',
        direction: 'in',
        caller: { number: '2003', name: '常村, "安监"' },
        callee: { number: '8001', name: null },
        startedAt: T0 + 3_600_000,
        state: 'ended',
        endedAt: T0 + 3_610_000,
        outcome: 'missed',
      }),
    );
    const a = recs.start({ callId: 'call-0001', mimeType: 'audio/webm;codecs=opus' });
    recs.append(a.id, 0, Buffer.from('AAAA'));
    recs.stop(a.id);
    const b = recs.start({ callId: 'call-0002', mimeType: 'audio/ogg' });
    recs.append(b.id, 0, Buffer.from('BB'));
    const items = [a, b].map((r) => ({ recording: recs.get(r.id), call: calls.get(r.callId) }));
    const now = new Date(2026, 2, 15, 14, 30, 5).getTime();
    const result = await exportCallRecordings(media, items, now);

    expect(result.fileName).toBe('通话录音-20260315-143005.zip');
    expect(result.path).toBe(path.join(media, 'exports', result.fileName));
    const zip = fs.readFileSync(result.path);
    expect(result.bytes).toBe(zip.length);
    expect(Buffer.from(result.zipBase64, 'base64').equals(zip)).toBe(true);
    const entries = readZip(zip);
    const names = [...entries.keys()];
    expect(names).toHaveLength(3);
    const webm = names.find((n) => n.endsWith('.webm'))!;
    expect(webm).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}\.\d{2}\.\d{2} 市应急调度_8001→王庄煤矿调度室_2001\.webm$/);
    expect(entries.get(webm)?.toString()).toBe('AAAA');
    const ogg = names.find((n) => n.endsWith('.ogg'))!;
    expect(ogg).toContain('常村_安监_2003→8001');
    expect(entries.get(ogg)?.toString()).toBe('BB');
    const csv = entries.get('清单.csv')!;
    expect(csv.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const lines = csv.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('时间,方向,类型,主叫,被叫,通话时长,结果,文件');
    expect(lines[1]).toContain(',呼出,单呼,市应急调度 8001,王庄煤矿调度室 2001,1:03,已接通,');
    expect(lines[2]).toContain(',呼入,单呼,"常村, ""安监"" 2003",8001,0:00,未接,');
    // The same second again gets its own file.
    expect((await exportCallRecordings(media, items, now)).fileName).toBe('通话录音-20260315-143005-2.zip');
  });

  it('says which file is missing', async () => {
    const { db, media } = stores.fresh();
    new CallLog(db).report(report());
    const recs = new CallRecordings(db, media);
    const a = recs.start({ callId: 'call-0001', mimeType: 'audio/webm' });
    fs.rmSync(a.path);
    const err = await exportCallRecordings(media, [{ recording: a, call: null }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).code).toBe('not-found');
    expect((err as ConsoleError).message).toContain(a.path);
    expect(fs.readdirSync(path.join(media)).includes('exports')).toBe(false);
  });

  it('quotes CSV fields and defuses spreadsheet formulas but keeps +86 numbers', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+8613800000000')).toBe('+8613800000000');
    expect(csvField('-cmd')).toBe("'-cmd");
  });
});
