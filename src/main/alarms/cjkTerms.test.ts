import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { indexTerms, queryTerms } from './cjkTerms';

describe('indexTerms', () => {
  it('indexes every Han character and every adjacent pair, singles first then pairs of each run', () => {
    expect(indexTerms('人员穿越皮带')).toBe('人 员 穿 越 皮 带 人员 员穿 穿越 越皮 皮带');
    expect(indexTerms('烟火')).toBe('烟 火 烟火');
    expect(indexTerms('煤')).toBe('煤');
  });

  it('keeps runs of letters and digits whole and lower-cased, drops punctuation, splits runs at it', () => {
    expect(indexTerms('设备 34020000001320000001 BOX-A12')).toBe('设 备 设备 34020000001320000001 box a12');
    expect(indexTerms('皮带跑偏，3号皮带！')).toBe('皮 带 跑 偏 皮带 带跑 跑偏 3 号 皮 带 号皮 皮带');
    expect(indexTerms('2#主井(东)')).toBe('2 主 井 主井 东');
  });

  it('reads full-width letters and digits as ASCII and keeps Han characters outside the BMP whole', () => {
    expect(indexTerms('Ｂｏｘ１２')).toBe('box12');
    expect(indexTerms('𠀀𠀁')).toBe('𠀀 𠀁 𠀀𠀁');
  });

  it('gives nothing for blank or punctuation-only text', () => {
    expect(indexTerms('')).toBe('');
    expect(indexTerms('  ，。!?"*()-: ')).toBe('');
  });
});

describe('queryTerms', () => {
  it('searches one Han character as itself, a Han run as the phrase of its pairs', () => {
    expect(queryTerms('皮')).toBe('"皮"');
    expect(queryTerms('皮带')).toBe('"皮带"');
    expect(queryTerms('穿越皮带')).toBe('"穿越 越皮 皮带"');
  });

  it('searches words by prefix and ANDs the parts', () => {
    expect(queryTerms('3402')).toBe('"3402"*');
    expect(queryTerms(' BOX-a1 ')).toBe('"box"* AND "a1"*');
    expect(queryTerms('王庄 皮带 a7')).toBe('"王庄" AND "皮带" AND "a7"*');
    expect(queryTerms('3号皮带')).toBe('"3"* AND "号皮 皮带"');
  });

  it('is null for blank or punctuation-only input', () => {
    for (const q of ['', '   ', '"', '*', '-', ':', '(', ')', '"*():-^', '　，。']) expect(queryTerms(q)).toBeNull();
  });

  it('quotes what would be FTS5 syntax: operators become plain words, quotes and stars are dropped', () => {
    expect(queryTerms('OR')).toBe('"or"*');
    expect(queryTerms('皮带" OR "1')).toBe('"皮带" AND "or"* AND "1"*');
    expect(queryTerms('NEAR(皮 带)')).toBe('"near"* AND "皮" AND "带"');
    expect(queryTerms('terms:皮带')).toBe('"terms"* AND "皮带"');
    expect(queryTerms('-皮带 NOT 烟火')).toBe('"皮带" AND "not"* AND "烟火"');
    expect(queryTerms('^皮*')).toBe('"皮"');
  });
});

describe('indexTerms and queryTerms against FTS5 unicode61', () => {
  const dbs: Database.Database[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });

  function index(texts: string[]) {
    const db = new Database(':memory:');
    dbs.push(db);
    db.exec(`CREATE VIRTUAL TABLE f USING fts5(terms, content='', tokenize='unicode61')`);
    const add = db.prepare('INSERT INTO f(rowid, terms) VALUES (?, ?)');
    texts.forEach((t, i) => add.run(i + 1, indexTerms(t)));
    return (q: string): number[] => {
      const m = queryTerms(q);
      return m === null ? [] : (db.prepare('SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid').pluck().all(m) as number[]);
    };
  }

  it('finds characters, pairs and phrases only where they stand together', () => {
    const search = index(['人员穿越皮带 主井', '皮带跑偏，3号皮带', '越 皮带穿', '设备报警 34020000001320000001 BOX-A12', 'Ｂｏｘ１２ 大块煤', '烟火，风门']);
    expect(search('皮')).toEqual([1, 2, 3]);
    expect(search('穿越')).toEqual([1]);
    expect(search('员穿')).toEqual([1]);
    expect(search('穿越皮带')).toEqual([1]);
    expect(search('皮带穿')).toEqual([3]);
    expect(search('越皮')).toEqual([1]); // not across the space in 3
    expect(search('烟火')).toEqual([6]);
    expect(search('火风')).toEqual([]); // runs are split by punctuation: no pair across it
    expect(search('偏3')).toEqual([2]); // a Han run and a word are separate parts, both present
    expect(search('3号')).toEqual([2]);
    expect(search('3402')).toEqual([4]);
    expect(search('340200000013')).toEqual([4]);
    expect(search('box')).toEqual([4, 5]);
    expect(search('BOX-A1')).toEqual([4]);
    expect(search('box1')).toEqual([5]);
    expect(search('大块 box')).toEqual([5]);
    expect(search('没有')).toEqual([]);
  });

  it('never throws on what users type, however it looks', () => {
    const search = index(['人员穿越皮带', 'or and not near']);
    const attempts = ['"', '""', '*', 'OR', 'AND', 'NOT', '-', ':', '(', ')', '皮带" OR "1', ') OR (', 'terms:皮', 'NEAR(a b)', 'a + b', '{terms}:x', '^', '\\', "'", '皮 OR', '*皮*', '"皮带', 'x" OR rowid > 0 --'];
    for (const q of attempts) expect(() => search(q)).not.toThrow();
    expect(search('皮带" OR "1')).toEqual([]);
    expect(search('x" OR rowid > 0 --')).toEqual([]);
    expect(search('"皮带')).toEqual([1]);
    expect(search('OR')).toEqual([2]); // a word like any other
  });
});
