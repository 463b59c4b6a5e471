/**
 * Pre-encoded camera clips: 10 s of H.264 (960x540, 25 fps, baseline, GOP 12, no B-frames, SPS/PPS before
 * every IDR) per channel, encoded once and cached under .cache/lab-clips/<hash>.mp4, plus the sub stream
 * (the same clip scaled to 480x270, ~300 kbit/s) under .cache/lab-clips/<hash>-sub-<recipe>.mp4.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ChannelDef } from './channels';
import { drawtextFilters, osdClipClock, osdLayers, type TextLayer } from './osd';

const run = promisify(execFile);

export const CLIP_CACHE_DIR = fileURLToPath(new URL('../.cache/lab-clips/', import.meta.url));
export const CLIP_WIDTH = 960;
export const CLIP_HEIGHT = 540;
export const CLIP_SECONDS = 10;
export const SUB_WIDTH = 480;
export const SUB_HEIGHT = 270;
/** Bump when the encoding recipe changes in a way the parameters below do not capture. */
const RECIPE_VERSION = 1;

const ENCODE_ARGS = [
  '-an',
  '-c:v', 'libx264',
  '-preset', 'veryfast',
  '-profile:v', 'baseline',
  '-level', '3.1',
  '-pix_fmt', 'yuv420p',
  '-g', '12',
  '-keyint_min', '12',
  '-sc_threshold', '0',
  '-bf', '0',
  '-b:v', '1000k',
  '-maxrate', '1200k',
  '-bufsize', '1000k',
  // In-band SPS/PPS before every IDR: Janus viewers and the MPEG-TS relay can join at any keyframe.
  '-x264-params', 'repeat-headers=1',
  '-threads', '1',
  '-movflags', '+faststart',
];
/** The sub stream: the main clip scaled down, as a camera's second encoder would send it (~300 kbit/s). */
const SUB_RATES: Record<string, string> = { '-b:v': '300k', '-maxrate': '400k', '-bufsize': '300k' };
const SUB_ENCODE_ARGS = ENCODE_ARGS.map((arg, i) => SUB_RATES[ENCODE_ARGS[i - 1] ?? ''] ?? arg);

export type ClipPaths = { main: string; sub: string };

/** Text layers of a clip: the place and category in the middle, a moving marker, then the OSD. */
function clipLayers(ch: ChannelDef, epochSeconds: number): TextLayer[] {
  return [
    { text: ch.place, size: 64, x: '(w-tw)/2', y: 'h*0.36' },
    { text: `${ch.category} ${ch.categoryName}`, size: 24, x: '(w-tw)/2', y: 'h*0.52', box: true },
    // Moves one picture width per clip length, so the loop seam does not jump.
    { text: '▲', size: 28, x: `t*${CLIP_WIDTH / CLIP_SECONDS}`, y: 'h*0.70', color: 'yellow' },
    ...osdLayers(osdClipClock(epochSeconds), ch.name, 28),
  ];
}

function clipKey(ch: ChannelDef): string {
  const recipe = { v: RECIPE_VERSION, src: ch.picture, name: ch.name, cat: ch.category, catName: ch.categoryName, place: ch.place, ENCODE_ARGS };
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);
}

export function clipPath(ch: ChannelDef): string {
  return join(CLIP_CACHE_DIR, `${clipKey(ch)}.mp4`);
}

/** The sub clip's name carries the main clip's key and its own recipe. */
export function subClipPath(ch: ChannelDef): string {
  const sub = createHash('sha256').update(JSON.stringify({ w: SUB_WIDTH, h: SUB_HEIGHT, SUB_ENCODE_ARGS })).digest('hex').slice(0, 8);
  return join(CLIP_CACHE_DIR, `${clipKey(ch)}-sub-${sub}.mp4`);
}

async function encodeClip(ch: ChannelDef, out: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'mdc-clip-'));
  try {
    const epochSeconds = Math.floor(Date.now() / 1000);
    const dim = ch.picture.tint ? `,lutyuv=y=val*${ch.picture.tint}` : '';
    const vf =
      `scale=${CLIP_WIDTH}:${CLIP_HEIGHT},fps=25,format=yuv420p${dim},` +
      drawtextFilters(work, 't', clipLayers(ch, epochSeconds));
    const tmp = join(work, 'clip.mp4');
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `${ch.picture.lavfi}:rate=25`];
    args.push('-t', String(CLIP_SECONDS), '-vf', vf, ...ENCODE_ARGS, tmp);
    await run('ffmpeg', args, { maxBuffer: 1 << 20 });
    renameSync(tmp, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Scales the main clip down to the sub stream size (same pictures, same OSD, same clock). */
async function encodeSubClip(main: string, out: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'mdc-subclip-'));
  try {
    const tmp = join(work, 'sub.mp4');
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', main];
    args.push('-vf', `scale=${SUB_WIDTH}:${SUB_HEIGHT}:flags=bicubic`, ...SUB_ENCODE_ARGS, tmp);
    await run('ffmpeg', args, { maxBuffer: 1 << 20 });
    renameSync(tmp, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Makes sure every clip channel has its cached main and sub clip; encodes the missing ones, `parallel`
 * channels at a time.
 */
export async function ensureClips(
  channels: readonly ChannelDef[],
  log: (line: string) => void,
  parallel = 2,
): Promise<Map<number, ClipPaths>> {
  mkdirSync(CLIP_CACHE_DIR, { recursive: true });
  const paths = new Map<number, ClipPaths>();
  const missing: ChannelDef[] = [];
  for (const ch of channels) {
    if (ch.camera !== 'clip') continue;
    const p = { main: clipPath(ch), sub: subClipPath(ch) };
    paths.set(ch.mountpointId, p);
    if (!existsSync(p.main) || !existsSync(p.sub)) missing.push(ch);
  }
  if (missing.length > 0) log(`encoding ${missing.length} camera clip(s) into ${CLIP_CACHE_DIR} (once)`);
  const queue = [...missing];
  const worker = async (): Promise<void> => {
    for (let ch = queue.shift(); ch; ch = queue.shift()) {
      const started = Date.now();
      const main = clipPath(ch);
      if (!existsSync(main)) await encodeClip(ch, main);
      const sub = subClipPath(ch);
      if (!existsSync(sub)) await encodeSubClip(main, sub);
      log(`clip ${ch.mountpointId} ${ch.name}: ${Date.now() - started} ms`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return paths;
}
