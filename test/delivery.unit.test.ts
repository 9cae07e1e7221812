import { describe, expect, it } from 'vitest';
import { Feed, type FeedMessage } from '../src/feed/feed.ts';
import { startPump, type PumpTarget } from '../src/delivery/pump.ts';
import { parseSince, parseWait } from '../src/delivery/since.ts';
import { HeldConnections } from '../src/delivery/held.ts';
import { LabError, truncateUtf8 } from '../src/errors.ts';
import { resolveOptions, LabConfigError, DEFAULTS } from '../src/config.ts';

/** A consumer whose "socket" holds `capacity` bytes until the test drains it. */
function fakeTarget(capacity: number) {
  const got: number[] = [];
  let buffered = 0;
  let drainWaiter: (() => void) | undefined;
  let slow = false;
  const target: PumpTarget = {
    send: (batch: readonly FeedMessage[]) => {
      for (const m of batch) {
        got.push(m.seq);
        buffered += m.bytes;
      }
    },
    bufferedBytes: () => buffered,
    onceDrained: (resume) => { drainWaiter = resume; },
    tooSlow: () => { slow = true; },
  };
  return {
    target, got,
    get slow() { return slow; },
    get buffered() { return buffered; },
    get waiting() { return drainWaiter !== undefined; },
    drain() {
      buffered = 0;
      const w = drainWaiter;
      drainWaiter = undefined;
      w?.();
    },
    capacity,
  };
}

describe('pump (backpressure)', () => {
  it('sends the backlog after `since`, then each new message, in order', () => {
    const feed = new Feed(100);
    for (let i = 0; i < 3; i++) feed.publish(i);
    const t = fakeTarget(1e9);
    const stop = startPump(feed, 1, t.target, { highWaterBytes: 1e9, maxLag: 100, maxBatch: 10 });
    feed.publish('x');
    expect(t.got).toEqual([2, 3, 4]);
    stop();
    feed.publish('y');
    expect(t.got).toEqual([2, 3, 4]);
  });

  it('stops writing while the buffer is full and catches up from the feed on drain', () => {
    const feed = new Feed(100);
    const t = fakeTarget(0);
    startPump(feed, 0, t.target, { highWaterBytes: 100, maxLag: 50, maxBatch: 1000 });
    for (let i = 0; i < 10; i++) feed.publish('0123456789012345678901234567890123456789'); // ~70 B each
    // After the second message the buffer is over 100 bytes: the pump waits.
    expect(t.got).toEqual([1, 2]);
    expect(t.waiting).toBe(true);
    t.drain();
    expect(t.got.slice(0, 4)).toEqual([1, 2, 3, 4]); // catch-up batch
    while (t.waiting) t.drain();
    expect(t.got).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(t.slow).toBe(false);
  });

  it('gives up on a consumer that falls more than maxLag behind (it can resume)', () => {
    const feed = new Feed(1000);
    const t = fakeTarget(0);
    startPump(feed, 0, t.target, { highWaterBytes: 1, maxLag: 5, maxBatch: 1000 });
    for (let i = 0; i < 10; i++) feed.publish(i);
    expect(t.slow).toBe(true);
    expect(feed.subscriberCount).toBe(0);
  });

  it('gives up when the messages it needs have left the ring buffer', () => {
    const feed = new Feed(4);
    const t = fakeTarget(0);
    startPump(feed, 0, t.target, { highWaterBytes: 1, maxLag: 1000, maxBatch: 1000 });
    for (let i = 0; i < 8; i++) feed.publish(i);
    t.drain();
    expect(t.slow).toBe(true);
  });
});

describe('since / wait', () => {
  const feed = new Feed(10);
  for (let i = 0; i < 5; i++) feed.publish(i);

  it('defaults to "from now on" and accepts 0..head', () => {
    expect(parseSince(undefined, feed)).toBe(5);
    expect(parseSince('0', feed)).toBe(0);
    expect(parseSince('5', feed)).toBe(5);
  });

  it.each(['-1', '1.5', 'abc', '1e3', ' 1', '0x10', '9999999999999999'])('refuses since=%j', (raw) => {
    expect(() => parseSince(raw, feed)).toThrow(LabError);
  });

  it('refuses a since beyond the head with its own code', () => {
    try {
      parseSince('6', feed);
      expect.unreachable();
    } catch (err) {
      expect((err as LabError).code).toBe('LAB_ERR_SINCE_AHEAD');
    }
  });

  it('caps wait', () => {
    expect(parseWait(undefined, 25_000, 60_000)).toBe(25_000);
    expect(parseWait('999999', 25_000, 60_000)).toBe(60_000);
    expect(() => parseWait('-5', 25_000, 60_000)).toThrow(/wait/);
  });
});

describe('held connections', () => {
  it('admits up to the cap per lane, then refuses with LAB_ERR_LANE_BUSY', () => {
    const held = new HeldConnections(2, 1000);
    const a = held.admit('sse', { close: () => {} });
    held.admit('sse', { close: () => {} });
    expect(() => held.admit('sse', { close: () => {} })).toThrow(/LAB_ERR_LANE_BUSY|holds 2/);
    held.admit('stream', { close: () => {} }); // other lanes are not affected
    a.release();
    a.release(); // twice is harmless
    expect(held.count('sse')).toBe(1);
  });

  it('sends a heartbeat only after a quiet spell', async () => {
    const held = new HeldConnections(10, 5);
    let beats = 0;
    const beat = new Promise<void>((resolve) => {
      held.admit('stream', { close: () => {}, heartbeat: () => { beats++; resolve(); } }, 20);
    });
    await beat;
    held.stop();
    expect(beats).toBe(1);
  });

  it('closes everything at shutdown', () => {
    const held = new HeldConnections(10, 1000);
    const reasons: string[] = [];
    held.admit('ws', { close: (r) => reasons.push(r.code) });
    held.admit('sse', { close: (r) => reasons.push(r.code) });
    held.closeAll(new LabError('LAB_ERR_SHUTDOWN'));
    expect(reasons).toEqual(['LAB_ERR_SHUTDOWN', 'LAB_ERR_SHUTDOWN']);
  });
});

describe('errors and options', () => {
  it('keeps a close reason within 123 bytes without splitting a character (RFC 6455 §5.5)', () => {
    const err = new LabError('LAB_ERR_SINCE_AHEAD', '가'.repeat(100));
    const reason = err.closeReason();
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason.endsWith('가')).toBe(true);
    expect(truncateUtf8('abc', 10)).toBe('abc');
  });

  it('refuses bad options at start-up, loudly', () => {
    expect(resolveOptions()).toEqual(DEFAULTS);
    expect(() => resolveOptions({ feedCapacity: 0 })).toThrow(LabConfigError);
    expect(() => resolveOptions({ feedRate: -1 })).toThrow(/feedRate/);
    expect(() => resolveOptions({ feedRate: Number.NaN })).toThrow(/finite/);
    expect(() => resolveOptions({ longpollWaitMs: 90_000 })).toThrow(/maxLongpollWaitMs/);
    expect(() => resolveOptions({ nope: 1 } as never)).toThrow(/unknown option/);
  });
});
