import type { PtzCommand, PtzPreset } from '../../../shared/domain/ptz';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { WvpQuery } from './wvpClient';
import type { WvpPaths } from './wvpVersion';

/**
 * The console's PTZ vocabulary (velocities -1..1) in WVP's front-end API.
 * WVP's `command` moves on one thing at a time: pan/tilt (8 directions) or zoom; a move with both
 * pans/tilts and ignores zoom. Speeds: horizon/vertical 0..255, zoom 0..15 (WVP rejects zoomSpeed > 15,
 * see PtzController of /api/front-end), focus/iris 0..255.
 */
export type WvpDirection = 'left' | 'right' | 'up' | 'down' | 'upleft' | 'upright' | 'downleft' | 'downright';
export type WvpFrontEndOp =
  | { kind: 'ptz'; command: WvpDirection | 'zoomin' | 'zoomout' | 'stop'; horizonSpeed: number; verticalSpeed: number; zoomSpeed: number }
  | { kind: 'focus'; command: 'near' | 'far' | 'stop'; speed: number }
  | { kind: 'iris'; command: 'in' | 'out' | 'stop'; speed: number }
  | { kind: 'preset'; action: 'add' | 'call' | 'delete'; presetId: number };

export type WvpHttpCall = { method: 'GET' | 'POST'; path: string; query: WvpQuery };

/** Below this a velocity counts as zero. */
const DEAD_ZONE = 0.02;
/** An axis takes part in a diagonal when it is at least tan(22.5°) of the stronger one. */
const DIAGONAL_RATIO = Math.tan(Math.PI / 8);

const scale = (v: number, max: number): number => Math.max(1, Math.min(max, Math.round(Math.abs(v) * max)));

export function mapPtzCommand(cmd: PtzCommand): WvpFrontEndOp {
  switch (cmd.op) {
    case 'stop':
      return { kind: 'ptz', command: 'stop', horizonSpeed: 0, verticalSpeed: 0, zoomSpeed: 0 };
    case 'move': {
      const strongest = Math.max(Math.abs(cmd.pan), Math.abs(cmd.tilt));
      if (strongest >= DEAD_ZONE) {
        const usePan = Math.abs(cmd.pan) >= DEAD_ZONE && Math.abs(cmd.pan) >= strongest * DIAGONAL_RATIO;
        const useTilt = Math.abs(cmd.tilt) >= DEAD_ZONE && Math.abs(cmd.tilt) >= strongest * DIAGONAL_RATIO;
        const vertical = useTilt ? (cmd.tilt > 0 ? 'up' : 'down') : '';
        const horizontal = usePan ? (cmd.pan > 0 ? 'right' : 'left') : '';
        return {
          kind: 'ptz',
          command: `${vertical}${horizontal}` as WvpDirection,
          horizonSpeed: usePan ? scale(cmd.pan, 255) : 0,
          verticalSpeed: useTilt ? scale(cmd.tilt, 255) : 0,
          zoomSpeed: 0,
        };
      }
      if (Math.abs(cmd.zoom) >= DEAD_ZONE) {
        return { kind: 'ptz', command: cmd.zoom > 0 ? 'zoomin' : 'zoomout', horizonSpeed: 0, verticalSpeed: 0, zoomSpeed: scale(cmd.zoom, 15) };
      }
      return { kind: 'ptz', command: 'stop', horizonSpeed: 0, verticalSpeed: 0, zoomSpeed: 0 };
    }
    case 'focus':
      if (Math.abs(cmd.speed) < DEAD_ZONE) return { kind: 'focus', command: 'stop', speed: 0 };
      return { kind: 'focus', command: cmd.speed > 0 ? 'far' : 'near', speed: scale(cmd.speed, 255) };
    case 'iris':
      // WVP: in = 0x44 (iris close), out = 0x48 (iris open), as in GB/T 28181 A.3.3.
      if (Math.abs(cmd.speed) < DEAD_ZONE) return { kind: 'iris', command: 'stop', speed: 0 };
      return { kind: 'iris', command: cmd.speed > 0 ? 'out' : 'in', speed: scale(cmd.speed, 255) };
    case 'gotoPreset':
      return { kind: 'preset', action: 'call', presetId: cmd.preset };
    case 'setPreset':
      // GB/T 28181 presets have no names; the name stays with the console.
      return { kind: 'preset', action: 'add', presetId: cmd.preset };
    case 'removePreset':
      return { kind: 'preset', action: 'delete', presetId: cmd.preset };
  }
}

