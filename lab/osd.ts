/**
 * OSD per the national coal-mine video rule: top-left `YYYY年MM月DD日 HH:mm:ss`, bottom-right 煤矿简称+地点.
 * Texts go through drawtext `textfile=` so no filtergraph escaping is needed beyond the `\:` that the
 * `%{...}` expansion itself requires.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FONT_FILE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc';

/** Live wall clock (ffmpeg's localtime when the frame is filtered). */
export const OSD_LIVE_CLOCK = '%{localtime:%Y年%m月%d日 %H\\:%M\\:%S}';

/** Clock of a pre-encoded clip: `epochSeconds` + frame pts, so the seconds tick inside the clip. */
export function osdClipClock(epochSeconds: number): string {
  return `%{pts:localtime:${epochSeconds}:%Y年%m月%d日 %H\\:%M\\:%S}`;
}

export type TextLayer = {
  text: string;
  size: number;
  x: string;
  y: string;
  color?: string;
  box?: boolean;
};

/** The two mandatory OSD layers for a picture of the given font size. */
export function osdLayers(clock: string, name: string, size: number): TextLayer[] {
  const margin = Math.round(size * 0.6);
  return [
    { text: clock, size, x: String(margin), y: String(Math.round(margin * 0.8)) },
    { text: name, size, x: `w-tw-${margin}`, y: `h-th-${margin}` },
  ];
}

/** Writes each layer's text into `dir` and returns the comma-joined drawtext filters. */
export function drawtextFilters(dir: string, prefix: string, layers: readonly TextLayer[]): string {
  mkdirSync(dir, { recursive: true });
  return layers
    .map((layer, i) => {
      const file = join(dir, `${prefix}-${i}.txt`);
      writeFileSync(file, layer.text);
      const style = layer.box
        ? 'box=1:boxcolor=black@0.45:boxborderw=10'
        : 'borderw=2:bordercolor=black@0.85';
      return (
        `drawtext=fontfile=${FONT_FILE}:textfile=${file}:fontsize=${layer.size}:` +
        `fontcolor=${layer.color ?? 'white'}:${style}:x=${layer.x}:y=${layer.y}`
      );
    })
    .join(',');
}
