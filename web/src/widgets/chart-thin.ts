/**
 * Fewer marks, the same picture: a scatter plot's points thinned to one per
 * small cell of the plot, per lane.
 *
 * Why: the latency chart puts one mark per message. At 200 messages/s on seven
 * lanes that is 14,000 marks after ten seconds, and without a GPU the browser
 * rasterises every one of them when the frame commits (Chromium replays a 2D
 * canvas's recorded drawing there): 30-100 ms a draw, the dashboard's every
 * long task. Marks of one lane that fall in the same CELL_PX square cover each
 * other anyway, so one of them is kept. A spike is never lost: it sits in a
 * cell of its own. The cell is the mark's radius (2.5 px, 3.5 px on the
 * projector), so a dropped mark lay at most half a mark from the one drawn.
 *
 * Pure: the caller gives the plot's size in pixels and the axis ranges.
 */
export interface Point { x: number; y: number }

/** The smallest cell, in pixels: marks of one lane closer than this (both ways) are drawn once. */
export const CELL_PX = 2;

export interface PlotArea {
  widthPx: number;
  heightPx: number;
  xMax: number;
  yMax: number;
  /** A logarithmic y axis (its cells are even in log10(y)); points at y <= 0 are not on it and are left out. */
  log: boolean;
  /** The smallest y on a log axis. */
  yMin?: number;
  /**
   * The cell's side in pixels (at least CELL_PX): the marks' radius, so the marks a cell
   * drops lie within half a mark of the one it keeps, under it.
   */
  cellPx?: number;
}

/** The points of one series with at most one per CELL_PX × CELL_PX cell of the plot, in their order. */
export function thinToCells(points: readonly Point[], area: PlotArea): Point[] {
  const cell = Math.max(CELL_PX, area.cellPx ?? CELL_PX);
  const cols = Math.max(1, Math.floor(area.widthPx / cell));
  const rows = Math.max(1, Math.floor(area.heightPx / cell));
  const xScale = area.xMax > 0 ? cols / area.xMax : 0;
  const yLow = area.log ? Math.log10(Math.max(area.yMin ?? 1, Number.MIN_VALUE)) : 0;
  const yHigh = area.log ? Math.log10(Math.max(area.yMax, Number.MIN_VALUE)) : area.yMax;
  const ySpan = yHigh - yLow;
  const yScale = ySpan > 0 ? rows / ySpan : 0;
  const taken = new Set<number>();
  const out: Point[] = [];
  for (const p of points) {
    if (area.log && p.y <= 0) continue;
    const col = Math.min(cols - 1, Math.max(0, Math.floor(p.x * xScale)));
    const yv = area.log ? Math.log10(p.y) : p.y;
    const row = Math.min(rows - 1, Math.max(0, Math.floor((yv - yLow) * yScale)));
    const cell = col * rows + row;
    if (taken.has(cell)) continue;
    taken.add(cell);
    out.push(p);
  }
  return out;
}
