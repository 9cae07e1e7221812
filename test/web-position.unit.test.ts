/** The resume rules every browser lane client shares (web/src/transports/transport.ts). */
import { describe, expect, it } from 'vitest';
import { FeedPosition, type TransportEvent } from '../web/src/transports/transport.ts';

const msg = (seq: number) => ({ seq, ts: 0, data: null });

describe('FeedPosition', () => {
  it('starts where the server says "now" is, then follows the messages', () => {
    const events: TransportEvent[] = [];
    const got: number[] = [];
    const p = new FeedPosition();
    expect(p.enter('e1', undefined, 41, (e) => events.push(e))).toBe(true);
    expect(p.lastSeq).toBe(41);
    p.deliver(msg(42), (m) => got.push(m.seq));
    expect([p.lastSeq, got]).toEqual([42, [42]]);
    expect(events).toEqual([{ type: 'epoch', epoch: 'e1', since: 41 }]);
  });

  it('announces an epoch once, however often the lane reconnects', () => {
    const events: TransportEvent[] = [];
    const p = new FeedPosition(5, 'e1');
    p.enter('e1', 5, 5, (e) => events.push(e));
    p.enter('e1', 9, 9, (e) => events.push(e));
    expect(events).toHaveLength(1);
  });

  it('starts over at 0 when a new feed (server restart) still had our seq', () => {
    const p = new FeedPosition(500, 'old');
    expect(p.enter('new', 500, 500, () => {})).toBe(false);
    expect(p.lastSeq).toBe(0);
    // Asking again from 0 in the new feed is accepted.
    expect(p.enter('new', 0, 0, () => {})).toBe(true);
  });

  it('a new feed is fine when we were asking from 0 anyway', () => {
    const p = new FeedPosition(0, 'old');
    expect(p.enter('new', 0, 0, () => {})).toBe(true);
  });
});
