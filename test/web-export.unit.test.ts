import { describe, expect, it } from 'vitest';
import { LaneCounter } from '../web/src/counting.ts';
import { buildRunExport, EXPORT_FORMAT, latenciesCsv, rounded, toCsv, totalsCsv } from '../web/src/export.ts';
import type { StatsSnapshot } from '../src/api/stats.ts';

function counter(seqs: number[]): LaneCounter {
  const c = new LaneCounter();
  c.onEpoch('e1', 0);
  c.onRequest();
  for (const seq of seqs) c.record({ seq, ts: 1_000 * seq, data: 'x' }, 1_000 * seq + 2);
  return c;
}

const laneCounters = {
  requests: 1, connections: 1, requestHeadBytes: 100, responseHeadBytes: 50, headerBytes: 150,
  payloadBytes: 60, framingBytes: 30, bytesIn: 100, bytesOut: 140, messages: 2, open: 1, held: 1,
};

const snapshot = { lanes: { ws: laneCounters } } as unknown as StatsSnapshot;

describe('export', () => {
  const run = buildRunExport({
    lanes: [{ lane: 'ws', on: true, counter: counter([1, 2]) }, { lane: 'poll', on: false, counter: counter([]) }],
    snapshot, runMs: 10_000, settings: { pollIntervalMs: 1000 }, url: 'http://127.0.0.1/', userAgent: 'test',
    now: new Date('2025-01-02T03:04:05Z'),
  });

  it('puts lanes in lane order with the page\'s and the server\'s numbers side by side', () => {
    expect(run.format).toBe(EXPORT_FORMAT);
    expect(run.exportedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(run.lanes.map((l) => l.lane)).toEqual(['poll', 'ws']);
    const ws = run.lanes[1]!;
    expect(ws.browser).toMatchObject({ requests: 1, received: 2, missing: 0, duplicates: 0, latencyMs: { p50: 2, max: 2 } });
    expect(ws.server).toMatchObject({ headerBytes: 150, bytesPerMessage: 120, overheadPercent: 75 });
    expect(ws.latencies).toEqual([[1, 1002, 2], [2, 2002, 2]]);
    expect(run.lanes[0]!.server).toBeNull();
  });

  it('writes per-lane totals as CSV, empty where the server has no number', () => {
    const lines = totalsCsv(run).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^lane,on,page_requests,server_requests,page_messages,server_messages,missing,duplicated,/);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('ws,true,1,1,2,2,0,0,2,2,2,2,100,50,150,60,30,100,140,120,75');
    expect(lines[1]).toBe('poll,false,1,,0,,0,0,,,,0,,,,,,,,,');
  });

  it('writes one CSV row per received message with its latency', () => {
    expect(latenciesCsv(run)).toBe('lane,seq,received_at_ms,latency_ms\r\nws,1,1002,2\r\nws,2,2002,2\r\n');
  });

  it('quotes fields the RFC 4180 way', () => {
    expect(toCsv([['a,b', 'say "hi"', 'line\nbreak', 3]])).toBe('"a,b","say ""hi""","line\nbreak",3\r\n');
  });

  it('rounds the CSV figures to what was measured (3 decimals for ms, 2 for ratios); the JSON keeps every digit', () => {
    expect(rounded(0.1 + 0.2, 3)).toBe(0.3);
    expect(rounded(1732940000123.456789, 3)).toBe(1732940000123.457);
    expect(rounded(100 / 3, 2)).toBe(33.33);
    expect(rounded(undefined, 2)).toBeUndefined();
    expect(rounded(null, 2)).toBeUndefined();
    expect(toCsv([[rounded(2 / 3, 3), rounded(null, 3)]])).toBe('0.667,\r\n');
  });
});
