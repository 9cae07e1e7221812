/**
 * A class run in real Chromium: the teacher's projector page and three student
 * devices (their own browser contexts, one a phone at 390 px), end to end; and the
 * clock each page measures against the lab, which on one machine must be ~0.
 * Screenshots go to artifacts/ for a person to look at.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ClassView } from '../src/class/protocol.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, collectPageErrors, startWebLab, type WebLab } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const FEED_RATE = 10;
const RUN_SECONDS = 8;
/** The issue: on one machine the estimate settles within ±5 ms of the true offset, 0. */
const CLOCK_TOLERANCE_MS = 5;
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

describe('class runs in Chromium', () => {
  let lab: WebLab;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    lab = await startWebLab({ feedRate: FEED_RATE });
    // One browser, a context per person: each has its own cookies and its own six connections per origin.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS] });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  async function studentPage(viewport: { width: number; height: number }, userAgent?: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport, ...(userAgent && { userAgent }) });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(lab.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: 20_000 });
    return { page, errors };
  }

  it('a teacher runs a class run with three student devices, one a phone; the projector adds them up', async () => {
    const teacherContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const projector = await teacherContext.newPage();
    const projectorErrors = collectPageErrors(projector);
    await projector.goto(`${lab.url}class.html`);
    const students = [
      await studentPage({ width: 1280, height: 720 }),
      await studentPage({ width: 1280, height: 720 }),
      await studentPage({ width: 390, height: 844 }, PHONE_UA),
    ];
    await projector.waitForFunction(() => document.querySelector<HTMLElement>('[data-field="devices"]')?.dataset.value === '3');

    // Each page has measured its clock against the lab a few times: on one machine the truth, 0,
    // lies within the page's stated uncertainty (± half the round trip of its best sample).
    for (const { page } of students) {
      await page.waitForFunction(() => Number(document.documentElement.dataset.clockExchanges) >= 20, undefined, { timeout: 30_000 });
      const { clockOffset, clockRtt } = await page.evaluate(() => ({ ...document.documentElement.dataset }));
      expect(Math.abs(Number(clockOffset)), `clock offset ${clockOffset} ms, rtt ${clockRtt} ms`).toBeLessThanOrEqual(Number(clockRtt) / 2);
    }

    // The teacher starts it: half long polling, half WebSocket (the defaults), RUN_SECONDS long.
    await projector.fill('input[name="seconds"]', String(RUN_SECONDS));
    await projector.click('[data-action="start"]');
    for (const { page } of students) await page.waitForSelector('#class-run[data-state="running"]');
    const lanesOf = await Promise.all(students.map(({ page }) => page.evaluate(() => document.documentElement.dataset.classRun)));
    expect(lanesOf).toEqual(['longpoll', 'ws', 'longpoll']);
    // A student page runs only its lane during the run.
    for (const [i, { page }] of students.entries()) {
      await page.waitForFunction((lane) => [...document.querySelectorAll<HTMLElement>('.lane-card')]
        .every((c) => (c.dataset.lane === lane) === (c.dataset.state !== 'off')), lanesOf[i]);
    }

    // Mid-run, the projector shows both lanes filling in: look at it, and at the phone.
    await projector.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.class-lane-card .histogram')]
      .filter((f) => Number(f.dataset.count) >= 20).length === 2, undefined, { timeout: 20_000 });
    await projector.screenshot({ path: `${ARTIFACTS}class-projector-1280x720.png` });
    const phone = students[2]!.page;
    await phone.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-stat="class.messages"]')?.dataset.value) >= 10);
    await phone.screenshot({ path: `${ARTIFACTS}class-student-phone-390.png` });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const strip = await phone.locator('#class-run').boundingBox();
    expect(strip!.x + strip!.width).toBeLessThanOrEqual(390);

    // The run ends on every device by itself; each sends its final report and goes back to its lanes.
    for (const { page } of students) await page.waitForSelector('#class-run[data-state="done"]', { timeout: (RUN_SECONDS + 15) * 1000 });
    await projector.waitForFunction(() => document.documentElement.dataset.runState === 'done', undefined, { timeout: 15_000 });
    const view = await (await fetch(`${lab.url}api/class`)).json() as ClassView;
    expect(view.lanes.longpoll).toMatchObject({ devices: 2, missing: 0 });
    expect(view.lanes.ws).toMatchObject({ devices: 1, missing: 0, requests: 1 }); // one handshake for the whole run
    const expected = (RUN_SECONDS - 3) * FEED_RATE;
    for (const d of view.devices) {
      expect(d.messages, d.id).toBeGreaterThanOrEqual(expected);
      expect(d.missing, d.id).toBe(0);
      expect(Math.abs(d.clockOffsetMs!), d.id).toBeLessThanOrEqual(d.rttMs! / 2);
      expect(d.latency.p50, d.id).not.toBeNull();
    }
    // Long polling: about one request per message at this rate; its header bytes per message dwarf WebSocket's.
    expect(view.lanes.longpoll!.requests).toBeGreaterThanOrEqual(view.lanes.longpoll!.messages / 4);
    expect(view.lanes.longpoll!.headerBytesPerMessage!).toBeGreaterThan(20 * view.lanes.ws!.headerBytesPerMessage!);
    expect(view.devices.find((d) => d.lane === 'longpoll' && d.phone)).toMatchObject({ browser: 'Chrome on Android' });
    // What the projector shows is what the lab answers.
    const shown = await projector.$eval('.class-lane-card[data-lane="ws"] [data-stat="class.devices"]', (el) => Number((el as HTMLElement).dataset.value));
    expect(shown).toBe(1);
    console.log('class run figures:', JSON.stringify({
      lanes: Object.fromEntries(Object.entries(view.lanes).map(([lane, t]) => [lane, {
        devices: t.devices, requests: t.requests, messages: t.messages, headerBytesPerMessage: t.headerBytesPerMessage,
        bytesPerMessage: t.bytesPerMessage, p50: t.latency.p50, p95: t.latency.p95,
      }])),
      devices: view.devices.map((d) => ({ lane: d.lane, browser: d.browser, offset: d.clockOffsetMs, rtt: d.rttMs, p50: d.latency.p50, p95: d.latency.p95, messages: d.messages })),
    }));
    await projector.screenshot({ path: `${ARTIFACTS}class-projector-done-1280x720.png` });

    // Back to their own lanes, still in agreement with the server's view of each page.
    for (const { page } of students) {
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.lane-card')].every((c) => c.dataset.state === 'open'), undefined, { timeout: 20_000 });
    }
    for (const { errors } of students) expect(errors.filter((e) => !e.includes('WebSocket'))).toEqual([]);
    expect(projectorErrors).toEqual([]);
    for (const { page } of students) await page.context().close();
    await teacherContext.close();
  }, 240_000);

  it('a page\'s clock estimate settles within 5 ms of the truth (0, one machine) once a round trip is quick', async () => {
    const { page, errors } = await studentPage({ width: 1280, height: 720 });
    // A sample's error is at most half its round trip, so ±5 ms needs one round trip of 10 ms or less;
    // on a busy machine the page keeps pinging (often) until it has one. Await it, then the estimate.
    await page.waitForFunction((rtt) => Number(document.documentElement.dataset.clockExchanges) >= 20 &&
      Number(document.documentElement.dataset.clockRtt) <= rtt, 2 * CLOCK_TOLERANCE_MS, { timeout: 120_000 });
    const { clockOffset, clockRtt, clockExchanges } = await page.evaluate(() => ({ ...document.documentElement.dataset }));
    expect(Math.abs(Number(clockOffset)), `clock offset ${clockOffset} ms, rtt ${clockRtt} ms after ${clockExchanges} exchanges`)
      .toBeLessThanOrEqual(CLOCK_TOLERANCE_MS);
    // The status line says it, with its uncertainty.
    expect(await page.textContent('[data-field="clock"]')).toMatch(/^clock [+-]\d+\.\d ms ± \d+\.\d$/);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 150_000);
});
