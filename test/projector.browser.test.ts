/**
 * Projector mode in a real Chromium: at the two screens a classroom has (1280×720 and
 * 1920×1080) every lane's row and the three charts are on the screen, whole, with no
 * scrolling, and the charts' axis titles are large and fit beside their axes. And the
 * keys the README lists are the page's.
 * Screenshots go to artifacts/ (git-ignored) for a person to look at.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LANE_IDS } from '../src/lanes.ts';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const README = fileURLToPath(new URL('../README.md', import.meta.url));
/** Smallest type for a chart's axis titles on the projector: readable from the back of a classroom. */
const MIN_TITLE_PX = 16;
/** Smallest chart height worth showing: below it the plot is a sliver under its legend. */
const MIN_CHART_PX = 180;

interface Box { name: string; left: number; top: number; right: number; bottom: number }

/**
 * What does not fit: every lane row, every figure in it, every chart canvas, checked against
 * the viewport, and every figure against its own box (text wider than its cell is cut).
 */
function misfits(page: Page) {
  return page.evaluate(() => {
    const box = (name: string, el: Element) => {
      const r = el.getBoundingClientRect();
      return { name, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const visible = (el: Element) => el.getClientRects().length > 0;
    const boxes: Box[] = [];
    const cut: string[] = [];
    for (const card of document.querySelectorAll<HTMLElement>('.lane-card')) {
      boxes.push(box(`lane ${card.dataset.lane}`, card));
      for (const cell of card.querySelectorAll<HTMLElement>('h2, [data-stat], .delta')) {
        if (!visible(cell) || cell.closest('.sr-only')) continue;
        const name = `${card.dataset.lane} ${cell.dataset.stat ?? cell.dataset.agreement ?? 'title'}`;
        boxes.push(box(name, cell));
        if (cell.scrollWidth > cell.clientWidth + 1 && getComputedStyle(cell).display !== 'inline') cut.push(name);
      }
    }
    for (const canvas of document.querySelectorAll('.chart canvas')) {
      boxes.push(box(`chart ${canvas.closest('figure')!.getAttribute('data-chart')}`, canvas));
    }
    const { innerWidth: width, innerHeight: height } = window;
    const outside = boxes.filter((b) => b.left < 0 || b.top < 0 || b.right > width + 0.5 || b.bottom > height + 0.5).map((b) => b.name);
    const root = document.documentElement;
    return {
      cards: document.querySelectorAll('.lane-card').length,
      scroll: { x: root.scrollWidth - width, y: root.scrollHeight - height },
      outside, cut,
      charts: [...document.querySelectorAll<HTMLElement>('.chart')].map((figure) => ({
        chart: figure.dataset.chart,
        height: figure.querySelector('canvas')!.getBoundingClientRect().height,
        titlePx: Number(figure.dataset.titlePx),
        titlesFit: figure.dataset.titlesFit,
      })),
    };
  });
}

describe('projector mode in Chromium', () => {
  let lab: WebLab;
  let launching: Promise<Chromium> | undefined;
  const chromium = () => (launching ??= launchChromium());

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    lab = await startWebLab({ feedRate: 5 });
  }, 30_000);

  afterAll(async () => {
    await launching?.then((browser) => browser.close(), () => undefined);
    await lab?.close();
  });

  for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
    it(`regression: at ${width}×${height} the projector showed half the lane cards and no chart; now every lane and chart fits, unscrolled`, async () => {
      const page = await (await chromium()).newPage({ width, height });
      const errors = collectPageErrors(page);
      await page.goto(lab.url);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      // The key, as a teacher would: p.
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('p');
      await page.waitForSelector('html[data-projector="on"]');
      // Figures in every cell (the widest they get in a short run), and points in every chart.
      await page.waitForFunction((lanes) => {
        const cards = [...document.querySelectorAll<HTMLElement>('.lane-card')];
        const charts = [...document.querySelectorAll<HTMLElement>('.chart')];
        return cards.length === lanes && cards.every((card) => card.dataset.state === 'open' &&
            Number(card.querySelector<HTMLElement>('[data-stat="server.messages"]')?.dataset.value) >= 3) &&
          charts.every((figure) => Number(figure.dataset.points) > 0 && figure.dataset.titlePx !== undefined);
      }, LANE_IDS.length, { timeout: 20_000 });
      await page.screenshot({ path: `${ARTIFACTS}projector-${width}x${height}.png` });

      const fit = await misfits(page);
      expect(fit.cards).toBe(LANE_IDS.length);
      expect(fit.scroll).toEqual({ x: 0, y: 0 });
      expect(fit.outside).toEqual([]);
      expect(fit.cut).toEqual([]);
      expect(fit.charts.map((c) => c.chart)).toEqual(['requests', 'headers', 'latency']);
      for (const chart of fit.charts) {
        expect(chart.height, chart.chart).toBeGreaterThanOrEqual(MIN_CHART_PX);
        expect(chart.titlePx, chart.chart).toBeGreaterThanOrEqual(MIN_TITLE_PX);
        expect(chart.titlesFit, chart.chart).toBe('true');
      }

      // And back: the cards again, none of the projector's rows left over.
      await page.keyboard.press('p');
      await page.waitForSelector('html[data-projector="off"]');
      expect(await page.$eval('.lane-columns', (el) => getComputedStyle(el).display)).toBe('none');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  }

  it('README\'s keys are the page\'s keys, and the last lane\'s number opens its wire view', async () => {
    const readme = await readFile(README, 'utf8');
    const line = readme.match(/^Keys \(when no field has focus\):([\s\S]*?)\n\n/m)?.[1];
    expect(line, 'README has a "Keys" paragraph').toBeDefined();
    const readmeKeys = [...line!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

    const page = await (await chromium()).newPage({ width: 1280, height: 720 });
    await page.goto(lab.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const pageKeys = await page.$$eval('.keys kbd', (keys) => keys.map((k) => k.textContent));
    expect(readmeKeys).toEqual(pageKeys);
    expect(pageKeys).toContain(String(LANE_IDS.length));

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press(String(LANE_IDS.length));
    await page.waitForSelector(`#wire[data-lane="${LANE_IDS.at(-1)}"]`);
    await page.close();
  }, 60_000);
});
