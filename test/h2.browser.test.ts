/**
 * The dashboard over HTTPS in a real Chromium: the page negotiates HTTP/2, its
 * HTTP lanes arrive as h2 streams (the server's h2 counters say so, and its
 * HTTP/1.1 counters stay empty for them), the ws lane and the stats channel go to
 * the http port, and the side-by-side table fills in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LANE_IDS } from '../src/lanes.ts';
import { collectPageErrors, startHttpsWebLab, type Chromium, type WebLab } from './support/chromium.ts';

let lab: WebLab | undefined;
let browser: Chromium | undefined;
afterEach(async () => {
  await browser?.close();
  await lab?.close();
  browser = undefined;
  lab = undefined;
});

const HTTP_LANES = ['poll', 'longpoll', 'stream', 'sse'] as const;

describe('the dashboard over HTTPS and HTTP/2', () => {
  it('runs every HTTP lane over h2 and the ws lane over HTTP/1.1 on the http port', async () => {
    // The certificate is self-signed: Chromium ignores that here, in the test only.
    const started = await startHttpsWebLab({ feedRate: 20 });
    ({ lab, browser } = started);
    const { https } = started;
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${https.url}/`);
    await page.waitForSelector('html[data-ready="true"][data-protocol="h2"]');
    // Wait until every HTTP lane has delivered over h2, as the page's own table shows it.
    await page.waitForFunction((lanes) => lanes.every((lane) =>
      Number(document.querySelector(`#protocols tr[data-lane="${lane}"] td[data-protocol="h2"][data-key="requests"]`)?.getAttribute('data-value')) > 0 &&
      Number(document.querySelector(`#protocols tr[data-lane="${lane}"] td[data-protocol="h2"][data-key="headerPerMessage"]`)?.getAttribute('data-value')) > 0), HTTP_LANES);

    const stats = lab.app.lab;
    const h2 = stats.h2.snapshot();
    const h1 = stats.meter.snapshot();
    for (const lane of HTTP_LANES) {
      expect(h2.lanes[lane].messages, `${lane} over h2`).toBeGreaterThan(0);
      expect(h1[lane].requests, `${lane} over HTTP/1.1`).toBe(0);
    }
    expect(h1.ws.messages, 'ws over HTTP/1.1').toBeGreaterThan(0);
    expect(h2.lanes.ws.requests).toBe(0);
    // Each HTTP lane is streams on one TLS connection (Chromium keeps a second one for the
    // page's module script, fetched in CORS mode without credentials: a separate pool).
    for (const lane of HTTP_LANES) expect(h2.lanes[lane].connections, lane).toBe(1);
    expect(h2.tls.overheadBytes).toBeGreaterThan(0);
    // The banner tells the h2 truth: streams in use against the server's limit.
    await page.waitForFunction(() => Number(document.querySelector('#connections')?.getAttribute('data-streams')) >= 3); // longpoll, stream, sse held
    expect(await page.locator('#connections').getAttribute('data-limit')).toBe(String(stats.options.h2MaxConcurrentStreams));
    // Every lane card shows the server's figures of the protocol the lane used (h2 for the HTTP lanes).
    await page.waitForFunction((lanes) => lanes.every((lane) =>
      Number(document.querySelector(`article[data-lane="${lane}"] [data-stat="server.messages"]`)?.getAttribute('data-value')) > 0), [...LANE_IDS]);
    expect(errors).toEqual([]);
  });
});
