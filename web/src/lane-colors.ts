/**
 * Lane colours for charts and CSS, read from the browser's lane registry
 * (./transports/index.ts), the one place they are written down. The CSS custom
 * properties `--lane-<id>` (light and dark) are set from the same values by
 * `installLaneColors()`, which every page calls once.
 */
import { LANE_IDS, type LaneId } from '../../src/lanes.ts';
import { BROWSER_LANES, type PointStyle } from './transports/index.ts';

export type Theme = 'light' | 'dark';

const byLane = <T>(pick: (lane: LaneId) => T) => Object.fromEntries(LANE_IDS.map((lane) => [lane, pick(lane)])) as Record<LaneId, T>;

export const LANE_COLORS: Record<Theme, Record<LaneId, string>> = {
  light: byLane((lane) => BROWSER_LANES[lane].color.light),
  dark: byLane((lane) => BROWSER_LANES[lane].color.dark),
};

export const LANE_POINT_STYLES: Record<LaneId, PointStyle> = byLane((lane) => BROWSER_LANES[lane].pointStyle);

export const LANE_DASHES: Record<LaneId, number[]> = byLane((lane) => [...BROWSER_LANES[lane].dash]);

export function laneColor(lane: LaneId, theme: Theme = currentTheme()): string {
  return LANE_COLORS[theme][lane];
}

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

/** The `--lane-<id>` custom properties for both themes, as a style sheet. */
export function laneColorRules(): string {
  const vars = (theme: Theme) => LANE_IDS.map((lane) => `--lane-${lane}: ${LANE_COLORS[theme][lane]};`).join(' ');
  return `:root { ${vars('light')} }\n:root[data-theme="dark"] { ${vars('dark')} }\n`;
}

/** Adds the lane colour properties to the page, once. */
export function installLaneColors(doc: Document = document): void {
  if (doc.getElementById('lane-colors')) return;
  const style = doc.createElement('style');
  style.id = 'lane-colors';
  style.textContent = laneColorRules();
  doc.head.prepend(style);
}
