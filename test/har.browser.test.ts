/**
 * The dashboard's HAR export in a real Chromium against a real lab: every
 * lane runs a few seconds, the run is paused, and the exported file is a valid
 * HAR 1.2 (har-validator, the HAR JSON schema) whose totals are the page's
 * own: requests per lane, header bytes, messages, WebSocket messages.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import harValidator from 'har-validator';
import { LANE_IDS, type LaneId } from '../src/lanes.ts';
import type { StatsSnapshot } from '../src/api/stats.ts';
import type { Har } from '../web/src/har.ts';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';

const FEED_RATE = 5;
/** Long enough for every lane to connect, poll and receive a few messages. */
const RUN_SECONDS = 4;
const SERVER_STATS = ['requests', 'messages', 'headerBytes', 'requestHeadBytes', 'responseHeadBytes'] as const;

type Shown = Record<LaneId, { browser: Record<string, number>; server: Record<string, number>; snapshotAt: string }>;

/** What the lane cards show, from the data attributes the page writes for tests. */
function readLanes(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const out: Record<string, unknown> = {};
    for (const card of document.querySelectorAll<HTMLElement>('.lane-card')) {
      const browser: Record<string, number> = {};
      const server: Record<string, number> = {};
      for (const el of card.querySelectorAll<HTMLElement>('[data-stat]')) {
        const [source, name] = el.dataset.stat!.split('.') as [string, string];
        (source === 'browser' ? browser : server)[name] = Number(el.dataset.value);
      }
      out[card.dataset.lane!] = { browser, server, snapshotAt: card.dataset.snapshotAt };
    }
    return out as Shown;
  });
}

const serverTable = (shown: Shown) => Object.fromEntries(LANE_IDS.map((l) => [l, Object.fromEntries(SERVER_STATS.map((k) => [k, shown[l].server[k]]))]));
const snapshotTable = (s: StatsSnapshot) => Object.fromEntries(LANE_IDS.map((l) => [l, Object.fromEntries(SERVER_STATS.map((k) => [k, s.lanes[l][k]]))]));

