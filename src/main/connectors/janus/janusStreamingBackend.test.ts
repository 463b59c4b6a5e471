import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ConsoleError } from '../../../shared/contract/rpc';
import { JanusStreamingBackend } from './janusStreamingBackend';

/** Just enough of Janus for a catalogue: create, attach, and the streaming plugin's `list`. */
function fakeJanus(list: unknown[]): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'janus-protocol' });
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { janus: string; transaction: string; body?: { request?: string } };
      if (msg.janus === 'create' || msg.janus === 'attach') ws.send(JSON.stringify({ janus: 'success', transaction: msg.transaction, data: { id: 1 } }));
      else if (msg.janus === 'message' && msg.body?.request === 'list') {
        ws.send(JSON.stringify({ janus: 'success', transaction: msg.transaction, plugindata: { plugin: 'janus.plugin.streaming', data: { streaming: 'list', list } } }));
      } else ws.send(JSON.stringify({ janus: 'ack', transaction: msg.transaction }));
    });
  });
  return new Promise((resolve) =>
    wss.on('listening', () =>
      resolve({
        url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
        close: () => new Promise<void>((r) => wss.close(() => r())),
      }),
    ),
  );
}

const meta = (extra: Record<string, unknown>): string => JSON.stringify({ schema: 'mdc.channel/1', name: `cam ${String(extra.id)}`, ...extra });

describe('JanusStreamingBackend: sub streams and PTZ control from channel metadata', () => {
  let janus: { url: string; close: () => Promise<void> };
  let isapi: Server;
  let isapiPort = 0;
  const requests: string[] = [];
  const warnings: string[] = [];
  let backend: JanusStreamingBackend;

  beforeAll(async () => {
    isapi = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(
        req.url?.endsWith('/presets')
          ? '<PTZPresetList><PTZPreset><id>2</id><presetName>井口</presetName></PTZPreset></PTZPresetList>'
          : '<ResponseStatus><statusCode>1</statusCode><statusString>OK</statusString><subStatusCode>ok</subStatusCode></ResponseStatus>',
      );
    });
    await new Promise<void>((r) => isapi.listen(0, '127.0.0.1', () => r()));
    isapiPort = (isapi.address() as AddressInfo).port;
    const control = (host: string): { protocol: string; url: string } => ({ protocol: 'isapi', url: `http://${host}:${isapiPort}/ISAPI/PTZCtrl/channels/1` });
    janus = await fakeJanus([
      { id: 101, metadata: meta({ id: 101, subMountpoint: 201 }), media: [{ age_ms: 10 }] },
      { id: 201, description: 'sub of 101', metadata: JSON.stringify({ schema: 'mdc.substream/1', main: 101 }), media: [{ age_ms: 10 }] },
      { id: 102, metadata: meta({ id: 102, subMountpoint: 299 }) },
      { id: 116, metadata: meta({ id: 116, ptz: true, ptzControl: control('127.0.0.1') }) },
      { id: 117, metadata: meta({ id: 117, ptz: true }) },
      { id: 118, metadata: meta({ id: 118, ptz: true, ptzControl: control('192.0.2.7') }) },
      { id: 119, metadata: meta({ id: 119, ptz: false, ptzControl: control('127.0.0.1') }) },
      { id: 120, metadata: meta({ id: 120, ptzControl: { protocol: 'isapi', url: 'http://127.0.0.1/elsewhere' } }) },
    ]);
    backend = new JanusStreamingBackend({ id: 'lab', kind: 'janus', name: 'lab', enabled: true, url: janus.url }, (m) => warnings.push(m));
  });

  afterAll(async () => {
    backend.dispose();
    await janus.close();
    isapi.closeAllConnections();
    await new Promise<void>((r) => isapi.close(() => r()));
  });

  it('hides sub stream mountpoints, marks channels that have one, and plays main or sub', async () => {
    const { channels } = await backend.fetchCatalogue();
    expect(channels.map((c) => c.id)).toEqual(['lab:101', 'lab:102', 'lab:116', 'lab:117', 'lab:118', 'lab:119', 'lab:120']);
    expect(channels.find((c) => c.id === 'lab:101')?.substream).toBe(true);
    // A sub mountpoint that does not exist is no sub stream.
    expect(channels.find((c) => c.id === 'lab:102')?.substream).toBe(false);
    expect(await backend.play('101', 'janus-webrtc', 'sub')).toEqual({ kind: 'janus-webrtc', server: janus.url, mountpointId: 201 });
    expect(await backend.play('101', 'janus-webrtc', 'main')).toMatchObject({ mountpointId: 101 });
    expect(await backend.play('102', 'janus-webrtc', 'sub')).toMatchObject({ mountpointId: 102 });
    await expect(backend.play('201', 'janus-webrtc', 'main')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('offers PTZ only where a usable ISAPI control is described, on loopback or the Janus host', async () => {
    const { channels } = await backend.fetchCatalogue();
    const ptz = Object.fromEntries(channels.map((c) => [c.id, c.ptz]));
    expect(ptz).toEqual({ 'lab:101': false, 'lab:102': false, 'lab:116': true, 'lab:117': false, 'lab:118': false, 'lab:119': false, 'lab:120': false });
    expect(warnings.filter((w) => w.includes('192.0.2.7'))).toHaveLength(1); // once, not at every poll
    expect(warnings.some((w) => w.includes('120') && w.includes('ISAPI'))).toBe(true);

    await backend.ptz('116', { op: 'move', pan: 0.5, tilt: 0, zoom: 0 });
    await backend.ptz('116', { op: 'removePreset', preset: 4 });
    expect(await backend.ptzPresets('116')).toEqual([{ preset: 2, name: '井口' }]);
    expect(requests).toEqual([
      'PUT /ISAPI/PTZCtrl/channels/1/continuous',
      'DELETE /ISAPI/PTZCtrl/channels/1/presets/4',
      'GET /ISAPI/PTZCtrl/channels/1/presets',
    ]);
    for (const id of ['101', '117', '118']) {
      const err = await backend.ptz(id, { op: 'stop' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConsoleError);
      expect(err).toMatchObject({ code: 'unsupported', message: '该通道不支持云台控制' });
    }
    await expect(backend.ptzPresets('999')).rejects.toMatchObject({ code: 'not-found' });
  });
});
