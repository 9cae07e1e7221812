/**
 * The lane registries: one descriptor per lane id on the server
 * (src/transports/index.ts) and one browser entry per lane id
 * (web/src/transports/index.ts), in LANE_IDS order, and every route a
 * descriptor registers is really served by that lane (counted under its id).
 *
 * The `@ts-expect-error` lines are checked by `npm run typecheck`: if a
 * registry with a lane missing ever type-checked, the directive itself would
 * become an error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { once } from 'node:events';
import { LANE_IDS, LANES } from '../src/lanes.ts';
import { TRANSPORTS, laneOfPath, transports } from '../src/transports/index.ts';
import type { LaneRegistry } from '../src/transports/lane.ts';
import type { BrowserLaneRegistry } from '../web/src/transports/index.ts';
import { SWITCHES_FOR } from '../src/chaos/switches.ts';
import { startLab, type RunningLab } from './support/lab.ts';

const { poll, longpoll, stream, sse, ws } = TRANSPORTS;

// @ts-expect-error a registry without the ws lane does not type-check
export const missingLane: LaneRegistry = { poll, longpoll, stream, sse };
// @ts-expect-error a lane registered under another lane's id does not type-check
export const swappedLanes: LaneRegistry = { poll: longpoll, longpoll: poll, stream, sse, ws };
// @ts-expect-error the browser's registry without the ws lane does not type-check either
export const missingBrowserLane: BrowserLaneRegistry = {} as Omit<BrowserLaneRegistry, 'ws'>;

let lab: RunningLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('lane registry', () => {
  it('lists every lane once, in LANE_IDS order, under its own id, with the lane facts of src/lanes.ts', () => {
    expect(Object.keys(TRANSPORTS)).toEqual([...LANE_IDS]);
    expect(transports().map((t) => t.id)).toEqual([...LANE_IDS]);
    for (const lane of LANE_IDS) {
      const t = TRANSPORTS[lane];
      expect(t.id, lane).toBe(lane);
      expect(t.title, lane).toBe(LANES[lane].title);
      expect(t.routes.length, lane).toBeGreaterThan(0);
      expect(SWITCHES_FOR[lane], lane).toEqual(LANES[lane].switches);
      for (const route of t.routes) expect(laneOfPath(route.replace(/\*$/, '')), route).toBe(lane);
    }
  });

  it('serves every registered route, counted under the lane that registered it', async () => {
    lab = await startLab();
    // With a message after `since`, a long poll answers at once instead of holding.
    lab.app.lab.feed.publish('one');
    for (const t of transports()) {
      for (const route of t.routes) {
        // A library lane's prefix is its own page (Socket.IO: a 400 naming the missing transport; SockJS: a welcome).
        const path = route.replace(/\*$/, '') + (t.wire === 'library' ? '' : '?since=0');
        const before = lab.app.lab.meter.snapshot()[t.id].requests;
        if (t.wire === 'websocket') {
          // An upgraded lane answers the handshake and sends its hello.
          const socket = new WebSocket(`ws://127.0.0.1:${lab.port}${path}`);
          const [first] = (await once(socket, 'message')) as [Buffer];
          expect(JSON.parse(first.toString()), route).toMatchObject({ type: 'hello' });
          socket.close();
          await once(socket, 'close');
        } else {
          const res = await fetch(`${lab.base}${path}`, { signal: AbortSignal.timeout(10_000) }).catch((err: unknown) => err as Error);
          if (res instanceof Error) throw new Error(`${route}: ${res.message}`);
          const text = res.headers.get('content-type')?.includes('json') && !t.holdsHttpConnection ? await res.text() : '';
          expect(text, route).not.toContain('LAB_ERR_NOT_FOUND');
          expect(res.status, route).not.toBe(404);
          if (!res.bodyUsed) await res.body?.cancel();
        }
        expect(lab.app.lab.meter.snapshot()[t.id].requests, route).toBe(before + 1);
      }
    }
  });
});
