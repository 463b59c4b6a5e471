/**
 * Snapshots of a tile: copy the current picture, add a caption bar (channel name and time) and
 * encode it as PNG base64 for ConsoleApi.saveSnapshot. The layout maths is pure (unit-tested).
 */

/** CJK first (the lab and Linux consoles have Noto CJK; Windows has YaHei), then any sans-serif. */
export const CAPTION_FONT_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif';

export type SnapshotCaption = { channelName: string; time: string };

export type CaptionLayout = {
  /** Size of the composed image: the frame, untouched, with the caption bar below it. */
  width: number;
  height: number;
  /** Top edge and height of the bar. */
  barTop: number;
  barHeight: number;
  fontPx: number;
  /** Left/right margin of the text and the minimum gap between name and time. */
  padding: number;
};

const MIN_BAR = 24;
const MAX_BAR = 96;

/** Bar height about 6 % of the picture (24…96 px), text 60 % of the bar. */
export function captionLayout(frameWidth: number, frameHeight: number): CaptionLayout {
  const w = Math.max(1, Math.round(frameWidth));
  const h = Math.max(1, Math.round(frameHeight));
  const barHeight = Math.min(MAX_BAR, Math.max(MIN_BAR, Math.round(h * 0.06)));
  const fontPx = Math.round(barHeight * 0.6);
  return { width: w, height: h + barHeight, barTop: h, barHeight, fontPx, padding: Math.round(fontPx * 0.6) };
}

/** `text` shortened with an ellipsis until `measure(text) <= maxWidth` ('' when not even the ellipsis fits). */
export function fitText(text: string, maxWidth: number, measure: (s: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  const chars = Array.from(text); // code points: never split a surrogate pair
  let lo = 0;
  let hi = chars.length;
  // Largest n with measure(first n chars + '…') <= maxWidth.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${chars.slice(0, mid).join('')}…`) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0) return measure('…') <= maxWidth ? '…' : '';
  return `${chars.slice(0, lo).join('')}…`;
}

/** Local time as the caption shows it: 2025-01-31 08:05:09. */
export function formatSnapshotTime(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** A new canvas of width×height with `source` drawn into it, or null for an empty source. */
export function copyFrame(source: CanvasImageSource, width: number, height: number): HTMLCanvasElement | null {
  if (!(width > 0 && height > 0)) return null;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, width, height);
  return canvas;
}

/**
 * The frame with a caption bar below it (the picture itself stays whole, camera OSD included):
 * channel name on the left, time on the right, white on near-black.
 */
export function composeSnapshot(frame: HTMLCanvasElement, caption: SnapshotCaption): HTMLCanvasElement {
  const layout = captionLayout(frame.width, frame.height);
  const canvas = document.createElement('canvas');
  canvas.width = layout.width;
  canvas.height = layout.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('Canvas 2D is not available');
  ctx.drawImage(frame, 0, 0);
  ctx.fillStyle = '#111418';
  ctx.fillRect(0, layout.barTop, layout.width, layout.barHeight);
  ctx.font = `${layout.fontPx}px ${CAPTION_FONT_STACK}`;
  ctx.fillStyle = '#ffffff';
  ctx.textBaseline = 'middle';
  const y = layout.barTop + layout.barHeight / 2;
  const measure = (s: string): number => ctx.measureText(s).width;
  const time = fitText(caption.time, layout.width - 2 * layout.padding, measure);
  const timeWidth = time ? measure(time) : 0;
  const nameRoom = layout.width - 2 * layout.padding - (timeWidth > 0 ? timeWidth + layout.padding : 0);
  const name = fitText(caption.channelName, nameRoom, measure);
  ctx.textAlign = 'left';
  if (name) ctx.fillText(name, layout.padding, y);
  ctx.textAlign = 'right';
  if (time) ctx.fillText(time, layout.width - layout.padding, y);
  return canvas;
}

/** PNG of the canvas as base64 without the `data:` prefix (what saveSnapshot takes). */
export async function canvasToPngBase64(canvas: HTMLCanvasElement): Promise<string> {
  const blob = await new Promise<Blob | null>((resolve, reject) => {
    try {
      canvas.toBlob(resolve, 'image/png');
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
  if (!blob) throw new Error(`PNG encoding failed (${canvas.width}×${canvas.height} canvas)`);
  return bytesToBase64(new Uint8Array(await blob.arrayBuffer()));
}

/** Standard base64 of bytes, in slices so large images do not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  const SLICE = 0x8000;
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += SLICE) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + SLICE)));
  }
  return btoa(parts.join(''));
}

/** Bytes of standard base64 (recordings and zips coming back from the host). */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
