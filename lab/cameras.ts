/**
 * ffmpeg command lines of the lab cameras. Each camera is one ffmpeg process with two outputs:
 * RTP H.264 to its Janus mountpoint (inside the lab namespace) and MPEG-TS over UDP on 127.0.0.1.
 * Sockets are bound to explicit local addresses (nothing on 0.0.0.0) and left unconnected, so ICMP
 * "port unreachable" while Janus or the relay is down does not fail the writes.
 */
import { rtpUrl, type ChannelDef } from './channels';
import { HOST_IP } from './netns';
import { drawtextFilters, osdLayers, OSD_LIVE_CLOCK } from './osd';

export const LIVE_WIDTH = 640;
export const LIVE_HEIGHT = 360;
export const LIVE_FPS = 25;

function mpegtsOutputUrl(ch: ChannelDef): string {
  return `udp://127.0.0.1:${ch.mpegtsPort}?pkt_size=1316&localaddr=127.0.0.1`;
}

const COMMON = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning'];

/** A camera that loops its pre-encoded clip in real time, copying the H.264 to both outputs. */
export function clipCameraArgs(ch: ChannelDef, clip: string): string[] {
  return [
    ...COMMON,
    '-re',
    '-stream_loop', '-1',
    '-i', clip,
    '-map', '0:v:0', '-c', 'copy', '-f', 'rtp', rtpUrl(ch, HOST_IP),
    '-map', '0:v:0', '-c', 'copy', '-f', 'mpegts', mpegtsOutputUrl(ch),
  ];
}

/**
 * The live clock camera: raw gray frames on stdin (paced by the generator), live OSD, one
 * low-latency x264 encode shared by both outputs through the tee muxer.
 */
export function liveCameraArgs(ch: ChannelDef, textDir: string): string[] {
  const layers = [
    { text: `${ch.place} · 实时时钟`, size: 26, x: '(w-tw)/2', y: 'h*0.22', box: true },
    ...osdLayers(OSD_LIVE_CLOCK, ch.name, 22),
  ];
  const vf = `format=yuv420p,${drawtextFilters(textDir, `live-${ch.mountpointId}`, layers)}`;
  const tee = `[f=rtp]${rtpUrl(ch, HOST_IP)}|[f=mpegts]${mpegtsOutputUrl(ch)}`;
  return [
    '-hide_banner', '-nostats', '-loglevel', 'warning',
    '-fflags', 'nobuffer', '-flags', 'low_delay',
    '-f', 'rawvideo', '-pix_fmt', 'gray', '-video_size', `${LIVE_WIDTH}x${LIVE_HEIGHT}`, '-framerate', String(LIVE_FPS),
    '-i', 'pipe:0',
    '-vf', vf,
    '-an',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency',
    '-profile:v', 'baseline', '-level', '3.1', '-pix_fmt', 'yuv420p',
    '-g', '12', '-keyint_min', '12', '-sc_threshold', '0', '-bf', '0',
    '-b:v', '800k', '-maxrate', '1000k', '-bufsize', '400k', '-threads', '1',
    '-map', '0:v:0', '-f', 'tee', tee,
  ];
}
