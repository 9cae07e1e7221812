/**
 * The figures a one-lane run reports, from what the page counted and what the
 * server's wire meter counted over the same seconds (the difference of two
 * /api/stats snapshots). Pure, so it is unit-tested in Node.
 *
 * Counts that concern this page only (requests, messages, latency) come from
 * the page: they stay true when other clients share the lane. Bytes come from
 * the server, which sees them on the socket; per-request and per-message bytes
 * stay meaningful even if another client used the lane during the run.
 */
import type { Counters } from '../../../src/wire/meter.ts';
import type { Measurement } from './measurable.ts';

export interface PageCounts {
  seconds: number;
  requests: number;
  messages: number;
  emptyAnswers: number;
  latencies: ArrayLike<number>;
  latencyP50: number | undefined;
  latencyMax: number | undefined;
}

export type ServerCounts = Pick<Counters, 'requests' | 'messages' | 'headerBytes' | 'payloadBytes' | 'framingBytes' | 'bytesIn' | 'bytesOut' | 'connections'>;

export function counterDelta(before: ServerCounts, after: ServerCounts): ServerCounts {
  return {
    requests: after.requests - before.requests,
    messages: after.messages - before.messages,
    headerBytes: after.headerBytes - before.headerBytes,
    payloadBytes: after.payloadBytes - before.payloadBytes,
    framingBytes: after.framingBytes - before.framingBytes,
    bytesIn: after.bytesIn - before.bytesIn,
    bytesOut: after.bytesOut - before.bytesOut,
    connections: after.connections - before.connections,
  };
}

/**
 * Long polling's reconnect gap: from the end of each answer to the next request,
 * on ANY connection. One client keeps one long poll at a time, but Chromium sends
 * the next one on whichever keep-alive connection is free and rotates over two or
 * three of them; measured per connection, a "gap" would span another request's
 * whole hold time (138 ms reported where the true gap was 20 ms).
 *
 * Requests are taken in the order they started; a request that started before the
 * previous one ended (another client on the lane) opens no gap. `conn` is ignored
 * on purpose.
 */
export function reconnectGaps(requests: readonly { conn?: number; start: number; end: number | null }[]): number[] {
  const ordered = [...requests].sort((a, b) => a.start - b.start);
  const gaps: number[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const previousEnd = ordered[i - 1]!.end;
    if (previousEnd !== null && ordered[i]!.start >= previousEnd) gaps.push(ordered[i]!.start - previousEnd);
  }
  return gaps;
}

export function mean(values: ArrayLike<number>): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

export function runFigures(page: PageCounts, server: ServerCounts, gaps?: readonly number[]): Measurement {
  const per = (a: number, b: number) => (b > 0 ? a / b : undefined);
  const figures: Record<string, number | undefined> = {
    seconds: page.seconds,
    requests: page.requests,
    serverRequests: server.requests,
    messages: page.messages,
    serverMessages: server.messages,
    emptyAnswers: page.emptyAnswers,
    requestsPerMessage: per(page.requests, page.messages),
    headerBytes: server.headerBytes,
    headerBytesPerRequest: per(server.headerBytes, server.requests),
    headerBytesPerMessage: per(server.headerBytes, server.messages),
    payloadBytesPerMessage: per(server.payloadBytes, server.messages),
    framingBytesPerMessage: per(server.framingBytes, server.messages),
    wireBytesPerMessage: per(server.bytesIn + server.bytesOut, server.messages),
    latencyMeanMs: mean(page.latencies),
    latencyP50Ms: page.latencyP50,
    latencyMaxMs: page.latencyMax,
    connections: server.connections,
    reconnectGapMs: gaps && gaps.length ? mean(gaps) : undefined,
  };
  return Object.fromEntries(Object.entries(figures).filter((e): e is [string, number] => e[1] !== undefined && Number.isFinite(e[1])));
}
