/**
 * `npm run bench:page`: does the dashboard keep up? A lab in this process with
 * its feed at --rate (200 messages/s by default), the dashboard in headless
 * Chromium (Debian's, 1280×900, every lane on), then for --seconds (15) the
 * time between animation frames and every long task (a task over 50 ms, which
 * the browser reports through PerformanceObserver). Also: how long after the
 * page starts loading its first chart has points.
 *
 *   npm run bench:page -- --rate 200 --seconds 15 --runs 3 [--projector] [--json]
 *
 * --projector: the classroom view (`/?projector=on`), where the three charts are on
 * screen and every redraw reaches the glass; without it they are below the fold.
 *
 * A measurement, not a test: the figures go to docs/benchmarks.md.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildLab, WEB_ROOT } from '../app.ts';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const VIEWPORT = { width: 1280, height: 900 };
/** How long the page may take to show its first chart before the run counts as failed. */
const FIRST_CHART_TIMEOUT_MS = 30_000;

export interface PageRun {
  firstChartMs: number;
  frames: number;
  fps: number;
  frameP50Ms: number;
  frameP95Ms: number;
  frameMaxMs: number;
  longTasks: number;
  longTaskMs: number;
  longestTaskMs: number;
  /** Messages the page's lanes received during the window, all lanes together. */
  messages: number;
}

interface Options { rate: number; seconds: number; runs: number; json: boolean; projector: boolean }

function parse(argv: string[]): Options {
  const out: Options = { rate: 200, seconds: 15, runs: 1, json: false, projector: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg} needs a positive number`);
      return n;
    };
    if (arg === '--rate') out.rate = value();
    else if (arg === '--seconds') out.seconds = value();
    else if (arg === '--runs') out.runs = Math.round(value());
    else if (arg === '--json') out.json = true;
    else if (arg === '--projector') out.projector = true;
    else throw new Error(`unknown option ${arg} (options: --rate, --seconds, --runs, --projector, --json)`);
  }
  return out;
}

/** Runs in the page before any of its scripts: collect long tasks from the start. */
function observeLongTasks(): void {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** Runs in the page: when the first chart has points (ms since navigation started). */
function firstChart(timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const has = () => [...document.querySelectorAll<HTMLElement>('figure[data-chart]')].some((f) => Number(f.dataset.points ?? 0) > 0);
    if (has()) return resolve(performance.now());
    const observer = new MutationObserver(() => {
      if (!has()) return;
      observer.disconnect();
      resolve(performance.now());
    });
    observer.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['data-points'] });
    setTimeout(() => reject(new Error('no chart had points in time')), timeoutMs);
  });
}

/** Runs in the page: frame intervals and long tasks over `ms`, and the messages received meanwhile. */
function measure(ms: number): Promise<{ intervals: number[]; longTasks: { start: number; duration: number }[]; messages: number }> {
  const received = () => [...document.querySelectorAll<HTMLElement>('[data-stat="browser.received"]')].reduce((n, el) => n + Number((el.textContent ?? '0').replace(/\D/g, '') || 0), 0);
  return new Promise((resolve) => {
    const intervals: number[] = [];
    const startMessages = received();
    let start = 0;
    let last = 0;
    const frame = (now: number) => {
      if (start === 0) {
        start = last = now;
      } else {
        intervals.push(now - last);
        last = now;
      }
      if (now - start < ms) {
        requestAnimationFrame(frame);
        return;
      }
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      resolve({ intervals, longTasks: w.__longTasks.filter((t) => t.start >= start && t.start < now), messages: received() - startMessages });
    };
    requestAnimationFrame(frame);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function benchPage(options: Options): Promise<PageRun[]> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first');
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const runs: PageRun[] = [];
  for (let run = 0; run < options.runs; run++) {
    const app = await buildLab({ feedRate: options.rate, fastify: { logger: false } });
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    const profile = await mkdtemp(join(tmpdir(), 'transport-lab-bench-page-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, viewport: VIEWPORT,
    });
    try {
      const page = await context.newPage();
      await page.addInitScript(observeLongTasks);
      await page.goto(origin + (options.projector ? '/?projector=on' : '/'));
      const firstChartMs = await page.evaluate(firstChart, FIRST_CHART_TIMEOUT_MS);
      const { intervals, longTasks, messages } = await page.evaluate(measure, options.seconds * 1000);
      const sorted = [...intervals].sort((a, b) => a - b);
      const total = intervals.reduce((a, b) => a + b, 0);
      runs.push({
        firstChartMs,
        frames: intervals.length,
        fps: (intervals.length * 1000) / total,
        frameP50Ms: percentile(sorted, 50),
        frameP95Ms: percentile(sorted, 95),
        frameMaxMs: sorted[sorted.length - 1] ?? 0,
        longTasks: longTasks.length,
        longTaskMs: longTasks.reduce((a, t) => a + t.duration, 0),
        longestTaskMs: Math.max(0, ...longTasks.map((t) => t.duration)),
        messages,
      });
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      await app.close();
    }
  }
  return runs;
}

function format(options: Options, runs: PageRun[]): string {
  const f = (n: number, d = 1) => n.toFixed(d);
  const lines = [
    `Dashboard in headless Chromium (${VIEWPORT.width}×${VIEWPORT.height}, every lane on${options.projector ? ', projector mode: charts on screen' : ''}), feed ${options.rate} msg/s, ${options.seconds} s of animation frames per run`,
    'run  first chart ms  fps   frame p50 ms  frame p95 ms  worst frame ms  long tasks  long-task ms  longest ms  messages',
  ];
  runs.forEach((r, i) => lines.push([
    String(i + 1).padEnd(3), f(r.firstChartMs, 0).padStart(14), f(r.fps).padStart(5), f(r.frameP50Ms).padStart(13), f(r.frameP95Ms).padStart(13),
    f(r.frameMaxMs).padStart(15), String(r.longTasks).padStart(11), f(r.longTaskMs, 0).padStart(13), f(r.longestTaskMs, 0).padStart(11), String(r.messages).padStart(9),
  ].join('  ')));
  return lines.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = parse(process.argv.slice(2));
  const runs = await benchPage(options);
  process.stdout.write(options.json ? JSON.stringify({ options, runs }, null, 2) + '\n' : format(options, runs));
}