/** GB/T 28181 A.3 front-end command codes, for WVP 2.6's raw `front_end_command`. */
const GB_FOCUS = { near: 0x42, far: 0x41, stop: 0x40 } as const;
const GB_IRIS = { in: 0x44, out: 0x48, stop: 0x40 } as const;
const GB_PRESET = { add: 0x81, call: 0x82, delete: 0x83 } as const;

/** The HTTP call for one operation on one channel with this server's path table. */
export function wvpPtzCall(paths: WvpPaths, deviceId: string, channelId: string, op: WvpFrontEndOp): WvpHttpCall {
  switch (op.kind) {
    case 'ptz':
      return {
        method: paths.ptz.method,
        path: paths.ptz.path(deviceId, channelId),
        query: { command: op.command, horizonSpeed: op.horizonSpeed, verticalSpeed: op.verticalSpeed, zoomSpeed: op.zoomSpeed },
      };
    case 'focus':
      return paths.focus.raw
        ? { method: paths.focus.method, path: paths.focus.path(deviceId, channelId), query: raw(GB_FOCUS[op.command], op.speed, 0) }
        : { method: paths.focus.method, path: paths.focus.path(deviceId, channelId), query: { command: op.command, speed: op.speed } };
    case 'iris':
      return paths.iris.raw
        ? { method: paths.iris.method, path: paths.iris.path(deviceId, channelId), query: raw(GB_IRIS[op.command], 0, op.speed) }
        : { method: paths.iris.method, path: paths.iris.path(deviceId, channelId), query: { command: op.command, speed: op.speed } };
    case 'preset':
      // Same data bytes as WVP's own /api/front-end/preset/* (parameter1 1, parameter2 the preset).
      return paths.preset.raw
        ? { method: paths.preset.method, path: paths.preset.path(op.action, deviceId, channelId), query: raw(GB_PRESET[op.action], 1, op.presetId) }
        : { method: paths.preset.method, path: paths.preset.path(op.action, deviceId, channelId), query: { presetId: op.presetId } };
  }
}

function raw(cmdCode: number, parameter1: number, parameter2: number): WvpQuery {
  return { cmdCode, parameter1, parameter2, combindCode2: 0 };
}

/**
 * Presets as WVP reports them (`preset/query`): a list of {presetId, presetName} (field spellings vary:
 * presetID, id, name). Entries outside 1..255 are dropped; a string answer is WVP's error text.
 */
export function parseWvpPresets(data: unknown): PtzPreset[] {
  if (typeof data === 'string') throw new ConsoleError('unavailable', `预置位查询失败：${data}`);
  const list = Array.isArray(data)
    ? data
    : data && typeof data === 'object' && 'list' in data && Array.isArray(data.list)
      ? (data.list as unknown[])
      : null;
  if (!list) throw new ConsoleError('internal', '预置位查询：返回格式不正确');
  const out = new Map<number, PtzPreset>();
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const rec = item as Record<string, unknown>;
    const idRaw = rec.presetId ?? rec.presetID ?? rec.id;
    const id = typeof idRaw === 'number' ? idRaw : typeof idRaw === 'string' ? Number(idRaw) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > 255) continue;
    const nameRaw = rec.presetName ?? rec.name;
    const name = typeof nameRaw === 'string' && nameRaw.trim() ? nameRaw.trim().slice(0, 64) : `预置位 ${id}`;
    out.set(id, { preset: id, name });
  }
  return [...out.values()].sort((a, b) => a.preset - b.preset);
}
