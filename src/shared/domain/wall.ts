import { z } from 'zod';
import { categoryCodeSchema } from './catalogue';

/**
 * The video wall: monitors (one per display or wall window), each with a layout of cells and the
 * tiles that fill them. The Node side owns this state; every window renders it and sends commands.
 */

export const MAX_MONITORS = 16;
export const MAX_GRID = 8;
/** Tiles a monitor keeps (hidden ones keep their channel so switching back restores them). */
export const MAX_TILES = MAX_GRID * MAX_GRID;

export const cellSchema = z
  .object({
    col: z.number().int().min(0).max(MAX_GRID - 1),
    row: z.number().int().min(0).max(MAX_GRID - 1),
    colSpan: z.number().int().min(1).max(MAX_GRID),
    rowSpan: z.number().int().min(1).max(MAX_GRID),
  })
  .strict();
export type Cell = z.infer<typeof cellSchema>;

export const PRESET_IDS = ['1', '4', '6', '8', '9', '16', '25'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export const layoutSchema = z
  .object({
    /** A preset id, or 'custom' for merged cells. */
    id: z.union([z.enum(PRESET_IDS), z.literal('custom')]),
    columns: z.number().int().min(1).max(MAX_GRID),
    rows: z.number().int().min(1).max(MAX_GRID),
    cells: z.array(cellSchema).min(1).max(MAX_TILES),
  })
  .strict()
  .superRefine((layout, ctx) => {
    const problem = layoutProblem(layout);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export type Layout = z.infer<typeof layoutSchema>;

const uniform = (id: PresetId, n: number): Layout => ({
  id,
  columns: n,
  rows: n,
  cells: Array.from({ length: n * n }, (_, i) => ({ col: i % n, row: Math.floor(i / n), colSpan: 1, rowSpan: 1 })),
});

/** One big cell of `big`x`big` in the top-left of an n x n grid, the rest single cells (the 6 and 8 split). */
const oneBig = (id: PresetId, n: number, big: number): Layout => {
  const cells: Cell[] = [{ col: 0, row: 0, colSpan: big, rowSpan: big }];
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++) if (row >= big || col >= big) cells.push({ col, row, colSpan: 1, rowSpan: 1 });
  return { id, columns: n, rows: n, cells };
};

export const PRESET_LAYOUTS: Readonly<Record<PresetId, Layout>> = {
  '1': uniform('1', 1),
  '4': uniform('4', 2),
  '6': oneBig('6', 3, 2),
  '8': oneBig('8', 4, 3),
  '9': uniform('9', 3),
  '16': uniform('16', 4),
  '25': uniform('25', 5),
};

/** Why a layout is not a clean tiling of its grid (overlap, gap, out of bounds), or null. */
export function layoutProblem(layout: { columns: number; rows: number; cells: readonly Cell[] }): string | null {
  const taken = new Set<number>();
  for (const [i, c] of layout.cells.entries()) {
    if (c.col + c.colSpan > layout.columns || c.row + c.rowSpan > layout.rows) return `cell ${i} lies outside the grid`;
    for (let r = c.row; r < c.row + c.rowSpan; r++)
      for (let k = c.col; k < c.col + c.colSpan; k++) {
        const key = r * MAX_GRID + k;
        if (taken.has(key)) return `cell ${i} overlaps another cell`;
        taken.add(key);
      }
  }
  if (taken.size !== layout.columns * layout.rows) return 'cells leave part of the grid empty';
  return null;
}

/**
 * Merges the given cells into one (their bounding rectangle) for a custom layout. Returns null when
 * the cells do not form a rectangle exactly (a merge must not swallow other cells partially).
 */
export function mergeCells(layout: Layout, indexes: readonly number[]): Layout | null {
  const unique = [...new Set(indexes)];
  // An index naming no cell refuses the merge (it used to be dropped while still choosing where the merged cell goes).
  if (unique.length < 2 || unique.some((i) => !Number.isInteger(i) || i < 0 || i >= layout.cells.length)) return null;
  const picked = unique.map((i) => layout.cells[i]!);
  const col = Math.min(...picked.map((c) => c.col));
  const row = Math.min(...picked.map((c) => c.row));
  const colEnd = Math.max(...picked.map((c) => c.col + c.colSpan));
  const rowEnd = Math.max(...picked.map((c) => c.row + c.rowSpan));
  const area = picked.reduce((sum, c) => sum + c.colSpan * c.rowSpan, 0);
  if (area !== (colEnd - col) * (rowEnd - row)) return null;
  const inside = (c: Cell) => c.col >= col && c.row >= row && c.col + c.colSpan <= colEnd && c.row + c.rowSpan <= rowEnd;
  if (layout.cells.filter(inside).length !== picked.length) return null;
  const merged: Cell = { col, row, colSpan: colEnd - col, rowSpan: rowEnd - row };
  const firstIndex = Math.min(...unique);
  const cells = layout.cells.flatMap((c, i) => (i === firstIndex ? [merged] : picked.includes(c) ? [] : [c]));
  return { id: 'custom', columns: layout.columns, rows: layout.rows, cells };
}

/** A uniform n x n grid to start a custom layout from. */
export function gridLayout(n: number): Layout {
  const size = Math.max(1, Math.min(MAX_GRID, Math.round(n)));
  const preset = PRESET_IDS.find((p) => PRESET_LAYOUTS[p].columns === size && PRESET_LAYOUTS[p].cells.length === size * size);
  return preset ? PRESET_LAYOUTS[preset] : { ...uniform('1', size), id: 'custom' };
}

/** Main stream, sub stream, or chosen by tile size (the renderer decides 'auto'). */
export const streamProfileSchema = z.enum(['auto', 'main', 'sub']);
export type StreamProfile = z.infer<typeof streamProfileSchema>;

export const channelIdSchema = z.string().min(1).max(200);

export const wallTileSchema = z
  .object({
    channelId: channelIdSchema.nullable(),
    profile: streamProfileSchema,
    /** Bumped when the same channel must be opened afresh (re-sent, reconnect asked for). */
    generation: z.number().int().nonnegative(),
  })
  .strict();
export type WallTile = z.infer<typeof wallTileSchema>;

export const tourSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('list'), channelIds: z.array(channelIdSchema).min(1).max(1000) }).strict(),
  z
    .object({
      kind: z.literal('query'),
      countyCode: z.string().regex(/^\d{6}$/).nullable(),
      mineId: z.string().min(1).max(64).nullable(),
      categoryCode: categoryCodeSchema.nullable(),
      onlineOnly: z.boolean(),
    })
    .strict(),
]);
export type TourSource = z.infer<typeof tourSourceSchema>;

