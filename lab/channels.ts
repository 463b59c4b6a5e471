/** The lab's camera catalogue: real Changzhi mines, point categories, GB/T 28181 ids and Janus metadata. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JANUS_IP } from './netns';

const DATA_DIR = fileURLToPath(new URL('../assets/data/', import.meta.url));

type MineRecord = {
  id: string;
  name: string;
  short_name: string;
  county: string;
  county_adcode: string;
  location: [number, number];
};
type CategoryRecord = { code: string; name: string; location: 'surface' | 'underground'; features: string[] };

/** What a clip camera draws under its OSD (an ffmpeg lavfi source, scaled to the clip size). */
export type PictureSource = { lavfi: string; tint?: string };

export type ChannelDef = {
  mountpointId: number;
  name: string;
  gbId: string;
  county: string;
  mineId: string;
  mineName: string;
  mineShort: string;
  mineLocation: [number, number];
  category: string;
  categoryName: string;
  place: string;
  location: [number, number];
  /** Only the PTZ camera: its PTZ is real (a control the lab answers), so only it says so. */
  ptz: boolean;
  /** The live clock camera (barcode). */
  live: boolean;
  camera: CameraKind;
  /** UDP port of the Janus mountpoint on JANUS_IP. */
  rtpPort: number;
  /** Sub stream (clip cameras): its own Janus mountpoint and RTP port; null where the camera has none. */
  subMountpointId: number | null;
  subRtpPort: number | null;
  /** ISAPI PTZ control (`http://127.0.0.1:PORT/ISAPI/PTZCtrl/channels/1`), set once the lab's server listens. */
  ptzControlUrl: string | null;
  /** The lab recorder's segment index of this camera, set once its server listens; null where it is not recorded. */
  recordIndexUrl: string | null;
  /** UDP port of the MPEG-TS copy on 127.0.0.1. */
  mpegtsPort: number;
  mpegtsUrl: string;
  picture: PictureSource;
};

/** Mines used by the lab, in gbId serial order (index 1..). Different counties on purpose. */
const LAB_MINES = ['M1228', 'M3707', 'M0430', 'M0218'] as const; // 五阳(襄垣) 常村(屯留) 赵庄(长子) 高河(上党)

/** clip: a looped pre-encoded clip (main + sub stream); clock: the live barcode camera; ptz: the live PTZ camera. */
export type CameraKind = 'clip' | 'clock' | 'ptz';

type Spec = { mine: (typeof LAB_MINES)[number]; category: string; place: string; picture: PictureSource; camera?: CameraKind };

/**
 * Channels in mountpoint order (ids 101..). Sources are small lavfi generators; most render fast,
 * the heavy ones (mandelbrot, life) render at a lower size and are scaled up.
 */
const SPECS: readonly Spec[] = [
  { mine: 'M1228', category: '01', place: '地面工业广场', picture: { lavfi: 'testsrc2=size=960x540' } },
  { mine: 'M1228', category: '02', place: '主井口', picture: { lavfi: 'smptehdbars=size=960x540' } },
  { mine: 'M1228', category: '05', place: '调度室', picture: { lavfi: 'live' }, camera: 'clock' },
  {
    mine: 'M1228',
    category: '15',
    place: '采煤工作面',
    picture: { lavfi: 'mandelbrot=size=480x270:maxiter=96:end_scale=0.05:end_pts=250', tint: '0.55' },
  },
  { mine: 'M3707', category: '03', place: '副井口', picture: { lavfi: 'rgbtestsrc=size=960x540' } },
  {
    mine: 'M3707',
    category: '07',
    place: '地面出入井通道',
    picture: { lavfi: 'life=size=320x180:mold=10:ratio=0.2:life_color=#40c040:death_color=#102010:mold_color=#305030' },
  },
  { mine: 'M3707', category: '19', place: '主运胶带机机头', picture: { lavfi: 'cellauto=size=320x180:rule=110', tint: '0.6' } },
  { mine: 'M3707', category: '22', place: '中央水泵房', picture: { lavfi: 'gradients=size=960x540:speed=0.02:c0=0x103050:c1=0x2080a0' } },
  { mine: 'M0430', category: '04', place: '风井口', picture: { lavfi: 'pal75bars=size=960x540' } },
  { mine: 'M0430', category: '16', place: '掘进工作面', picture: { lavfi: 'sierpinski=size=480x270:type=carpet', tint: '0.5' } },
  { mine: 'M0430', category: '21', place: '中央变电所', picture: { lavfi: 'yuvtestsrc=size=960x540' } },
  { mine: 'M0430', category: '34', place: '地面储煤场', picture: { lavfi: 'colorspectrum=size=960x540:type=all' } },
  { mine: 'M0218', category: '08', place: '井底车场', picture: { lavfi: 'mptestsrc=t=ring1', tint: '0.7' } },
  { mine: 'M0218', category: '12', place: '采掘工作面出入口', picture: { lavfi: 'testsrc=size=960x540', tint: '0.6' } },
  { mine: 'M0218', category: '23', place: '煤仓上下口', picture: { lavfi: 'gradients=size=960x540:speed=0.05:c0=0x302010:c1=0x906030:type=radial' } },
  // A crop window of a rendered panorama (lab/panorama.ts), moved by the lab's ISAPI PTZ server.
  { mine: 'M0218', category: '01', place: '地面工业广场', picture: { lavfi: 'panorama' }, camera: 'ptz' },
];

