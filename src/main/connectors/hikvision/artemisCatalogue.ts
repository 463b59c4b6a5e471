/**
 * Hikvision artemis resources in the console's vocabulary:
 *   POST /api/resource/v1/cameras {pageNo, pageSize} → data {total, pageNo, pageSize, list[camera]}  → Channel[]
 *   POST /api/video/v2/cameras/previewURLs {cameraIndexCode, streamType, protocol, transmode} → data.url
 *   POST /api/video/v1/ptzs/controlling {cameraIndexCode, action 0 start|1 stop, command, speed 1..100, presetIndex}
 */
import { z } from 'zod';
import { ConsoleError } from '../../../shared/contract/rpc';
import type { Channel } from '../../../shared/domain/catalogue';
import type { PtzCommand } from '../../../shared/domain/ptz';
import { POINT_CATEGORIES } from '../../../shared/domain/referenceData';
import type { ArtemisClient } from './artemisClient';

// ---------------------------------------------------------------------------------------------- cameras

const numeric = z.union([z.number(), z.string()]).nullish();

/** The fields we read of one camera; the platform sends many more, and versions differ (numbers as strings). */
export const artemisCameraSchema = z.looseObject({
  cameraIndexCode: z.string().min(1).max(128),
  cameraName: z.string().nullish(),
  /** 0 枪机, 1 半球, 2 快球, 3 带云台枪机. */
  cameraType: numeric,
  /** Some versions say directly whether the camera has PTZ (true/1/"1"). */
  ptz: z.union([z.boolean(), z.number(), z.string()]).nullish(),
  gbIndexCode: z.string().nullish(),
  installLocation: z.string().nullish(),
  longitude: numeric,
  latitude: numeric,
  /** 1 online, 0/2 offline; absent on platforms that report status elsewhere. */
  status: numeric,
});
export type ArtemisCamera = z.infer<typeof artemisCameraSchema>;

const cameraPageSchema = z.object({
  total: z.coerce.number().int().nonnegative(),
  list: z.array(artemisCameraSchema).nullish(),
});

export type FetchCamerasOptions = { pageSize?: number; maxPages?: number };

/**
 * All cameras, page by page until `total` is reached (or a page comes back empty). Throws ConsoleError('internal')
 * when the server repeats a page (ignores pageNo) or `maxPages` is not enough.
 */
export async function fetchAllCameras(client: ArtemisClient, options: FetchCamerasOptions = {}): Promise<ArtemisCamera[]> {
  const pageSize = options.pageSize ?? 1000;
  const maxPages = options.maxPages ?? 100;
  const byCode = new Map<string, ArtemisCamera>();
  for (let pageNo = 1; pageNo <= maxPages; pageNo++) {
    const page = await client.post('/api/resource/v1/cameras', { pageNo, pageSize }, cameraPageSchema);
    const list = page.list ?? [];
    if (list.length === 0) return [...byCode.values()];
    const fresh = list.filter((c) => !byCode.has(c.cameraIndexCode));
    if (fresh.length === 0) {
      throw new ConsoleError('internal', `海康平台分页异常：第 ${pageNo} 页与之前的页重复（已取 ${byCode.size}/${page.total} 个监控点）`);
    }
    for (const c of list) byCode.set(c.cameraIndexCode, c);
    if (byCode.size >= page.total) return [...byCode.values()];
  }
  throw new ConsoleError('internal', `海康平台监控点过多：${maxPages} 页后仍未取完（已取 ${byCode.size} 个）`);
}

// ---------------------------------------------------------------------------------------------- categories

/**
 * Extra keywords per point category (附件三); the category's full name is always a keyword too. The longest
 * keyword found in the camera name wins (so 地面煤仓卸煤口 beats 地面煤仓 beats 煤仓); ties go to the lower code.
 */
