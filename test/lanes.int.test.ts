/**
 * The lane contract: every lane delivers the same messages in seq order, with
 * no gap and no duplicate, resumes exactly after a reconnect, and says when it
 * could not (truncated). Real server on port 0, real clients.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LANE_IDS } from '../src/lanes.ts';
import { startLab, type RunningLab } from './support/lab.ts';
import { startClient, type LaneClient } from './support/clients.ts';

let lab: RunningLab | undefined;
let clients: LaneClient[] = [];
afterEach(async () => {
  clients.forEach((c) => c.stop());
  clients = [];
  await lab?.close();
  lab = undefined;
});

const seqs = (c: LaneClient) => c.messages.map((m) => m.seq);

describe('the five lanes', () => {
  it('all receive the identical sequence for the same run', async () => {
    lab = await startLab();
    const feed = lab.app.lab.feed;
    clients = LANE_IDS.map((lane) => startClient(lane, lab!.base, 0));
    await Promise.all(clients.map((c) => c.ready));
    for (let i = 0; i < 30; i++) {
      feed.publish({ n: i, text: `message ${i}` });
      if (i % 10 === 9) await new Promise((r) => setImmediate(r)); // let some go out one by one, some in batches
    }
    await Promise.all(clients.map((c) => c.waitFor(30)));
    const reference = JSON.stringify(clients[0]!.messages);
    for (const c of clients) {
      expect(seqs(c), c.lane).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(JSON.stringify(c.messages), c.lane).toBe(reference);
    }
    // The lab counted exactly 30 deliveries per lane.
    const stats = lab.app.lab.meter.snapshot();
    for (const lane of LANE_IDS) expect(stats[lane].messages, lane).toBe(30);
  });

  it.each(LANE_IDS)('%s resumes after a forced disconnect with no gap and no duplicate', async (lane) => {
    lab = await startLab();
    const feed = lab.app.lab.feed;
    const first = startClient(lane, lab.base, 0);
    clients.push(first);
    await first.ready;
    for (let i = 0; i < 5; i++) feed.publish(i);
    await first.waitFor(5);
    first.stop(); // the connection drops
    for (let i = 5; i < 12; i++) feed.publish(i); // published while nobody listens
    const resumed = lane === 'sse'
      ? startClient(lane, lab.base, undefined, { lastEventId: first.lastSeq() }) // what EventSource does
      : startClient(lane, lab.base, first.lastSeq());
    clients.push(resumed);
    await resumed.ready;
    feed.publish(12);
    await resumed.waitFor(8);
    expect([...seqs(first), ...seqs(resumed)]).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(resumed.hello?.truncated).toBe(false);
  });

  it.each(LANE_IDS)('%s reports `truncated` when it asks for a seq that was dropped', async (lane) => {
    lab = await startLab({ feedCapacity: 5 });
    const feed = lab.app.lab.feed;
    for (let i = 0; i < 10; i++) feed.publish(i);
    const c = startClient(lane, lab.base, 2);
    clients.push(c);
    await c.ready;
    await c.waitFor(5);
    expect(c.hello).toMatchObject({ truncated: true, firstSeq: 6 });
    expect(seqs(c)).toEqual([6, 7, 8, 9, 10]);
  });

  it('without `since` a lane starts from now', async () => {
    lab = await startLab();
    lab.app.lab.feed.publish('old');
    const c = startClient('ws', lab.base);
    clients.push(c);
    await c.ready;
    lab.app.lab.feed.publish('new');
    await c.waitFor(1);
    expect(c.messages.map((m) => m.data)).toEqual(['new']);
  });
});
