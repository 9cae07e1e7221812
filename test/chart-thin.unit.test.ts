import { describe, expect, it } from 'vitest';
import { CELL_PX, thinToCells, type Point } from '../web/src/widgets/chart-thin.ts';

const area = { widthPx: 300, heightPx: 200, xMax: 30, yMax: 1000, log: false };

describe('thinToCells: one mark per cell of the plot, the same picture', () => {
  it('keeps every point that has a cell of its own, in order', () => {
    // 10 px apart both ways: five times the cell.
    const points: Point[] = Array.from({ length: 20 }, (_, i) => ({ x: i, y: i * 50 }));
    expect(thinToCells(points, area)).toEqual(points);
  });

  it('draws points that fall in one cell once, keeping the first', () => {
    // x: 30 s over 300 px is 0.1 s per px; y: 1,000 ms over 200 px is 5 ms per px.
    const points = [{ x: 1, y: 100 }, { x: 1.05, y: 101 }, { x: 1.1, y: 104 }, { x: 5, y: 100 }];
    expect(thinToCells(points, area)).toEqual([{ x: 1, y: 100 }, { x: 5, y: 100 }]);
  });

  it('never loses a spike among thousands of messages at the same latency', () => {
    const points: Point[] = Array.from({ length: 10_000 }, (_, i) => ({ x: (i / 10_000) * 30, y: 3 + (i % 3) }));
    points.splice(5_000, 0, { x: 15, y: 950 });
    const kept = thinToCells(points, area);
    expect(kept).toContainEqual({ x: 15, y: 950 });
    // At most one mark per cell: 150 columns, and the 3-5 ms band is one row.
    expect(kept.length).toBeLessThanOrEqual(area.widthPx / CELL_PX + 1);
    expect(kept.length).toBeGreaterThan(100);
  });

  it('bounds the marks by the cells of the plot, however many points', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const points: Point[] = Array.from({ length: 50_000 }, () => ({ x: random() * 30, y: random() * 1000 }));
    expect(thinToCells(points, area).length).toBeLessThanOrEqual((area.widthPx / CELL_PX) * (area.heightPx / CELL_PX));
  });

  it('on a log axis leaves out points at 0 (not on the axis) and spaces cells evenly in log10', () => {
    const log = { ...area, log: true, yMin: 1, yMax: 1000 };
    // Three decades over 200 px: 1 ms and 1.01 ms share a cell, 1 ms and 2 ms do not.
    const points = [{ x: 1, y: 0 }, { x: 1, y: 1 }, { x: 1, y: 1.01 }, { x: 1, y: 2 }, { x: 1, y: 1000 }];
    expect(thinToCells(points, log)).toEqual([{ x: 1, y: 1 }, { x: 1, y: 2 }, { x: 1, y: 1000 }]);
  });
});