const CATEGORY_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  '01': ['工业广场'],
  '02': ['主井口', '主井'],
  '03': ['副井口', '副井'],
  '04': ['风井口', '风井'],
  '05': ['调度室', '调度中心', '调度大厅'],
  '06': ['班前会', '会议室'],
  '07': ['出入井通道', '出入井', '入井通道'],
  '08': ['井底车场'],
  '09': ['交接班'],
  '10': ['大巷'],
  '11': ['采区运输巷', '采区辅运巷', '采区行人巷', '采区轨道巷'],
  '12': ['工作面出入口', '工作面入口', '工作面出口'],
  '13': ['回风隅角', '上隅角'],
  '14': ['超前支护'],
  '15': ['采煤工作面', '综采工作面', '综采面', '采煤机'],
  '16': ['掘进工作面', '掘进面', '综掘', '掘进机'],
  '17': ['顺槽中部'],
  '18': ['回风流', 'T2'],
  '19': ['机头', '机尾', '胶带机', '皮带机', '刮板机', '转载机'],
  '20': ['机电设备硐室', '机电硐室'],
  '21': ['变电所', '变电站'],
  '22': ['水泵房', '泵房'],
  '23': ['煤仓上口', '煤仓下口', '煤仓'],
  '24': ['避难硐室', '避险硐室'],
  '25': ['设备安装', '回撤', '吊装'],
  '26': ['巷道维修', '维修点'],
  '27': ['钻孔', '钻场', '探放水'],
  '28': ['局部通风机', '局扇'],
  '29': ['提升机房', '绞车房', '提升机'],
  '30': ['主通风机房', '通风机房', '主扇'],
  '31': ['压风机房', '空压机房', '空压机'],
  '32': ['地面煤仓口', '地面煤仓'],
  '33': ['地面煤仓卸煤口', '卸煤口'],
  '34': ['地面储煤场', '储煤场', '煤场'],
  '35': ['地面机修车间', '机修车间', '机修厂'],
  '36': ['污水处理站', '污水处理'],
};

const KEYWORDS: readonly { keyword: string; code: string }[] = POINT_CATEGORIES.flatMap((c) =>
  [c.name, ...(CATEGORY_KEYWORDS[c.code] ?? [])].map((keyword) => ({ keyword, code: c.code })),
).sort((a, b) => b.keyword.length - a.keyword.length || a.code.localeCompare(b.code));

/** The point category a camera name suggests, '00' when no keyword matches. */
export function categoryFromName(name: string): string {
  const upper = name.toUpperCase();
  return KEYWORDS.find((k) => upper.includes(k.keyword.toUpperCase()))?.code ?? '00';
}

export const CATEGORY_KEYWORD_CODES: readonly string[] = Object.keys(CATEGORY_KEYWORDS);

// ---------------------------------------------------------------------------------------------- channels

function truthy(v: boolean | number | string): boolean {
  return v === true || v === 1 || v === '1' || (typeof v === 'string' && v.toLowerCase() === 'true');
}

function coordinate(v: number | string | null | undefined, limit: number): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && Math.abs(n) <= limit && n !== 0 ? n : null;
}

/** PTZ from the `ptz` field when present, else from cameraType (2 快球, 3 带云台枪机). */
export function cameraHasPtz(c: ArtemisCamera): boolean {
  if (c.ptz !== null && c.ptz !== undefined && c.ptz !== '') return truthy(c.ptz);
  const type = Number(c.cameraType);
  return type === 2 || type === 3;
}

export function cameraToChannel(backendId: string, c: ArtemisCamera): Channel {
  const name = (c.cameraName ?? '').trim().slice(0, 200) || c.cameraIndexCode;
  const lon = coordinate(c.longitude, 180);
  const lat = coordinate(c.latitude, 90);
  const status = c.status === null || c.status === undefined || c.status === '' ? null : Number(c.status);
  return {
    id: `${backendId}:${c.cameraIndexCode}`,
    backendId,
    name,
    gbId: c.gbIndexCode && /^\d{20}$/.test(c.gbIndexCode) ? c.gbIndexCode : null,
    countyCode: null,
    mineId: null,
    categoryCode: categoryFromName(name),
    place: (c.installLocation ?? '').trim().slice(0, 200),
    location: lon !== null && lat !== null ? [lon, lat] : null,
    // Without a status field the platform reports health elsewhere; the channel is listed as playable.
    online: status === null ? true : status === 1,
    // Played through the relay from the platform's RTSP preview URL; artemis always offers a sub stream.
    streams: ['jsmpeg-ws'],
    substream: true,
    ptz: cameraHasPtz(c),
  };
}

