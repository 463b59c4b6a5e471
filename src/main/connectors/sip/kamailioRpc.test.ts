import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { inDialogFromDlgList, KamailioRpc, registeredFromUlDump, userPart } from './kamailioRpc';

/** Trimmed from a real Kamailio 5.6.3 `ul.dump` of the lab PBX (lab/pbx), plus expired/permanent cases. */
const UL_DUMP = {
  Domains: [
    {
      Domain: {
        Domain: 'location',
        Size: 1024,
        AoRs: [
          {
            Info: {
              AoR: '8012',
              HashID: 1061165065,
              Contacts: [
                {
                  Contact: {
                    Address: 'sip:8012-0x55f77afa4a60@127.0.0.1:5144',
                    Expires: 296,
                    Q: -1,
                    'Call-ID': 'b068f3dcbd6dc768',
                    CSeq: 17199,
                    'User-Agent': 'baresip v1.0.0 (x86_64/linux)',
                    Received: '[not set]',
                    State: 'CS_SYNC',
                    Socket: 'udp:127.0.0.1:5060',
                    'Tcpconn-Id': -1,
                  },
                },
              ],
            },
          },
          { Info: { AoR: '1001@127.0.0.1', Contacts: [{ Contact: { Address: 'sip:x@a.invalid;transport=ws', Expires: 'permanent' } }] } },
          { Info: { AoR: '8002', Contacts: [{ Contact: { Address: 'sip:8002@127.0.0.1:5104', Expires: 'expired' } }] } },
          { Info: { AoR: '8003', Contacts: [{ Contact: { Address: 'sip:8003@127.0.0.1:5108', Expires: 'deleted' } }] } },
          { Info: { AoR: '8004', Contacts: [] } },
          { something: 'else' },
        ],
        Stats: { Records: 6, 'Max-Slots': 1 },
      },
    },
  ],
};

/** Trimmed from a real `dlg.list` during a 8001 → 8002 call, plus a deleted and an early dialog. */
const DLG_LIST = [
  {
    h_entry: 1875,
    h_id: 11102,
    'call-id': 'ca3776bc282fa0a9',
    from_uri: 'sip:8001@127.0.0.1:5060',
    to_uri: 'sip:8002@127.0.0.1;transport=udp',
    state: 4,
    caller: { tag: '6e8a067083f9e849', contact: 'sip:8001-0x5593cebb7a60@127.0.0.1:5100' },
    callee: { tag: 'aa0be558da5a68ce', contact: 'sip:8002-0x5576ef37da60@127.0.0.1:5104' },
  },
  { from_uri: 'sip:8005@127.0.0.1', to_uri: 'sip:8006@127.0.0.1', state: 5 },
  { from_uri: 'sip:1001@127.0.0.1', to_uri: 'sip:8999@127.0.0.1', state: 2 },
  { broken: true },
];

describe('KamailioRpc parsing', () => {
  it('takes user parts of live contacts only', () => {
    expect(registeredFromUlDump(UL_DUMP)).toEqual(['1001', '8012']);
    expect(registeredFromUlDump({ Domains: [] })).toEqual([]);
    expect(() => registeredFromUlDump({ nope: 1 })).toThrow(/ul\.dump/);
  });

  it('takes callers and callees of dialogs that are not deleted', () => {
    expect(inDialogFromDlgList(DLG_LIST)).toEqual(['1001', '8001', '8002', '8999']);
    expect(inDialogFromDlgList([])).toEqual([]);
    expect(inDialogFromDlgList(undefined)).toEqual([]);
    expect(() => inDialogFromDlgList({})).toThrow(/dlg\.list/);
  });

  it('reads user parts', () => {
    expect(userPart('sip:8001@127.0.0.1:5060;transport=udp')).toBe('8001');
    expect(userPart('<sips:1001@pbx.example>')).toBe('1001');
    expect(userPart('8001')).toBe('8001');
    expect(userPart('sip:')).toBeNull();
  });
});

describe('KamailioRpc over HTTP', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  async function serve(handler: (method: string, reply: (status: number, body: string) => void) => void): Promise<string> {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { method } = JSON.parse(body) as { method: string };
        handler(method, (status, text) => res.writeHead(status, { 'content-type': 'application/json' }).end(text));
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/RPC`;
  }

  it('maps ul.dump and dlg.list to a PbxView', async () => {
    const url = await serve((method, reply) =>
      reply(200, JSON.stringify({ jsonrpc: '2.0', result: method === 'ul.dump' ? UL_DUMP : DLG_LIST, id: 1 })),
    );
    expect(await new KamailioRpc(url).view()).toEqual({ registered: ['1001', '8012'], inDialog: ['1001', '8001', '8002', '8999'] });
  });

  it('says when the PBX is unreachable, times out, answers HTTP errors, garbage or an RPC error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(new KamailioRpc(`http://127.0.0.1:${closedPort}/RPC`).view()).rejects.toThrow(/无法连接 PBX .*ECONNREFUSED/);
    const url = await serve((method, reply) => {
      if (method === 'http') reply(500, 'boom');
      else if (method === 'garbage') reply(200, '<html>');
      else if (method === 'rpcerror') reply(200, JSON.stringify({ jsonrpc: '2.0', error: { code: -32601, message: 'Method Not Found' }, id: 1 }));
      else if (method === 'notrpc') reply(200, JSON.stringify({ hello: 1 }));
      // 'slow': never answers
    });
    const rpc = new KamailioRpc(url, 300);
    await expect(rpc.call('http')).rejects.toThrow(/HTTP 500/);
    await expect(rpc.call('garbage')).rejects.toThrow(/不是合法 JSON/);
    await expect(rpc.call('rpcerror')).rejects.toThrow(/-32601 Method Not Found/);
    await expect(rpc.call('notrpc')).rejects.toThrow(/JSON-RPC 2\.0/);
    await expect(rpc.call('slow')).rejects.toThrow(/300 ms 内无应答/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(rpc.call('slow', [], aborted.signal)).rejects.toThrow(/已取消/);
    server?.closeAllConnections();
  });
});
