import type { Statement } from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleError } from '../../shared/contract/rpc';
import { alarmSchema, type Alarm, type AlarmInput, type AlarmQuery } from '../../shared/domain/alarm';
import type { Db } from '../services/store';
import { T0, tempStores, codeOf } from '../telephony/telephonyFixture.test-support';
import type { RecordSink, SyncRecord } from '../sync/recordSink';
import { AlarmStore, type IngestContext } from './alarmStore';

const stores = tempStores();
afterEach(() => {
  vi.restoreAllMocks();
  stores.cleanup();
});

const code = codeOf;

function alarmInput(extra: Partial<AlarmInput> = {}): AlarmInput {
  return {
    sourceId: 'hik-box',
    externalId: 'ev-0001',
    category: 'ai',
    kind: 'belt-crossing',
    kindName: null,
    level: 2,
    channelId: 'gb:14040300001320000001',
    deviceId: '14040300001320000001',
    reporter: 'AIBOX-0001',
    occurredAt: T0 - 1500,
    score: 0.91,
    boxes: [{ x: 0.1, y: 0.2, w: 0.3, h: 0.4, label: 'person', score: 0.88 }],
    description: '主斜井皮带机头检测到人员穿越皮带',
    ...extra,
  };
}

const WANGZHUANG: IngestContext = {
  link: { mineId: 'm1', mineName: '王庄煤矿', county: '潞州区', linked: true },
  picture: { path: 'alarms/2026-03-15/ev-0001.jpg', mimeType: 'image/jpeg', bytes: 81_234 },
};
const UNLINKED: IngestContext = { link: { mineId: null, mineName: null, county: null, linked: false }, picture: null };

function ctx(mineId: string, mineName: string, county: string): IngestContext {
  return { link: { mineId, mineName, county, linked: true }, picture: null };
}

function setup(start = T0) {
  const { db } = stores.fresh();
  const clock = { now: start };
  const store = new AlarmStore(db, () => clock.now);
  return { db, clock, store };
}

