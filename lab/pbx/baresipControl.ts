/**
 * baresip's ctrl_tcp: netstring-framed JSON. A command `{"command":"dial","params":"sip:…","token":"t1"}` gets
 * `{"response":true,"ok":true,"data":"…","token":"t1"}`; events (`{"event":true,"type":"CALL_ESTABLISHED",…}`)
 * arrive on the same connection and are ignored here. One short-lived connection per command.
 */
import { connect } from 'node:net';

export type BaresipResponse = { ok: boolean; data: string };

export function netstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

/** Splits complete netstrings off the front of `buf`; returns them and the rest. */
export function parseNetstrings(buf: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let rest = buf;
  for (;;) {
    const colon = rest.indexOf(0x3a);
    if (colon < 0) break;
    const len = Number(rest.subarray(0, colon).toString('ascii'));
    if (!Number.isInteger(len) || len < 0) throw new Error(`bad netstring length ${rest.subarray(0, colon).toString('ascii').slice(0, 20)}`);
    if (rest.length < colon + 1 + len + 1) break;
    messages.push(rest.subarray(colon + 1, colon + 1 + len).toString('utf8'));
    rest = rest.subarray(colon + 1 + len + 1);
  }
  return { messages, rest };
}

let tokenSeq = 0;

export function baresipCommand(port: number, command: string, params = '', timeoutMs = 3000): Promise<BaresipResponse> {
  const token = `t${++tokenSeq}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buf: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`baresip on port ${port}: no answer to ${command} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err: Error | null, res?: BaresipResponse): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else if (res) resolve(res);
    };
    socket.once('error', (err) => done(new Error(`baresip on port ${port}: ${err.message}`)));
    socket.once('connect', () => socket.write(netstring(JSON.stringify({ command, params, token }))));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let parsed: ReturnType<typeof parseNetstrings>;
      try {
        parsed = parseNetstrings(buf);
      } catch (err) {
        done(err as Error);
        return;
      }
      buf = parsed.rest;
      for (const m of parsed.messages) {
        let msg: { response?: boolean; ok?: boolean; data?: string; token?: string };
        try {
          msg = JSON.parse(m) as typeof msg;
        } catch {
          continue;
        }
        if (msg.response && msg.token === token) {
          done(null, { ok: msg.ok === true, data: msg.data ?? '' });
          return;
        }
      }
    });
  });
}

export type BaresipCall = {
  /** The peer's SIP URI as baresip prints it. */
  peer: string;
  /** e.g. ESTABLISHED, RINGING, OUTGOING, INCOMING, EARLY. */
  state: string;
  direction: 'incoming' | 'outgoing' | 'unknown';
  raw: string;
};

/**
 * Parses `listcalls` output. baresip 1.0 prints one line per call, e.g.
 * `  #1 [line 1]  ESTABLISHED  00:00:03  sip:8002@127.0.0.1` (arrow ← / → for the direction in some versions).
 */
export function parseListCalls(data: string): BaresipCall[] {
  const calls: BaresipCall[] = [];
  // eslint-disable-next-line no-control-regex
  const clean = data.replace(/\x1b\[[0-9;]*m/g, '');
  for (const line of clean.split('\n')) {
    const state = /\b(ESTABLISHED|RINGING|OUTGOING|INCOMING|EARLY|TERMINATED|TRANSFER|IDLE)\b/.exec(line)?.[1];
    const peer = /(sips?:[^\s>]+)/.exec(line)?.[1];
    if (!state || !peer) continue;
    const direction = /←|<-|\bin\b|incoming/i.test(line) ? 'incoming' : /→|->|\bout\b|outgoing/i.test(line) ? 'outgoing' : 'unknown';
    calls.push({ peer, state, direction, raw: line.trim() });
  }
  return calls;
}