describe('the dashboard\'s HAR export', () => {
  let lab: WebLab;
  let browser: Chromium;

  beforeAll(async () => {
    lab = await startWebLab({ feedRate: FEED_RATE });
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('is a valid HAR 1.2 whose totals are the page\'s own counts at the same moment', async () => {
    const page = await browser.newPage({ width: 1280, height: 720 });
    const errors = collectPageErrors(page);
    await page.goto(lab.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: 15_000 });
    const everyLane = (test: string) => page.waitForFunction((t) => [...document.querySelectorAll<HTMLElement>('.lane-card')].every((card) =>
      new Function('card', 'stat', `return (${t});`)(card, (c: HTMLElement, name: string) => Number(c.querySelector<HTMLElement>(`[data-stat="${name}"]`)?.dataset.value))), test, { timeout: 20_000 });
    await everyLane(`card.dataset.state === 'open' && stat(card, 'browser.received') >= 1`);
    await page.waitForFunction((s) => Number(document.querySelector<HTMLElement>('[data-field="run-time"]')?.dataset.value) >= s, RUN_SECONDS, { timeout: 30_000 });

    // Pause: the feed stops, every lane catches up and stops; then wait until the page shows the server's settled counts.
    await page.click('[data-action="run"]');
    await everyLane(`card.dataset.state === 'off'`);
    await page.waitForSelector('[data-action="run"]:not([disabled])');
    const id = await page.evaluate(() => document.documentElement.dataset.page);
    const stats = async () => (await fetch(`${lab.url}api/stats?page=${id}`)).json() as Promise<StatsSnapshot>;
    let shown = await readLanes(page);
    let server = await stats();
    for (let attempt = 0; attempt < 20 && JSON.stringify(serverTable(shown)) !== JSON.stringify(snapshotTable(server)); attempt++) {
      await page.waitForFunction((at) => document.querySelector<HTMLElement>('.lane-card')?.dataset.snapshotAt !== at, shown.poll.snapshotAt);
      shown = await readLanes(page);
      server = await stats();
    }
    expect(serverTable(shown)).toEqual(snapshotTable(server));

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-har"]')]);
    expect(download.suggestedFilename()).toMatch(/^transport-lab-.*\.har$/);
    const har = JSON.parse(await readFile((await download.path())!, 'utf8')) as Har;
    // har-validator rejects with the schema's complaints; shown whole, so a failure says what is wrong.
    expect(await harValidator.har(har).then(() => [], (err: { errors?: unknown[] }) => err.errors ?? [String(err)])).toEqual([]);

    const { entries } = har.log;
    for (const lane of LANE_IDS) {
      const mine = entries.filter((e) => e._lane === lane);
      const sum = (f: (e: Har['log']['entries'][number]) => number) => mine.reduce((n, e) => n + f(e), 0);
      const s = shown[lane];
      // Requests: one entry per request the page made and the server counted.
      expect(mine.length, lane).toBe(s.server.requests);
      expect(mine.length, lane).toBe(s.browser.requests);
      // Header bytes: the sizes of the heads on the wire, as the dashboard shows them.
      expect(sum((e) => e.request.headersSize), lane).toBe(s.server.requestHeadBytes);
      expect(sum((e) => Math.max(0, e.response.headersSize)), lane).toBe(s.server.responseHeadBytes);
      expect(sum((e) => e.request.headersSize + Math.max(0, e.response.headersSize)), lane).toBe(s.server.headerBytes);
      // Messages the lab delivered on them: the page received every one.
      expect(sum((e) => e._messages), lane).toBe(s.server.messages);
      expect(sum((e) => e._messages), lane).toBe(s.browser.received);
      for (const e of mine) {
        expect(e.time, `${lane} ${e.request.url}`).toBe(e.timings.send + e.timings.wait + e.timings.receive);
        expect(new URL(e.request.url).searchParams.get('page'), lane).toBe(id);
      }
    }
    // The ws lane: one handshake, 101, its frames as Chrome's _webSocketMessages; the feed messages in them are the page's count.
    const [ws] = entries.filter((e) => e._lane === 'ws');
    expect(ws!.response.status).toBe(101);
    expect(ws!._resourceType).toBe('websocket');
    expect(ws!.request.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/feed\/ws\?/);
    expect(ws!.request.headers.map((h) => h.name.toLowerCase())).toEqual(expect.arrayContaining(['upgrade', 'sec-websocket-key', 'user-agent']));
    const received = ws!._webSocketMessages!.filter((m) => m.type === 'receive');
    expect(received.every((m) => m.opcode === 1 && m.time > 1e9)).toBe(true);
    const feedFrames = received.filter((m) => typeof (JSON.parse(m.data) as { seq?: unknown }).seq === 'number');
    expect(feedFrames).toHaveLength(shown.ws.browser.received!);
    // Socket.IO and SockJS: their own requests (handshake, polls, posts, the upgrade) are all there.
    expect(entries.filter((e) => e._lane === 'socketio').map((e) => e.request.url)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^http:.*\/socket\.io\/\?.*EIO=4&transport=polling/), expect.stringMatching(/^ws:.*\/socket\.io\/\?.*transport=websocket/)]));
    expect(entries.some((e) => e._lane === 'sockjs' && /\/info\?/.test(e.request.url))).toBe(true);
    // Every WebSocket the page opened has its messages, the libraries' too (socket.io-client and sockjs-client open their own).
    const sockets = entries.filter((e) => e.response.status === 101);
    expect(sockets.map((e) => e._lane).sort()).toEqual(expect.arrayContaining(['socketio', 'ws']));
    for (const e of sockets) expect(e._webSocketMessages!.filter((m) => m.type === 'receive').length, e.request.url).toBeGreaterThan(0);
    expect(entries.filter((e) => e._lane === 'sse').every((e) => e._resourceType === 'eventsource')).toBe(true);
    // The server's counters for the page, taken with the entries, are the ones the dashboard shows.
    expect(snapshotTable({ lanes: har.log._pageCounters } as StatsSnapshot)).toEqual(serverTable(shown));
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
