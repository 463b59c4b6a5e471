import type { CSSProperties } from 'react';
import type { Cell, Layout } from '../../../shared/domain/wall';

export function gridStyle(layout: Layout): CSSProperties {
  return { gridTemplateColumns: `repeat(${layout.columns}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${layout.rows}, minmax(0, 1fr))` };
}

export function cellStyle(cell: Cell): CSSProperties {
  return { gridColumn: `${cell.col + 1} / span ${cell.colSpan}`, gridRow: `${cell.row + 1} / span ${cell.rowSpan}` };
}
