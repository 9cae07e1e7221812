/**
 * The Socket.IO lesson widgets in Chromium against a real lab: lesson 8's
 * client API on the real socket.io-client (the handshake, the upgrade and the
 * event packets in its log, `off` and `once` counted), lesson 9's three emits
 * on three real connections, and lesson 11's fallback run with the real
 * libraries beside the lab's chain while the WebSocket upgrade is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, openLabPage, startWebLab, type Chromium, type WebLab } from './support/chromium.ts';

const FEED_RATE = 5;
const RUN_TIMEOUT_MS = 60_000;

let lab: WebLab;
let browser: Chromium;

beforeAll(async () => {
  lab = await startWebLab({ feedRate: FEED_RATE });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
});

const open = (path: string) => openLabPage(browser, lab, path);

/** Click a widget's run button and wait for it to finish; its measurement. */
async function run(page: Page, id: string): Promise<Record<string, number>> {
  await page.locator(`#${id} button[data-action]`).click();
  await page.waitForFunction((i) => ['done', 'error'].includes(document.getElementById(i)?.dataset.state ?? ''), id, { timeout: RUN_TIMEOUT_MS });
  const state = await page.getAttribute(`#${id}`, 'data-state');
  expect(state, (await page.textContent(`#${id} [data-field="status"]`)) ?? '').toBe('done');
  return JSON.parse((await page.getAttribute(`#${id}`, 'data-measured'))!) as Record<string, number>;
}

describe('lesson 8: the Socket.IO client API on the real library', () => {
  it('connects, upgrades, runs on/off/once/removeAllListeners and an acked emit, and logs the packets as they crossed', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { page, errors } = await open('lessons/en/08-websocket-api');
    const m = await run(page, 'sio');
    expect(m.upgraded).toBe(1);
    // Not ordered against connectMs: the probe starts when engine.io opens, and may finish before /feed's CONNECT answer.
    expect(m.upgradeMs).toBeGreaterThan(0);
    expect(m.pingIntervalMs).toBe(lab.app.lab.options.socketioPingMs);
    // `42/feed,["message",` + `]` around the message JSON.
    expect(m.framingBytesPerMessage).toBe('42/feed,["message",]'.length);
    // At least two: one long-polling answer may carry several messages, all dispatched before the script calls off.
    expect(m.onCalls).toBeGreaterThanOrEqual(2);
    expect(m.offCalls).toBe(0);
    expect(m.onceCalls).toBe(1);
    expect(m.messagesDuringOnce).toBeGreaterThanOrEqual(3);
    expect(m.listenersAfterRemoveAll).toBe(0);
    expect(m.ackReached).toBe(1);
    // The log holds the packets themselves: the open packet, the namespace CONNECT, the probe and the upgrade.
    const packets = await page.$$eval('#sio tr[data-packet]', (rows) => rows.map((r) => `${(r as HTMLElement).dataset.kind} ${(r as HTMLElement).dataset.packet} ${r.querySelector('td:nth-child(4) code')?.textContent}`));
    expect(packets.find((p) => p.startsWith('in open '))).toMatch(/^in open 0\{"sid":"[^"]+","upgrades":\["websocket"\]/);
    expect(packets).toContain('out CONNECT /feed 40/feed,');
    expect(packets.find((p) => p.startsWith('in CONNECT /feed '))).toMatch(/40\/feed,\{"sid":"/);
    expect(packets).toContain('out ping probe 2probe');
    expect(packets).toContain('in pong probe 3probe');
    expect(packets).toContain('out upgrade 5');
    expect(packets.some((p) => /^out EVENT \/lesson echo #\d+ 42\/lesson,\d+\["echo",/.test(p))).toBe(true);
    expect(packets.some((p) => /^in ACK \/lesson #\d+ 43\/lesson,\d+\[\{"reached":1\}\]/.test(p))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('lesson 9: socket.emit, socket.broadcast.emit and io.emit', () => {
  it('reach the sender, the two others, and all three; the acks count the clients reached', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { page, errors } = await open('lessons/ko/09-chat-delivery');
    const m = await run(page, 'emits');
    expect(m).toMatchObject({ selfReceived: 1, othersReceived: 2, allReceived: 3, senderGotOthers: 0, selfReached: 1, othersReached: 2, allReached: 3 });
    expect(await page.$$eval('#emits tr[data-to="others"] td', (tds) => tds.slice(2, 5).map((td) => td.textContent))).toEqual(['·', '●', '●']);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('lesson 11: the real libraries\' own fallback beside the lab\'s chain', () => {
  it('with upgrades refused, Socket.IO stays on long polling and SockJS falls back to xhr-streaming; each cost is the wire meter\'s for its own connections; the switches are put back', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { page, errors } = await open('lessons/en/11-fallbacks');
    const m = await run(page, 'libs');
    expect(m.landed).toBe(2); // ws refused, then SSE
    expect(m.socketioUpgraded).toBe(0);
    expect(m.sockjsAttempts).toBe(2);
    expect(m.sockjsLanded).toBe(2); // xhr-streaming
    expect(await page.getAttribute('#libs tr[data-client="socketio"]', 'data-transport')).toBe('polling');
    expect(await page.getAttribute('#libs tr[data-client="sockjs"]', 'data-transport')).toBe('xhr-streaming');
    expect(await page.textContent('#libs tr[data-client="socketio"] td:nth-child(2)')).toMatch(/^polling ✓ \d+ ms → websocket \(upgrade\) ✗ \d+ ms$/);
    // Long polling pays a request per answer; streaming and SSE hold one response.
    expect(m.socketioRequests).toBeGreaterThan(m.sockjsRequests!);
    expect(m.sockjsRequests).toBeGreaterThanOrEqual(3); // /info, the refused upgrade, xhr_streaming
    expect(m.labRequests).toBe(2); // the refused upgrade, the SSE stream
    for (const client of ['lab', 'socketio', 'sockjs']) expect(m[`${client}BytesPerMessage`]).toBeGreaterThan(0);
    expect(Object.values(lab.app.lab.chaos.snapshot()).every((s) => !s.refuseUpgrade)).toBe(true);
    // The refused upgrades are the experiment: the browser reports each one.
    expect(errors.filter((e) => !/403|WebSocket/.test(e))).toEqual([]);
    await page.close();
  });
});
