import { describe, expect, it } from 'vitest';
import { backendConnectOrigins, withSocketTwin } from './connectOrigins';
import { backendConfigSchema } from '../../shared/domain/settings';

describe('backendConnectOrigins', () => {
  it('lists Janus by its API and WVP/Hikvision only by their media origins, of enabled backends', () => {
    const backends = [
      { id: 'lab', kind: 'janus', name: 'J', enabled: true, url: 'ws://198.18.0.1:8188' },
      { id: 'wvp1', kind: 'wvp', name: 'W', enabled: true, url: 'http://wvp.example:18080', username: 'admin' },
      { id: 'hik', kind: 'hikvision', name: 'H', enabled: false, url: 'https://isc.example', appKey: '24747926' },
    ].map((b) => backendConfigSchema.parse(b));
    const sources = new Map([
      ['wvp1', { mediaOrigins: () => ['http://zlm.example:8080'] }],
      ['hik', { mediaOrigins: () => ['https://isc.example:443'] }],
    ]);
    expect(backendConnectOrigins(backends, sources).sort()).toEqual(
      ['ws://198.18.0.1:8188', 'http://198.18.0.1:8188', 'http://zlm.example:8080', 'ws://zlm.example:8080'].sort(),
    );
    expect(withSocketTwin('wss://a.example:4443/x')).toEqual(['wss://a.example:4443', 'https://a.example:4443']);
    expect(withSocketTwin('rtsp://a.example')).toEqual([]);
  });

  it('validates the kinds: WVP http(s), Hikvision https only, a PEM CA without private keys', () => {
    const wvp = { id: 'w', kind: 'wvp', name: 'W', enabled: true, url: 'ftp://x', username: 'admin' };
    expect(backendConfigSchema.safeParse(wvp).success).toBe(false);
    expect(backendConfigSchema.safeParse({ ...wvp, url: 'https://x.example' }).success).toBe(true);
    const hik = { id: 'h', kind: 'hikvision', name: 'H', enabled: true, url: 'http://isc.example', appKey: 'k' };
    expect(backendConfigSchema.safeParse(hik).success).toBe(false);
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(backendConfigSchema.safeParse({ ...hik, url: 'https://isc.example', caCertPem: pem }).success).toBe(true);
    expect(backendConfigSchema.safeParse({ ...hik, url: 'https://isc.example', caCertPem: 'hello' }).success).toBe(false);
    expect(backendConfigSchema.safeParse({ ...hik, url: 'https://isc.example', caCertPem: `${pem}-----BEGIN PRIVATE KEY-----\n` }).success).toBe(false);
    // No password field survives in a config.
    const parsed = backendConfigSchema.parse({ ...wvp, url: 'http://x.example', password: 'p' });
    expect(parsed).not.toHaveProperty('password');
  });
});
