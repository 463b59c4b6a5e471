import { describe, expect, it } from 'vitest';
import {
  MAX_GRID,
  PRESET_IDS,
  PRESET_LAYOUTS,
  gridLayout,
  layoutProblem,
  layoutSchema,
  mergeCells,
  tourSchema,
  wallCommandSchema,
  type Cell,
  type Layout,
} from './wall';

const one = (col: number, row: number): Cell => ({ col, row, colSpan: 1, rowSpan: 1 });

/** Which cell index covers each grid square (-1: none), row by row, for readable assertions. */
function coverage(layout: Layout): number[][] {
  const grid = Array.from({ length: layout.rows }, () => Array.from({ length: layout.columns }, () => -1));
  layout.cells.forEach((c, i) => {
    for (let r = c.row; r < c.row + c.rowSpan; r++) for (let k = c.col; k < c.col + c.colSpan; k++) grid[r]![k] = i;
  });
  return grid;
}

describe('preset layouts', () => {
  it('tile their grid exactly with 1, 4, 6, 8, 9, 16 and 25 cells', () => {
    const counts = PRESET_IDS.map((id) => PRESET_LAYOUTS[id].cells.length);
    expect(counts).toEqual([1, 4, 6, 8, 9, 16, 25]);
    for (const id of PRESET_IDS) {
      const layout = PRESET_LAYOUTS[id];
      expect(layout.id).toBe(id);
      expect(layoutProblem(layout), id).toBeNull();
      expect(layoutSchema.safeParse(layout).success, id).toBe(true);
      expect(layout.cells.length, id).toBe(Number(id));
    }
  });

  it('puts the big cell of 6 and 8 top-left, and orders cells row by row', () => {
    expect(coverage(PRESET_LAYOUTS['6'])).toEqual([
      [0, 0, 1],
      [0, 0, 2],
      [3, 4, 5],
    ]);
    expect(coverage(PRESET_LAYOUTS['8'])).toEqual([
      [0, 0, 0, 1],
      [0, 0, 0, 2],
      [0, 0, 0, 3],
      [4, 5, 6, 7],
    ]);
    expect(coverage(PRESET_LAYOUTS['4'])).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('gridLayout gives the uniform preset where one exists, else a custom uniform grid, clamped to 1..8', () => {
    expect(gridLayout(1)).toBe(PRESET_LAYOUTS['1']);
    expect(gridLayout(2)).toBe(PRESET_LAYOUTS['4']);
    expect(gridLayout(3)).toBe(PRESET_LAYOUTS['9']);
    expect(gridLayout(4)).toBe(PRESET_LAYOUTS['16']);
    expect(gridLayout(5)).toBe(PRESET_LAYOUTS['25']);
    const six = gridLayout(6);
    expect(six).toMatchObject({ id: 'custom', columns: 6, rows: 6 });
    expect(six.cells).toHaveLength(36);
    expect(layoutSchema.safeParse(six).success).toBe(true);
    expect(gridLayout(99).columns).toBe(MAX_GRID);
    expect(gridLayout(99).cells).toHaveLength(MAX_GRID * MAX_GRID);
    expect(layoutSchema.safeParse(gridLayout(99)).success).toBe(true);
    expect(gridLayout(0)).toBe(PRESET_LAYOUTS['1']);
    expect(gridLayout(-3)).toBe(PRESET_LAYOUTS['1']);
  });
});

describe('layoutProblem and layoutSchema', () => {
  it('reports overlaps, gaps and cells outside the grid', () => {
    expect(layoutProblem({ columns: 2, rows: 1, cells: [{ col: 0, row: 0, colSpan: 2, rowSpan: 1 }, one(1, 0)] })).toMatch(/overlaps/);
    expect(layoutProblem({ columns: 2, rows: 2, cells: [one(0, 0), one(1, 0), one(0, 1)] })).toMatch(/empty/);
    expect(layoutProblem({ columns: 2, rows: 2, cells: [one(0, 0), one(1, 0), one(0, 1), one(2, 1)] })).toMatch(/outside/);
    expect(layoutProblem({ columns: 2, rows: 2, cells: [{ col: 0, row: 0, colSpan: 1, rowSpan: 3 }, one(1, 0), one(1, 1)] })).toMatch(/outside/);
    expect(layoutProblem({ columns: 1, rows: 1, cells: [one(0, 0), one(0, 0)] })).toMatch(/overlaps/);
  });

  it('the schema accepts a clean custom tiling and rejects overlapping, gapped and out-of-grid layouts', () => {
    const custom: Layout = {
      id: 'custom',
      columns: 3,
      rows: 2,
      cells: [{ col: 0, row: 0, colSpan: 2, rowSpan: 2 }, one(2, 0), one(2, 1)],
    };
    expect(layoutSchema.safeParse(custom).success).toBe(true);
    const overlapping = { ...custom, cells: [...custom.cells, one(1, 1)] };
    const gapped = { ...custom, cells: custom.cells.slice(0, 2) };
    const outside = { ...custom, cells: [...custom.cells.slice(0, 2), { col: 2, row: 1, colSpan: 2, rowSpan: 1 }] };
    for (const [name, layout] of Object.entries({ overlapping, gapped, outside })) {
      const parsed = layoutSchema.safeParse(layout);
      expect(parsed.success, name).toBe(false);
    }
    expect(layoutSchema.safeParse({ ...custom, cells: [] }).success).toBe(false);
    expect(layoutSchema.safeParse({ ...custom, id: 'seven' }).success).toBe(false);
    expect(layoutSchema.safeParse({ ...custom, columns: MAX_GRID + 1 }).success).toBe(false);
    expect(layoutSchema.safeParse({ ...custom, extra: 1 }).success).toBe(false);
  });

  it('a wall command carrying a broken layout fails the command schema', () => {
    const broken = { id: 'custom', columns: 2, rows: 2, cells: [one(0, 0), one(0, 0), one(1, 0), one(1, 1)] };
    expect(wallCommandSchema.safeParse({ op: 'setLayout', monitor: 1, layout: broken }).success).toBe(false);
    expect(wallCommandSchema.safeParse({ op: 'setLayout', monitor: 1, layout: PRESET_LAYOUTS['9'] }).success).toBe(true);
  });
});

describe('mergeCells', () => {
  const grid3 = PRESET_LAYOUTS['9'];

  it('merges a 2x2 block into one cell placed at the lowest index, keeping the others in order', () => {
    const merged = mergeCells(grid3, [4, 0, 1, 3])!;
    expect(merged).not.toBeNull();
    expect(merged.id).toBe('custom');
    expect(layoutProblem(merged)).toBeNull();
    expect(layoutSchema.safeParse(merged).success).toBe(true);
    expect(merged.cells).toHaveLength(6);
    expect(merged.cells[0]).toEqual({ col: 0, row: 0, colSpan: 2, rowSpan: 2 });
    expect(coverage(merged)).toEqual(coverage(PRESET_LAYOUTS['6']));
  });

  it('merges a row and a column strip, and merges merged cells again', () => {
    const row = mergeCells(grid3, [6, 7, 8])!;
    expect(row.cells).toHaveLength(7);
    expect(row.cells[6]).toEqual({ col: 0, row: 2, colSpan: 3, rowSpan: 1 });
    expect(layoutProblem(row)).toBeNull();
    const column = mergeCells(grid3, [2, 5])!;
    expect(column.cells[2]).toEqual({ col: 2, row: 0, colSpan: 1, rowSpan: 2 });
    expect(layoutProblem(column)).toBeNull();
    // The 2x2 block plus the column beside it: a 3x2 rectangle from two cells.
    const block = mergeCells(grid3, [0, 1, 3, 4])!;
    const wide = mergeCells(block, [0, 1, 2])!;
    expect(wide).not.toBeNull();
    expect(wide.cells[0]).toEqual({ col: 0, row: 0, colSpan: 3, rowSpan: 2 });
    expect(layoutProblem(wide)).toBeNull();
    // Everything into one.
    const all = mergeCells(grid3, [0, 1, 2, 3, 4, 5, 6, 7, 8])!;
    expect(all.cells).toEqual([{ col: 0, row: 0, colSpan: 3, rowSpan: 3 }]);
  });

  it('refuses L-shapes, non-adjacent cells and partial overlaps with a merged cell', () => {
    expect(mergeCells(grid3, [0, 1, 3])).toBeNull(); // L
    expect(mergeCells(grid3, [0, 2])).toBeNull(); // gap between
    expect(mergeCells(grid3, [0, 4])).toBeNull(); // diagonal
    // The 6-split's big cell (cols 0-1, rows 0-1) with cell 1 (col 2, row 0): bounding box 3x2 misses (2,1).
    const six = PRESET_LAYOUTS['6'];
    expect(mergeCells(six, [0, 1])).toBeNull();
    // Cells 3 and 4 (row 2, cols 0-1) with the big cell make a 2x3 rectangle: fine.
    expect(layoutProblem(mergeCells(six, [0, 3, 4])!)).toBeNull();
    // Cell 1 (col 2, row 0) with cell 4 (col 1, row 2): the box would swallow the big cell partially.
    expect(mergeCells(six, [1, 4])).toBeNull();
    expect(mergeCells(six, [1, 2, 4, 5])).toBeNull();
  });

  it('needs two distinct cells, and refuses indexes that name no cell (never a layout with a hole)', () => {
    expect(mergeCells(grid3, [4])).toBeNull();
    expect(mergeCells(grid3, [4, 4])).toBeNull();
    expect(mergeCells(grid3, [4, 99])).toBeNull();
    expect(mergeCells(grid3, [])).toBeNull();
    expect(mergeCells(grid3, [-1, 0, 1])).toBeNull();
    expect(mergeCells(grid3, [0, 1, 1.5])).toBeNull();
    expect(mergeCells(grid3, [1, 0, 1])!.cells[0]).toEqual({ col: 0, row: 0, colSpan: 2, rowSpan: 1 });
  });
});

describe('tour and command schemas', () => {
  it('checks tour ids, names, dwell times and sources', () => {
    const tour = { id: 'night-1', name: '夜班', dwellSeconds: 10, source: { kind: 'list', channelIds: ['lab:1'] } };
    expect(tourSchema.safeParse(tour).success).toBe(true);
    expect(tourSchema.safeParse({ ...tour, id: 'bad id' }).success).toBe(false);
    expect(tourSchema.safeParse({ ...tour, name: '   ' }).success).toBe(false);
    expect(tourSchema.safeParse({ ...tour, dwellSeconds: 2 }).success).toBe(false);
    expect(tourSchema.safeParse({ ...tour, source: { kind: 'list', channelIds: [] } }).success).toBe(false);
    const query = { kind: 'query', countyCode: '140404', mineId: null, categoryCode: '05', onlineOnly: true };
    expect(tourSchema.safeParse({ ...tour, source: query }).success).toBe(true);
    expect(tourSchema.safeParse({ ...tour, source: { ...query, countyCode: '1404' } }).success).toBe(false);
  });

  it('refuses monitors and tiles outside the limits', () => {
    expect(wallCommandSchema.safeParse({ op: 'open', monitor: 0, tile: 0, channelId: 'x' }).success).toBe(false);
    expect(wallCommandSchema.safeParse({ op: 'open', monitor: 17, tile: 0, channelId: 'x' }).success).toBe(false);
    expect(wallCommandSchema.safeParse({ op: 'open', monitor: 1, tile: 64, channelId: 'x' }).success).toBe(false);
    expect(wallCommandSchema.safeParse({ op: 'open', monitor: 1, tile: 63, channelId: 'x' }).success).toBe(true);
    expect(wallCommandSchema.safeParse({ op: 'ensureMonitors', count: 16 }).success).toBe(true);
    expect(wallCommandSchema.safeParse({ op: 'fill', monitor: 1, channelIds: [] }).success).toBe(false);
  });
});
