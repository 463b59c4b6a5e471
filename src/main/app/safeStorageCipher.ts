import { safeStorage } from 'electron';
import type { Cipher } from '../services/secretStore';

/**
 * Electron's safeStorage (OS keychain: libsecret/kwallet, Keychain, DPAPI) as the secrets cipher, or
 * null where no keychain answers (a bare Linux session): the store then says `file-0600` and the
 * console warns, rather than pretending ("basic_text" is not protection).
 */
export function safeStorageCipher(): Cipher | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null;
  return { encrypt: (plain) => safeStorage.encryptString(plain), decrypt: (sealed) => safeStorage.decryptString(sealed) };
}
