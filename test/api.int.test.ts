/** Stats and control: GET /api/stats, /api/wire/:lane, the /api/live push channel, POST /api/feed, burst, reset. */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import WebSocket from 'ws';
import { LANE_IDS, OTHER_NAMES } from '../src/lanes.ts';
import type { StatsSnapshot } from '../src/api/stats.ts';
import { startLab, type RunningLab } from './support/lab.ts';

let lab: RunningLab;
afterEach(async () => {
  await lab?.close();
});

const post = (path: string, body?: unknown) => fetch(lab.base + path, {
  method: 'POST',
  ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
});

describe('stats and control API', () => {
  it('GET /api/stats has every lane and every other name, and stats traffic is never a lane', async () => {
    lab = await startLab();
    lab.app.lab.feed.publish('x');
    await fetch(lab.base + '/feed/poll?since=0');
    const first = await (await fetch(lab.base + '/api/stats')).json() as StatsSnapshot;
    const second = await (await fetch(lab.base + '/api/stats')).json() as StatsSnapshot;
    expect(Object.keys(first.lanes)).toEqual([...LANE_IDS]);
    expect(Object.keys(first.other)).toEqual([...OTHER_NAMES]);
    expect(first.epoch).toBe(lab.app.lab.feed.epoch);
    expect(first.feed).toMatchObject({ head: 1, capacity: 10_000, rate: 0 });
    // `open` may move: a keep-alive socket that carried the poll can carry the next stats request.
    expect({ ...second.lanes.poll, open: 0 }).toEqual({ ...first.lanes.poll, open: 0 });
    expect(second.other.api.requests).toBe(first.other.api.requests + 1);
    expect(first.process.cpuUserUs).toBeGreaterThan(0);
  });

  it('POST /api/feed sets rate and payload size, and refuses nonsense', async () => {
    lab = await startLab();
    const ok = await post('/api/feed', { rate: 50, payloadBytes: 10 });
    expect(await ok.json()).toEqual({ rate: 50, payloadBytes: 10, running: true });
    await new Promise<void>((resolve) => lab.app.lab.feed.subscribe(() => resolve()));
    const m = lab.app.lab.feed.readSince(0).messages[0]!;
    expect((m.data as string).length).toBe(10);
    expect(await (await post('/api/feed', { running: false })).json()).toMatchObject({ running: false });
    for (const bad of [{ rate: -1 }, { rate: 1e9 }, { payloadBytes: 1.5 }, { rate: '5' }, { speed: 3 }]) {
      const res = await post('/api/feed', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((await res.json() as { error: string }).error).toBe('LAB_ERR_BODY_INVALID');
    }
  });

  it('burst publishes at once; reset zeroes the counters', async () => {
    lab = await startLab();
    expect(await (await post('/api/feed/burst', { count: 25 })).json()).toEqual({ head: 25 });
    await fetch(lab.base + '/feed/poll?since=0');
    expect(lab.app.lab.meter.snapshot().poll.messages).toBe(25);
    expect((await post('/api/reset', {})).status).toBe(200);
    expect(lab.app.lab.meter.snapshot().poll).toMatchObject({ messages: 0, requests: 0, bytesIn: 0, bytesOut: 0 });
    expect((await post('/api/feed/burst', { count: 0 })).status).toBe(400);
  });

  it('GET /api/wire/:lane shows the last exchange, 404 for a lane that does not exist', async () => {
    lab = await startLab();
    await fetch(lab.base + '/feed/poll');
    const { exchange } = await (await fetch(lab.base + '/api/wire/poll')).json() as { exchange: { requestHead: string; responseHead: string; requestHeadExact: boolean } };
    expect(exchange.requestHead).toMatch(/^GET \/feed\/poll HTTP\/1\.1\r\n/);
    expect(exchange.responseHead).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(exchange.requestHeadExact).toBe(true);
    expect((await fetch(lab.base + '/api/wire/pigeon')).status).toBe(404);
  });

  it('/api/live pushes snapshots over a WebSocket, counted under api', async () => {
    lab = await startLab({ statsPushMs: 20 });
    const ws = new WebSocket(lab.base.replace('http', 'ws') + '/api/live');
    const snapshots: StatsSnapshot[] = [];
    await new Promise<void>((resolve) => ws.on('message', (d) => {
      snapshots.push(JSON.parse(d.toString()));
      if (snapshots.length === 3) resolve();
    }));
    ws.close();
    await once(ws, 'close');
    expect(snapshots[2]!.at).toBeGreaterThanOrEqual(snapshots[0]!.at);
    expect(snapshots.every((s) => s.lanes.ws.requests === 0)).toBe(true);
    expect(lab.app.lab.meter.snapshot().api.bytesOut).toBeGreaterThan(0);
  });
});
