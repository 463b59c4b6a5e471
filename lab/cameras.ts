/**
 * ffmpeg command lines of the lab cameras. Each camera is one ffmpeg process with two outputs:
 * RTP H.264 to its Janus mountpoint (inside the lab namespace) and MPEG-TS over UDP on 127.0.0.1.
 * Sockets are bound to explicit local addresses (nothing on 0.0.0.0) and left unconnected, so ICMP
 * "port unreachable" while Janus or the relay is down does not fail the writes.
 */
import { rtpUrl, subRtpUrl, type ChannelDef } from './channels';
import type { ClipPaths } from './clips';
import { HOST_IP } from './netns';
import { drawtextFilters, FONT_FILE, osdLayers, OSD_LIVE_CLOCK } from './osd';
import { recordOutputArgs, recordTeeOutput } from './recorder';
import { CROP_FILTER, filterSettings, FOCUS_FILTER, IRIS_FILTER, READOUT_FILTER, readoutText, type PtzPosition } from './ptzModel';

export const LIVE_WIDTH = 640;
export const LIVE_HEIGHT = 360;
export const LIVE_FPS = 25;

function mpegtsOutputUrl(ch: ChannelDef): string {
  return `udp://127.0.0.1:${ch.mpegtsPort}?pkt_size=1316&localaddr=127.0.0.1`;
}

const COMMON = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning'];

/** Where a camera also records its main stream: segments under `dir`, the run starting at `base` (epoch ms). */
export type RecordTarget = { dir: string; base: number };

/**
 * A camera that loops its pre-encoded clips in real time, copying the H.264: the main clip to RTP and
 * MPEG-TS (and into recording segments where `record` is given), the sub clip (same pictures, 480x270) to the
 * sub stream's mountpoint. One process per camera.
 */
export function clipCameraArgs(ch: ChannelDef, clips: ClipPaths, record: RecordTarget | null = null): string[] {
  return [
    ...COMMON,
    '-re', '-stream_loop', '-1', '-i', clips.main,
    '-re', '-stream_loop', '-1', '-i', clips.sub,
    '-map', '0:v:0', '-c', 'copy', '-f', 'rtp', rtpUrl(ch, HOST_IP),
    '-map', '0:v:0', '-c', 'copy', '-f', 'mpegts', mpegtsOutputUrl(ch),
    '-map', '1:v:0', '-c', 'copy', '-f', 'rtp', subRtpUrl(ch, HOST_IP),
    ...(record ? recordOutputArgs(record.dir, record.base) : []),
  ];
}

/**
 * The live encode both live cameras share: low latency, GOP 12, one x264 thread, tee to RTP and MPEG-TS (and
 * recording segments where `record` is given).
 */
function liveEncodeArgs(ch: ChannelDef, map: string, record: RecordTarget | null = null): string[] {
  const outputs = [`[f=rtp]${rtpUrl(ch, HOST_IP)}`, `[f=mpegts]${mpegtsOutputUrl(ch)}`];
  if (record) outputs.push(recordTeeOutput(record.dir, record.base));
  const tee = outputs.join('|');
  return [
    '-an',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency',
    '-profile:v', 'baseline', '-level', '3.1', '-pix_fmt', 'yuv420p',
    '-g', '12', '-keyint_min', '12', '-sc_threshold', '0', '-bf', '0',
    '-b:v', '800k', '-maxrate', '1000k', '-bufsize', '400k', '-threads', '1',
    '-map', map, '-f', 'tee', tee,
  ];
}

/**
 * The live clock camera: raw gray frames on stdin (paced by the generator), live OSD, one
 * low-latency x264 encode shared by both outputs through the tee muxer.
 */
export function liveCameraArgs(ch: ChannelDef, textDir: string, record: RecordTarget | null = null): string[] {
  const layers = [
    { text: `${ch.place} · 实时时钟`, size: 26, x: '(w-tw)/2', y: 'h*0.22', box: true },
    ...osdLayers(OSD_LIVE_CLOCK, ch.name, 22),
  ];
  const vf = `format=yuv420p,${drawtextFilters(textDir, `live-${ch.mountpointId}`, layers)}`;
  return [
    '-hide_banner', '-nostats', '-loglevel', 'warning',
    '-fflags', 'nobuffer', '-flags', 'low_delay',
    '-f', 'rawvideo', '-pix_fmt', 'gray', '-video_size', `${LIVE_WIDTH}x${LIVE_HEIGHT}`, '-framerate', String(LIVE_FPS),
    '-i', 'pipe:0',
    '-vf', vf,
    ...liveEncodeArgs(ch, '0:v:0', record),
  ];
}

/**
 * The PTZ camera: the panorama decoded once and repeated (`loop`), paced by `realtime`, then
 *   zmq (runtime commands) → crop@ptz (the window; pan/tilt move x/y, zoom changes w, h = w·9/16)
 *   → null → scale to 640x360 → gblur@focus → eq@iris → OSD (clock, name, PTZ readout drawtext@ptz).
 * The `null` between crop and scale is needed: when a command resizes the crop, crop updates the link it
 * shares with its next filter, and scale behind that link would keep its old conversion context and stall
 * the graph (seen with ffmpeg 5.1). Behind `null` scale sees a frame of a new size and reconfigures.
 * `position` is applied from the first frame; later changes arrive over the zmq socket (lab/ptzCamera.ts).
 */
export function ptzCameraArgs(ch: ChannelDef, panorama: string, zmqSocket: string, textDir: string, position: PtzPosition): string[] {
  for (const path of [panorama, zmqSocket]) {
    if (!/^[\w/.-]+$/.test(path)) throw new Error(`${path}: use letters, digits, / . _ - only (it goes into a filtergraph)`);
  }
  const s = filterSettings(position);
  const arg = (key: string, fallback: string): string => s.get(key)?.arg ?? fallback;
  const layers = osdLayers(OSD_LIVE_CLOCK, ch.name, 22);
  const graph = [
    `movie=filename=${panorama}`,
    'format=yuv420p',
    'loop=loop=-1:size=1:start=0',
    `settb=1/${LIVE_FPS}`,
    'setpts=N',
    'realtime',
    // Filtergraph escaping: `\\:` in the graph text is `\:` for the filter's option parser, i.e. a literal ':'.
    `zmq=bind_address=ipc\\\\://${zmqSocket}`,
    `${CROP_FILTER}=w=${arg('crop.w', '1280')}:h=ow*9/16:x=${arg('crop.x', '0')}:y=${arg('crop.y', '0')}`,
    'null',
    `scale=${LIVE_WIDTH}:${LIVE_HEIGHT}:flags=fast_bilinear`,
    `${FOCUS_FILTER}=sigma=${arg('focus.sigma', '1')}:steps=1:enable=${arg('focus.enable', '0')}`,
    `${IRIS_FILTER}=brightness=${arg('iris.brightness', '0')}:enable=${arg('iris.enable', '0')}`,
    drawtextFilters(textDir, `ptz-${ch.mountpointId}`, layers),
    `${READOUT_FILTER}=fontfile=${FONT_FILE}:text='${readoutText(position)}':fontsize=18:fontcolor=white:` +
      'borderw=2:bordercolor=black@0.85:x=w-tw-13:y=13',
  ];
  return [
    '-hide_banner', '-nostats', '-nostdin', '-loglevel', 'warning',
    '-filter_complex', `${graph.join(',')}[ptz]`,
    ...liveEncodeArgs(ch, '[ptz]'),
  ];
}
