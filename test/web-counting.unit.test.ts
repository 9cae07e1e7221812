import { describe, expect, it } from 'vitest';
import { LaneCounter, LatencySamples, MAX_GAP_RANGES, percentile, percentileOfSorted, selectPercentile } from '../web/src/counting.ts';

/** A message published at `ts` = seq * 100 ms, so latency is easy to read off. */
const msg = (seq: number) => ({ seq, ts: seq * 100, data: `#${seq}` });

function counterFrom(since: number, seqs: number[], latencyMs = 5): LaneCounter {
  const counter = new LaneCounter();
  counter.onEpoch('e1', since);
  for (const seq of seqs) counter.record(msg(seq), seq * 100 + latencyMs);
  return counter;
}

describe('LaneCounter: missing and duplicated messages', () => {
  it('counts an in-order run as complete', () => {
    const c = counterFrom(10, [11, 12, 13, 14]);
    expect(c).toMatchObject({ received: 4, missing: 0, duplicates: 0, late: 0, lastSeq: 14 });
  });

  it('counts the seqs skipped by a jump as missing', () => {
    const c = counterFrom(0, [1, 2, 5, 6, 9]);
    expect(c.missing).toBe(4); // 3, 4, 7, 8
    expect(c.duplicates).toBe(0);
  });

  it('counts a gap right after the start point: since=10 then 13 misses 11 and 12', () => {
    const c = counterFrom(10, [13]);
    expect(c.missing).toBe(2);
  });

  it('counts a seq seen before as a duplicate, and gives it no latency sample', () => {
    const c = counterFrom(0, [1, 2, 2, 3, 1]);
    expect(c).toMatchObject({ received: 5, duplicates: 2, missing: 0 });
    expect(c.samples.total).toBe(3);
  });

  it('moves a late arrival out of missing instead of calling it a duplicate', () => {
    const c = counterFrom(0, [1, 4, 2]);
    expect(c).toMatchObject({ missing: 1, late: 1, duplicates: 0 }); // 3 is still missing
    c.record(msg(3), 305);
    expect(c).toMatchObject({ missing: 0, late: 2, duplicates: 0 });
    c.record(msg(3), 306);
    expect(c.duplicates).toBe(1);
  });

  it('starts over on a new epoch (server restart) without inventing gaps or duplicates', () => {
    const c = counterFrom(0, [1, 2, 3, 4, 5]);
    c.onEpoch('e2', 0);
    c.record(msg(1), 105);
    c.record(msg(2), 205);
    expect(c).toMatchObject({ epoch: 'e2', epochChanges: 1, received: 7, missing: 0, duplicates: 0, lastSeq: 2 });
  });

  it('ignores a repeated report of the same epoch', () => {
    const c = counterFrom(0, [1, 2]);
    c.onEpoch('e1', 0);
    c.record(msg(3), 305);
    expect(c).toMatchObject({ epochChanges: 0, missing: 0, duplicates: 0 });
  });

  it('keeps its place in the feed across a reset, so the next message is not a gap', () => {
    const c = counterFrom(0, [1, 2, 3]);
    c.onRequest();
    c.reset();
    expect(c).toMatchObject({ requests: 0, received: 0, missing: 0, lastSeq: 3 });
    c.record(msg(4), 405);
    expect(c).toMatchObject({ received: 1, missing: 0, duplicates: 0 });
  });

  it('remembers at most MAX_GAP_RANGES open gaps (bounded memory), still counting every missing seq', () => {
    const seqs = Array.from({ length: MAX_GAP_RANGES + 10 }, (_, i) => 2 * (i + 1)); // 2, 4, 6, ...: every odd seq missing
    const c = counterFrom(0, seqs);
    expect(c.missing).toBe(MAX_GAP_RANGES + 10);
    c.record(msg(1), 105); // its gap was forgotten: counted as a duplicate, the safe side
    expect(c.duplicates).toBe(1);
    c.record(msg(2 * MAX_GAP_RANGES + 19), 0); // a recent gap is still known
    expect(c.late).toBe(1);
  });

  it('keeps the last few messages for the card, newest first', () => {
    const c = counterFrom(0, [1, 2, 3, 4, 5, 6]);
    expect(c.recent.map((m) => m.seq)).toEqual([6, 5, 4, 3]);
    expect(c.recent[0]).toEqual({ seq: 6, latencyMs: 5, preview: '#6' });
  });
});

