/**
 * The dashboard's seven-streams experiment in a real Chromium, on both ports of
 * one lab. Over HTTP/1.1 the browser keeps six connections per origin: six SSE
 * streams say hello, the seventh's first event comes only after the page closes
 * stream 1. Over HTTP/2 (the https port) the seven are streams on one
 * connection and all say hello before anything closes. Asserted on the order of
 * events the page saw (`data-events`), not on timings. The page's lanes pause
 * for the run and come back after it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { collectPageErrors, startHttpsWebLab, type Chromium, type WebLab } from './support/chromium.ts';

/** Seven streams: the hold (until 3 s pass with no new one), the release wait, set-up. */
const RUN_TIMEOUT_MS = 40_000;

let lab: WebLab | undefined;
let browser: Chromium | undefined;
afterEach(async () => {
  await browser?.close();
  await lab?.close();
  browser = undefined;
  lab = undefined;
});

async function runExperiment(page: Page): Promise<{ events: string[]; measured: Record<string, number> }> {
  await page.waitForSelector('html[data-ready="true"]');
  // The lanes are running (and holding connections) when the experiment starts.
  await page.waitForSelector('article[data-lane="sse"] [data-stat="browser.received"]:not([data-value="0"])');
  await page.locator('#limit summary').click();
  await page.locator('#limit button[data-action="run"]').click();
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#limit connection-limit')?.getAttribute('data-state') ?? ''),
    null, { timeout: RUN_TIMEOUT_MS });
  const widget = page.locator('#limit connection-limit');
  expect(await widget.getAttribute('data-state')).toBe('done');
  return {
    events: (await widget.getAttribute('data-events'))!.split(' '),
    measured: JSON.parse((await widget.getAttribute('data-measured'))!) as Record<string, number>,
  };
}

/** The lanes resume after the run: the sse lane receives again. */
async function lanesResumed(page: Page): Promise<void> {
  const before = Number(await page.locator('article[data-lane="sse"] [data-stat="browser.received"]').getAttribute('data-value'));
  await page.waitForFunction((n) => Number(document.querySelector('article[data-lane="sse"] [data-stat="browser.received"]')?.getAttribute('data-value')) > n, before);
}

describe('the dashboard\'s seven SSE streams', () => {
  it('over HTTP/1.1 the seventh stream\'s first event waits until stream 1 closes; over HTTP/2 all seven arrive before any close', { timeout: 2 * RUN_TIMEOUT_MS }, async () => {
    // The certificate is self-signed: Chromium ignores that here, in the test only.
    const started = await startHttpsWebLab({ feedRate: 5 });
    ({ lab, browser } = started);
    const { https } = started;

    const h1 = await browser.newPage();
    const h1Errors = collectPageErrors(h1);
    await h1.goto(lab.url);
    const one = await runExperiment(h1);
    // Six open (in any order), then the page closes stream 1, then the seventh opens on the freed connection.
    expect(one.events.slice(0, 6).sort()).toEqual(['open:1', 'open:2', 'open:3', 'open:4', 'open:5', 'open:6']);
    expect(one.events.slice(6)).toEqual(['close:1', 'open:7']);
    expect(one.measured).toMatchObject({ streams: 7, opened: 6, stalled: 1, serverHeld: 6, openedAfterClose: 1 });
    // Each stream's time to its first event is shown; the seventh's is after stream 1 closed.
    expect(await h1.locator('#limit li[data-first-event-ms]').count()).toBe(7);
    expect(await h1.locator('#limit li[data-stream="1"]').getAttribute('data-state')).toBe('closed');
    await lanesResumed(h1);
    expect(h1Errors).toEqual([]);
    await h1.close();

    const h2 = await browser.newPage();
    const h2Errors = collectPageErrors(h2);
    await h2.goto(`${https.url}/`);
    await h2.waitForSelector('html[data-protocol="h2"]');
    const two = await runExperiment(h2);
    // Seven streams on one connection: every one opens before the page closes any.
    expect(two.events.slice(0, 7).sort()).toEqual(['open:1', 'open:2', 'open:3', 'open:4', 'open:5', 'open:6', 'open:7']);
    expect(two.events.slice(7)).toEqual(['close:1']);
    expect(two.measured).toMatchObject({ streams: 7, opened: 7, stalled: 0, serverHeld: 7, openedAfterClose: 0 });
    // And the server saw them as h2 streams, not as HTTP/1.1 connections.
    expect(lab.app.lab.h2.snapshot().lanes.sse.requests).toBeGreaterThanOrEqual(7);
    await lanesResumed(h2);
    expect(h2Errors).toEqual([]);
  });
});
