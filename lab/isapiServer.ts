/**
 * The PTZ camera's front panel: the subset of Hikvision ISAPI a real PTZ camera answers, on 127.0.0.1.
 *
 *   PUT    /ISAPI/PTZCtrl/channels/1/continuous           <PTZData><pan>-100..100</pan><tilt/><zoom/></PTZData>
 *   PUT    /ISAPI/PTZCtrl/channels/1/absolute             <PTZData><AbsoluteHigh><azimuth/><elevation/><absoluteZoom/>…
 *   GET    /ISAPI/PTZCtrl/channels/1/status               <PTZStatus><AbsoluteHigh>…</AbsoluteHigh></PTZStatus>
 *   GET    /ISAPI/PTZCtrl/channels/1/presets              <PTZPresetList><PTZPreset><id/><presetName/><enabled/>…
 *   GET    /ISAPI/PTZCtrl/channels/1/presets/ID           <PTZPreset>…
 *   PUT    /ISAPI/PTZCtrl/channels/1/presets/ID           <PTZPreset><id/><presetName/></PTZPreset>: save here
 *   DELETE /ISAPI/PTZCtrl/channels/1/presets/ID
 *   PUT    /ISAPI/PTZCtrl/channels/1/presets/ID/goto
 *   PUT    /ISAPI/System/Video/inputs/channels/1/focus    <FocusData><focus>-100..100</focus></FocusData>
 *   PUT    /ISAPI/System/Video/inputs/channels/1/iris     <IrisData><iris>-100..100</iris></IrisData>
 *   GET    /lab/ptz/state                                 JSON (tests): position, velocity, applied
 *
 * Replies like the camera: <ResponseStatus> with statusCode 1 OK; 4 Invalid Operation (notSupport,
 * methodNotAllowed, invalidID …); 5 Invalid XML Format; 6 Invalid XML Content. No authentication (a real
 * camera wants HTTP Digest).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { childElement, childText, escapeXml, parseXml, XmlParseError, type XmlElement } from '../src/main/connectors/ptz/isapiXml';
import { PRESET_ID_MAX, type PtzCamera } from './ptzCamera';
import { fromAbsolute, toAbsolute } from './ptzModel';

const XMLNS = 'http://www.hikvision.com/ver20/XMLSchema';
const MAX_BODY = 64 * 1024;
const PRESET_NAME_MAX = 32;

export type IsapiServer = {
  port: number;
  /** `http://127.0.0.1:PORT/ISAPI/PTZCtrl/channels/1` (what the channel metadata names). */
  ptzUrl: string;
  /** `http://127.0.0.1:PORT/lab/ptz/state` */
  stateUrl: string;
  close(): Promise<void>;
};

class IsapiFault extends Error {
  constructor(
    readonly http: number,
    readonly statusCode: number,
    readonly statusString: string,
    readonly subStatusCode: string,
  ) {
    super(`${statusString} (${subStatusCode})`);
  }
}

const notSupport = (): IsapiFault => new IsapiFault(403, 4, 'Invalid Operation', 'notSupport');
const methodNotAllowed = (): IsapiFault => new IsapiFault(403, 4, 'Invalid Operation', 'methodNotAllowed');
const badXmlFormat = (): IsapiFault => new IsapiFault(400, 5, 'Invalid XML Format', 'badXmlFormat');
const badXmlContent = (what: string): IsapiFault => new IsapiFault(400, 6, 'Invalid XML Content', what);

