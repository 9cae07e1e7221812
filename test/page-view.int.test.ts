/**
 * One page's view of the lanes (GET /api/stats?page=, /api/live?page=): only the
 * traffic of requests tagged with that page id, to the byte, whatever else runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import WebSocket from 'ws';
import type { StatsSnapshot } from '../src/api/stats.ts';
import { startLab, type RunningLab } from './support/lab.ts';

let lab: RunningLab;
afterEach(async () => {
  await lab?.close();
});

const stats = async (query = '') => (await fetch(`${lab.base}/api/stats${query}`)).json() as Promise<StatsSnapshot>;

describe('a page\'s own view of the lanes', () => {
  it('counts only the requests tagged with the page id, and their bytes exactly', async () => {
    lab = await startLab();
    const x = lab.app.lab.feed.publish('x');
    const y = lab.app.lab.feed.publish('y');
    // Someone else polls first (another tab, a bench): not the page's traffic.
    await fetch(`${lab.base}/feed/poll?since=0`);
    const before = await stats();
    for (let i = 0; i < 3; i++) await (await fetch(`${lab.base}/feed/poll?since=${i}&page=tab-a`)).text();
    const page = await stats('?page=tab-a');
    const all = await stats();
    expect(page.page).toBe('tab-a');
    expect(page.lanes.poll).toMatchObject({ requests: 3, messages: 2 + 1 + 0 });
    // Every byte the page's three requests moved is in its view and in the lane's total, once.
    const lane = (s: StatsSnapshot) => s.lanes.poll;
    expect(lane(all).requests - lane(before).requests).toBe(3);
    expect(lane(all).bytesOut - lane(before).bytesOut).toBe(page.lanes.poll.bytesOut);
    expect(lane(all).bytesIn - lane(before).bytesIn).toBe(page.lanes.poll.bytesIn);
    expect(page.lanes.poll.headerBytes + page.lanes.poll.payloadBytes + page.lanes.poll.framingBytes)
      .toBe(page.lanes.poll.bytesIn + page.lanes.poll.bytesOut);
    // Payload: the message JSON the page got (x and y, then y again).
    expect(page.lanes.poll.payloadBytes).toBe(x.bytes + 2 * y.bytes);
    // Another page, and a page that never came, see nothing of it.
    expect((await stats('?page=tab-b')).lanes.poll).toMatchObject({ requests: 0, messages: 0, bytesIn: 0, bytesOut: 0 });
    // A global reset (the teacher's) leaves each page's own run alone.
    await lab.app.inject({ method: 'POST', url: '/api/reset' });
    expect((await stats('?page=tab-a')).lanes.poll.requests).toBe(3);
  });

  it('a WebSocket lane tagged with a page counts its handshake and messages for that page', async () => {
    lab = await startLab();
    const ws = new WebSocket(`${lab.base.replace('http', 'ws')}/feed/ws?since=0&page=tab-ws`);
    await once(ws, 'open');
    const got = new Promise<void>((resolve) => ws.on('message', (data) => { if (String(data).includes('"seq":2')) resolve(); }));
    lab.app.lab.feed.publish('a');
    lab.app.lab.feed.publish('b');
    await got;
    const page = await stats('?page=tab-ws');
    expect(page.lanes.ws).toMatchObject({ requests: 1, connections: 1, messages: 2, held: 1 });
    expect(page.lanes.ws.responseHeadBytes).toBeGreaterThan(100);
    ws.close();
    await once(ws, 'close');
  });

  it('the live channel pushes the page view; bad page ids are refused with LAB_ERR_PAGE_INVALID', async () => {
    lab = await startLab();
    const bad = await fetch(`${lab.base}/api/stats?page=${'x'.repeat(65)}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'LAB_ERR_PAGE_INVALID' });
    expect((await fetch(`${lab.base}/api/stats?page=a%20b`)).status).toBe(400);

    const refused = new WebSocket(`${lab.base.replace('http', 'ws')}/api/live?page=no%20spaces`);
    const [code, reason] = await once(refused, 'close') as [number, Buffer];
    expect(code).toBe(1008);
    expect(String(reason)).toMatch(/^LAB_ERR_PAGE_INVALID: /);

    const live = new WebSocket(`${lab.base.replace('http', 'ws')}/api/live?page=tab-live`);
    const [first] = await once(live, 'message') as [Buffer];
    expect((JSON.parse(String(first)) as StatsSnapshot).page).toBe('tab-live');
    live.close();
    await once(live, 'close');
  });
});