// ---------------------------------------------------------------------------------------------- preview

export type ArtemisProtocol = 'rtsp' | 'rtsp_s' | 'rtmp' | 'hls' | 'ws' | 'hik';
/** 0 main, 1 sub, 2 third stream. */
export type ArtemisStreamType = 0 | 1 | 2;

const previewSchema = z.object({ url: z.string().min(1).max(4096) });

export async function previewUrl(
  client: ArtemisClient,
  cameraIndexCode: string,
  protocol: ArtemisProtocol,
  streamType: ArtemisStreamType,
): Promise<string> {
  const data = await client.post(
    '/api/video/v2/cameras/previewURLs',
    { cameraIndexCode, streamType, protocol, transmode: 1 /* TCP */ },
    previewSchema,
  );
  return data.url;
}

// ---------------------------------------------------------------------------------------------- PTZ

export type ArtemisPtzCommandName =
  | 'LEFT'
  | 'RIGHT'
  | 'UP'
  | 'DOWN'
  | 'LEFT_UP'
  | 'LEFT_DOWN'
  | 'RIGHT_UP'
  | 'RIGHT_DOWN'
  | 'ZOOM_IN'
  | 'ZOOM_OUT'
  | 'FOCUS_NEAR'
  | 'FOCUS_FAR'
  | 'IRIS_ENLARGE'
  | 'IRIS_REDUCE'
  | 'GOTO_PRESET'
  | 'SET_PRESET';

export type ArtemisPtzRequest = {
  cameraIndexCode: string;
  action: 0 | 1;
  command: ArtemisPtzCommandName;
  speed: number;
  presetIndex?: number;
};

/** A console velocity magnitude (0..1] as an artemis speed 1..100. */
export function artemisSpeed(v: number): number {
  if (!Number.isFinite(v) || v === 0) return 0;
  return Math.max(1, Math.min(100, Math.round(Math.abs(v) * 100)));
}

function direction(pan: number, tilt: number): ArtemisPtzCommandName | null {
  const h = pan > 0 ? 'RIGHT' : pan < 0 ? 'LEFT' : '';
  const v = tilt > 0 ? 'UP' : tilt < 0 ? 'DOWN' : '';
  if (h && v) return `${h}_${v}` as ArtemisPtzCommandName;
  return (h || v || null) as ArtemisPtzCommandName | null;
}

const MOVE_COMMANDS = new Set<ArtemisPtzCommandName>(['LEFT', 'RIGHT', 'UP', 'DOWN', 'LEFT_UP', 'LEFT_DOWN', 'RIGHT_UP', 'RIGHT_DOWN', 'ZOOM_IN', 'ZOOM_OUT']);
const FOCUS_COMMANDS = new Set<ArtemisPtzCommandName>(['FOCUS_NEAR', 'FOCUS_FAR']);
const IRIS_COMMANDS = new Set<ArtemisPtzCommandName>(['IRIS_ENLARGE', 'IRIS_REDUCE']);
const STOP_SPEED = 50;

/**
 * Maps the console's PtzCommand to artemis controlling requests. artemis has a start (0) and a stop (1) per
 * command, while the console's `move` replaces whatever moved before and `stop` ends all motion, so the
 * controller remembers which commands it started per camera and stops them. When it knows of none, `stop`
 * sends a stop of LEFT and ZOOM_IN (assumed to end pan/tilt and zoom on Hikvision devices, e.g. after a restart).
 * removePreset has no controlling command: ConsoleError('unsupported'). setPreset's name is not sent (the
 * controlling API only takes the index).
 */
