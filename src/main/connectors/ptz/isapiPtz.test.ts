import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared/contract/rpc';
import {
  IsapiPtzClient,
  isapiSpeed,
  parseIsapiPtzUrl,
  parsePresetList,
  parseResponseStatus,
  presetListRequest,
  ptzCommandRequest,
} from './isapiPtz';
import { XmlParseError } from './isapiXml';

const status = (code: number, text: string, sub: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ResponseStatus version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">` +
  `<requestURL>/x</requestURL><statusCode>${code}</statusCode><statusString>${text}</statusString><subStatusCode>${sub}</subStatusCode></ResponseStatus>`;

describe('ISAPI PTZ mapping', () => {
  it('parses the control URL of the channel metadata', () => {
    expect(parseIsapiPtzUrl('http://127.0.0.1:38255/ISAPI/PTZCtrl/channels/1')).toEqual({ origin: 'http://127.0.0.1:38255', channel: 1 });
    expect(parseIsapiPtzUrl('https://cam.example:443/ISAPI/PTZCtrl/channels/12/')).toEqual({ origin: 'https://cam.example', channel: 12 });
    expect(parseIsapiPtzUrl('http://127.0.0.1/ISAPI/PTZCtrl/channels/0')).toBeNull();
    expect(parseIsapiPtzUrl('http://127.0.0.1/ISAPI/PTZCtrl/channels/1/continuous')).toBeNull();
    expect(parseIsapiPtzUrl('ftp://127.0.0.1/ISAPI/PTZCtrl/channels/1')).toBeNull();
    expect(parseIsapiPtzUrl('http://127.0.0.1:99999/ISAPI/PTZCtrl/channels/1')).toBeNull();
  });

  it('maps velocities -1..1 to ISAPI speeds -100..100, never rounding a move to a stop', () => {
    expect([-1, -0.5, 0, 0.004, 0.333, 1, 2].map(isapiSpeed)).toEqual([-100, -50, 0, 1, 33, 100, 100]);
    expect(isapiSpeed(Number.NaN)).toBe(0);
  });

  it('builds the request of every PtzCommand', () => {
    expect(ptzCommandRequest(1, { op: 'move', pan: 0.5, tilt: -0.25, zoom: 1 })).toEqual({
      method: 'PUT',
      path: '/ISAPI/PTZCtrl/channels/1/continuous',
      body: '<?xml version="1.0" encoding="UTF-8"?><PTZData><pan>50</pan><tilt>-25</tilt><zoom>100</zoom></PTZData>',
    });
    expect(ptzCommandRequest(1, { op: 'stop' }).body).toContain('<PTZData><pan>0</pan><tilt>0</tilt><zoom>0</zoom></PTZData>');
    expect(ptzCommandRequest(2, { op: 'focus', speed: -0.6 })).toEqual({
      method: 'PUT',
      path: '/ISAPI/System/Video/inputs/channels/2/focus',
      body: '<?xml version="1.0" encoding="UTF-8"?><FocusData><focus>-60</focus></FocusData>',
    });
    expect(ptzCommandRequest(1, { op: 'iris', speed: 0.3 })).toMatchObject({
      path: '/ISAPI/System/Video/inputs/channels/1/iris',
      body: '<?xml version="1.0" encoding="UTF-8"?><IrisData><iris>30</iris></IrisData>',
    });
    expect(ptzCommandRequest(1, { op: 'gotoPreset', preset: 3 })).toEqual({ method: 'PUT', path: '/ISAPI/PTZCtrl/channels/1/presets/3/goto', body: null });
    expect(ptzCommandRequest(1, { op: 'setPreset', preset: 255, name: '主井 <东> & "西"' })).toEqual({
      method: 'PUT',
      path: '/ISAPI/PTZCtrl/channels/1/presets/255',
      body: '<?xml version="1.0" encoding="UTF-8"?><PTZPreset><id>255</id><presetName>主井 &lt;东&gt; &amp; &quot;西&quot;</presetName></PTZPreset>',
    });
    expect(ptzCommandRequest(1, { op: 'removePreset', preset: 9 })).toEqual({ method: 'DELETE', path: '/ISAPI/PTZCtrl/channels/1/presets/9', body: null });
    expect(presetListRequest(1)).toEqual({ method: 'GET', path: '/ISAPI/PTZCtrl/channels/1/presets', body: null });
  });

  it('reads a preset list: set presets the console can address, sorted, names bounded', () => {
    const xml =
      '<PTZPresetList xmlns="http://www.hikvision.com/ver20/XMLSchema">' +
      '<PTZPreset><id>10</id><presetName>储煤场</presetName><enabled>true</enabled></PTZPreset>' +
      '<PTZPreset><enabled>false</enabled><id>2</id><presetName>unset</presetName></PTZPreset>' +
      '<PTZPreset><id>1</id><presetName>Gate &amp; Road</presetName></PTZPreset>' +
      '<PTZPreset><id>5</id><presetName></presetName></PTZPreset>' +
      `<PTZPreset><id>6</id><presetName>${'x'.repeat(80)}</presetName></PTZPreset>` +
      '<PTZPreset><id>300</id><presetName>beyond the console range</presetName></PTZPreset>' +
      '</PTZPresetList>';
    expect(parsePresetList(xml)).toEqual([
      { preset: 1, name: 'Gate & Road' },
      { preset: 5, name: '预置点 5' },
      { preset: 6, name: 'x'.repeat(64) },
      { preset: 10, name: '储煤场' },
    ]);
    expect(parsePresetList('<PTZPresetList/>')).toEqual([]);
    expect(() => parsePresetList(status(1, 'OK', 'ok'))).toThrow(XmlParseError);
    expect(() => parsePresetList('<PTZPresetList><PTZPreset><id>x</id></PTZPreset></PTZPresetList>')).toThrow(XmlParseError);
    expect(() => parsePresetList('<PTZPresetList><PTZPreset>')).toThrow(XmlParseError);
  });

  it('reads a ResponseStatus', () => {
    expect(parseResponseStatus(status(4, 'Invalid Operation', 'notSupport'))).toEqual({
      statusCode: 4,
      statusString: 'Invalid Operation',
      subStatusCode: 'notSupport',
    });
    expect(parseResponseStatus('<PTZPresetList/>')).toBeNull();
    expect(() => parseResponseStatus('<ResponseStatus><statusCode>OK</statusCode></ResponseStatus>')).toThrow(XmlParseError);
  });
});

describe('IsapiPtzClient against an HTTP camera stand-in', () => {
  type Reply = { status: number; body: string; delayMs?: number };
  let reply: Reply = { status: 200, body: status(1, 'OK', 'ok') };
  const seen: Array<{ method: string; url: string; body: string; type: string | undefined }> = [];
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body, type: req.headers['content-type'] });
        const send = (): void => {
          res.writeHead(reply.status, { 'Content-Type': 'application/xml' });
          res.end(reply.body);
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const client = (timeoutMs = 1000): IsapiPtzClient => new IsapiPtzClient({ origin, channel: 1 }, { timeoutMs, label: '云台摄像机（测试）' });
  const failure = async (p: Promise<unknown>): Promise<ConsoleError> => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(err instanceof ConsoleError)) throw new Error(`expected a ConsoleError, got ${String(err)}`);
    return err;
  };

  it('sends the command as XML and accepts an OK status', async () => {
    reply = { status: 200, body: status(1, 'OK', 'ok') };
    await client().command({ op: 'move', pan: 1, tilt: 0, zoom: 0 });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ method: 'PUT', url: '/ISAPI/PTZCtrl/channels/1/continuous', type: 'application/xml; charset=UTF-8' });
    expect(last?.body).toContain('<pan>100</pan>');
    reply = { status: 200, body: '' };
    await client().command({ op: 'gotoPreset', preset: 1 });
    expect(seen[seen.length - 1]).toMatchObject({ method: 'PUT', url: '/ISAPI/PTZCtrl/channels/1/presets/1/goto', body: '' });
  });

  it('reads presets', async () => {
    reply = { status: 200, body: '<PTZPresetList><PTZPreset><id>3</id><presetName>井口</presetName></PTZPreset></PTZPresetList>' };
    expect(await client().presets()).toEqual([{ preset: 3, name: '井口' }]);
  });

  it('maps ISAPI error statuses to console error codes with zh-CN messages', async () => {
    reply = { status: 403, body: status(4, 'Invalid Operation', 'notSupport') };
    let err = await failure(client().command({ op: 'iris', speed: 1 }));
    expect(err.code).toBe('unsupported');
    expect(err.message).toContain('不支持');
    reply = { status: 403, body: status(4, 'Invalid Operation', 'presetNotExist') };
    err = await failure(client().command({ op: 'gotoPreset', preset: 7 }));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/云台摄像机（测试）拒绝了该云台操作.*presetNotExist/);
    reply = { status: 200, body: status(2, 'Device Busy', 'deviceBusy') };
    expect((await failure(client().command({ op: 'stop' }))).code).toBe('unavailable');
    reply = { status: 400, body: status(5, 'Invalid XML Format', 'badXmlFormat') };
    expect((await failure(client().command({ op: 'stop' }))).code).toBe('internal');
    reply = { status: 401, body: 'Unauthorized' };
    expect((await failure(client().command({ op: 'stop' }))).code).toBe('unauthorized');
    reply = { status: 404, body: '<html>not found</html' };
    expect((await failure(client().command({ op: 'stop' }))).code).toBe('unsupported');
    reply = { status: 503, body: '' };
    expect((await failure(client().presets())).code).toBe('unavailable');
  });

  it('treats malformed or unexpected replies as internal errors', async () => {
    reply = { status: 200, body: '<ResponseStatus><statusCode>1</statusCode>' };
    let err = await failure(client().command({ op: 'stop' }));
    expect(err.code).toBe('internal');
    expect(err.message).toContain('无法解析');
    reply = { status: 200, body: '<PTZPresetList><PTZPreset><id>1</id></PTZPreset>' };
    err = await failure(client().presets());
    expect(err.code).toBe('internal');
    expect(err.message).toContain('无法解析');
    reply = { status: 200, body: '<PTZPresetList><PTZPreset><id>one</id></PTZPreset></PTZPresetList>' };
    err = await failure(client().presets());
    expect(err.code).toBe('internal');
    expect(err.message).toContain('预置点列表无法解析');
    reply = { status: 200, body: status(1, 'OK', 'ok') };
    expect((await failure(client().presets())).code).toBe('internal');
  });

  it('is unavailable when the camera does not answer in time or refuses the connection', async () => {
    reply = { status: 200, body: status(1, 'OK', 'ok'), delayMs: 500 };
    const slow = await failure(client(100).command({ op: 'stop' }));
    expect(slow.code).toBe('unavailable');
    expect(slow.message).toContain('100 ms 内没有应答');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await failure(new IsapiPtzClient({ origin: `http://127.0.0.1:${port}`, channel: 1 }).command({ op: 'stop' }));
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toContain('无法连接');
  });
});
