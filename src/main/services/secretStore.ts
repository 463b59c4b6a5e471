import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Where backend passwords, app secrets and SIP passwords live: never in settings, never in logs.
 * Electron encrypts each value with the OS keychain (safeStorage) before it touches the disk; the web
 * host has no keychain and keeps them in a 0600 file, which the UI must say plainly (`protection`).
 */
export type SecretProtection = 'os-keychain' | 'file-0600';

export interface SecretStore {
  readonly protection: SecretProtection;
  get(key: string): string | null;
  /** Written (fsynced) before it returns. */
  set(key: string, value: string): void;
  delete(key: string): void;
  keys(): string[];
}

/** What Electron's safeStorage offers, injected so the store is testable without Electron. */
export type Cipher = { encrypt(plain: string): Buffer; decrypt(sealed: Buffer): string };

const KEY = /^[a-z][\w.:-]{0,127}$/;
const fileSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), z.string()) });

/**
 * One JSON file (mode 0600) of entries, each either the plain value (no cipher) or base64 of the
 * cipher's sealed bytes. Replaced atomically (temp file, fsync, rename) on every change.
 */
export class FileSecretStore implements SecretStore {
  private entries: Record<string, string>;
  readonly protection: SecretProtection;

  constructor(
    private readonly file: string,
    private readonly cipher: Cipher | null = null,
  ) {
    this.protection = cipher ? 'os-keychain' : 'file-0600';
    this.entries = this.load();
  }

  get(key: string): string | null {
    checkKey(key);
    const stored = this.entries[key];
    if (stored === undefined) return null;
    return this.cipher ? this.cipher.decrypt(Buffer.from(stored, 'base64')) : stored;
  }

  set(key: string, value: string): void {
    checkKey(key);
    if (value.length > 8192) throw new Error('secret too long');
    const stored = this.cipher ? this.cipher.encrypt(value).toString('base64') : value;
    this.write({ ...this.entries, [key]: stored });
  }

  delete(key: string): void {
    checkKey(key);
    if (!(key in this.entries)) return;
    const next = { ...this.entries };
    delete next[key];
    this.write(next);
  }

  keys(): string[] {
    return Object.keys(this.entries).sort();
  }

  private load(): Record<string, string> {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    // A file others can read is tightened, not trusted blindly and not silently left open.
    const mode = fs.statSync(this.file).mode & 0o777;
    if (mode !== 0o600) fs.chmodSync(this.file, 0o600);
    const parsed = fileSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`${path.basename(this.file)} is not a secrets file (version 1)`);
    return parsed.data.entries;
  }

  private write(entries: Record<string, string>): void {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, `${JSON.stringify({ version: 1, entries })}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
    this.entries = entries;
  }
}

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`invalid secret key ${JSON.stringify(key.slice(0, 40))}`);
}
