/**
 * How the bench turns /api/stats snapshots and client latencies into figures:
 * per-lane deltas, bytes per message, overhead, server CPU per delivery, and
 * latency percentiles from a 3-significant-digit histogram.
 */
import { describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../src/api/stats.ts';
import { laneDelta, overheadPercent, perMessage, serverCost, type Counted } from '../src/bench/figures.ts';
import { Histogram, bucketOf } from '../src/bench/histogram.ts';
import { LANE_IDS } from '../src/lanes.ts';

function snapshot(at: number, cpuUs: number, ws: Partial<StatsSnapshot['lanes']['ws']>): Counted {
  const zero = {
    requests: 0, connections: 0, requestHeadBytes: 0, responseHeadBytes: 0, headerBytes: 0, payloadBytes: 0,
    framingBytes: 0, bytesIn: 0, bytesOut: 0, messages: 0, open: 0, held: 0,
  };
  const lanes = Object.fromEntries(LANE_IDS.map((id) => [id, { ...zero }])) as StatsSnapshot['lanes'];
  lanes.ws = { ...zero, ...ws };
  return {
    at, lanes,
    process: { pid: 1, cpuUserUs: cpuUs * 0.75, cpuSystemUs: cpuUs * 0.25, rssBytes: 0, heapUsedBytes: 0 },
  };
}

describe('lane figures', () => {
  // One WebSocket client, one handshake (200 + 129 bytes of heads), ten 76-byte messages in 2-byte frames.
  const before = snapshot(1_000, 5_000, { requests: 4, messages: 7, bytesIn: 50 });
  const after = snapshot(3_000, 5_000 + 2_200, {
    requests: 5, connections: 1, messages: 17, requestHeadBytes: 200, responseHeadBytes: 129, headerBytes: 329,
    payloadBytes: 760, framingBytes: 20, bytesIn: 250, bytesOut: 859,
  });

  it('a lane delta is after minus before, field by field, and wire = in + out', () => {
    const d = laneDelta(before, after, 'ws');
    expect(d).toEqual({
      requests: 1, connections: 1, messages: 10, requestHeadBytes: 200, responseHeadBytes: 129, headerBytes: 329,
      payloadBytes: 760, framingBytes: 20, bytesIn: 200, bytesOut: 859, wireBytes: 1059,
    });
  });

  it('bytes per message divide by the messages the server delivered', () => {
    expect(perMessage(laneDelta(before, after, 'ws'))).toEqual({ header: 32.9, framing: 2, payload: 76, wire: 105.9 });
    expect(perMessage(laneDelta(before, before, 'ws'))).toBeUndefined();
  });

  it('overhead is the share of wire bytes that were not payload', () => {
    expect(overheadPercent(laneDelta(before, after, 'ws'))).toBeCloseTo((100 * 299) / 1059, 10);
    expect(overheadPercent(laneDelta(before, before, 'ws'))).toBeUndefined();
  });

  it('server CPU: user + system between the snapshots, per wall time and per delivered message', () => {
    const cost = serverCost(before, after, 'ws');
    expect(cost.cpuMs).toBeCloseTo(2.2, 10);
    expect(cost.systemMs).toBeCloseTo(0.55, 10);
    expect(cost.wallMs).toBe(2_000);
    expect(cost.cpuPercent).toBeCloseTo(0.11, 10); // 2.2 ms of 2,000 ms
    expect(cost.cpuUsPerMessage).toBeCloseTo(220, 10);
    expect(cost.cpuUsPerRequest).toBeCloseTo(2_200, 10); // one request answered (4 -> 5)
    expect(serverCost(before, before, 'ws').cpuUsPerRequest).toBeUndefined();
  });
});

describe('latency histogram', () => {
  it('keeps three significant digits', () => {
    expect([0.4, 7, 999.4, 1_234, 56_789, 1_234_567].map(bucketOf)).toEqual([0, 7, 999, 1_230, 56_800, 1_230_000]);
  });

  it('nearest-rank percentiles and the exact maximum', () => {
    const h = new Histogram();
    for (let us = 1; us <= 100; us++) h.record(us * 1_000); // 1 ms .. 100 ms
    expect(h.percentile(50)).toBe(50_000);
    expect(h.percentile(95)).toBe(95_000);
    expect(h.percentile(99)).toBe(99_000);
    h.record(123_456.7);
    expect(h.percentile(100)).toBe(123_456.7);
    expect(new Histogram().percentile(50)).toBeUndefined();
  });

  it('merges what client processes send, and counts clock-skewed samples apart', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.record(1_000);
    b.record(3_000);
    b.record(-5);
    const all = new Histogram();
    all.merge(a.toJSON());
    all.merge(b.toJSON());
    expect(all.count).toBe(3);
    expect(all.negative).toBe(1);
    expect(all.percentile(50)).toBe(1_000);
    expect(all.maxUs).toBe(3_000);
  });
});
