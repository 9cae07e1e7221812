/**
 * The Socket.IO and SockJS lanes in a real Chromium, with the real client
 * libraries the dashboard bundles: Socket.IO starts on long polling and
 * upgrades to WebSocket (the server sees both), and SockJS receives the feed
 * over each transport its card's picker forces. Nothing lost, nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { collectPageErrors, launchChromium, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';

const FEED_RATE = 20;

let lab: WebLab;
let launching: Promise<Chromium> | undefined;
const chromium = () => (launching ??= launchChromium());

beforeAll(async () => {
  lab = await startWebLab({ feedRate: FEED_RATE });
}, 30_000);

afterAll(async () => {
  await launching?.then((browser) => browser.close(), () => undefined);
  await lab?.close();
});

/** Resolves once the lane's card is open and its page has received `count` more messages than `from`. */
function received(page: Page, lane: string, count: number) {
  return page.waitForFunction(({ lane, count }) => {
    const card = document.querySelector<HTMLElement>(`.lane-card[data-lane="${lane}"]`);
    const n = Number(card?.querySelector<HTMLElement>('[data-stat="browser.received"]')?.dataset.value);
    return card?.dataset.state === 'open' && n >= count ? n : false;
  }, { lane, count }, { timeout: 20_000 }).then((handle) => handle.jsonValue() as Promise<number>);
}

async function gaps(page: Page, lane: string) {
  return page.$eval(`.lane-card[data-lane="${lane}"]`, (card) => ({
    missing: Number(card.querySelector<HTMLElement>('[data-stat="browser.missing"]')?.dataset.value),
    duplicates: Number(card.querySelector<HTMLElement>('[data-stat="browser.duplicates"]')?.dataset.value),
  }));
}

const requestsOf = (lane: 'socketio' | 'sockjs') => lab.app.lab.timeline.snapshot(lane).requests;

describe('library lanes in Chromium', () => {
  it('Socket.IO: long polling first, then the upgrade to WebSocket; every message once, in order', async () => {
    const page = await (await chromium()).newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${lab.url}?lanes=socketio`);
    const first = await received(page, 'socketio', 5);
    // The engine.io upgrade happened: polling requests, then one WebSocket (101) on the same session.
    await expect.poll(() => requestsOf('socketio').some((r) => r.status === 101), { timeout: 20_000 }).toBe(true);
    const requests = requestsOf('socketio');
    expect(requests[0]!.status, 'the handshake is a long poll, answered 200').toBe(200);
    expect(requests.filter((r) => r.status === 101), 'one upgrade').toHaveLength(1);
    // After the upgrade messages still flow.
    await received(page, 'socketio', first + 2 * FEED_RATE);
    expect(await gaps(page, 'socketio')).toEqual({ missing: 0, duplicates: 0 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('Socket.IO websocket-only switch: no polling at all', async () => {
    const before = requestsOf('socketio').length;
    const page = await (await chromium()).newPage();
    await page.goto(`${lab.url}?lanes=socketio&socketio=websocket`);
    await received(page, 'socketio', 5);
    const mine = requestsOf('socketio').slice(before);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((r) => r.status), 'only the upgrade, no poll').toEqual([101]);
    await page.close();
  }, 60_000);

  it('SockJS: receives the feed over each transport its picker forces, resuming without a gap', async () => {
    const page = await (await chromium()).newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${lab.url}?lanes=sockjs`);
    let count = await received(page, 'sockjs', 3);
    for (const transport of ['websocket', 'xhr-streaming', 'eventsource', 'xhr-polling']) {
      const before = requestsOf('sockjs').length;
      await page.selectOption('.lane-card[data-lane="sockjs"] select[data-field="picker"]', transport);
      count = await received(page, 'sockjs', count + 2 * FEED_RATE);
      const used = requestsOf('sockjs').slice(before).map((r) => r.path.split('?')[0]!);
      // sockjs-client names its transports on the wire: /websocket, /xhr_streaming, /eventsource, /xhr
      const suffix = { websocket: '/websocket', 'xhr-streaming': '/xhr_streaming', eventsource: '/eventsource', 'xhr-polling': '/xhr' }[transport]!;
      expect(used.some((p) => p.endsWith(suffix)), `${transport}: ${used.join(', ')}`).toBe(true);
      expect(await gaps(page, 'sockjs'), transport).toEqual({ missing: 0, duplicates: 0 });
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