describe('AlarmStore.ingest', () => {
  it('stores an alarm as it came, stamped with its receipt time and skew, its picture by type and size', () => {
    const { db, clock, store } = setup();
    const { alarm, duplicate } = store.ingest(alarmInput(), WANGZHUANG);
    expect(duplicate).toBe(false);
    expect(alarmSchema.parse(alarm)).toEqual(alarm);
    expect(alarm).toEqual({
      ...alarmInput(),
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      receivedAt: T0,
      skewMs: 1500,
      mineId: 'm1',
      mineName: '王庄煤矿',
      county: '潞州区',
      linked: true,
      picture: { mimeType: 'image/jpeg', bytes: 81_234 },
      state: 'new',
      handledBy: null,
      handledAt: null,
      dismissReason: null,
    });
    expect(store.picturePath(alarm.id)).toBe('alarms/2026-03-15/ev-0001.jpg');
    // Written before ingest returns: another store on the same database reads it.
    expect(new AlarmStore(db).get(alarm.id)).toEqual(alarm);
    expect(store.count()).toBe(1);

    // A source clock ahead of ours gives a negative skew.
    clock.now = T0 + 10_000;
    expect(store.ingest(alarmInput({ externalId: 'ev-0002', occurredAt: T0 + 70_000 }), WANGZHUANG).alarm.skewMs).toBe(-60_000);
  });

  it('keeps the first alarm for a repeated push of the same source and id; another source with that id is another alarm', () => {
    const { clock, store } = setup();
    const first = store.ingest(alarmInput(), WANGZHUANG).alarm;
    clock.now = T0 + 5000;
    const again = store.ingest(alarmInput({ level: 4, description: '改过的描述' }), UNLINKED);
    expect(again).toEqual({ alarm: first, duplicate: true });
    expect(store.count()).toBe(1);
    expect(store.list({ text: '改过', limit: 10 })).toEqual([]);

    const other = store.ingest(alarmInput({ sourceId: 'wvp' }), WANGZHUANG);
    expect(other.duplicate).toBe(false);
    expect(other.alarm.id).not.toBe(first.id);
    expect(store.count()).toBe(2);
    // A handled alarm stays handled when its push comes again.
    store.accept(first.id, '值班员');
    expect(store.ingest(alarmInput(), WANGZHUANG)).toMatchObject({ duplicate: true, alarm: { id: first.id, state: 'accepted' } });
  });

  it('keeps an alarm whose channel is not in the catalogue, marked unlinked, without a picture', () => {
    const { store } = setup();
    const { alarm } = store.ingest(alarmInput({ channelId: null, deviceId: 'BOX-7731-CH3' }), UNLINKED);
    expect(alarm).toMatchObject({ channelId: null, deviceId: 'BOX-7731-CH3', mineId: null, mineName: null, county: null, linked: false, picture: null });
    expect(store.picturePath(alarm.id)).toBeNull();
    expect(store.list({ limit: 10 }).map((a) => a.id)).toEqual([alarm.id]);
    expect(store.list({ text: 'box-7731', limit: 10 }).map((a) => a.id)).toEqual([alarm.id]);
  });

  it('indexes an unknown kind by its code when the source names none, even a code like an Object property', () => {
    const { store } = setup();
    const { alarm } = store.ingest(alarmInput({ kind: 'constructor', description: null }), UNLINKED);
    expect(store.list({ text: 'constructor', limit: 10 }).map((a) => a.id)).toEqual([alarm.id]);
    expect(store.list({ text: '穿越', limit: 10 })).toEqual([]);
  });

  it('refuses what fails the contract (bad-request, naming the field) and writes nothing', () => {
    const { store } = setup();
    expect(code(() => store.ingest(alarmInput({ level: 7 }), WANGZHUANG))).toBe('bad-request');
    expect(code(() => store.ingest(alarmInput({ sourceId: 'Bad Source' }), WANGZHUANG))).toBe('bad-request');
    expect(code(() => store.ingest({ ...alarmInput(), extra: 1 } as AlarmInput, WANGZHUANG))).toBe('bad-request');
    try {
      store.ingest(alarmInput({ boxes: [{ x: 2, y: 0, w: 0, h: 0, label: null, score: null }] }), WANGZHUANG);
    } catch (err) {
      expect((err as Error).message).toContain('boxes.0.x');
    }
    expect(store.count()).toBe(0);
  });

  it('answers not-found for an unknown alarm', () => {
    const { store } = setup();
    expect(code(() => store.get('nope'))).toBe('not-found');
    expect(code(() => store.picturePath('nope'))).toBe('not-found');
    expect(code(() => store.steps('nope'))).toBe('not-found');
    expect(code(() => store.accept('nope', '值班员'))).toBe('not-found');
    expect(code(() => store.dismiss('nope', '值班员', '误报'))).toBe('not-found');
  });
});

describe('AlarmStore.ingestMany', () => {
  it('stores a burst in order, with duplicates within the batch and against stored alarms', () => {
    const { clock, store } = setup();
    const stored = store.ingest(alarmInput({ externalId: 'old' }), WANGZHUANG).alarm;
    clock.now = T0 + 1000;
    const results = store.ingestMany([
      { input: alarmInput({ externalId: 'b1' }), ctx: WANGZHUANG },
      { input: alarmInput({ externalId: 'old' }), ctx: UNLINKED },
      { input: alarmInput({ externalId: 'b2', kind: 'smoke-fire' }), ctx: UNLINKED },
      { input: alarmInput({ externalId: 'b1' }), ctx: UNLINKED },
    ]);
    expect(results.map((r) => [r.alarm.externalId, r.duplicate])).toEqual([
      ['b1', false],
      ['old', true],
      ['b2', false],
      ['b1', true],
    ]);
    expect(results[1]!.alarm).toEqual(stored);
    expect(results[3]!.alarm).toEqual(results[0]!.alarm);
    expect(results[2]!.alarm).toMatchObject({ kind: 'smoke-fire', linked: false, receivedAt: T0 + 1000 });
    expect(store.count()).toBe(3);
    expect(store.list({ text: '烟火', limit: 10 }).map((a) => a.externalId)).toEqual(['b2']);
  });

  it('refuses the whole batch when one item fails the contract, naming which', () => {
    const { store } = setup();
    let message = '';
    try {
      store.ingestMany([
        { input: alarmInput({ externalId: 'ok' }), ctx: WANGZHUANG },
        { input: alarmInput({ externalId: '' }), ctx: WANGZHUANG },
      ]);
    } catch (err) {
      expect((err as ConsoleError).code).toBe('bad-request');
      message = (err as Error).message;
    }
    expect(message).toContain('第 2 条');
    expect(message).toContain('externalId');
    expect(store.count()).toBe(0);
    expect(store.ingestMany([])).toEqual([]);
  });
});