function responseStatus(url: string, code: number, text: string, sub: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ResponseStatus version="2.0" xmlns="${XMLNS}">\n` +
    `<requestURL>${escapeXml(url)}</requestURL>\n<statusCode>${code}</statusCode>\n` +
    `<statusString>${escapeXml(text)}</statusString>\n<subStatusCode>${escapeXml(sub)}</subStatusCode>\n</ResponseStatus>\n`
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new IsapiFault(400, 6, 'Invalid XML Content', 'badXmlContent'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(body: string, root: string): XmlElement {
  let el: XmlElement;
  try {
    el = parseXml(body);
  } catch (err) {
    if (err instanceof XmlParseError) throw badXmlFormat();
    throw err;
  }
  if (el.name !== root) throw badXmlContent('badXmlContent');
  return el;
}

/** An integer element in [min, max]; `fallback` when absent (undefined: required). */
function intChild(el: XmlElement, name: string, min: number, max: number, fallback?: number): number {
  const text = childText(el, name);
  if (text === undefined) {
    if (fallback === undefined) throw badXmlContent('badParameters');
    return fallback;
  }
  if (!/^-?\d+$/.test(text)) throw badXmlContent('badParameters');
  const v = Number(text);
  if (v < min || v > max) throw badXmlContent('badParameters');
  return v;
}

function presetXml(id: number, name: string, enabled: boolean, abs?: ReturnType<typeof toAbsolute>): string {
  const high = abs
    ? `<AbsoluteHigh><elevation>${abs.elevation}</elevation><azimuth>${abs.azimuth}</azimuth><absoluteZoom>${abs.absoluteZoom}</absoluteZoom></AbsoluteHigh>`
    : '';
  return `<PTZPreset><enabled>${enabled}</enabled><id>${id}</id><presetName>${escapeXml(name)}</presetName>${high}</PTZPreset>`;
}

/** Starts the server on 127.0.0.1 (ephemeral port unless given). */
export async function startIsapiServer(camera: PtzCamera, log: (line: string) => void, port = 0): Promise<IsapiServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const xml = (status: number, body: string): void => {
      res.writeHead(status, { 'Content-Type': 'application/xml; charset="UTF-8"', 'Cache-Control': 'no-store' });
      res.end(body);
    };
    const ok = (): void => xml(200, responseStatus(path, 1, 'OK', 'ok'));
    try {
      if (path === '/lab/ptz/state') {
        if (method !== 'GET') throw methodNotAllowed();
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(camera.state()));
        return;
      }
      const ptz = /^\/ISAPI\/PTZCtrl\/channels\/(\d+)(\/.*)?$/.exec(path);
      const input = /^\/ISAPI\/System\/Video\/inputs\/channels\/(\d+)\/(focus|iris)$/.exec(path);
      const channel = ptz?.[1] ?? input?.[1];
      if (channel === undefined || channel !== '1') throw notSupport();
      if (input) {
        if (method !== 'PUT') throw methodNotAllowed();
        const body = await readBody(req);
        if (input[2] === 'focus') camera.focus(intChild(parseBody(body, 'FocusData'), 'focus', -100, 100) / 100);
        else camera.iris(intChild(parseBody(body, 'IrisData'), 'iris', -100, 100) / 100);
        ok();
        return;
      }
      const rest = ptz?.[2] ?? '';
      if (rest === '/continuous') {
        if (method !== 'PUT') throw methodNotAllowed();
        const el = parseBody(await readBody(req), 'PTZData');
        const pan = intChild(el, 'pan', -100, 100, 0);
        const tilt = intChild(el, 'tilt', -100, 100, 0);
        const zoom = intChild(el, 'zoom', -100, 100, 0);
        camera.continuous(pan / 100, tilt / 100, zoom / 100);
        ok();
        return;
      }
      if (rest === '/absolute') {
        if (method !== 'PUT') throw methodNotAllowed();
        const high = childElement(parseBody(await readBody(req), 'PTZData'), 'AbsoluteHigh');
        if (!high) throw badXmlContent('badParameters');
        const opt = (name: string, min: number, max: number): number | undefined =>
          childText(high, name) === undefined ? undefined : intChild(high, name, min, max);
        camera.moveTo(
          fromAbsolute(camera.current(), {
            azimuth: opt('azimuth', 0, 3600),
            elevation: opt('elevation', -900, 900),
            absoluteZoom: opt('absoluteZoom', 1, 1000),
          }),
        );
        ok();
        return;
      }
      if (rest === '/status') {
        if (method !== 'GET') throw methodNotAllowed();
        const a = toAbsolute(camera.current());
        xml(
          200,
          `<?xml version="1.0" encoding="UTF-8"?>\n<PTZStatus version="2.0" xmlns="${XMLNS}"><AbsoluteHigh>` +
            `<elevation>${a.elevation}</elevation><azimuth>${a.azimuth}</azimuth><absoluteZoom>${a.absoluteZoom}</absoluteZoom>` +
            `</AbsoluteHigh></PTZStatus>\n`,
        );
        return;
      }
      if (rest === '/presets') {
        if (method !== 'GET') throw methodNotAllowed();
        const items = camera.listPresets().map((p) => presetXml(p.id, p.name, true, toAbsolute(p.position)));
        xml(200, `<?xml version="1.0" encoding="UTF-8"?>\n<PTZPresetList version="2.0" xmlns="${XMLNS}">${items.join('')}</PTZPresetList>\n`);
        return;
      }
      const preset = /^\/presets\/(\d+)(\/goto)?$/.exec(rest);
      if (preset?.[1]) {
        const id = Number(preset[1]);
        if (id < 1 || id > PRESET_ID_MAX) throw new IsapiFault(400, 4, 'Invalid Operation', 'invalidID');
        if (preset[2]) {
          if (method !== 'PUT') throw methodNotAllowed();
          if (!camera.gotoPreset(id)) throw new IsapiFault(403, 4, 'Invalid Operation', 'presetNotExist');
          ok();
          return;
        }
        if (method === 'GET') {
          const p = camera.getPreset(id);
          if (!p) throw new IsapiFault(403, 4, 'Invalid Operation', 'presetNotExist');
          xml(200, `<?xml version="1.0" encoding="UTF-8"?>\n${presetXml(p.id, p.name, true, toAbsolute(p.position)).replace('<PTZPreset>', `<PTZPreset version="2.0" xmlns="${XMLNS}">`)}\n`);
          return;
        }
        if (method === 'PUT') {
          const el = parseBody(await readBody(req), 'PTZPreset');
          const bodyId = childText(el, 'id');
          if (bodyId !== undefined && Number(bodyId) !== id) throw badXmlContent('badParameters');
          const name = childText(el, 'presetName') ?? `预置点${id}`;
          if (name.length > PRESET_NAME_MAX) throw badXmlContent('badParameters');
          camera.setPreset(id, name || `预置点${id}`);
          ok();
          return;
        }
        if (method === 'DELETE') {
          if (!camera.removePreset(id)) throw new IsapiFault(403, 4, 'Invalid Operation', 'presetNotExist');
          ok();
          return;
        }
        throw methodNotAllowed();
      }
      throw notSupport();
    } catch (err) {
      if (err instanceof IsapiFault) {
        xml(err.http, responseStatus(path, err.statusCode, err.statusString, err.subStatusCode));
        return;
      }
      log(`isapi ${method} ${path}: ${err instanceof Error ? err.message : String(err)}`);
      xml(500, responseStatus(path, 3, 'Device Error', 'deviceError'));
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${actual}`;
  return {
    port: actual,
    ptzUrl: `${base}/ISAPI/PTZCtrl/channels/1`,
    stateUrl: `${base}/lab/ptz/state`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
