/**
 * Hikvision ISAPI PTZ: the console's PtzCommand mapped to ISAPI requests, ISAPI replies mapped back to
 * presets or a ConsoleError. Used by the Janus backend for lab cameras that describe an ISAPI control in
 * their metadata; a Hikvision connector can use the same module.
 *
 * Requests (channel N, velocities -100..100, 0 stops):
 *   PUT    /ISAPI/PTZCtrl/channels/N/continuous           <PTZData><pan/><tilt/><zoom/></PTZData>
 *   PUT    /ISAPI/System/Video/inputs/channels/N/focus    <FocusData><focus/></FocusData>   (+ far, - near)
 *   PUT    /ISAPI/System/Video/inputs/channels/N/iris     <IrisData><iris/></IrisData>      (+ open, - close)
 *   GET    /ISAPI/PTZCtrl/channels/N/presets              -> <PTZPresetList><PTZPreset><id/><presetName/>…
 *   PUT    /ISAPI/PTZCtrl/channels/N/presets/ID           <PTZPreset><id/><presetName/></PTZPreset> (save here)
 *   DELETE /ISAPI/PTZCtrl/channels/N/presets/ID
 *   PUT    /ISAPI/PTZCtrl/channels/N/presets/ID/goto
 * Errors come back as <ResponseStatus> with statusCode (1 OK, 2 busy, 3 device error, 4 invalid operation,
 * 5 bad XML format, 6 bad XML content, 7 reboot required) and subStatusCode.
 */
import { ConsoleError } from '../../../shared/contract/rpc';
import type { PtzCommand, PtzPreset } from '../../../shared/domain/ptz';
import { childElements, childText, escapeXml, parseXml, XmlParseError } from './isapiXml';

export type IsapiEndpoint = {
  /** `http://127.0.0.1:8080` */
  origin: string;
  /** The PTZ channel number in the ISAPI paths (1 on a camera, the camera's channel on an NVR). */
  channel: number;
};

export type IsapiRequest = { method: 'GET' | 'PUT' | 'DELETE'; path: string; body: string | null };