export class ArtemisPtzController {
  private readonly active = new Map<string, Set<ArtemisPtzCommandName>>();

  constructor(private readonly send: (request: ArtemisPtzRequest) => Promise<void>) {}

  /** The requests for `command` on `cameraIndexCode`, in order, updating what is remembered as running. */
  plan(cameraIndexCode: string, command: PtzCommand): ArtemisPtzRequest[] {
    const running = this.active.get(cameraIndexCode) ?? new Set<ArtemisPtzCommandName>();
    this.active.set(cameraIndexCode, running);
    const stops = (family: Set<ArtemisPtzCommandName>): ArtemisPtzRequest[] => {
      const out: ArtemisPtzRequest[] = [];
      for (const c of [...running]) {
        if (family.has(c)) {
          out.push({ cameraIndexCode, action: 1, command: c, speed: STOP_SPEED });
          running.delete(c);
        }
      }
      return out;
    };
    const start = (c: ArtemisPtzCommandName, speed: number): ArtemisPtzRequest => {
      running.add(c);
      return { cameraIndexCode, action: 0, command: c, speed };
    };

    switch (command.op) {
      case 'move': {
        const dir = direction(command.pan, command.tilt);
        const zoom: ArtemisPtzCommandName | null = command.zoom > 0 ? 'ZOOM_IN' : command.zoom < 0 ? 'ZOOM_OUT' : null;
        const out = stops(MOVE_COMMANDS);
        if (dir) out.push(start(dir, artemisSpeed(Math.max(Math.abs(command.pan), Math.abs(command.tilt)))));
        if (zoom) out.push(start(zoom, artemisSpeed(command.zoom)));
        if (!dir && !zoom && out.length === 0) return this.plan(cameraIndexCode, { op: 'stop' });
        return out;
      }
      case 'stop': {
        const out = [...stops(MOVE_COMMANDS), ...stops(FOCUS_COMMANDS), ...stops(IRIS_COMMANDS)];
        if (out.length > 0) return out;
        return [
          { cameraIndexCode, action: 1, command: 'LEFT', speed: STOP_SPEED },
          { cameraIndexCode, action: 1, command: 'ZOOM_IN', speed: STOP_SPEED },
        ];
      }
      case 'focus': {
        const out = stops(FOCUS_COMMANDS);
        if (command.speed !== 0) out.push(start(command.speed > 0 ? 'FOCUS_FAR' : 'FOCUS_NEAR', artemisSpeed(command.speed)));
        return out;
      }
      case 'iris': {
        const out = stops(IRIS_COMMANDS);
        if (command.speed !== 0) out.push(start(command.speed > 0 ? 'IRIS_ENLARGE' : 'IRIS_REDUCE', artemisSpeed(command.speed)));
        return out;
      }
      case 'gotoPreset':
        return [{ cameraIndexCode, action: 0, command: 'GOTO_PRESET', speed: STOP_SPEED, presetIndex: command.preset }];
      case 'setPreset':
        return [{ cameraIndexCode, action: 0, command: 'SET_PRESET', speed: STOP_SPEED, presetIndex: command.preset }];
      case 'removePreset':
        throw new ConsoleError('unsupported', '海康平台的云台控制接口不支持删除预置点');
    }
  }

  async control(cameraIndexCode: string, command: PtzCommand): Promise<void> {
    for (const request of this.plan(cameraIndexCode, command)) await this.send(request);
  }
}

/** The `send` of an ArtemisPtzController that posts to /api/video/v1/ptzs/controlling. */
export function artemisPtzSender(client: ArtemisClient): (request: ArtemisPtzRequest) => Promise<void> {
  return async (request) => {
    await client.post('/api/video/v1/ptzs/controlling', request, z.unknown());
  };
}