/** Alarms in three mines of two counties, one a minute, each kind and level, for the filter tests. */
function seeded() {
  const env = setup();
  const specs: [string, Partial<AlarmInput>, IngestContext][] = [
    ['a01', { kind: 'belt-crossing', level: 1 }, ctx('m1', '王庄煤矿', '潞州区')],
    ['a02', { kind: 'no-helmet', level: 2, category: 'ai', description: '副井口有人未戴安全帽' }, ctx('m2', '常村煤矿', '屯留区')],
    ['a03', { kind: 'one-key', level: 4, category: 'app', reporter: '张建国', deviceId: null, channelId: null, description: '井下求助' }, ctx('m1', '王庄煤矿', '潞州区')],
    ['a04', { kind: 'device-fault', level: 3, category: 'device', description: '编码器离线' }, ctx('m3', '漳村煤矿', '屯留区')],
    ['a05', { kind: 'belt-deviation', level: 2, description: '3号皮带跑偏' }, ctx('m2', '常村煤矿', '屯留区')],
    ['a06', { kind: 'smoke-fire', level: 4, description: '井下中央变电所烟火' }, UNLINKED],
    ['a07', { kind: 'x-custom', kindName: '瓦斯超限', level: 3, category: 'other', description: null }, ctx('m3', '漳村煤矿', '屯留区')],
    ['a08', { kind: 'belt-crossing', level: 3, deviceId: 'BOX-A12-CH3' }, ctx('m1', '王庄煤矿', '潞州区')],
  ];
  const ids = new Map<string, string>();
  specs.forEach(([ext, extra, c], i) => {
    env.clock.now = T0 + i * 60_000;
    ids.set(ext, env.store.ingest(alarmInput({ externalId: ext, occurredAt: T0 + i * 60_000 - 1000, ...extra }), c).alarm.id);
  });
  const ext = (q: Omit<AlarmQuery, 'limit'> & { limit?: number }) => env.store.list({ limit: 100, ...q }).map((a) => a.externalId);
  return { ...env, ids, ext };
}