export const FIRST_MOUNTPOINT_ID = 101;
export const RTP_PORT_BASE = 22000;
export const MPEGTS_PORT_BASE = 23000;
/** Sub stream mountpoint of channel N is N + SUB_MOUNTPOINT_OFFSET (201, 202, …). */
export const SUB_MOUNTPOINT_OFFSET = 100;

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(DATA_DIR + file, 'utf8')) as T;
}

/** GB/T 28181 id: centre code (county adcode + "00"), 41 mining, 132 IPC, network 6, 6-digit serial. */
export function makeGbId(countyAdcode: string, mineIndex: number, category: string, seq: number): string {
  const serial = `${String(mineIndex).padStart(2, '0')}${category}${String(seq).padStart(2, '0')}`;
  const id = `${countyAdcode}00` + '41' + '132' + '6' + serial;
  if (!/^\d{20}$/.test(id)) throw new Error(`bad gbId ${id}`);
  return id;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** A stable point near the mine: surface points within ~150 m, underground ones up to ~1 km along a bearing. */
function channelLocation(mine: [number, number], category: CategoryRecord, seq: number): [number, number] {
  const code = Number(category.code);
  const bearing = ((code * 47 + seq * 13) % 360) * (Math.PI / 180);
  const r = category.location === 'underground' ? 0.004 + 0.0015 * (code % 5) : 0.0006 + 0.0003 * seq;
  return [round6(mine[0] + r * Math.sin(bearing)), round6(mine[1] + r * Math.cos(bearing) * 0.8)];
}

export function buildChannels(): ChannelDef[] {
  const mines = readJson<{ mines: MineRecord[] }>('changzhi-coal-mines.json').mines;
  const categories = readJson<{ categories: CategoryRecord[] }>('point-categories.json').categories;
  const seqByKey = new Map<string, number>();
  return SPECS.map((spec, i) => {
    const mine = mines.find((m) => m.id === spec.mine);
    const category = categories.find((c) => c.code === spec.category);
    if (!mine || !category) throw new Error(`lab channel ${i}: unknown mine ${spec.mine} or category ${spec.category}`);
    const mineIndex = LAB_MINES.indexOf(spec.mine) + 1;
    const key = `${spec.mine}/${spec.category}`;
    const seq = (seqByKey.get(key) ?? 0) + 1;
    seqByKey.set(key, seq);
    const mountpointId = FIRST_MOUNTPOINT_ID + i;
    const mpegtsPort = MPEGTS_PORT_BASE + (mountpointId - 100);
    const camera = spec.camera ?? 'clip';
    const subMountpointId = camera === 'clip' ? mountpointId + SUB_MOUNTPOINT_OFFSET : null;
    return {
      mountpointId,
      name: mine.short_name + spec.place,
      gbId: makeGbId(mine.county_adcode, mineIndex, spec.category, seq),
      county: mine.county_adcode,
      mineId: mine.id,
      mineName: mine.name,
      mineShort: mine.short_name,
      mineLocation: mine.location,
      category: category.code,
      categoryName: category.name,
      place: spec.place,
      location: channelLocation(mine.location, category, seq),
      ptz: camera === 'ptz',
      live: camera === 'clock',
      camera,
      rtpPort: RTP_PORT_BASE + 2 * (mountpointId - 100),
      subMountpointId,
      subRtpPort: subMountpointId === null ? null : RTP_PORT_BASE + 2 * (subMountpointId - 100),
      ptzControlUrl: null,
      recordIndexUrl: null,
      mpegtsPort,
      mpegtsUrl: `udp://127.0.0.1:${mpegtsPort}?pkt_size=1316`,
      picture: spec.picture,
    };
  });
}

/** The JSON string carried in the mountpoint's `metadata` (schema mdc.channel/1). */
export function channelMetadata(ch: ChannelDef): string {
  return JSON.stringify({
    schema: 'mdc.channel/1',
    gbId: ch.gbId,
    name: ch.name,
    county: ch.county,
    mineId: ch.mineId,
    mineName: ch.mineName,
    mineShort: ch.mineShort,
    mineLocation: ch.mineLocation,
    category: ch.category,
    place: ch.place,
    location: ch.location,
    ptz: ch.ptz,
    ...(ch.ptz && ch.ptzControlUrl ? { ptzControl: { protocol: 'isapi', url: ch.ptzControlUrl } } : {}),
    ...(ch.subMountpointId !== null ? { subMountpoint: ch.subMountpointId } : {}),
    ...(ch.recordIndexUrl ? { recordIndex: { url: ch.recordIndexUrl } } : {}),
    mpegts: `udp://127.0.0.1:${ch.mpegtsPort}`,
  });
}

/** Metadata of a sub stream mountpoint: not a channel of its own, it names its main mountpoint. */
export function subStreamMetadata(ch: ChannelDef): string {
  return JSON.stringify({ schema: 'mdc.substream/1', main: ch.mountpointId });
}

/** RTP destination of a channel's sub stream. */
export function subRtpUrl(ch: ChannelDef, localAddr: string): string {
  if (ch.subRtpPort === null) throw new Error(`channel ${ch.mountpointId} has no sub stream`);
  return `rtp://${JANUS_IP}:${ch.subRtpPort}?pkt_size=1200&localaddr=${localAddr}`;
}

/** RTP destination of a channel (host namespace -> Janus inside the lab namespace). */
export function rtpUrl(ch: ChannelDef, localAddr: string): string {
  return `rtp://${JANUS_IP}:${ch.rtpPort}?pkt_size=1200&localaddr=${localAddr}`;
}
