/**
 * Three live charts, one colour per lane: requests over time, cumulative
 * header bytes over time (linear or log), and latency per message.
 *
 *   const charts = setupCharts(element, { runners, stats, clock });
 *   charts.mark('rate 50/s');   // a labelled line at "now" on the time charts
 *
 * Points are collected as they come, but Chart.js redraws only on the shared
 * tick (a few times a second), one chart per turn of the tick's animation
 * frames (onTickDraw), only when its data changed, with animation off and min-max
 * decimation on, so 200 messages/s per lane stay smooth.
 */
import {
  Chart, Decimation, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip,
  type ChartDataset, type Plugin,
} from 'chart.js';
import { LANE_IDS, type LaneId } from '../../../src/lanes.ts';
import type { LaneRunner } from '../lane-runner.ts';
import type { StatsSource } from '../page-run.ts';
import { wallClockNow } from '../counting.ts';
import type { RunClock } from '../run-clock.ts';
import { LANE_COLORS, LANE_DASHES, LANE_POINT_STYLES, currentTheme } from '../lane-colors.ts';
import { onTick, onTickDraw } from '../ticker.ts';
import { CELL_PX, thinToCells, type PlotArea } from './chart-thin.ts';
import { t } from '../i18n/index.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Decimation);

/** Points kept per lane per time chart (4 a second: over an hour). */
export const MAX_TIME_POINTS = 20_000;
/**
 * How often the latency scatter redraws (the time charts redraw every tick, RENDER_MS): without
 * a GPU its marks are rasterised on each redraw's commit (chart-thin.ts), the page's costliest frame.
 */
export const SCATTER_REDRAW_MS = 500;
/** Latency points kept per lane (the newest); older ones scroll off. */
export const MAX_LATENCY_POINTS = 20_000;

interface Point { x: number; y: number }

export interface ChartsOptions {
  runners: readonly LaneRunner[];
  stats?: StatsSource;
  clock: RunClock;
}

export interface Charts {
  /** Draw a labelled vertical line at the current run time (a control changed). */
  mark(label: string): void;
  /** Forget every point (after a reset). */
  clear(): void;
  /** Re-read colours and sizes after a theme or projector change. */
  restyle(): void;
  destroy(): void;
}

type Series = Record<LaneId, Point[]>;

const projectorOn = () => document.documentElement.dataset.projector === 'on';
/** The charts' type size: the page's own on the projector, small otherwise. */
const chartFontPx = () => (projectorOn() ? Math.round(parseFloat(getComputedStyle(document.documentElement).fontSize)) : 12);

/** The lane's colour in the current theme; thicker lines and points in projector mode. */
function styleDataset(dataset: ChartDataset<'line', Point[]>, lane: LaneId): ChartDataset<'line', Point[]> {
  const color = LANE_COLORS[currentTheme()][lane];
  const projector = projectorOn();
  dataset.borderColor = color;
  dataset.backgroundColor = color;
  dataset.pointBorderColor = color;
  dataset.pointBackgroundColor = color;
  dataset.borderWidth = projector ? 3.5 : 2;
  dataset.pointRadius = dataset.showLine === false ? (projector ? 3.5 : 2.5) : 0;
  return dataset;
}
const emptySeries = (): Series => Object.fromEntries(LANE_IDS.map((lane) => [lane, []])) as unknown as Series;

function keep(points: Point[], max: number): void {
  if (points.length > max) points.splice(0, points.length - max);
}

/**
 * Writes on the figure the axis titles' type size and whether each title fits beside its
 * axis (a title longer than its axis is drawn past the canvas's edge and cut), for the
 * projector's browser test.
 */
