import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { CallReport, Contact } from '../../shared/domain/telephony';
import { expect } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { openStore, type Db } from '../services/store';

/** Temporary data folders and databases for the telephony tests; `cleanup()` in afterEach. */
export function tempStores() {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  return {
    fresh(): { db: Db; dir: string; media: string } {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-tel-'));
      dirs.push(dir);
      const db = openStore({ dataDir: dir });
      dbs.push(db);
      return { db, dir, media: path.join(dir, 'media') };
    },
    cleanup(): void {
      for (const db of dbs.splice(0)) if (db.open) db.close();
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const T0 = Date.UTC(2026, 2, 15, 6, 23, 1);

export function contact(id: string, number: string, extra: Partial<Contact> = {}): Contact {
  return { id, name: `联系人${id}`, number, role: 'duty', org: '调度室', county: '潞州区', mineId: 'm1', mineName: '王庄煤矿', ...extra };
}

export function report(extra: Partial<CallReport> = {}): CallReport {
  return {
    id: 'call-0001',
    accountId: 'seat1',
    direction: 'out',
    kind: 'single',
    groupId: null,
    caller: { number: '8001', name: '市应急调度' },
    callee: { number: '2001', name: '王庄煤矿调度室' },
    mineId: 'm1',
    state: 'calling',
    startedAt: T0,
    answeredAt: null,
    endedAt: null,
    outcome: null,
    reason: null,
    ...extra,
  };
}

/** The entries of a zip (stored or deflated), read from its central directory. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The ConsoleError code `fn` throws (its message must be Chinese, for the operator), or null when it does not throw. */
export function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).message).toMatch(/[\u4e00-\u9fff]/);
    return (err as ConsoleError).code;
  }
}
