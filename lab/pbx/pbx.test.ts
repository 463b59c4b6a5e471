/**
 * End-to-end test of the lab PBX with real servers: rtpengine, Kamailio and 18 baresip phones on 127.0.0.1.
 * Run alone: `npx vitest run lab/pbx` (~30 s). Root not required.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KamailioRpc } from '../../src/main/connectors/sip/kamailioRpc';
import { contactSchema } from '../../src/shared/domain/telephony';
import { netstring, parseListCalls, parseNetstrings } from './baresipControl';
import { startPbx, type LabPbx } from './pbx';
import { readWav, toneShare } from './wavTone';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Relative power of `hz` in 16-bit mono samples (Goertzel), 0..1 of the total energy. */
/** A minimal SIP-over-WebSocket REGISTER with digest auth (RFC 7118 + RFC 2617, qop auth). */
async function wsRegister(url: string, user: string, password: string, realm: string): Promise<{ status: number; close: () => void }> {
  const ws = new WebSocket(url, 'sip');
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const callId = `t${Date.now()}${Math.random()}`;
  let cseq = 1;
  const next = (): Promise<string> => new Promise((resolve) => ws.once('message', (d) => resolve(d.toString())));
  const request = (auth: string | null): string =>
    [
      `REGISTER sip:127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/WS abc.invalid;branch=z9hG4bK${Math.random().toString(36).slice(2)}`,
      'Max-Forwards: 70',
      `To: <sip:${user}@127.0.0.1>`,
      `From: <sip:${user}@127.0.0.1>;tag=${Math.random().toString(36).slice(2)}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq++} REGISTER`,
      `Contact: <sip:${user}@abc.invalid;transport=ws>;expires=60`,
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const status = (msg: string): number => Number(/^SIP\/2\.0 (\d{3})/.exec(msg)?.[1] ?? 0);
  ws.send(request(null));
  const challenge = await next();
  expect(status(challenge)).toBe(401);
  const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const uri = 'sip:127.0.0.1';
  const cnonce = 'abcdef';
  const nc = '00000001';
  const qop = /qop="?auth/.test(challenge) ? 'auth' : null;
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`REGISTER:${uri}`);
  const response = qop ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  const auth =
    `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5` +
    (qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : '');
  ws.send(request(auth));
  const answer = await next();
  return { status: status(answer), close: () => ws.close() };
}

describe('baresip ctrl_tcp framing', () => {
  it('frames and splits netstrings', () => {
    const a = netstring('{"x":"调度"}');
    const { messages, rest } = parseNetstrings(Buffer.concat([a, a.subarray(0, 3)]));
    expect(messages).toEqual(['{"x":"调度"}']);
    expect(rest.length).toBe(3);
  });
  it('parses listcalls', () => {
    const calls = parseListCalls('\n> [line 1]  0:00:03  ESTABLISHED             sip:8002@127.0.0.1;transport=udp\n');
    expect(calls).toMatchObject([{ state: 'ESTABLISHED', peer: 'sip:8002@127.0.0.1;transport=udp' }]);
  });
});

