import { describe, expect, it } from 'vitest';
import { Feed } from '../src/feed/feed.ts';
import { Producer, makePayload } from '../src/feed/producer.ts';

describe('Feed', () => {
  it('numbers messages from 1 without gaps and serialises each once', () => {
    const feed = new Feed(10);
    const a = feed.publish('x');
    const b = feed.publish({ n: 1 });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(JSON.parse(a.json)).toEqual({ seq: 1, ts: a.ts, data: 'x' });
    expect(a.bytes).toBe(Buffer.byteLength(a.json));
    expect(b.ts).toBeGreaterThanOrEqual(a.ts);
  });

  it('counts payload bytes in UTF-8, not characters', () => {
    const feed = new Feed(4);
    const m = feed.publish('핸드셰이크');
    expect(m.bytes).toBe(Buffer.byteLength(m.json, 'utf8'));
    expect(m.bytes).toBeGreaterThan(m.json.length);
  });

  it('reads what came after `since`, oldest first', () => {
    const feed = new Feed(10);
    for (let i = 0; i < 5; i++) feed.publish(i);
    const read = feed.readSince(2);
    expect(read.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(read).toMatchObject({ truncated: false, firstSeq: 1, head: 5, more: false });
    expect(feed.readSince(5).messages).toEqual([]);
  });

  it('drops the oldest past capacity and says so: never a silent gap', () => {
    const feed = new Feed(3);
    for (let i = 0; i < 7; i++) feed.publish(i);
    expect(feed.firstSeq).toBe(5);
    const read = feed.readSince(1);
    expect(read.truncated).toBe(true);
    expect(read.firstSeq).toBe(5);
    expect(read.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    // Asking from just before the oldest kept message is not truncated.
    expect(feed.readSince(4).truncated).toBe(false);
  });

  it('cuts long answers at `limit` and sets `more`', () => {
    const feed = new Feed(100);
    for (let i = 0; i < 10; i++) feed.publish(i);
    const read = feed.readSince(0, 4);
    expect(read.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(read.more).toBe(true);
  });

  it('tells subscribers about each publish, until they unsubscribe', () => {
    const feed = new Feed(10);
    const seen: number[] = [];
    const off = feed.subscribe((m) => seen.push(m.seq));
    feed.publish('a');
    off();
    feed.publish('b');
    expect(seen).toEqual([1]);
  });

  it('gets a new epoch per instance (a restarted server is told apart)', () => {
    expect(new Feed(1).epoch).not.toBe(new Feed(1).epoch);
  });
});

describe('Producer', () => {
  it('makes payloads of exactly the asked size', () => {
    for (const n of [0, 1, 3, 32, 100, 1000]) expect(Buffer.byteLength(makePayload(12345, n))).toBe(n);
  });

  it('publishes a burst of generated messages', () => {
    const feed = new Feed(100);
    const producer = new Producer(feed, { rate: 0, payloadBytes: 10 });
    producer.burst(5);
    expect(feed.head).toBe(5);
    expect(feed.readSince(0).messages.every((m) => (m.data as string).length === 10)).toBe(true);
  });

  it('publishes on its own at the configured rate once started', async () => {
    const feed = new Feed(100);
    const producer = new Producer(feed, { rate: 200, payloadBytes: 8 });
    const got = new Promise<void>((resolve) => feed.subscribe((m) => m.seq === 3 && resolve()));
    producer.start();
    await got;
    producer.stop();
    expect(feed.head).toBeGreaterThanOrEqual(3);
    expect(producer.running).toBe(false);
  });
});