describe('AlarmStore.list', () => {
  it('lists newest first and filters by each field and their combinations', () => {
    const { store, ids, ext } = seeded();
    expect(ext({})).toEqual(['a08', 'a07', 'a06', 'a05', 'a04', 'a03', 'a02', 'a01']);
    expect(ext({ limit: 3 })).toEqual(['a08', 'a07', 'a06']);
    expect(ext({ category: 'app' })).toEqual(['a03']);
    expect(ext({ category: 'other' })).toEqual(['a07']);
    expect(ext({ kind: 'belt-crossing' })).toEqual(['a08', 'a01']);
    expect(ext({ kind: 'x-custom' })).toEqual(['a07']);
    expect(ext({ mineId: 'm1' })).toEqual(['a08', 'a03', 'a01']);
    expect(ext({ county: '屯留区' })).toEqual(['a07', 'a05', 'a04', 'a02']);
    expect(ext({ minLevel: 3 })).toEqual(['a08', 'a07', 'a06', 'a04', 'a03']);
    expect(ext({ minLevel: 4 })).toEqual(['a06', 'a03']);
    expect(ext({ from: T0 + 2 * 60_000 })).toEqual(['a08', 'a07', 'a06', 'a05', 'a04', 'a03']);
    expect(ext({ to: T0 + 2 * 60_000 })).toEqual(['a02', 'a01']); // to is exclusive
    expect(ext({ from: T0 + 60_000, to: T0 + 4 * 60_000 })).toEqual(['a04', 'a03', 'a02']);
    store.accept(ids.get('a02')!, '值班员');
    store.dismiss(ids.get('a05')!, '值班员', '误报');
    store.accept(ids.get('a06')!, '值班员');
    expect(ext({ state: 'accepted' })).toEqual(['a06', 'a02']);
    expect(ext({ state: 'dismissed' })).toEqual(['a05']);
    expect(ext({ state: 'new' })).toEqual(['a08', 'a07', 'a04', 'a03', 'a01']);
    expect(ext({ county: '屯留区', minLevel: 3 })).toEqual(['a07', 'a04']);
    expect(ext({ county: '屯留区', state: 'new', category: 'device' })).toEqual(['a04']);
    expect(ext({ mineId: 'm1', kind: 'belt-crossing', minLevel: 2 })).toEqual(['a08']);
    expect(ext({ kind: 'belt-crossing', from: T0, to: T0 + 60_000 })).toEqual(['a01']);
    expect(ext({ mineId: 'm1', county: '屯留区' })).toEqual([]);
    expect(ext({ state: 'new', text: '皮带' })).toEqual(['a08', 'a01']);
    expect(ext({ county: '屯留区', text: '皮带' })).toEqual(['a05']);
  });

  it('refuses a malformed query (bad-request)', () => {
    const { store } = seeded();
    expect(code(() => store.list({ limit: 0 }))).toBe('bad-request');
    expect(code(() => store.list({ limit: 10, minLevel: 9 }))).toBe('bad-request');
    expect(code(() => store.list({ limit: 10, text: 'x'.repeat(65) }))).toBe('bad-request');
    expect(code(() => store.list({ limit: 10, state: 'gone' } as unknown as AlarmQuery))).toBe('bad-request');
  });

  it('pages 250 alarms (many received in the same millisecond) by keyset without gaps or repeats, filtered or not', () => {
    const { clock, store } = setup();
    const kinds = ['belt-crossing', 'no-helmet', 'smoke-fire'];
    for (let i = 0; i < 250; i++) {
      clock.now = T0 + Math.floor(i / 4) * 1000; // four alarms per timestamp
      store.ingest(alarmInput({ externalId: `p${i}`, kind: kinds[i % 3]!, level: (i % 4) + 1 }), i % 2 ? ctx('m1', '王庄煤矿', '潞州区') : UNLINKED);
    }
    const byKey = (a: Alarm, b: Alarm) => b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    const pageAll = (q: Omit<AlarmQuery, 'limit' | 'before'>, limit: number): Alarm[] => {
      const out: Alarm[] = [];
      let before: AlarmQuery['before'];
      for (let guard = 0; guard < 300; guard++) {
        const page = store.list({ ...q, limit, ...(before ? { before } : {}) });
        out.push(...page);
        if (page.length < limit) return out;
        const last = page[page.length - 1]!;
        before = { receivedAt: last.receivedAt, id: last.id };
      }
      throw new Error('paging did not end');
    };
    const all = store.list({ limit: 500 });
    expect(all).toHaveLength(250);
    expect(all).toEqual([...all].sort(byKey));
    for (const limit of [1, 7, 50, 250]) expect(pageAll({}, limit).map((a) => a.id)).toEqual(all.map((a) => a.id));
    const filtered = all.filter((a) => a.kind === 'no-helmet' && a.level >= 2 && a.mineId === 'm1');
    expect(filtered.length).toBeGreaterThan(10);
    expect(pageAll({ kind: 'no-helmet', minLevel: 2, mineId: 'm1' }, 3).map((a) => a.id)).toEqual(filtered.map((a) => a.id));
    const searched = all.filter((a) => a.kind === 'smoke-fire');
    expect(pageAll({ text: '烟火' }, 6).map((a) => a.id)).toEqual(searched.map((a) => a.id));
    // A page after the last alarm is empty.
    const last = all[all.length - 1]!;
    expect(store.list({ limit: 10, before: { receivedAt: last.receivedAt, id: last.id } })).toEqual([]);
  });
});