describe('lab PBX (real rtpengine, Kamailio, baresip)', () => {
  let pbx: LabPbx;
  let runDir: string;
  let startMs = 0;
  const rpc = new KamailioRpc('http://127.0.0.1:8088/RPC');

  beforeAll(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'lab-pbx-test-'));
    const t0 = Date.now();
    pbx = await startPbx({ runDir, log: (l) => console.log(`[pbx] ${l}`) });
    startMs = Date.now() - t0;
  });
  afterAll(async () => {
    await pbx?.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('registers every phone and writes a valid console.json', async () => {
    console.log(`PBX started in ${startMs} ms`);
    const view = await rpc.view();
    for (const p of pbx.phones) expect(view.registered).toContain(p.number);
    expect(pbx.phones.filter((p) => p.role === 'dispatch')).toHaveLength(12);
    expect(pbx.phones.filter((p) => p.answer === 'never')).toHaveLength(1);
    const tones = pbx.phones.map((p) => p.toneHz).filter((t) => t !== null);
    expect(new Set(tones).size).toBe(tones.length);
    const json = JSON.parse(readFileSync(pbx.consoleJson, 'utf8')) as {
      account: { password: string; user: string };
      directory: unknown[];
      broadcastGroups: { memberIds: string[] }[];
    };
    expect(json.account.user).toBe('1001');
    expect(json.account.password).toBe(pbx.consoleAccounts[0]?.password);
    for (const c of json.directory) contactSchema.parse(c);
    // Every phone, the second console seat, the speaker that never registers and the two RTP speakers.
    expect(json.directory).toHaveLength(pbx.phones.length + 4);
    expect(json.broadcastGroups[0]?.memberIds).toEqual(['lab-7001', 'lab-7002', 'lab-7003']);
  });

  it('connects phone to phone through Kamailio and rtpengine, with audio', async () => {
    const a = pbx.phones.find((p) => p.number === '8001');
    const b = pbx.phones.find((p) => p.number === '8002');
    if (!a?.toneHz || !b) throw new Error('phones 8001/8002 missing');
    const t0 = Date.now();
    await pbx.dial(a.number, b.number);
    await until('both ESTABLISHED', 5000, async () => {
      const [ca, cb] = [await pbx.listCalls(a.number), await pbx.listCalls(b.number)];
      return ca[0]?.state === 'ESTABLISHED' && cb[0]?.state === 'ESTABLISHED';
    });
    console.log(`8001 → 8002 established in ${Date.now() - t0} ms`);
    const view = await rpc.view();
    expect(view.inDialog).toEqual(expect.arrayContaining([a.number, b.number]));
    // Listen for a few seconds: B hears A's tone from the start.
    await sleep(3000);
    await pbx.hangup(a.number);
    await until('dialog gone', 3000, async () => (await rpc.view()).inDialog.length === 0);
    const dir = join(runDir, 'pbx', 'phones', b.number);
    const heard = readdirSync(dir).find((f) => f.endsWith('-dec.wav'));
    if (!heard) throw new Error('no sndfile recording at B');
    const { samples } = readWav(join(dir, heard));
    const tail = samples.subarray(Math.max(0, samples.length - 8000));
    const share = toneShare(tail, a.toneHz);
    const other = toneShare(tail, b.toneHz ?? 340);
    console.log(`B heard ${samples.length / 8000} s; last second: ${(share * 100).toFixed(0)} % at ${a.toneHz} Hz, ${(other * 100).toFixed(1)} % at B's own tone`);
    expect(share).toBeGreaterThan(0.5);
    expect(other).toBeLessThan(0.05);
  }, 30_000);

  it('answers 404 for unknown numbers and lets the never-answering phone ring', async () => {
    await pbx.dial('8003', '5555');
    await until('8003 call failed', 3000, async () => (await pbx.listCalls('8003')).length === 0);
    const log = readFileSync(join(runDir, 'pbx', 'logs', 'phone-8003.log'), 'utf8');
    expect(log).toMatch(/404 Not Found/);
    await pbx.dial('8004', '8999');
    await until('8999 ringing', 3000, async () => (await pbx.listCalls('8999'))[0]?.state === 'INCOMING');
    expect((await rpc.view()).inDialog).toEqual(expect.arrayContaining(['8004', '8999']));
    await pbx.hangup('8004');
    await until('ringing stopped', 3000, async () => (await pbx.listCalls('8999')).length === 0);
  });

  it('fails a call to a registered phone that does not respond with 408 (no hang)', async () => {
    const pids = JSON.parse(readFileSync(join(runDir, 'pbx', 'pids.json'), 'utf8')) as Record<string, number>;
    const pid = pids['phone-8005'];
    if (!pid) throw new Error('no pid for phone 8005');
    process.kill(pid, 'SIGSTOP'); // registered, but silent (the supervisor does not restart a stopped process)
    try {
      const t0 = Date.now();
      await pbx.dial('8006', '8005');
      await until('8006 call failed', 8000, async () => (await pbx.listCalls('8006')).length === 0);
      console.log(`call to a silent phone failed after ${Date.now() - t0} ms`);
      expect(readFileSync(join(runDir, 'pbx', 'logs', 'phone-8006.log'), 'utf8')).toMatch(/408 Request Timeout/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }, 15_000);

  it('refuses a wrong console password and accepts the right one', { timeout: 15_000 }, async () => {
    const account = pbx.consoleAccounts[0];
    if (!account) throw new Error('no console account');
    const wrong = await wsRegister(pbx.wsUrl, account.user, 'not-the-password', pbx.realm);
    wrong.close();
    expect(wrong.status).toBe(401);
    const right = await wsRegister(pbx.wsUrl, account.user, account.password, pbx.realm);
    expect(right.status).toBe(200);
    expect((await rpc.view()).registered).toContain(account.user);
    right.close();
    // handle_lost_tcp: the registration goes with its connection (at the next usrloc timer, every 5 s).
    const t0 = Date.now();
    await until('ws contact removed', 8000, async () => !(await rpc.view()).registered.includes(account.user));
    console.log(`closed WebSocket's registration removed after ${Date.now() - t0} ms`);
  });

  it('keeps registrations across a Kamailio restart and still connects calls', async () => {
    const t0 = Date.now();
    await pbx.restartKamailio();
    const restartMs = Date.now() - t0;
    const back = await until('registrations back', 10_000, async () => {
      const v = await rpc.view();
      return pbx.phones.every((p) => v.registered.includes(p.number)) ? Date.now() - t0 : null;
    });
    console.log(`Kamailio restart ${restartMs} ms, all ${pbx.phones.length} registrations back ${back} ms after it began`);
    await pbx.dial('6001', '7001');
    await until('call after restart', 5000, async () => (await pbx.listCalls('7001'))[0]?.state === 'ESTABLISHED');
    await pbx.hangup('6001');
    await until('call ended', 3000, async () => (await pbx.listCalls('6001')).length === 0);
  });
});
