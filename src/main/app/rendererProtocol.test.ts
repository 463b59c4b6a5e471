import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRendererHandler } from './rendererProtocol';

let base: string;
let rendererDir: string;
let csp = "default-src 'none'";
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-protocol-'));
  rendererDir = path.join(base, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>煤矿应急指挥调度台</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'main.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'outside the renderer folder');
  handle = createRendererHandler({ rendererDir, csp: () => csp });
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

describe('createRendererHandler', () => {
  it('serves the renderer files with CSP and nosniff', async () => {
    const res = await get('app://console/assets/main.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(csp);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('serves index.html for the root and for client routes', async () => {
    for (const url of ['app://console/', 'app://console/index.html', 'app://console/wall/2']) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(await res.text(), url).toContain('煤矿应急指挥调度台');
    }
  });

  it('reads the CSP at each response', async () => {
    csp = "default-src 'none'; connect-src 'self' ws://127.0.0.1:8188";
    const res = await get('app://console/');
    expect(res.headers.get('content-security-policy')).toBe(csp);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://console/../secret.txt',
      'app://console/..%2Fsecret.txt',
      'app://console/%2e%2e/secret.txt',
      'app://console/assets/..%2F..%2Fsecret.txt',
      'app://console/..%5Csecret.txt',
      `app://console/${encodeURIComponent(path.join(base, 'secret.txt'))}`,
    ]) {
      const res = await get(url);
      const body = await res.text();
      expect(body, url).not.toContain('outside the renderer folder');
    }
  });

  it('answers HEAD without a body and refuses other methods and hosts', async () => {
    const head = await get('app://console/assets/main.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://console/index.html', 'POST')).status).toBe(405);
    expect((await get('app://other/index.html')).status).toBe(404);
  });
});