export const tourSchema = z
  .object({
    id: z.string().regex(/^[\w-]{1,40}$/),
    name: z.string().trim().min(1).max(60),
    source: tourSourceSchema,
    dwellSeconds: z.number().int().min(3).max(3600),
  })
  .strict();
export type Tour = z.infer<typeof tourSchema>;

/** A tour running on a whole monitor (pages of as many channels as it has cells) or on one tile. */
export const tourRunSchema = z
  .object({
    tourId: z.string(),
    monitor: z.number().int().min(1).max(MAX_MONITORS),
    /** null: the whole monitor. */
    tile: z.number().int().min(0).max(MAX_TILES - 1).nullable(),
    /** Index of the current step (page for a monitor tour, channel for a tile tour). */
    step: z.number().int().nonnegative(),
    /** How many steps the tour has now (the query is resolved again at every step). */
    steps: z.number().int().nonnegative(),
    paused: z.boolean(),
    /** Epoch ms of the next step, null while paused. */
    nextAt: z.number().nullable(),
  })
  .strict();
export type TourRun = z.infer<typeof tourRunSchema>;

export const monitorSchema = z
  .object({
    id: z.number().int().min(1).max(MAX_MONITORS),
    name: z.string().max(60),
    layout: layoutSchema,
    tiles: z.array(wallTileSchema).max(MAX_TILES),
  })
  .strict();
export type Monitor = z.infer<typeof monitorSchema>;

export const sceneSummarySchema = z.object({ id: z.string(), name: z.string(), savedAt: z.number(), monitors: z.number().int() }).strict();
export type SceneSummary = z.infer<typeof sceneSummarySchema>;

export const wallStateSchema = z
  .object({
    /** Increases with every change; windows skip older states. */
    version: z.number().int().nonnegative(),
    monitors: z.array(monitorSchema).min(1).max(MAX_MONITORS),
    tours: z.array(tourSchema),
    runs: z.array(tourRunSchema),
    scenes: z.array(sceneSummarySchema),
  })
  .strict();
export type WallState = z.infer<typeof wallStateSchema>;

const monitorRef = z.number().int().min(1).max(MAX_MONITORS);
const tileRef = z.number().int().min(0).max(MAX_TILES - 1);
const slot = z.object({ monitor: monitorRef, tile: tileRef }).strict();

/** Everything a window (or a later second seat) can do to the wall. */
export const wallCommandSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('ensureMonitors'), count: monitorRef }).strict(),
  z.object({ op: z.literal('setLayout'), monitor: monitorRef, layout: layoutSchema }).strict(),
  z.object({ op: z.literal('open'), monitor: monitorRef, tile: tileRef, channelId: channelIdSchema }).strict(),
  /** Fills the monitor's free visible tiles in order (whole mine, category, or a tour page). */
  z.object({ op: z.literal('fill'), monitor: monitorRef, channelIds: z.array(channelIdSchema).min(1).max(MAX_TILES) }).strict(),
  z.object({ op: z.literal('swap'), from: slot, to: slot }).strict(),
  z.object({ op: z.literal('close'), monitor: monitorRef, tile: tileRef }).strict(),
  z.object({ op: z.literal('clear'), monitor: monitorRef }).strict(),
  z.object({ op: z.literal('setProfile'), monitor: monitorRef, tile: tileRef, profile: streamProfileSchema }).strict(),
  z.object({ op: z.literal('reopen'), monitor: monitorRef, tile: tileRef }).strict(),
  z.object({ op: z.literal('saveTour'), tour: tourSchema }).strict(),
  z.object({ op: z.literal('deleteTour'), tourId: z.string().max(40) }).strict(),
  z.object({ op: z.literal('startTour'), tourId: z.string().max(40), monitor: monitorRef, tile: tileRef.nullable() }).strict(),
  z
    .object({
      op: z.literal('tourControl'),
      monitor: monitorRef,
      tile: tileRef.nullable(),
      action: z.enum(['pause', 'resume', 'next', 'previous', 'stop']),
    })
    .strict(),
  z.object({ op: z.literal('saveScene'), name: z.string().trim().min(1).max(60) }).strict(),
  z.object({ op: z.literal('recallScene'), sceneId: z.string().max(60) }).strict(),
  z.object({ op: z.literal('deleteScene'), sceneId: z.string().max(60) }).strict(),
]);
export type WallCommand = z.infer<typeof wallCommandSchema>;

/** Result of a command: the new state, plus how many channels a fill could not place. */
export const wallCommandResultSchema = z.object({ state: wallStateSchema, skipped: z.number().int().nonnegative() }).strict();
export type WallCommandResult = z.infer<typeof wallCommandResultSchema>;