describe('AlarmStore.list text search', () => {
  it('finds Chinese by one character, two, a four-character phrase and a word inside a kind name', () => {
    const { ext } = seeded();
    expect(ext({ text: '烟' })).toEqual(['a06']); // 单字 (kind 烟火 and the description)
    expect(ext({ text: '皮带' })).toEqual(['a08', 'a05', 'a01']); // 两字: 人员穿越皮带 ×2, 3号皮带跑偏
    expect(ext({ text: '穿越皮带' })).toEqual(['a08', 'a01']); // 四字 phrase
    expect(ext({ text: '穿越' })).toEqual(['a08', 'a01']); // a word inside 人员穿越皮带
    expect(ext({ text: '员穿' })).toEqual(['a08', 'a01']);
    expect(ext({ text: '皮带穿越' })).toEqual([]); // the characters, not in this order
    expect(ext({ text: '跑偏' })).toEqual(['a05']);
    expect(ext({ text: '瓦斯' })).toEqual(['a07']); // an unknown kind by the source's name
    expect(ext({ text: '一键' })).toEqual(['a03']);
    expect(ext({ text: '张建国' })).toEqual(['a03']); // reporter
    expect(ext({ text: '常村' })).toEqual(['a05', 'a02']); // mine name
    expect(ext({ text: '潞州区' })).toEqual(['a08', 'a03', 'a01']); // county
    expect(ext({ text: '编码器' })).toEqual(['a04']);
    expect(ext({ text: '王庄 穿越' })).toEqual(['a08', 'a01']); // parts ANDed
    expect(ext({ text: '常村 穿越' })).toEqual([]);
    expect(ext({ text: '  皮带  ' })).toEqual(['a08', 'a05', 'a01']);
  });

  it('finds device ids by prefix, case-insensitively', () => {
    const { ext } = seeded();
    expect(ext({ text: '14040300001320000001' })).toEqual(['a07', 'a06', 'a05', 'a04', 'a02', 'a01']);
    expect(ext({ text: '140403' })).toEqual(['a07', 'a06', 'a05', 'a04', 'a02', 'a01']);
    expect(ext({ text: 'box' })).toEqual(['a08']);
    expect(ext({ text: 'BOX-A1' })).toEqual(['a08']);
    expect(ext({ text: 'aibox' })).toEqual(['a08', 'a07', 'a06', 'a05', 'a04', 'a02', 'a01']);
    expect(ext({ text: '1404039' })).toEqual([]);
  });

  it('treats what looks like FTS5 syntax or SQL as text: no errors, no injection', () => {
    const { ext } = seeded();
    for (const text of ['"', '*', 'OR', '-', ':', '(', ')', '皮带" OR "1', ') OR (', 'terms:皮带', 'NEAR(皮 带)', "' OR 1=1 --", 'a"b', '皮带 OR 烟火', '-皮带', '^皮带*']) {
      expect(() => ext({ text })).not.toThrow();
    }
    expect(ext({ text: '"' })).toEqual([]);
    expect(ext({ text: '*' })).toEqual([]);
    expect(ext({ text: ':(' })).toEqual([]);
    expect(ext({ text: 'OR' })).toEqual([]);
    expect(ext({ text: '皮带" OR "1' })).toEqual([]);
    expect(ext({ text: "' OR 1=1 --" })).toEqual([]);
    expect(ext({ text: '皮带 OR 烟火' })).toEqual([]); // OR is a word here, not an operator
    expect(ext({ text: '-皮带' })).toEqual(['a08', 'a05', 'a01']); // the dash is punctuation, not NOT
    // Blank text is no filter.
    expect(ext({ text: '   ' })).toHaveLength(8);
  });

  /** Pages of a text search against the same filters without text, filtered here. */
  function searchAgrees(store: AlarmStore, text: string, expected: (a: Alarm) => boolean, extra: Omit<AlarmQuery, 'limit' | 'text'> = {}): number {
    const pages = (q: Omit<AlarmQuery, 'limit' | 'before'>, limit: number): Alarm[] => {
      const out: Alarm[] = [];
      let before: AlarmQuery['before'];
      for (;;) {
        const page = store.list({ ...q, limit, ...(before ? { before } : {}) });
        out.push(...page);
        if (page.length < limit) return out;
        const last = page[page.length - 1]!;
        before = { receivedAt: last.receivedAt, id: last.id };
      }
    };
    const want = pages(extra, 500)
      .filter(expected)
      .map((a) => a.id);
    const got = pages({ ...extra, text }, 40).map((a) => a.id);
    expect(got).toEqual(want);
    return got.length;
  }

  function burst(receivedAt: (n: number) => number) {
    const { db, store } = setup();
    const items = Array.from({ length: 2300 }, (_, i) => ({
      input: alarmInput({ externalId: `m${i}`, description: null, kind: i % 10 === 0 ? 'smoke-fire' : 'belt-crossing', level: (i % 4) + 1 }),
      ctx: i % 3 ? ctx('m1', '王庄煤矿', '潞州区') : ctx('m2', '常村煤矿', '屯留区'),
    }));
    let n = 0;
    new AlarmStore(db, () => receivedAt(n++)).ingestMany(items);
    return { db, store };
  }

  /** Whether the first page of a search walked the received-time index over all matches (rather than the newest-inserted). */
  function walked(db: Db, text: string): boolean {
    const sqls: string[] = [];
    const prepare = db.prepare.bind(db);
    const spy = vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
      sqls.push(sql);
      return prepare(sql);
    }) as typeof db.prepare);
    new AlarmStore(db).list({ text, limit: 50 });
    spy.mockRestore();
    return sqls.some((s) => s.includes('+a.rowid IN'));
  }

  it('gives the same pages whether the matches are few (all sorted) or many (the newest-inserted, or a walk)', () => {
    const { db, store } = burst((n) => T0 + Math.floor(n / 3) * 1000); // three alarms a second
    expect(walked(db, '穿越皮带')).toBe(false);
    expect(searchAgrees(store, '穿越皮带', (a) => a.kind === 'belt-crossing')).toBe(2070); // many
    expect(searchAgrees(store, '烟火', (a) => a.kind === 'smoke-fire')).toBe(230); // few
    expect(searchAgrees(store, '皮带', (a) => a.kind === 'belt-crossing' && a.level >= 3, { minLevel: 3, mineId: 'm1' })).toBeGreaterThan(500);
    expect(searchAgrees(store, '常村', (a) => a.mineId === 'm2' && a.kind === 'smoke-fire', { kind: 'smoke-fire' })).toBeGreaterThan(50);
    expect(searchAgrees(store, '穿越皮带', (a) => a.kind === 'belt-crossing' && a.mineId === 'm2', { state: 'new', county: '屯留区' })).toBeGreaterThan(500);
  });

  it('gives the newest matches when the clock went back (alarms stored later were received earlier)', () => {
    // Received times run backwards with insertion, and jump: the newest-inserted matches are not the newest.
    const { db, store } = burst((n) => T0 - n * 1000 + (n % 700 === 0 ? 10_000_000 : 0));
    expect(walked(db, '穿越皮带')).toBe(true);
    expect(searchAgrees(store, '穿越皮带', (a) => a.kind === 'belt-crossing')).toBe(2070);
    expect(searchAgrees(store, '王庄', (a) => a.mineId === 'm1', { minLevel: 2 })).toBeGreaterThan(1000);
    expect(searchAgrees(store, '烟火', (a) => a.kind === 'smoke-fire')).toBe(230);
  });
});