describe('latency percentiles (nearest rank)', () => {
  it('matches the textbook example: 15, 20, 35, 40, 50', () => {
    const values = [50, 15, 40, 20, 35];
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
  });

  it('gives p50 = 50 and p95 = 95 over 1..100', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
  });

  it('sorts numerically, not as text (10 after 9)', () => {
    expect(percentile([9, 10, 100, 2], 75)).toBe(10);
  });

  it('has no percentile of nothing, and refuses p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentileOfSorted([1], 0)).toThrow(RangeError);
    expect(() => percentileOfSorted([1], 101)).toThrow(RangeError);
  });

  it('summarises a lane: p50, p95 over the samples, max over all since reset', () => {
    const c = new LaneCounter();
    c.onEpoch('e1', 0);
    for (let seq = 1; seq <= 20; seq++) c.record(msg(seq), seq * 100 + seq); // latency = seq ms
    expect(c.latency()).toEqual({ count: 20, p50: 10, p95: 19, max: 20 });
    c.record(msg(21), 21 * 100 + 0.5);
    expect(c.latency()).toMatchObject({ count: 21, p50: 10, max: 20 });
  });

  it('counts negative latency as it is (a clock ahead of the server), not as zero', () => {
    const c = counterFrom(0, [1], -3);
    expect(c.latency().max).toBe(-3);
  });
});

describe('LatencySamples: a bounded ring', () => {
  it('keeps the newest samples, oldest first', () => {
    const ring = new LatencySamples(3);
    for (let seq = 1; seq <= 5; seq++) ring.push(seq, seq * 10, seq);
    expect(ring.total).toBe(5);
    expect(ring.size).toBe(3);
    expect([...ring.entries()].map((s) => s.seq)).toEqual([3, 4, 5]);
    expect(Array.from(ring.latencies()).sort()).toEqual([3, 4, 5]);
  });

  it('hands out what came after a cursor, skipping what was overwritten', () => {
    const ring = new LatencySamples(3);
    for (let seq = 1; seq <= 2; seq++) ring.push(seq, 0, 0);
    expect([...ring.entriesSince(1)].map((s) => s.seq)).toEqual([2]);
    for (let seq = 3; seq <= 6; seq++) ring.push(seq, 0, 0);
    expect([...ring.entriesSince(1)].map((s) => s.seq)).toEqual([4, 5, 6]);
    expect([...ring.entriesSince(6)]).toEqual([]);
  });
});

describe('selectPercentile: quickselect gives the same answer as sorting', () => {
  it('on random values with many ties, for every percentile asked', () => {
    let state = 42; // a fixed-seed generator, so a failure can be replayed
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + Math.floor(random() * 80);
      const spread = trial % 2 === 0 ? 5 : 1000;
      const values = Array.from({ length: n }, () => Math.floor(random() * spread) - 3);
      for (const p of [1, 25, 50, 95, 99, 100]) {
        expect(selectPercentile(Float64Array.from(values), p, n), `${values} p${p}`).toBe(percentile(values, p));
      }
    }
  });

  it('finds p50 among the values a p95 selection left in front', () => {
    const values = Float64Array.from([9, 1, 8, 2, 7, 3, 6, 4, 5, 10]);
    expect(selectPercentile(values, 95, 10)).toBe(10);
    expect(selectPercentile(values, 50, 10, 10)).toBe(5);
  });
});
