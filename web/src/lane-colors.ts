/**
 * One colour per lane, the same in every card, chart and legend. Okabe–Ito
 * colours (distinguishable with the common colour-vision deficiencies), a
 * lighter set for dark backgrounds, and a point style per lane so the charts
 * do not rely on colour alone. The CSS reads the same values as custom properties.
 */
import type { LaneId } from '../../src/lanes.ts';

export type Theme = 'light' | 'dark';

export const LANE_COLORS: Record<Theme, Record<LaneId, string>> = {
  light: { poll: '#d55e00', longpoll: '#b77d00', stream: '#b8428c', sse: '#00875f', ws: '#0072b2' },
  dark: { poll: '#ff8a4c', longpoll: '#f5c04a', stream: '#ef9fd0', sse: '#3ddba6', ws: '#6cc4f5' },
};

export const LANE_POINT_STYLES: Record<LaneId, 'circle' | 'triangle' | 'rect' | 'rectRot' | 'crossRot'> = {
  poll: 'circle',
  longpoll: 'triangle',
  stream: 'rect',
  sse: 'rectRot',
  ws: 'crossRot',
};

export const LANE_DASHES: Record<LaneId, number[]> = {
  poll: [],
  longpoll: [8, 4],
  stream: [2, 3],
  sse: [12, 3, 2, 3],
  ws: [],
};

export function laneColor(lane: LaneId, theme: Theme = currentTheme()): string {
  return LANE_COLORS[theme][lane];
}

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}