describe('AlarmStore.list query plans', () => {
  it('runs every filter combination on an index, never a full scan or a full sort', () => {
    const { db, store } = setup();
    const runs: { sql: string; args: unknown[] }[] = [];
    const prepare = db.prepare.bind(db);
    vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
      const stmt = prepare(sql) as Statement;
      const all = stmt.all.bind(stmt);
      stmt.all = ((...args: unknown[]) => {
        runs.push({ sql, args });
        return all(...(args as []));
      }) as typeof stmt.all;
      return stmt;
    }) as typeof db.prepare);
    const parts: Omit<AlarmQuery, 'limit'>[] = [
      { category: 'ai' },
      { kind: 'belt-crossing' },
      { mineId: 'm1' },
      { county: '潞州区' },
      { minLevel: 3 },
      { state: 'new' },
      { from: T0 },
      { to: T0 + 1000 },
      { before: { receivedAt: T0, id: 'x' } },
    ];
    const plans = new Map<string, string[]>();
    for (let mask = 0; mask < 1 << parts.length; mask++) {
      const q: AlarmQuery = { limit: 50 };
      parts.forEach((p, i) => {
        if (mask & (1 << i)) Object.assign(q, p);
      });
      runs.length = 0;
      store.list(q);
      const run = runs.find((r) => r.sql.includes('ORDER BY'))!;
      const plan = (prepare(`EXPLAIN QUERY PLAN ${run.sql}`).all(...(run.args as [])) as { detail: string }[]).map((r) => r.detail);
      plans.set(JSON.stringify(q), plan);
      // The most selective filter present picks the index: mine, county, kind, state, category, else received time.
      const index = q.mineId ? 'mine' : q.county ? 'county' : q.kind ? 'kind' : q.state ? 'state' : q.category ? 'category' : null;
      if (index) expect(plan.join(' | ')).toContain(`INDEX alarms_${index}_received`);
      else expect(plan.join(' | ')).toContain('INDEX alarms_received');
    }
    expect(plans.size).toBe(512);
    for (const [q, plan] of plans) {
      expect(plan.some((d) => /USING (INDEX|COVERING INDEX) alarms_/.test(d)), `${q}: ${plan.join(' | ')}`).toBe(true);
      expect(plan.some((d) => /^SCAN a$/.test(d) || d === 'USE TEMP B-TREE FOR ORDER BY'), `${q}: ${plan.join(' | ')}`).toBe(false);
    }
  });
});