export type IsapiStatus = { statusCode: number; statusString: string; subStatusCode: string };

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const PTZ_URL = /^(https?:\/\/[^/?#]+)\/ISAPI\/PTZCtrl\/channels\/(\d{1,3})\/?$/;
/** The console's preset numbers (PtzPreset.preset) and name length. */
const PRESET_MIN = 1;
const PRESET_MAX = 255;
const PRESET_NAME_MAX = 64;

/** `http://host:port/ISAPI/PTZCtrl/channels/1` → origin and channel; null when the URL is not of that form. */
export function parseIsapiPtzUrl(url: string): IsapiEndpoint | null {
  const m = PTZ_URL.exec(url);
  if (!m?.[1] || !m[2]) return null;
  let origin: string;
  try {
    origin = new URL(m[1]).origin;
  } catch {
    return null;
  }
  const channel = Number(m[2]);
  return channel >= 1 ? { origin, channel } : null;
}

/** A console velocity (-1..1) as an ISAPI speed (-100..100); any non-zero velocity moves at least at 1. */
export function isapiSpeed(v: number): number {
  if (!Number.isFinite(v) || v === 0) return 0;
  const clamped = Math.max(-1, Math.min(1, v));
  return Math.sign(clamped) * Math.max(1, Math.round(Math.abs(clamped) * 100));
}

function ptzData(pan: number, tilt: number, zoom: number): string {
  return `${XML_DECL}<PTZData><pan>${pan}</pan><tilt>${tilt}</tilt><zoom>${zoom}</zoom></PTZData>`;
}

/** The ISAPI request that carries out `command` on `channel`. */
export function ptzCommandRequest(channel: number, command: PtzCommand): IsapiRequest {
  const ptz = `/ISAPI/PTZCtrl/channels/${channel}`;
  const input = `/ISAPI/System/Video/inputs/channels/${channel}`;
  switch (command.op) {
    case 'move':
      return { method: 'PUT', path: `${ptz}/continuous`, body: ptzData(isapiSpeed(command.pan), isapiSpeed(command.tilt), isapiSpeed(command.zoom)) };
    case 'stop':
      return { method: 'PUT', path: `${ptz}/continuous`, body: ptzData(0, 0, 0) };
    case 'focus':
      return { method: 'PUT', path: `${input}/focus`, body: `${XML_DECL}<FocusData><focus>${isapiSpeed(command.speed)}</focus></FocusData>` };
    case 'iris':
      return { method: 'PUT', path: `${input}/iris`, body: `${XML_DECL}<IrisData><iris>${isapiSpeed(command.speed)}</iris></IrisData>` };
    case 'gotoPreset':
      return { method: 'PUT', path: `${ptz}/presets/${command.preset}/goto`, body: null };
    case 'setPreset':
      return {
        method: 'PUT',
        path: `${ptz}/presets/${command.preset}`,
        body: `${XML_DECL}<PTZPreset><id>${command.preset}</id><presetName>${escapeXml(command.name)}</presetName></PTZPreset>`,
      };
    case 'removePreset':
      return { method: 'DELETE', path: `${ptz}/presets/${command.preset}`, body: null };
  }
}

export function presetListRequest(channel: number): IsapiRequest {
  return { method: 'GET', path: `/ISAPI/PTZCtrl/channels/${channel}/presets`, body: null };
}

/** Reads a <ResponseStatus>; null when the document is another one. Throws XmlParseError on malformed XML. */
export function parseResponseStatus(xml: string): IsapiStatus | null {
  const root = parseXml(xml);
  if (root.name !== 'ResponseStatus') return null;
  const code = Number(childText(root, 'statusCode'));
  if (!Number.isInteger(code)) throw new XmlParseError('ResponseStatus without a numeric statusCode');
  return { statusCode: code, statusString: childText(root, 'statusString') ?? '', subStatusCode: childText(root, 'subStatusCode') ?? '' };
}

/**
 * Reads a <PTZPresetList>: presets that are set (`enabled` absent or true) with a number the console can
 * address (1..255), sorted. Throws XmlParseError when the XML is malformed or not a preset list.
 */
export function parsePresetList(xml: string): PtzPreset[] {
  const root = parseXml(xml);
  if (root.name !== 'PTZPresetList') throw new XmlParseError(`expected PTZPresetList, got ${root.name}`);
  const presets = new Map<number, PtzPreset>();
  for (const p of childElements(root, 'PTZPreset')) {
    const id = Number(childText(p, 'id'));
    if (!Number.isInteger(id)) throw new XmlParseError('PTZPreset without a numeric id');
    if (id < PRESET_MIN || id > PRESET_MAX || childText(p, 'enabled') === 'false') continue;
    const name = (childText(p, 'presetName') ?? '').slice(0, PRESET_NAME_MAX) || `预置点 ${id}`;
    presets.set(id, { preset: id, name });
  }
  return [...presets.values()].sort((a, b) => a.preset - b.preset);
}

/** A failed ISAPI status as a ConsoleError with a message for the operator. */
export function isapiStatusError(status: IsapiStatus, label: string): ConsoleError {
  const detail = [status.statusString, status.subStatusCode].filter(Boolean).join(' / ');
  const suffix = detail ? `（${detail}）` : '';
  if (status.subStatusCode === 'notSupport') return new ConsoleError('unsupported', `${label}不支持该云台操作${suffix}`);
  switch (status.statusCode) {
    case 2:
      return new ConsoleError('unavailable', `${label}正忙，请稍后再试${suffix}`);
    case 3:
      return new ConsoleError('unavailable', `${label}设备错误${suffix}`);
    case 4:
      return new ConsoleError('conflict', `${label}拒绝了该云台操作${suffix}`);
    case 5:
    case 6:
      return new ConsoleError('internal', `${label}无法解析云台指令${suffix}`);
    case 7:
      return new ConsoleError('unavailable', `${label}需要重启${suffix}`);
    default:
      return new ConsoleError('internal', `${label}返回未知状态 ${status.statusCode}${suffix}`);
  }
}

export type IsapiPtzClientOptions = {
  timeoutMs?: number;
  /** Names the camera in messages, e.g. `云台摄像机（高河煤矿地面工业广场）`. */
  label?: string;
  fetch?: typeof fetch;
};

/** One camera's ISAPI PTZ over HTTP: every call has a timeout; failures are ConsoleErrors in zh-CN. */
export class IsapiPtzClient {
  private readonly timeoutMs: number;
  private readonly label: string;
  private readonly fetchFn: typeof fetch;

  constructor(
    readonly endpoint: IsapiEndpoint,
    opts: IsapiPtzClientOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 3_000;
    this.label = opts.label ?? '云台摄像机';
    this.fetchFn = opts.fetch ?? fetch;
  }

  async command(command: PtzCommand): Promise<void> {
    const { status, text } = await this.send(ptzCommandRequest(this.endpoint.channel, command));
    this.checkReply(status, text, false);
  }

  async presets(): Promise<PtzPreset[]> {
    const { status, text } = await this.send(presetListRequest(this.endpoint.channel));
    this.checkReply(status, text, true);
    try {
      return parsePresetList(text);
    } catch (err) {
      throw new ConsoleError('internal', `${this.label}返回的预置点列表无法解析：${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async send(req: IsapiRequest): Promise<{ status: number; text: string }> {
    const url = this.endpoint.origin + req.path;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method: req.method,
        headers: req.body === null ? {} : { 'Content-Type': 'application/xml; charset=UTF-8' },
        body: req.body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ConsoleError('unavailable', `${this.label}在 ${this.timeoutMs} ms 内没有应答（${this.endpoint.origin}）`);
      }
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      throw new ConsoleError('unavailable', `${this.label}无法连接（${this.endpoint.origin}）：${cause}`);
    }
  }

  /**
   * Throws unless the reply is a success. A ResponseStatus (any HTTP status) decides; without one a 2xx
   * succeeds (a list is parsed by the caller) and anything else fails on the HTTP status.
   */
  private checkReply(httpStatus: number, text: string, expectList: boolean): void {
    if (httpStatus === 401) throw new ConsoleError('unauthorized', `${this.label}要求登录认证（HTTP 401）`);
    let status: IsapiStatus | null = null;
    if (text.trim() !== '') {
      try {
        status = parseResponseStatus(text);
      } catch (err) {
        if (httpStatus >= 200 && httpStatus < 300) {
          throw new ConsoleError('internal', `${this.label}的应答无法解析：${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    if (status) {
      if (status.statusCode !== 1) throw isapiStatusError(status, this.label);
      if (expectList) throw new ConsoleError('internal', `${this.label}没有返回预置点列表`);
      return;
    }
    if (httpStatus >= 200 && httpStatus < 300) return;
    if (httpStatus === 404) throw new ConsoleError('unsupported', `${this.label}不支持该云台接口（HTTP 404）`);
    throw new ConsoleError(httpStatus >= 500 ? 'unavailable' : 'internal', `${this.label}返回 HTTP ${httpStatus}`);
  }
}
