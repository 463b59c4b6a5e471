/** Source URL validation, log redaction and the ffmpeg command lines of the relay (MPEG-1 transcode, FLV remux). */

export type RelaySourceScheme = 'rtsp' | 'udp' | 'http' | 'https';

const ACCEPTED: ReadonlySet<string> = new Set(['rtsp:', 'udp:', 'http:', 'https:']);

export class RelaySourceError extends Error {
  override readonly name = 'RelaySourceError';
}

/** Parses and checks a relay source URL; throws RelaySourceError with a message that contains no credentials. */
export function parseSourceUrl(sourceUrl: string): { url: URL; scheme: RelaySourceScheme } {
  let url: URL;
  try {
    url = new URL(sourceUrl);
  } catch {
    throw new RelaySourceError('Relay source is not a valid URL');
  }
  if (!ACCEPTED.has(url.protocol)) {
    throw new RelaySourceError(
      `Relay source scheme "${url.protocol}" is not supported (accepted: rtsp://, udp:// MPEG-TS, http(s):// MPEG-TS)`,
    );
  }
  if (!url.hostname) throw new RelaySourceError('Relay source URL has no host');
  return { url, scheme: url.protocol.slice(0, -1) as RelaySourceScheme };
}

/** Replaces user:password@ in every URL inside `text` (ffmpeg echoes input URLs in its errors). */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@');
}

export type RelayEncodeOptions = {
  /** Video bit rate in kbit/s. */
  videoKbps: number;
  /** GOP length in frames (each GOP starts with a sequence header a late viewer can join on). */
  gop: number;
};

export const DEFAULT_ENCODE: RelayEncodeOptions = { videoKbps: 1500, gop: 12 };

/** The ffmpeg argument list (without the executable) that turns `sourceUrl` into MPEG-TS/MPEG-1 on stdout. */
export function buildFfmpegArgs(sourceUrl: string, enc: RelayEncodeOptions = DEFAULT_ENCODE): string[] {
  return [
    ...inputArgs(sourceUrl, false),
    '-c:v',
    'mpeg1video',
    '-pix_fmt',
    'yuv420p',
    // MPEG-1 only allows the standard frame rates; 25 fps is the PAL/China camera rate.
    '-r',
    '25',
    '-b:v',
    `${enc.videoKbps}k`,
    '-maxrate',
    `${enc.videoKbps * 2}k`,
    '-bufsize',
    `${enc.videoKbps}k`,
    '-bf',
    '0',
    '-g',
    String(enc.gop),
    '-f',
    'mpegts',
    '-muxdelay',
    '0',
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}

/**
 * The ffmpeg argument list that remuxes `sourceUrl`'s H.264 video into FLV on stdout without transcoding
 * (`-c:v copy`), for MSE players (mpegts.js) — what ZLMediaKit serves as ws-flv, made by the console itself.
 */
export function buildFlvRemuxArgs(sourceUrl: string): string[] {
  return [
    ...inputArgs(sourceUrl, true),
    '-c:v',
    'copy',
    '-f',
    'flv',
    // A live stream: no seeking back to write duration/size, no trailing index.
    '-flvflags',
    'no_duration_filesize',
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}

/** Input options, the input and the stream selection shared by both recipes. */
function inputArgs(sourceUrl: string, copy: boolean): string[] {
  const { scheme } = parseSourceUrl(sourceUrl);
  const input: string[] = ['-fflags', 'nobuffer', '-flags', 'low_delay'];
  const inputUrl = scheme === 'udp' ? bindUdpToItsHost(sourceUrl) : sourceUrl;
  switch (scheme) {
    case 'rtsp':
      // TCP interleaved: no UDP port ranges to open, no loss on a busy LAN; 5 s socket timeout.
      input.push('-rtsp_transport', 'tcp', '-timeout', '5000000', '-probesize', '500000', '-analyzeduration', '500000');
      break;
    case 'udp':
      // Small probe: an H.264 MPEG-TS source needs only its SPS/PPS and one keyframe.
      // Copying needs the stream's dimensions before the FLV header can be written: probe up to half a second.
      if (copy) input.push('-f', 'mpegts', '-probesize', '500000', '-analyzeduration', '500000');
      else input.push('-f', 'mpegts', '-probesize', '32768', '-analyzeduration', '0');
      break;
    case 'http':
    case 'https':
      input.push('-f', 'mpegts', '-probesize', '131072', '-analyzeduration', '300000');
      break;
  }
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', ...input, '-i', inputUrl, '-map', '0:v:0', '-an', '-sn', '-dn'];
}

/**
 * ffmpeg's UDP input binds 0.0.0.0:<port> unless told otherwise; for a unicast source on a loopback address
 * bind to that address, so the relay never listens beyond this machine.
 */
export function bindUdpToItsHost(sourceUrl: string): string {
  const url = new URL(sourceUrl);
  if (url.searchParams.has('localaddr') || !/^127\./.test(url.hostname)) return sourceUrl;
  url.searchParams.set('localaddr', url.hostname);
  return url.toString();
}