describe('AlarmStore accept and dismiss', () => {
  it('accepts a new alarm, then dismisses it with a reason, each an append-only step', () => {
    const { db, clock, store } = setup();
    const { id } = store.ingest(alarmInput(), WANGZHUANG).alarm;
    expect(store.steps(id)).toEqual([]);
    clock.now = T0 + 30_000;
    const accepted = store.accept(id, ' 值班员甲 ');
    expect(alarmSchema.parse(accepted)).toEqual(accepted);
    expect(accepted).toMatchObject({ state: 'accepted', handledBy: '值班员甲', handledAt: T0 + 30_000, dismissReason: null });
    const dismissed = store.dismiss(id, '值班员乙', '  误报：皮带检修人员  ', T0 + 90_000);
    expect(dismissed).toMatchObject({ state: 'dismissed', handledBy: '值班员乙', handledAt: T0 + 90_000, dismissReason: '误报：皮带检修人员' });
    expect(store.get(id)).toEqual(dismissed);
    const seatId = store.seatId;
    expect(store.steps(id)).toEqual([
      { id: expect.any(String), alarmId: id, seq: 1, action: 'accept', actor: '值班员甲', at: T0 + 30_000, reason: null, seatId, role: null, detail: null },
      { id: expect.any(String), alarmId: id, seq: 2, action: 'dismiss', actor: '值班员乙', at: T0 + 90_000, reason: '误报：皮带检修人员', seatId, role: null, detail: null },
    ]);
    expect(new AlarmStore(db).steps(id)).toHaveLength(2);
  });

  it('dismisses a new alarm directly', () => {
    const { store } = setup();
    const { id } = store.ingest(alarmInput(), WANGZHUANG).alarm;
    expect(store.dismiss(id, '值班员', '演练')).toMatchObject({ state: 'dismissed', handledAt: T0, dismissReason: '演练' });
    expect(store.steps(id).map((s) => [s.seq, s.action])).toEqual([[1, 'dismiss']]);
  });

  it('refuses going back or doing it twice (conflict, naming who), and changes nothing', () => {
    const { store } = setup();
    const { id } = store.ingest(alarmInput(), WANGZHUANG).alarm;
    store.accept(id, '甲');
    expect(code(() => store.accept(id, '乙'))).toBe('conflict');
    expect(() => store.accept(id, '乙')).toThrow(/甲/);
    const dismissed = store.dismiss(id, '乙', '误报');
    expect(code(() => store.dismiss(id, '丙', '再次'))).toBe('conflict');
    expect(code(() => store.accept(id, '丙'))).toBe('conflict');
    expect(store.get(id)).toEqual(dismissed);
    expect(store.steps(id)).toHaveLength(2);
  });

  it('requires a reason of at most 200 characters after trimming, an actor, and a plausible time (bad-request)', () => {
    const { store } = setup();
    const { id } = store.ingest(alarmInput(), WANGZHUANG).alarm;
    expect(code(() => store.dismiss(id, '值班员', ''))).toBe('bad-request');
    expect(code(() => store.dismiss(id, '值班员', '   '))).toBe('bad-request');
    expect(code(() => store.dismiss(id, '值班员', '误'.repeat(201)))).toBe('bad-request');
    expect(code(() => store.accept(id, '  '))).toBe('bad-request');
    expect(code(() => store.accept(id, '值班员', 1_700_000))).toBe('bad-request'); // seconds, not ms
    expect(store.get(id).state).toBe('new');
    expect(store.steps(id)).toEqual([]);
    expect(store.dismiss(id, '值班员', ` ${'误'.repeat(200)} `).dismissReason).toHaveLength(200);
  });
});

