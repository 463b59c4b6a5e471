import { describe, expect, it } from 'vitest';
import { backendConnectOrigins, sipConnectOrigins, withSocketTwin } from './connectOrigins';
import { backendConfigSchema } from '../../shared/domain/settings';
import { sipAccountSchema } from '../../shared/domain/telephony';

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

describe('sipConnectOrigins', () => {
  it("lists enabled SIP accounts' WebSocket origins, never their presenceUrl", () => {
    const accounts = [
      { id: 'seat1', name: '调度席 1', enabled: true, wsUrl: 'wss://pbx.example:8443/ws', domain: 'pbx.example', user: '8001', displayName: '调度 1', presenceUrl: 'http://pbx.example:8088/RPC' },
      { id: 'seat2', name: '调度席 2', enabled: true, wsUrl: 'ws://127.0.0.1:5066', domain: '127.0.0.1', user: '8002', displayName: '调度 2' },
      { id: 'seat3', name: '停用', enabled: false, wsUrl: 'ws://198.51.100.7:5066', domain: '198.51.100.7', user: '8003', displayName: '停用' },
    ].map((a) => sipAccountSchema.parse(a));
    const origins = sipConnectOrigins(accounts);
    expect(origins.sort()).toEqual(['ws://127.0.0.1:5066', 'wss://pbx.example:8443']);
    expect(origins.join(' ')).not.toContain('8088');
    expect(origins.join(' ')).not.toContain('198.51.100.7');
  });
});
