import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, chromiumSwitches, isAppUrl, mayCallHost, mayGrantPermission, mayNavigate, mayRequest, wallUrl } from './security';

describe('isAppUrl', () => {
  it('accepts our origin with any path, query or fragment', () => {
    for (const url of [APP_ORIGIN, `${APP_ORIGIN}/`, APP_ENTRY_URL, 'app://console/assets/x.js?v=1#top', 'APP://CONSOLE/index.html']) {
      expect(isAppUrl(url), url).toBe(true);
    }
  });

  it('refuses other schemes, hosts, ports, credentials and junk', () => {
    for (const url of [
      'app://other/index.html',
      'app://console:8080/index.html',
      'app://user:pw@console/',
      'app://console.evil.example/',
      'https://console/',
      'http://127.0.0.1:5170/',
      'file:///work/main/dist/renderer/index.html',
      'devtools://devtools/bundled/inspector.html',
      'about:blank',
      'null',
      '',
      'app:console',
      `app://console/${'a'.repeat(9000)}`,
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
    expect(isAppUrl(null)).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });
});

describe('mayNavigate', () => {
  it('allows pages of our app only', () => {
    expect(mayNavigate('app://console/index.html#/wall')).toBe(true);
    expect(mayNavigate('http://127.0.0.1:9/')).toBe(false);
    expect(mayNavigate('javascript:alert(1)')).toBe(false);
    expect(mayNavigate('data:text/html,<b>x</b>')).toBe(false);
  });
});

describe('mayGrantPermission', () => {
  it('grants media and fullscreen to our origin (origin or URL form)', () => {
    expect(mayGrantPermission('media', APP_ORIGIN)).toBe(true);
    expect(mayGrantPermission('media', APP_ENTRY_URL)).toBe(true);
    expect(mayGrantPermission('fullscreen', APP_ORIGIN)).toBe(true);
  });

  it('grants local network access (LAN and loopback backends) to our origin only', () => {
    for (const p of ['local-network-access', 'local-network', 'loopback-network']) {
      expect(mayGrantPermission(p, APP_ORIGIN), p).toBe(true);
      expect(mayGrantPermission(p, 'https://example.invalid'), p).toBe(false);
    }
  });

  it('denies every other permission, even to our origin', () => {
    for (const p of ['geolocation', 'notifications', 'openExternal', 'display-capture', 'clipboard-read', 'hid', 'usb', 'serial', 'midiSysex', 'unknown']) {
      expect(mayGrantPermission(p, APP_ORIGIN), p).toBe(false);
    }
  });

  it('denies media and fullscreen to any other origin', () => {
    for (const o of ['https://example.invalid', 'http://127.0.0.1:5170', 'file://', 'null', '', null, undefined]) {
      expect(mayGrantPermission('media', o), String(o)).toBe(false);
      expect(mayGrantPermission('fullscreen', o), String(o)).toBe(false);
    }
  });
});

describe('mayCallHost', () => {
  it('accepts a frame showing our app', () => {
    expect(mayCallHost({ url: 'app://console/index.html' })).toBe(true);
  });

  it('refuses missing frames and foreign pages', () => {
    expect(mayCallHost(null)).toBe(false);
    expect(mayCallHost(undefined)).toBe(false);
    expect(mayCallHost({ url: '' })).toBe(false);
    expect(mayCallHost({ url: 'about:blank' })).toBe(false);
    expect(mayCallHost({ url: 'http://127.0.0.1:9/' })).toBe(false);
  });
});

describe('mayRequest', () => {
  const backends = ['ws://127.0.0.1:8188', 'wss://janus.mine.lan'];

  it('allows our scheme, in-memory URLs and DevTools', () => {
    expect(mayRequest('app://console/assets/index.js', [])).toBe(true);
    expect(mayRequest('blob:app://console/0c6a', [])).toBe(true);
    expect(mayRequest('data:image/png;base64,AAAA', [])).toBe(true);
    expect(mayRequest('devtools://devtools/bundled/inspector.html', [])).toBe(true);
  });

  it('allows the configured backends over ws(s) and http(s)', () => {
    expect(mayRequest('ws://127.0.0.1:8188/janus', backends)).toBe(true);
    expect(mayRequest('http://127.0.0.1:8188/janus/info', backends)).toBe(true);
    expect(mayRequest('wss://janus.mine.lan/janus', backends)).toBe(true);
    expect(mayRequest('https://janus.mine.lan:443/x', backends)).toBe(true);
  });

  it('refuses everything else', () => {
    expect(mayRequest('ws://127.0.0.1:8189/janus', backends)).toBe(false);
    expect(mayRequest('wss://127.0.0.1:8188/janus', backends)).toBe(false);
    expect(mayRequest('https://example.invalid/font.woff2', backends)).toBe(false);
    expect(mayRequest('app://other/x.js', backends)).toBe(false);
    expect(mayRequest('file:///etc/passwd', backends)).toBe(false);
    expect(mayRequest('chrome://gpu', backends)).toBe(false);
    expect(mayRequest('not a url', backends)).toBe(false);
    expect(mayRequest('ws://127.0.0.1:8188/janus', ['not an origin'])).toBe(false);
  });
});

describe('chromiumSwitches', () => {
  it('sets no WebRTC policy that would bind only the default route', () => {
    const names = chromiumSwitches().map(([name]) => name);
    expect(names).toContain('allow-loopback-in-peer-connection');
    expect(names).not.toContain('force-webrtc-ip-handling-policy');
  });
});

describe('wall window pages', () => {
  it('wallUrl routes our own origin to one monitor', () => {
    expect(wallUrl(2)).toBe('app://console/#/wall/2');
    expect(wallUrl(16)).toBe('app://console/#/wall/16');
    for (const n of [0, 17, 2.5, -1, Number.NaN]) expect(() => wallUrl(n), String(n)).toThrow(RangeError);
  });

  it('wall pages are ours: they may navigate between monitors, call the host and get media and fullscreen', () => {
    for (const n of [1, 2, 9, 16]) {
      const url = wallUrl(n);
      expect(isAppUrl(url), url).toBe(true);
      expect(mayNavigate(url), url).toBe(true);
      expect(mayCallHost({ url }), url).toBe(true);
      expect(mayGrantPermission('fullscreen', url), url).toBe(true);
      expect(mayGrantPermission('media', url), url).toBe(true);
      expect(mayRequest(url, []), url).toBe(true);
    }
    expect(mayNavigate('app://console/index.html#/wall/3')).toBe(true);
  });

  it('the same fragment on any other origin is still refused', () => {
    for (const url of [
      'app://other/#/wall/2',
      'app://console:1/#/wall/2',
      'app://x@console/#/wall/2',
      'http://127.0.0.1:5170/#/wall/2',
      'https://console/#/wall/2',
      'file:///#/wall/2',
      'about:blank#/wall/2',
      'javascript:location.hash="#/wall/2"',
    ]) {
      expect(mayNavigate(url), url).toBe(false);
      expect(mayCallHost({ url }), url).toBe(false);
      expect(mayGrantPermission('fullscreen', url), url).toBe(false);
    }
  });
});
