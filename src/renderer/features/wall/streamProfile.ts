import type { StreamProfile } from '../../../shared/domain/wall';

/** Tiles narrower than this (CSS px × device pixel ratio) play the sub stream when the channel has one. */
export const SUB_STREAM_BELOW_PX = 560;

/**
 * Main or sub stream for a tile: the operator's choice when set, otherwise by the tile's size on
 * screen (a 16-split tile of 480 px gains nothing from a 1080p main stream but pays its decode).
 */
export function chooseProfile(choice: StreamProfile, hasSubstream: boolean, tileWidthPx: number, pixelRatio = 1): 'main' | 'sub' {
  if (!hasSubstream) return 'main';
  if (choice !== 'auto') return choice;
  return tileWidthPx * pixelRatio < SUB_STREAM_BELOW_PX ? 'sub' : 'main';
}
