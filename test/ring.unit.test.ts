/**
 * The numbered ring buffer behind the feed and the chat mailbox: bounded in
 * count and in bytes (issue 10: "10,000 × 60 KB messages took RSS to 1.96 GB").
 */
import { describe, expect, it } from 'vitest';
import { Ring } from '../src/feed/ring.ts';
import { Feed } from '../src/feed/feed.ts';
import { startPump } from '../src/delivery/pump.ts';
import { PublishLimiter } from '../src/feed/publish-limit.ts';
import { Ticker, type Duty } from '../src/delivery/ticker.ts';
import type { Socket } from 'node:net';

const entry = (seq: number, bytes: number) => ({ seq, bytes });

describe('Ring: a count and a byte budget', () => {
  it('feed of 60 KB messages (was: 10,000 × 60 KB took RSS to 1.96 GB): the byte budget evicts the oldest', () => {
    const budget = 1024 * 1024;
    const feed = new Feed(10_000, budget);
    const data = 'x'.repeat(60 * 1024);
    for (let i = 0; i < 100; i++) feed.publish(data);
    expect(feed.bytes).toBeLessThanOrEqual(budget);
    expect(feed.size).toBe(Math.floor(budget / feed.readSince(99).messages[0]!.bytes));
    expect(feed.head).toBe(100);
    expect(feed.firstSeq).toBe(101 - feed.size);
    const read = feed.readSince(0);
    expect(read.truncated).toBe(true);
    expect(read.messages.map((m) => m.seq)).toEqual(Array.from({ length: feed.size }, (_, i) => feed.firstSeq + i));
  });

  it('evicts on whichever budget is hit first, and keeps the byte count exact', () => {
    const ring = new Ring<{ seq: number; bytes: number }>(3, 100);
    ring.append(entry(1, 10));
    ring.append(entry(2, 10));
    ring.append(entry(3, 10));
    ring.append(entry(4, 10)); // count: 1 goes
    expect([ring.firstSeq, ring.head, ring.bytes]).toEqual([2, 4, 30]);
    ring.append(entry(5, 85)); // bytes: 2 and 3 go (4 + 5 = 95)
    expect([ring.firstSeq, ring.head, ring.bytes]).toEqual([4, 5, 95]);
  });

  it('always keeps the newest entry, even one alone over the budget', () => {
    const ring = new Ring<{ seq: number; bytes: number }>(10, 50);
    ring.append(entry(1, 10));
    ring.append(entry(2, 80));
    expect([ring.firstSeq, ring.head, ring.size, ring.bytes]).toEqual([2, 2, 1, 80]);
    expect(ring.readSince(1).messages).toEqual([entry(2, 80)]);
  });

  it('refuses an entry out of order', () => {
    const ring = new Ring<{ seq: number; bytes: number }>(2);
    expect(() => ring.append(entry(2, 1))).toThrow(/expected seq 1/);
  });

  it('a read is limited in bytes too, but always returns one entry', () => {
    const ring = new Ring<{ seq: number; bytes: number }>(10);
    for (let seq = 1; seq <= 5; seq++) ring.append(entry(seq, 40));
    expect(ring.readSince(0, Infinity, 100)).toMatchObject({ messages: [entry(1, 40), entry(2, 40)], more: true });
    expect(ring.readSince(0, Infinity, 10)).toMatchObject({ messages: [entry(1, 40)], more: true });
    expect(ring.readSince(3, Infinity, 1000)).toMatchObject({ messages: [entry(4, 40), entry(5, 40)], more: false });
  });

  it('a pump catching up writes at most about one high-water mark per write', () => {
    const feed = new Feed(1000);
    for (let i = 0; i < 50; i++) feed.publish('y'.repeat(1000));
    const writes: number[] = [];
    let buffered = 0;
    startPump(feed, 0, {
      send: (batch) => { writes.push(batch.reduce((n, m) => n + m.bytes, 0)); buffered = 0; },
      bufferedBytes: () => buffered,
      onceDrained: () => {},
      tooSlow: () => {},
    }, { highWaterBytes: 4096, maxLag: 1000, maxBatch: 1000 });
    expect(writes.length).toBeGreaterThan(1);
    expect(Math.max(...writes)).toBeLessThanOrEqual(4096);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(feed.readSince(0).messages.reduce((n, m) => n + m.bytes, 0));
  });
});

describe('PublishLimiter', () => {
  const socket = (remoteAddress: string) => ({ remoteAddress }) as Socket;

  it('per connection: a burst of one second, then perSecond; a later second is accepted again', () => {
    let now = 0;
    const limiter = new PublishLimiter(2, 100, () => now);
    const a = socket('10.0.0.1');
    expect([limiter.take(a), limiter.take(a)]).toEqual([0, 0]);
    expect(limiter.take(a)).toBe(500);
    expect(limiter.take(socket('10.0.0.1'))).toBe(0); // another connection from the same address has its own budget
    now += 500;
    expect(limiter.take(a)).toBe(0);
  });

  it('per address: every connection from it together; a refusal costs the connection nothing', () => {
    let now = 0;
    const limiter = new PublishLimiter(10, 3, () => now);
    const [a, b, c] = [socket('192.0.2.7'), socket('192.0.2.7'), socket('192.0.2.8')];
    expect([limiter.take(a), limiter.take(b), limiter.take(a)]).toEqual([0, 0, 0]);
    expect(limiter.take(b)).toBeGreaterThan(0);
    expect(limiter.take(c)).toBe(0); // another address
    now += 1000;
    for (let i = 0; i < 3; i++) expect(limiter.take(b)).toBe(0);
  });
});

describe('Ticker: one timer for every periodic duty', () => {
  it('runs an idle duty only after a quiet spell, and a touch puts it off', async () => {
    const ticker = new Ticker(5);
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      // `busy` is touched by a faster duty, registered before it: duties run in the
      // order they were registered, so on any tick where `busy` could be due (even
      // a tick the loaded machine delays past 30 ms) the touch comes first.
      let busy: Duty | undefined;
      ticker.every(5, () => busy?.touch());
      busy = ticker.every(30, () => order.push('busy'), true);
      ticker.every(30, () => { order.push('quiet'); resolve(); }, true);
    });
    ticker.stop();
    expect(order).toEqual(['quiet']);
  });

  it('a duty that throws does not stop the others', async () => {
    const ticker = new Ticker(5);
    const warned = new Promise((resolve) => process.once('warning', resolve));
    await new Promise<void>((resolve) => {
      ticker.every(10, () => { throw new Error('boom'); });
      ticker.every(10, () => resolve());
    });
    await warned;
    ticker.stop();
  });
});
