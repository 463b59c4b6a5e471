/**
 * The PTZ camera's world: one big static picture of a mine's surface yard (sky, buildings, a road, the coal
 * yard) under a labelled grid, rendered once with ffmpeg and cached like the clips. The PTZ camera shows a
 * crop window of it; the grid labels (A1 … P9) make every position recognisably different.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChannelDef } from './channels';
import { CLIP_CACHE_DIR } from './clips';
import { drawtextFilters, FONT_FILE, type TextLayer } from './osd';

const run = promisify(execFile);

export const PANO_WIDTH = 2560;
export const PANO_HEIGHT = 1440;
/** Grid cell: 16 columns (A–P) × 9 rows (1–9). */
export const PANO_CELL = 160;
/** Bump when the drawing below changes. */
const RECIPE_VERSION = 1;

type Building = { label: string; x: number; y: number; w: number; h: number; color: string };

/** A surface yard seen from a mast: buildings stand on the horizon (y = 560), the coal yard lies in front. */
const HORIZON = 560;
const BUILDINGS: readonly Building[] = [
  { label: '主井井架', x: 280, y: 150, w: 140, h: HORIZON - 150, color: '0x8c3a2e' },
  { label: '副井', x: 640, y: 330, w: 240, h: HORIZON - 330, color: '0x7a6a55' },
  { label: '调度指挥中心', x: 1000, y: 280, w: 440, h: HORIZON - 280, color: '0xc9c0a6' },
  { label: '选煤厂', x: 1580, y: 220, w: 360, h: HORIZON - 220, color: '0x3f5f7f' },
  { label: '变电所', x: 2300, y: 400, w: 200, h: HORIZON - 400, color: '0x5f7f4f' },
  { label: '储煤场', x: 1640, y: 860, w: 760, h: 300, color: '0x1e1e1e' },
  { label: '停车场', x: 180, y: 880, w: 560, h: 320, color: '0x6f6f6f' },
];

function recipe(ch: ChannelDef): string {
  return JSON.stringify({ v: RECIPE_VERSION, w: PANO_WIDTH, h: PANO_HEIGHT, cell: PANO_CELL, b: BUILDINGS, name: ch.name });
}

export function panoramaPath(ch: ChannelDef): string {
  const key = createHash('sha256').update(recipe(ch)).digest('hex').slice(0, 16);
  return join(CLIP_CACHE_DIR, `pano-${key}.png`);
}

function columnName(i: number): string {
  return String.fromCharCode(65 + i);
}

function panoramaFilter(ch: ChannelDef, work: string): string {
  const parts: string[] = [
    // Ground, road with a dashed centre line, a belt gallery from the plant to the coal yard.
    `drawbox=x=0:y=${HORIZON}:w=${PANO_WIDTH}:h=${PANO_HEIGHT - HORIZON}:color=0x5a5244:t=fill`,
    `drawbox=x=0:y=660:w=${PANO_WIDTH}:h=90:color=0x707070:t=fill`,
    ...Array.from({ length: 16 }, (_, i) => `drawbox=x=${i * 160 + 40}:y=700:w=80:h=8:color=0xf0f0f0:t=fill`),
    `drawbox=x=1940:y=300:w=360:h=30:color=0x9a9a9a:t=fill`,
  ];
  for (const b of BUILDINGS) {
    parts.push(`drawbox=x=${b.x}:y=${b.y}:w=${b.w}:h=${b.h}:color=${b.color}:t=fill`);
    parts.push(`drawbox=x=${b.x}:y=${b.y}:w=${b.w}:h=${b.h}:color=black@0.8:t=4`);
  }
  // Windows of the dispatch centre: a regular pattern that shows blur and zoom well.
  for (let row = 0; row < 4; row++) {
    for (let col = 0; col < 8; col++) {
      parts.push(`drawbox=x=${1030 + col * 52}:y=${300 + row * 62}:w=30:h=36:color=0x3a5a7a:t=fill`);
    }
  }
  parts.push(`drawgrid=w=${PANO_CELL}:h=${PANO_CELL}:t=2:c=white@0.45`);
  // Cell labels in the top-left corner of every cell.
  for (let r = 0; r < PANO_HEIGHT / PANO_CELL; r++) {
    for (let c = 0; c < PANO_WIDTH / PANO_CELL; c++) {
      parts.push(
        `drawtext=fontfile=${FONT_FILE}:text=${columnName(c)}${r + 1}:fontsize=34:fontcolor=yellow:` +
          `borderw=2:bordercolor=black:x=${c * PANO_CELL + 10}:y=${r * PANO_CELL + 6}`,
      );
    }
  }
  // Building names centred in their building (between grid labels), the channel name in the open yard.
  const layers: TextLayer[] = BUILDINGS.map((b) => ({
    text: b.label,
    size: 44,
    x: `${b.x}+(${b.w}-tw)/2`,
    y: `${b.y}+(${b.h}-th)/2`,
    box: true,
  }));
  layers.push({ text: `${ch.name} · 全景`, size: 52, x: '(w-tw)/2', y: '1010', box: true });
  parts.push(drawtextFilters(work, 'pano', layers));
  return parts.join(',');
}

/** Renders the panorama once into the clip cache; returns its path. */
export async function ensurePanorama(ch: ChannelDef, log: (line: string) => void): Promise<string> {
  const out = panoramaPath(ch);
  // The path ends up inside a filtergraph (movie=...): keep it free of metacharacters.
  if (!/^[\w/.-]+$/.test(out)) throw new Error(`panorama path ${out}: use letters, digits, / . _ - only`);
  if (existsSync(out)) return out;
  mkdirSync(CLIP_CACHE_DIR, { recursive: true });
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'mdc-pano-'));
  try {
    const sky = `gradients=s=${PANO_WIDTH}x${PANO_HEIGHT}:c0=0x6f95bf:c1=0xd5e0ea:x0=0:y0=0:x1=0:y1=${HORIZON}:nb_colors=2:d=1:r=1`;
    const tmp = join(work, 'pano.png');
    await run(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', sky, '-vf', panoramaFilter(ch, work), '-frames:v', '1', tmp],
      { maxBuffer: 1 << 20 },
    );
    renameSync(tmp, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`panorama ${ch.mountpointId} ${ch.name}: ${Date.now() - started} ms`);
  return out;
}
