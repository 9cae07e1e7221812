/**
 * The dashboard in a real Chromium against a real lab: every lane runs side
 * by side, lose nothing, and the numbers on the page are the server's.
 * Screenshots go to artifacts/ (git-ignored) for a person to look at.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LANE_IDS, type LaneId } from '../src/lanes.ts';
import { LabError } from '../src/errors.ts';
import type { StatsSnapshot } from '../src/api/stats.ts';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
/** How long the run lasts before the checks: the "about 10 s at 5 messages/s". */
const RUN_SECONDS = 10;
const FEED_RATE = 5;
/** The page's default poll interval (DEFAULT_LANE_SETTINGS). */
const POLL_INTERVAL_S = 1;

/** The server counters a lane card shows, by `data-stat="server.<name>"`. */
const SERVER_STATS = ['requests', 'messages', 'headerBytes', 'requestHeadBytes', 'responseHeadBytes', 'payloadBytes', 'framingBytes'] as const;

interface LaneView {
  state: string;
  epoch: string;
  snapshotAt: string;
  /** data-stat="browser.x" -> raw data-value */
  browser: Record<string, number | undefined>;
  server: Record<string, number | undefined>;
  agreement: Record<'requests' | 'messages', string>;
}

/** Everything the lane cards show, read from the data attributes the page writes for tests. */
function readLanes(page: Page): Promise<Record<LaneId, LaneView>> {
  return page.evaluate(() => {
    const out: Record<string, unknown> = {};
    for (const card of document.querySelectorAll<HTMLElement>('.lane-card')) {
      const browser: Record<string, number | undefined> = {};
      const server: Record<string, number | undefined> = {};
      for (const el of card.querySelectorAll<HTMLElement>('[data-stat]')) {
        const [source, name] = el.dataset.stat!.split('.') as [string, string];
        const value = el.dataset.value === '' || el.dataset.value === undefined ? undefined : Number(el.dataset.value);
        (source === 'browser' ? browser : server)[name] = value;
      }
      const agreement = (row: string) => card.querySelector<HTMLElement>(`[data-agreement="${row}"]`)?.dataset.status ?? '';
      out[card.dataset.lane!] = {
        state: card.dataset.state, epoch: card.dataset.epoch, snapshotAt: card.dataset.snapshotAt,
        browser, server, agreement: { requests: agreement('requests'), messages: agreement('messages') },
      };
    }
    return out as Record<LaneId, LaneView>;
  });
}

/** The dashboard has started its lanes; if not, say what the page shows instead. */
async function pageReady(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: 15_000 });
  } catch (err) {
    const status = await page.evaluate(() => `ready=${document.documentElement.dataset.ready}, ` +
      `header: ${document.querySelector('.top .status')?.textContent?.replace(/\s+/g, ' ')}`);
    throw new Error(`the dashboard did not start (${status})`, { cause: err });
  }
}

const runSeconds = (page: Page) =>
  page.$eval('[data-field="run-time"]', (el) => Number((el as HTMLElement).dataset.value));

/** Resolves once every lane card satisfies `test` (evaluated in the page on each animation frame). */
function everyLane(page: Page, test: string, arg?: unknown, timeout = 15_000) {
  return page.waitForFunction(({ test, arg, lanes }) => {
    const cards = [...document.querySelectorAll<HTMLElement>('.lane-card')];
    const stat = (card: HTMLElement, name: string) => Number(card.querySelector<HTMLElement>(`[data-stat="${name}"]`)?.dataset.value);
    const check = new Function('card', 'stat', 'arg', `return (${test});`) as (c: HTMLElement, s: typeof stat, a: unknown) => boolean;
    return cards.length === lanes && cards.every((card) => check(card, stat, arg));
  }, { test, arg, lanes: LANE_IDS.length }, { timeout });
}

/** The server's view of this page's own connections (the page tags its lanes with its page id). */
async function fetchStats(lab: WebLab, page: Page): Promise<StatsSnapshot> {
  const id = await page.evaluate(() => document.documentElement.dataset.page);
  return (await fetch(`${lab.url}api/stats?page=${id}`)).json() as Promise<StatsSnapshot>;
}

