import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTrustingCa } from './caFetch';

/** A private CA and a server certificate for "localhost", made with openssl as a site's own CA would be. */
let dir: string;
let ca: string;
let server: https.Server;
let url: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-ca-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Mine Private CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost\n');
  run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');
  ca = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  server = https.createServer({ key: fs.readFileSync(path.join(dir, 'srv.key')), cert: fs.readFileSync(path.join(dir, 'srv.pem')) }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, body, token: req.headers['access-token'] ?? null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `https://localhost:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('fetchTrustingCa', () => {
  it('reaches an HTTPS server whose certificate a private CA signed, which the global fetch refuses', async () => {
    const f = fetchTrustingCa(ca);
    const res = await f(`${url}/x`, { method: 'POST', headers: { 'access-token': 't' }, body: '{"a":1}', signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: 'POST', body: '{"a":1}', token: 't' });
    expect((await f(`${url}/missing`, {})).status).toBe(404);
    const refused = await fetch(`${url}/x`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TypeError);
  });

  it('fails like fetch (TypeError with the socket error code as cause) for an untrusted certificate', async () => {
    const other = execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-days', '1', '-subj', '/CN=Other CA'], { stdio: 'pipe' }).toString();
    const err = await fetchTrustingCa(other)(`${url}/x`, {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(((err as Error).cause as { code?: string }).code).toMatch(/CERT|SIGNATURE|ISSUER/);
  });
});
