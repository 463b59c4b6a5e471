/**
 * Pictures the lab's alarms carry: one still per scene (a lab channel's own picture source, its place drawn on it,
 * and the things the alarms point at — people, fire, a belt, doors — drawn as plain shapes), rendered once with
 * ffmpeg as a small JPEG and cached under .cache/lab-alarm-pictures/<hash>.jpg like the camera clips.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PictureSource } from './channels';
import { drawtextFilters, type TextLayer } from './osd';

const run = promisify(execFile);

export const ALARM_PICTURE_DIR = fileURLToPath(new URL('../.cache/lab-alarm-pictures/', import.meta.url));
export const ALARM_PICTURE_WIDTH = 960;
export const ALARM_PICTURE_HEIGHT = 540;
/** Bump when the drawing below changes in a way the scene does not capture. */
const RECIPE_VERSION = 1;
/** Sources that are not a plain lavfi graph (the clock camera's live encode, the PTZ panorama) draw this instead. */
const FALLBACK_LAVFI = 'testsrc2=size=960x540';

export type Rect = { x: number; y: number; w: number; h: number };

/** Something drawn into the picture that an alarm's detection box can point at. */
export type Mark = { label: string; rect: Rect; color: string };

export type Scene = {
  /** Stable name of the scene (file names, logs). */
  name: string;
  source: PictureSource;
  width: number;
  height: number;
  /** Large text in the middle (the place), and the camera name bottom right as its OSD shows it (null: none). */
  title: string;
  caption: string | null;
  marks: readonly Mark[];
};

function sceneKey(scene: Scene): string {
  return createHash('sha256').update(JSON.stringify({ v: RECIPE_VERSION, scene })).digest('hex').slice(0, 16);
}

export function scenePath(scene: Scene, dir: string = ALARM_PICTURE_DIR): string {
  return join(dir, `${sceneKey(scene)}.jpg`);
}

/** A lavfi source at a low frame rate, seeked two seconds in (life and cellauto start empty). */
function sourceInput(source: PictureSource): string {
  const lavfi = source.lavfi === 'live' || source.lavfi === 'panorama' ? FALLBACK_LAVFI : source.lavfi;
  return `${lavfi}:rate=5`;
}

function sceneFilter(scene: Scene, work: string): string {
  const { width: w, height: h } = scene;
  // Fill the frame whatever the source's aspect (mptestsrc is square), then dim like the clip does.
  const parts = [`scale=${w}:${h}:force_original_aspect_ratio=increase`, `crop=${w}:${h}`, 'format=yuv420p'];
  if (scene.source.tint) parts.push(`lutyuv=y=val*${scene.source.tint}`);
  for (const m of scene.marks) parts.push(`drawbox=x=${m.rect.x}:y=${m.rect.y}:w=${m.rect.w}:h=${m.rect.h}:color=${m.color}:t=fill`);
  const size = Math.round(h / 8.5);
  const layers: TextLayer[] = [{ text: scene.title, size, x: '(w-tw)/2', y: 'h*0.12', box: true }];
  if (scene.caption !== null) layers.push({ text: scene.caption, size: Math.round(size * 0.45), x: 'w-tw-16', y: 'h-th-14' });
  parts.push(drawtextFilters(work, 'a', layers));
  return parts.join(',');
}

async function renderScene(scene: Scene, out: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'mdc-alarm-picture-'));
  try {
    const tmp = join(work, 'picture.jpg');
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', sourceInput(scene.source)];
    args.push('-ss', '2', '-frames:v', '1', '-vf', sceneFilter(scene, work), '-q:v', '5', tmp);
    await run('ffmpeg', args, { maxBuffer: 1 << 20 });
    renameSync(tmp, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The JPEG of every scene, rendering the ones not cached yet (`parallel` at a time). Keyed by scene name.
 */
export async function ensureAlarmPictures(
  scenes: readonly Scene[],
  opts: { dir?: string; parallel?: number; log?: (line: string) => void } = {},
): Promise<Map<string, Buffer>> {
  const dir = opts.dir ?? ALARM_PICTURE_DIR;
  mkdirSync(dir, { recursive: true });
  const missing = scenes.filter((s) => !existsSync(scenePath(s, dir)));
  if (missing.length > 0) opts.log?.(`rendering ${missing.length} alarm picture(s) into ${dir} (once)`);
  const queue = [...missing];
  const worker = async (): Promise<void> => {
    for (let scene = queue.shift(); scene; scene = queue.shift()) await renderScene(scene, scenePath(scene, dir));
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 4) }, worker));
  return new Map(scenes.map((s) => [s.name, readFileSync(scenePath(s, dir))]));
}