describe('AlarmStore records for other seats', () => {
  function recorder() {
    const records: SyncRecord[] = [];
    const sink: RecordSink = { enqueue: (r) => void records.push(r) };
    return { records, sink };
  }

  it('sends a new alarm with its picture and each step, in the transaction of the change; a repeat sends nothing', () => {
    const { db } = stores.fresh();
    const { records, sink } = recorder();
    const store = new AlarmStore(db, () => T0, { sink, readPicture: () => Buffer.from('JPEG') });
    const { alarm } = store.ingest(alarmInput(), WANGZHUANG);
    store.ingest(alarmInput(), WANGZHUANG);
    store.accept(alarm.id, '甲');
    expect(records.map((r) => [r.kind, r.seatId])).toEqual([
      ['alarm', store.seatId],
      ['alarm-step', store.seatId],
    ]);
    expect(records[0]).toMatchObject({ key: alarm.id, payload: { alarm, picture: { mimeType: 'image/jpeg', dataBase64: Buffer.from('JPEG').toString('base64') } } });
    expect(records[1]).toMatchObject({ key: store.steps(alarm.id)[0]!.id, payload: { alarmId: alarm.id, action: 'accept', actor: '甲', at: T0 } });
    // A sink that fails rolls the change back.
    const failing = new AlarmStore(db, () => T0, { sink: { enqueue: () => { throw new Error('disk'); } }, readPicture: () => Buffer.alloc(0) });
    expect(() => failing.dismiss(alarm.id, '乙', '误报')).toThrow('disk');
    expect(store.get(alarm.id).state).toBe('accepted');
  });

  it('derives the same state from the same steps in any order, parks steps of an absent alarm, links a known one by source id', () => {
    const a = stores.fresh().db;
    const b = stores.fresh().db;
    const { records, sink } = recorder();
    const origin = new AlarmStore(a, () => T0, { sink, readPicture: () => Buffer.alloc(0) });
    const { alarm } = origin.ingest(alarmInput(), UNLINKED);
    const accept = { stepId: 's-accept', alarmId: alarm.id, action: 'accept' as const, actor: '甲', at: T0 + 10, reason: null, seatId: 'seat-a' };
    const dismiss = { stepId: 's-dismiss', alarmId: alarm.id, action: 'dismiss' as const, actor: '乙', at: T0 + 20, reason: '误报', seatId: 'seat-b' };
    const later = { ...dismiss, stepId: 's-dismiss-2', actor: '丙', at: T0 + 30, reason: '重复', seatId: 'seat-c' };
    // On b the steps arrive first (parked), then the alarm.
    const other = new AlarmStore(b, () => T0);
    expect(other.applyRemoteStep(later)).toBeNull();
    expect(other.applyRemoteStep(accept)).toBeNull();
    expect(other.applyRemoteAlarm(alarm, null)).toMatchObject({ outcome: 'new' });
    expect(other.applyRemoteStep(dismiss)).toMatchObject({ state: 'dismissed', handledBy: '乙', dismissReason: '误报' });
    expect(other.applyRemoteStep(dismiss)).toBeNull();
    for (const s of [dismiss, accept, later]) origin.applyRemoteStep(s);
    const fields = (x: Alarm) => [x.state, x.handledBy, x.handledAt, x.dismissReason];
    expect(fields(origin.get(alarm.id))).toEqual(fields(other.get(alarm.id)));
    // Kept in the order they arrived here (parked ones first).
    expect(other.steps(alarm.id).map((s) => s.id)).toEqual(['s-dismiss-2', 's-accept', 's-dismiss']);
    expect(records).toHaveLength(1);
    // A third seat received the same push itself: the other seat's id becomes an alias, its steps land on ours.
    const c = new AlarmStore(stores.fresh().db, () => T0);
    const own = c.ingest(alarmInput(), UNLINKED).alarm;
    expect(c.applyRemoteAlarm(alarm, null)).toMatchObject({ outcome: 'alias', alarm: { id: own.id } });
    expect(c.applyRemoteStep(accept)).toMatchObject({ id: own.id, state: 'accepted', handledBy: '甲' });
    expect(c.count()).toBe(1);
  });
});
