import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listSegments, parseSegmentList, pruneRecordings, recordTeeOutput } from './recorder';
import { segmentsInWindow } from './recordServer';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'mdc-rec-'));
  dirs.push(d);
  return d;
}

describe('lab recorder', () => {
  it("parses ffmpeg's csv segment list into wall-clock segments and skips junk lines", () => {
    const base = 1_764_000_000_000;
    const text = '1764000000000-00000.ts,0.000000,6.240000\n1764000000000-00001.ts,6.240000,12.400000\n../evil.ts,1,2\nx.ts,5,4\n\n';
    expect(parseSegmentList(text, base)).toEqual([
      { file: '1764000000000-00000.ts', start: base, end: base + 6240 },
      { file: '1764000000000-00001.ts', start: base + 6240, end: base + 12400 },
    ]);
  });

  it('lists only segments whose file exists, across runs, sorted; prunes old ones with their lists', () => {
    const dir = scratch();
    const a = 1_764_000_000_000;
    const b = a + 600_000;
    writeFileSync(join(dir, `${b}.csv`), `${b}-00000.ts,0.0,6.0\n`);
    writeFileSync(join(dir, `${a}.csv`), `${a}-00000.ts,0.0,6.0\n${a}-00001.ts,6.0,12.0\n`);
    for (const f of [`${a}-00000.ts`, `${b}-00000.ts`]) writeFileSync(join(dir, f), 'x');
    expect(listSegments(dir).map((s) => s.start)).toEqual([a, b]); // a-00001 has no file (still being written or pruned)
    expect(pruneRecordings(dir, a + 100_000)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([`${b}-00000.ts`, `${b}.csv`]);
  });

  it('answers a window without overlaps (an earlier run wins)', () => {
    const segs = [
      { file: 'a', start: 0, end: 6000 },
      { file: 'b', start: 6000, end: 12000 },
      { file: 'c', start: 9000, end: 15000 },
      { file: 'd', start: 20000, end: 26000 },
    ];
    expect(segmentsInWindow(segs, 5000, 21000).map((s) => s.file)).toEqual(['a', 'b', 'd']);
    expect(segmentsInWindow(segs, 12000, 20000)).toEqual([]);
  });

  it('refuses paths that would break a tee muxer spec', () => {
    expect(() => recordTeeOutput('/tmp/a:b', 1)).toThrow(/unsafe/);
    expect(recordTeeOutput('/tmp/rec', 5)).toBe('[f=segment:segment_time=6:segment_format=mpegts:segment_list=/tmp/rec/5.csv:segment_list_type=csv]/tmp/rec/5-%05d.ts');
  });
});