/** The page's server numbers and the ones derived from them, as a plain table to compare. */
function serverTable(lanes: Record<LaneId, LaneView>) {
  return Object.fromEntries(LANE_IDS.map((lane) => [lane, Object.fromEntries(SERVER_STATS.map((k) => [k, lanes[lane].server[k]]))]));
}

function snapshotTable(snapshot: StatsSnapshot) {
  return Object.fromEntries(LANE_IDS.map((lane) => [lane, Object.fromEntries(SERVER_STATS.map((k) => [k, snapshot.lanes[lane][k]]))]));
}

describe('dashboard in Chromium', () => {
  let lab: WebLab;
  // Launched by the first test that needs it, not in beforeAll: without Chromium every
  // test then fails with the install hint, rather than being reported as skipped.
  let launching: Promise<Chromium> | undefined;
  const chromium = () => (launching ??= launchChromium());

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    lab = await startWebLab({ feedRate: FEED_RATE });
  }, 30_000);

  afterAll(async () => {
    await launching?.then((browser) => browser.close(), () => undefined);
    await lab?.close();
  });

  it('runs every registered lane side by side with nothing lost, and shows the server\'s own numbers', async () => {
    const page = await (await chromium()).newPage({ width: 1280, height: 720 });
    const errors = collectPageErrors(page);
    await page.goto(lab.url);
    await pageReady(page);

    // All the lanes connect and receive.
    await everyLane(page, `card.dataset.state === 'open' && stat(card, 'browser.received') >= 1`);

    // Let the run last ~10 s, on the page's own run clock.
    await page.waitForFunction((s) => Number(document.querySelector<HTMLElement>('[data-field="run-time"]')?.dataset.value) >= s,
      RUN_SECONDS, { timeout: (RUN_SECONDS + 10) * 1000 });
    const seconds = await runSeconds(page);
    let lanes = await readLanes(page);
    for (const lane of LANE_IDS) {
      expect(lanes[lane].browser, lane).toMatchObject({ missing: 0, duplicates: 0 });
      expect(lanes[lane].browser.received, lane).toBeGreaterThanOrEqual((RUN_SECONDS - 2) * FEED_RATE);
      expect(lanes[lane].browser.latencyP50, lane).toBeGreaterThanOrEqual(0);
    }
    // One WebSocket handshake for the whole run; short polling asks once per interval.
    expect(lanes.ws.browser.requests).toBe(1);
    expect(lanes.ws.server.requests).toBe(1);
    // Timers slip when the page's main thread is late (the header's "page lag"): with seven lanes on a
    // busy 2-core machine a poll or two starts late, so the lower bound allows for two slipped intervals.
    expect(lanes.poll.browser.requests, JSON.stringify(lanes.poll)).toBeGreaterThanOrEqual(Math.floor(seconds / POLL_INTERVAL_S) - 3);
    expect(lanes.poll.browser.requests).toBeLessThanOrEqual(Math.ceil(seconds / POLL_INTERVAL_S) + 1);
    // Held lanes: one request each; long polling one per message (at 5/s) or per wait.
    expect(lanes.stream.browser.requests).toBe(1);
    expect(lanes.sse.browser.requests).toBe(1);
    expect(lanes.longpoll.browser.requests).toBeGreaterThan(lanes.poll.browser.requests!);

    // Look at it: the page as a class sees it, then projector, dark and a phone.
    await page.screenshot({ path: `${ARTIFACTS}dashboard-1280x720.png` });
    await page.screenshot({ path: `${ARTIFACTS}dashboard-1280-full.png`, fullPage: true });
    await page.click('[data-action="projector"]');
    await page.waitForSelector('html[data-projector="on"]');
    await page.screenshot({ path: `${ARTIFACTS}dashboard-projector-1280x720.png` });
    await page.click('[data-action="projector"]');
    await page.click('[data-action="theme"]');
    await page.waitForSelector('html[data-theme="dark"]');
    await page.screenshot({ path: `${ARTIFACTS}dashboard-dark-1280x720.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${ARTIFACTS}dashboard-390.png` });
    await page.screenshot({ path: `${ARTIFACTS}dashboard-390-full.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390); // no sideways scrolling
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.click('[data-action="theme"]');
    await page.waitForSelector('html[data-theme="light"]');

    // The charts are drawn: points in every chart, and the poll lane's colour on each canvas.
    const charts = await page.evaluate(() => {
      const pollColor = getComputedStyle(document.documentElement).getPropertyValue('--lane-poll').trim();
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(pollColor.slice(i, i + 2), 16)) as [number, number, number];
      return [...document.querySelectorAll<HTMLElement>('figure[data-chart]')].map((figure) => {
        const canvas = figure.querySelector('canvas')!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let drawn = 0;
        let poll = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3]! > 0) drawn++;
          if (Math.abs(pixels[i]! - r) < 12 && Math.abs(pixels[i + 1]! - g) < 12 && Math.abs(pixels[i + 2]! - b) < 12 && pixels[i + 3]! > 200) poll++;
        }
        return { chart: figure.dataset.chart, points: Number(figure.dataset.points), drawn, poll };
      });
    });
    expect(charts.map((c) => c.chart)).toEqual(['requests', 'headers', 'latency']);
    for (const chart of charts) {
      expect(chart.points, chart.chart).toBeGreaterThan(LANE_IDS.length);
      expect(chart.drawn, chart.chart).toBeGreaterThan(1_000);
      expect(chart.poll, chart.chart).toBeGreaterThan(10);
    }

    // The wire view of ws: the real handshake, and frame headers with every field labelled.
    await page.click('.lane-card[data-lane="ws"] [data-action="wire"]');
    const responseHead = page.locator('#wire [data-part="response-head"]');
    await responseHead.waitFor({ state: 'attached' });
    expect(await responseHead.textContent()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r?\n/);
    expect(await page.locator('#wire [data-part="request-head"]').textContent()).toMatch(/^GET \/feed\/ws\?since=\d+&page=[0-9a-f]{16} HTTP\/1\.1\r?\n[\s\S]*Upgrade: websocket\r?\n/i);
    await expect.poll(() => page.locator('#wire [data-part="request"] .check .ok').count()).toBe(1); // every line's bytes add up
    const frame = page.locator('#wire [data-part="frames"] .frame[data-dir="out"]').last();
    expect(await frame.locator('[data-part="frame-hex"]').textContent()).toMatch(/^81 [0-7][0-9a-f]$/); // FIN + text, unmasked, < 126 B
    const labels = await frame.locator('.frame-bytes td:last-child').allTextContents();
    expect(labels[0]).toBe('FIN=1 · RSV1-3=000 · opcode=0x1 (text)');
    expect(labels[1]).toMatch(/^MASK=0 · payload length=\d+$/);
    await page.screenshot({ path: `${ARTIFACTS}dashboard-wire-ws.png` });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#wire-dialog', { state: 'hidden' });

    // A drop: the server closes every held connection. Each lane resumes from its last seq.
    // The producer is held still while the server closes them: a message published in that window
    // crashes the lab (stream, sse) or is counted as delivered but never sent (ws), bugs in src/ reported
    // separately. It publishes again before the lanes are back, so they must catch up on reconnect.
    const before = await readLanes(page);
    const { producer, held } = lab.app.lab;
    producer.stop();
    held.closeAll(new LabError('LAB_ERR_SHUTDOWN'));
    await expect.poll(() => (['stream', 'sse', 'ws'] as const).map((lane) => held.count(lane))).toEqual([0, 0, 0]);
    producer.start();
    await everyLane(page, `card.dataset.state === 'open' && stat(card, 'browser.received') >= arg[card.dataset.lane] + 10`,
      Object.fromEntries(LANE_IDS.map((lane) => [lane, before[lane].browser.received!])));
    lanes = await readLanes(page);
    expect(lanes.ws.browser.requests).toBe(2);
    expect(lanes.stream.browser.requests).toBe(2);
    expect(lanes.sse.browser.requests).toBeGreaterThanOrEqual(2);
    for (const lane of LANE_IDS) expect(lanes[lane].browser, lane).toMatchObject({ missing: 0, duplicates: 0 });

    // Pause: the feed stops, every lane catches up and stops.
    await page.click('[data-action="run"]');
    await everyLane(page, `card.dataset.state === 'off'`);
    await page.waitForSelector('[data-action="run"]:not([disabled])');

    // Now the page's byte counters must be exactly the server's, snapshot for snapshot.
    let shown = await readLanes(page);
    let server = await fetchStats(lab, page);
    for (let attempt = 0; attempt < 20 && JSON.stringify(serverTable(shown)) !== JSON.stringify(snapshotTable(server)); attempt++) {
      // Something was still settling (a closing handshake): wait for the page's next snapshot.
      await page.waitForFunction((at) => document.querySelector<HTMLElement>('.lane-card')?.dataset.snapshotAt !== at, shown.poll.snapshotAt);
      shown = await readLanes(page);
      server = await fetchStats(lab, page);
    }
    expect(serverTable(shown)).toEqual(snapshotTable(server));
    for (const lane of LANE_IDS) {
      const c = server.lanes[lane];
      const total = c.bytesIn + c.bytesOut;
      expect(shown[lane].server.bytesPerMessage, lane).toBeCloseTo(total / c.messages, 9);
      expect(shown[lane].server.overheadPercent, lane).toBeCloseTo(((c.headerBytes + c.framingBytes) / total) * 100, 9);
      // And the browser's own counts agree with the server's.
      expect(shown[lane].agreement, lane).toEqual({ requests: 'agree', messages: 'agree' });
      expect(shown[lane].browser, lane).toMatchObject({ requests: c.requests, received: c.messages, missing: 0, duplicates: 0 });
    }
    // Paused after catching up: every lane got every message.
    const received = LANE_IDS.map((lane) => shown[lane].browser.received);
    expect(new Set(received).size, `received per lane: ${received.join(', ')}`).toBe(1);

    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('starts over when the server restarts (a new epoch), still with nothing missing or twice', async () => {
    const page = await (await chromium()).newPage({ width: 1280, height: 720 });
    const errors = collectPageErrors(page);
    await page.goto(lab.url);
    await pageReady(page);
    await lab.app.inject({ method: 'POST', url: '/api/feed', payload: { running: true } });
    await everyLane(page, `card.dataset.state === 'open' && stat(card, 'browser.received') >= 5`);
    const oldEpoch = lab.app.lab.feed.epoch;
    expect((await readLanes(page)).ws.epoch).toBe(oldEpoch);

    // Restart on the same port: a new feed, counting from seq 1 again.
    const { port } = lab;
    await lab.close();
    lab = await startWebLab({ feedRate: FEED_RATE }, port);
    const newEpoch = lab.app.lab.feed.epoch;
    expect(newEpoch).not.toBe(oldEpoch);

    // Every lane reads the new feed from its start (since=0), so nothing published after the restart is lost.
    await everyLane(page, `card.dataset.epoch === arg && card.dataset.startSeq === '0' && card.dataset.state === 'open'`, newEpoch, 30_000);
    // The page says so, and its new run compares with the new server from a clean baseline.
    await page.waitForSelector(`[data-field="notice"][data-epoch="${newEpoch}"]:not([hidden])`);
    await everyLane(page, `card.dataset.state === 'open' && stat(card, 'browser.received') >= 3 && ` +
      `['requests', 'messages'].every((row) => card.querySelector('[data-agreement="' + row + '"]').dataset.status === 'agree')`);
    const head = lab.app.lab.feed.head;
    await page.waitForFunction((h) => Number(document.querySelector<HTMLElement>('[data-field="feed"]')?.textContent?.match(/seq (\d+)/)?.[1]) > h + 5, head);
    const lanes = await readLanes(page);
    for (const lane of LANE_IDS) expect(lanes[lane].browser, lane).toMatchObject({ missing: 0, duplicates: 0 });
    // A restart makes the browser log failed connections; the page itself must not throw.
    expect(errors.filter((e) => e.startsWith('page:'))).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a chaos switch on its lane card while it is on, and the panel can turn it off', async () => {
    const page = await (await chromium()).newPage({ width: 1280, height: 720 });
    const errors = collectPageErrors(page);
    await page.goto(lab.url);
    await pageReady(page);
    await lab.app.inject({ method: 'POST', url: '/api/chaos', payload: { lane: 'sse', bufferBytes: 4096 } });
    await page.waitForSelector('.lane-card[data-lane="sse"] [data-field="switches"] .cp-badge');
    expect(await page.textContent('.lane-card[data-lane="sse"] [data-field="switches"]')).toMatch(/4,096/);
    expect(await page.$$('.lane-card[data-lane="ws"] [data-field="switches"] .cp-badge')).toHaveLength(0);
    await page.click('details.chaos > summary');
    await page.click('chaos-panel button:has-text("Reset all")');
    await page.waitForSelector('.lane-card[data-lane="sse"] [data-field="switches"] .cp-badge', { state: 'detached' });
    expect(lab.app.lab.chaos.active).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('applies each control at once: rate, poll interval, a lane off and on, a burst, keys, reset', async () => {
    await lab.app.inject({ method: 'POST', url: '/api/feed', payload: { rate: FEED_RATE, running: true } });
    const page = await (await chromium()).newPage({ width: 1280, height: 720 });
    const errors = collectPageErrors(page);
    await page.goto(lab.url);
    await pageReady(page);
    await everyLane(page, `card.dataset.state === 'open'`);
    const markers = () => page.$eval('figure[data-chart="requests"]', (f) => Number((f as HTMLElement).dataset.markers));

    // Feed rate: the server's producer changes, and the change is marked on the charts.
    await page.fill('input[name="rate"]', '20');
    await page.press('input[name="rate"]', 'Tab');
    await expect.poll(() => lab.app.lab.producer.rate).toBe(20);
    await expect.poll(markers).toBe(1);

    // Poll interval 250 ms: the poll lane asks four times as often (six more asks well within 3 s).
    const pollBefore = (await readLanes(page)).poll.browser.requests!;
    await page.fill('input[name="pollIntervalMs"]', '250');
    await page.press('input[name="pollIntervalMs"]', 'Tab');
    await page.waitForFunction((n) => Number(document.querySelector<HTMLElement>('[data-lane="poll"] [data-stat="browser.requests"]')?.dataset.value) >= n + 6,
      pollBefore, { timeout: 3_000 });

    // A lane off and on again: it lets go of its connection, then resumes where it left off.
    await page.uncheck('input[name="lane"][value="sse"]');
    await page.waitForSelector('.lane-card[data-lane="sse"][data-state="off"]');
    await page.waitForSelector('#connections[data-held="2"]');
    await page.check('input[name="lane"][value="sse"]');
    await page.waitForSelector('.lane-card[data-lane="sse"][data-state="open"]');
    await page.waitForSelector('#connections[data-held="3"]');

    // A burst of 200 reaches every lane, whole.
    const before = await readLanes(page);
    await page.fill('input[name="burstCount"]', '200');
    await page.click('[data-action="burst"]');
    await everyLane(page, `stat(card, 'browser.received') >= arg[card.dataset.lane] + 200`,
      Object.fromEntries(LANE_IDS.map((lane) => [lane, before[lane].browser.received!])));
    const after = await readLanes(page);
    for (const lane of LANE_IDS) expect(after[lane].browser, lane).toMatchObject({ missing: 0, duplicates: 0 });
    expect(await markers()).toBeGreaterThanOrEqual(4); // rate, poll, sse off, sse on, burst

    // Keys: p for projector, 5 for the ws wire view, Esc to close it.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('p');
    await page.waitForSelector('html[data-projector="on"]');
    await page.keyboard.press('p');
    await page.waitForSelector('html[data-projector="off"]');
    await page.keyboard.press('5');
    await page.waitForSelector('#wire[data-lane="ws"] [data-part="request"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#wire-dialog', { state: 'hidden' });

    // Reset: the server's counters and the page's start again from zero, together, and every
    // lane reconnects, so the ws card shows its one handshake again.
    await page.click('[data-action="reset"]');
    await page.waitForSelector('[data-field="message"]:text("every lane reconnected")');
    await everyLane(page, `card.dataset.state === 'open' && stat(card, 'browser.received') >= 5`);
    await everyLane(page, `['requests', 'messages'].every((row) => card.querySelector('[data-agreement="' + row + '"]').dataset.status === 'agree')`);
    const reset = await readLanes(page);
    expect(reset.ws.browser.requests).toBe(1);
    expect(reset.ws.server.requests).toBe(1);
    expect(reset.ws.server.responseHeadBytes).toBeGreaterThan(0);

    // Export: the run as JSON and as CSV, downloaded the way a user gets it.
    const download = async (action: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action="${action}"]`)]);
      return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
    };
    const json = await download('export-json');
    expect(json.name).toMatch(/^transport-lab-.*\.json$/);
    const run = JSON.parse(json.text) as { format: string; lanes: { lane: string; latencies: unknown[]; server: unknown }[] };
    expect(run.format).toBe('transport-lab-run/1');
    expect(run.lanes.map((l) => l.lane)).toEqual([...LANE_IDS]);
    for (const lane of run.lanes) expect(lane.latencies.length, lane.lane).toBeGreaterThan(0);
    const totals = await download('export-totals');
    expect(totals.text.trimEnd().split('\r\n')).toHaveLength(1 + LANE_IDS.length);
    const latencies = await download('export-latencies');
    expect(latencies.text.startsWith('lane,seq,received_at_ms,latency_ms\r\n')).toBe(true);

    await lab.app.inject({ method: 'POST', url: '/api/feed', payload: { rate: FEED_RATE } });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('regression: a second dashboard opening turned the first one red (it reset the server for everyone)', async () => {
    await lab.app.inject({ method: 'POST', url: '/api/feed', payload: { rate: FEED_RATE, running: true } });
    const browser = await chromium();
    const first = await browser.newPage({ width: 1280, height: 720 });
    const errors = collectPageErrors(first);
    await first.goto(lab.url);
    await pageReady(first);
    await everyLane(first, `card.dataset.state === 'open' && stat(card, 'browser.received') >= 3 && ` +
      `['requests', 'messages'].every((row) => card.querySelector('[data-agreement="' + row + '"]').dataset.status === 'agree')`);
    // From here on, remember any server count on the first page that goes down: what a reset of the
    // server's counters by another page did (the page then showed red mismatches until its own Reset).
    // (A short-lived difference while messages are in flight is not this bug, so it is not what is watched.)
    await first.evaluate(() => {
      const seen: string[] = ((window as unknown as { drops: string[] }).drops = []);
      const last = new Map<Element, number>();
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as HTMLElement;
          const totals = ['server.requests', 'server.messages', 'server.headerBytes', 'server.payloadBytes'];
          if (!totals.includes(el.dataset.stat ?? '') || el.dataset.value === '' || el.dataset.value === undefined) continue;
          const value = Number(el.dataset.value);
          if (value < (last.get(el) ?? -Infinity)) seen.push(`${el.closest<HTMLElement>('.lane-card')?.dataset.lane} ${el.dataset.stat} ${last.get(el)} -> ${value}`);
          last.set(el, value);
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-value'] });
    });
    const globalBefore = await (await fetch(`${lab.url}api/stats`)).json() as StatsSnapshot;

    // A second dashboard opens, runs its own lanes on the same lab, and pushes its Reset.
    const second = await browser.newPage({ width: 1280, height: 720 });
    await second.goto(lab.url);
    await pageReady(second);
    await everyLane(second, `card.dataset.state === 'open' && stat(card, 'browser.received') >= 3`);
    await second.click('[data-action="reset"]');
    await second.waitForSelector('[data-field="message"]:text("every lane reconnected")');
    await everyLane(second, `card.dataset.state === 'open' && stat(card, 'browser.received') >= 3`);

    // The server's counters were never zeroed, the two pages have their own ids, and the first
    // page still agrees with the server's view of its own connections, snapshot for snapshot.
    const globalAfter = await (await fetch(`${lab.url}api/stats`)).json() as StatsSnapshot;
    for (const lane of LANE_IDS) expect(globalAfter.lanes[lane].requests, lane).toBeGreaterThan(globalBefore.lanes[lane].requests);
    expect(await first.evaluate(() => document.documentElement.dataset.page)).not.toBe(await second.evaluate(() => document.documentElement.dataset.page));
    await everyLane(first, `['requests', 'messages'].every((row) => card.querySelector('[data-agreement="' + row + '"]').dataset.status === 'agree')`);
    expect(await first.evaluate(() => (window as unknown as { drops: string[] }).drops)).toEqual([]);
    expect(errors).toEqual([]);
    await second.close();
    await first.close();
  }, 60_000);
});