function showAxisTitles(chart: Chart<'line', Point[]>, figure: HTMLElement): void {
  const font = Chart.defaults.font;
  const ctx = chart.ctx;
  ctx.save();
  ctx.font = `${font.size}px ${font.family}`;
  const fits = (['x', 'y'] as const).every((id) => {
    const scale = chart.scales[id];
    const title = chart.options.scales?.[id]?.title;
    if (!scale || !title || !('text' in title)) return true;
    const length = id === 'x' ? scale.width : scale.height;
    return ctx.measureText(String(title.text)).width <= length;
  });
  ctx.restore();
  figure.dataset.titlePx = String(font.size);
  figure.dataset.titlesFit = String(fits);
}

export function setupCharts(element: HTMLElement, options: ChartsOptions): Charts {
  const { runners, stats, clock } = options;
  element.classList.add('charts');
  element.innerHTML = `
    <figure class="chart" data-chart="requests">
      <figcaption><h3>${t('charts.requests')}</h3><span class="hint">${t('charts.requestsHint')}</span></figcaption>
      <div class="chart-box"><canvas aria-label="${t('charts.requestsAria')}" role="img"></canvas></div>
    </figure>
    <figure class="chart" data-chart="headers">
      <figcaption><h3>${t('charts.headers')}</h3>
        <label class="toggle"><input type="checkbox" data-action="log"> ${t('charts.log')}</label></figcaption>
      <div class="chart-box"><canvas aria-label="${t('charts.headersAria')}" role="img"></canvas></div>
    </figure>
    <figure class="chart" data-chart="latency">
      <figcaption><h3>${t('charts.latency')}</h3>
        <label class="toggle"><input type="checkbox" data-action="log"> ${t('charts.log')}</label></figcaption>
      <div class="chart-box"><canvas aria-label="${t('charts.latencyAria')}" role="img"></canvas></div>
    </figure>`;

  const requests = emptySeries();
  const headers = emptySeries();
  const latency = emptySeries();
  const markers: { x: number; label: string }[] = [];
  const seen = new Map<LaneId, number>(); // latency samples already charted, per lane

  const markerPlugin: Plugin<'line'> = {
    id: 'labMarkers',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      if (!x || !chart.chartArea) return;
      const { top, bottom, left, right } = chart.chartArea;
      const ctx = chart.ctx;
      const style = getComputedStyle(element);
      ctx.save();
      ctx.strokeStyle = style.getPropertyValue('--muted') || '#888';
      ctx.fillStyle = style.getPropertyValue('--fg') || '#000';
      ctx.setLineDash([4, 4]);
      ctx.font = `${Chart.defaults.font.size ?? 12}px ${Chart.defaults.font.family ?? 'sans-serif'}`;
      for (const marker of markers) {
        const px = x.getPixelForValue(marker.x);
        if (px < left || px > right) continue;
        ctx.beginPath();
        ctx.moveTo(px, top);
        ctx.lineTo(px, bottom);
        ctx.stroke();
        ctx.fillText(marker.label, Math.min(px + 4, right - ctx.measureText(marker.label).width), top + 12);
      }
      ctx.restore();
    },
  };

  const canvases = element.querySelectorAll('canvas');
  const make = (canvas: HTMLCanvasElement, series: Series, opts: { xTitle: string; yTitle: string; showLine: boolean; stepped: boolean; markers: boolean }) =>
    new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: {
        // Colours are set here, not only in restyle(): Chart.js caches point options at the first draw.
        datasets: LANE_IDS.map((lane): ChartDataset<'line', Point[]> => styleDataset({
          label: lane,
          data: series[lane],
          showLine: opts.showLine,
          stepped: opts.stepped,
          pointStyle: LANE_POINT_STYLES[lane],
          borderDash: LANE_DASHES[lane],
        }, lane)),
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          // min-max keeps each pixel column's highest and lowest point: a latency spike is never smoothed away.
          decimation: { enabled: true, algorithm: 'min-max' },
          legend: { labels: { usePointStyle: true } },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: opts.xTitle }, min: 0 },
          y: { type: 'linear', title: { display: true, text: opts.yTitle }, beginAtZero: true },
        },
      },
      plugins: opts.markers ? [markerPlugin] : [],
    });

  const charts = {
    requests: make(canvases[0]!, requests, { xTitle: t('charts.xRunTime'), yTitle: t('laneCard.requests'), showLine: true, stepped: true, markers: true }),
    headers: make(canvases[1]!, headers, { xTitle: t('charts.xRunTime'), yTitle: t('fc.libHeaders'), showLine: true, stepped: false, markers: true }),
    latency: make(canvases[2]!, latency, { xTitle: t('charts.xReceived'), yTitle: t('charts.yLatency'), showLine: false, stepped: false, markers: false }),
  };
  const all = Object.values(charts);
  const series = new Map<Chart<'line', Point[]>, Series>([[charts.requests, requests], [charts.headers, headers], [charts.latency, latency]]);

  for (const chart of [charts.headers, charts.latency]) {
    const toggle = chart.canvas.closest('figure')!.querySelector<HTMLInputElement>('[data-action="log"]')!;
    toggle.addEventListener('change', () => {
      chart.options.scales!.y!.type = toggle.checked ? 'logarithmic' : 'linear';
      draw();
    });
  }

  const unsubscribe = stats?.subscribe((snapshot) => {
    if (!clock.running) return; // paused: the chart holds still
    const x = clock.seconds();
    for (const lane of LANE_IDS) {
      headers[lane].push({ x, y: snapshot.lanes[lane].headerBytes });
      keep(headers[lane], MAX_TIME_POINTS);
    }
  });

  function collect(): void {
    const x = clock.seconds();
    for (const runner of runners) {
      if (clock.running) {
        requests[runner.lane].push({ x, y: runner.counter.requests });
        keep(requests[runner.lane], MAX_TIME_POINTS);
      }
      const samples = runner.counter.samples;
      // x is the run time the message arrived at, so the axis follows this run (not the feed's seq,
      // which on a long-running server squeezes the run into a sliver at the right).
      const now = wallClockNow();
      for (const s of samples.entriesSince(seen.get(runner.lane) ?? 0)) {
        latency[runner.lane].push({ x: Math.max(0, x - (now - s.receivedAt) / 1000), y: s.latencyMs });
      }
      seen.set(runner.lane, samples.total);
      keep(latency[runner.lane], MAX_LATENCY_POINTS);
    }
  }

  /** The plot's size in pixels (from the last layout) and its data ranges, for thinning the scatter. */
  function plotArea(chart: Chart<'line', Point[]>, data: Series, log: boolean): PlotArea {
    let xMax = 0;
    let yMax = 0;
    let yMin = Infinity;
    for (const lane of LANE_IDS) {
      for (const p of data[lane]) {
        if (p.x > xMax) xMax = p.x;
        if (p.y > yMax) yMax = p.y;
        if (p.y > 0 && p.y < yMin) yMin = p.y;
      }
    }
    const box = chart.chartArea;
    return {
      widthPx: box ? box.right - box.left : chart.width,
      heightPx: box ? box.bottom - box.top : chart.height,
      xMax, yMax, log, yMin: Number.isFinite(yMin) ? yMin : 1,
      cellPx: Number(chart.data.datasets[0]?.pointRadius ?? CELL_PX),
    };
  }

  /** What each chart showed when last drawn; a chart whose data has not changed is not redrawn. */
  const drawn = new Map<Chart<'line', Point[]>, string>();

  function drawChart(chart: Chart<'line', Point[]>, force = false): void {
    const data = series.get(chart)!;
    const log = chart.options.scales?.y?.type === 'logarithmic';
    const points = LANE_IDS.reduce((n, lane) => n + data[lane].length, 0);
    const last = LANE_IDS.map((lane) => data[lane].at(-1)?.x ?? '').join();
    const state = `${points} ${last} ${log} ${markers.length}`;
    if (!force && drawn.get(chart) === state) return;
    drawn.set(chart, state);
    // The scatter (latency) draws one mark per cell of the plot and lane (chart-thin.ts): the same picture,
    // without rasterising thousands of hidden marks on every commit.
    const area = chart === charts.latency ? plotArea(chart, data, log) : undefined;
    let marks = 0;
    chart.data.datasets.forEach((dataset, i) => {
      const lanePoints = data[LANE_IDS[i]!];
      // A fresh array each draw: Chart.js watches the arrays it is given (it patches push and
      // splice), which at 1,000 points a second costs more than copying once per tick. It also
      // hands decimation, which swaps `data` for a getter, the full series again.
      // A log axis has no zero: points at 0 are left out there, not drawn at some made-up floor.
      dataset.data = area ? thinToCells(lanePoints, area) : log ? lanePoints.filter((p) => p.y > 0) : lanePoints.slice();
      marks += dataset.data.length;
    });
    chart.update('none');
    const figure = chart.canvas.closest('figure')!;
    figure.dataset.points = String(points);
    figure.dataset.marks = String(marks);
    figure.dataset.markers = String(markers.length);
    showAxisTitles(chart, figure);
  }

  function draw(): void {
    for (const chart of all) drawChart(chart, true);
  }

  function restyle(): void {
    const style = getComputedStyle(document.documentElement);
    const fg = style.getPropertyValue('--fg').trim() || '#000';
    const grid = style.getPropertyValue('--grid').trim() || '#ddd';
    // On the projector the charts' type follows the page's, which grows with the screen (style.css).
    const font = chartFontPx();
    Chart.defaults.font.size = font;
    Chart.defaults.color = fg;
    for (const chart of all) {
      chart.data.datasets.forEach((dataset, i) => styleDataset(dataset, LANE_IDS[i]!));
      for (const scale of Object.values(chart.options.scales ?? {})) {
        if (!scale) continue;
        scale.grid = { ...scale.grid, color: grid };
        scale.ticks = { ...scale.ticks, color: fg };
        if ('title' in scale && scale.title) scale.title.color = fg;
      }
      const legend = chart.options.plugins!.legend!.labels!;
      legend.color = fg;
      // The legend's symbols at the size of a letter, not of the line: on the projector the
      // default (the font's height) leaves the plot little room.
      legend.boxHeight = legend.boxWidth = Math.round(font * 0.55);
      chart.update('none');
    }
  }

  restyle();
  // The projector's type size depends on the window's width: follow it when the window changes.
  const onResize = () => {
    if (Chart.defaults.font.size !== chartFontPx()) restyle();
  };
  addEventListener('resize', onResize);
  // Collect on each tick with the text; each chart then draws in its own turn of the tick's
  // animation frames (ticker.ts), so three charts never make one long task together.
  // The scatter redraws every SCATTER_REDRAW_MS, not every tick: its marks are the costly part of a frame.
  let scatterDrawnAt = -Infinity;
  const drawScatter = () => {
    if (performance.now() - scatterDrawnAt < SCATTER_REDRAW_MS) return;
    scatterDrawnAt = performance.now();
    drawChart(charts.latency);
  };
  const stops = [onTick(collect), ...all.map((chart) => onTickDraw(chart === charts.latency ? drawScatter : () => drawChart(chart)))];
  const stopTicking = () => stops.forEach((stop) => stop());

  return {
    mark(label) {
      markers.push({ x: clock.seconds(), label });
    },
    clear() {
      for (const s of [requests, headers, latency]) for (const lane of LANE_IDS) s[lane].length = 0;
      for (const runner of runners) seen.set(runner.lane, runner.counter.samples.total);
      markers.length = 0;
      draw();
    },
    restyle,
    destroy() {
      stopTicking();
      unsubscribe?.();
      removeEventListener('resize', onResize);
      for (const chart of all) chart.destroy();
    },
  };
}
