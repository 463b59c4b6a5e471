import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretStore, type Cipher } from './secretStore';

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-secrets-'));
  dirs.push(dir);
  return path.join(dir, 'secrets.json');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Stands for Electron's safeStorage: reversible, and the plain text never appears in the sealed bytes. */
const xorCipher: Cipher = {
  encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (sealed) => Buffer.from(sealed.map((b) => b ^ 0x5a)).toString('utf8'),
};

describe('FileSecretStore', () => {
  it('keeps values across instances in a 0600 file, written atomically', () => {
    const file = tempFile();
    const store = new FileSecretStore(file);
    expect(store.protection).toBe('file-0600');
    store.set('backend.wvp1.password', '口令-123');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.json']);
    const again = new FileSecretStore(file);
    expect(again.get('backend.wvp1.password')).toBe('口令-123');
    expect(again.keys()).toEqual(['backend.wvp1.password']);
    again.delete('backend.wvp1.password');
    expect(new FileSecretStore(file).get('backend.wvp1.password')).toBeNull();
  });

  it('with a cipher (Electron safeStorage) the file never holds the plain value', () => {
    const file = tempFile();
    const store = new FileSecretStore(file, xorCipher);
    expect(store.protection).toBe('os-keychain');
    store.set('backend.hik.appSecret', 'very-secret-value');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('very-secret-value');
    expect(new FileSecretStore(file, xorCipher).get('backend.hik.appSecret')).toBe('very-secret-value');
  });

  it('tightens a file others could read, refuses foreign files and bad keys', () => {
    const file = tempFile();
    fs.writeFileSync(file, JSON.stringify({ version: 1, entries: { 'a.b': 'x' } }), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(new FileSecretStore(file).get('a.b')).toBe('x');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.writeFileSync(file, '{"something":"else"}');
    expect(() => new FileSecretStore(file)).toThrow(/not a secrets file/);
    const ok = new FileSecretStore(tempFile());
    expect(() => ok.set('../etc/passwd', 'x')).toThrow(/invalid secret key/);
    expect(() => ok.get('')).toThrow(/invalid secret key/);
  });
});
