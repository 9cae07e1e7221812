/**
 * Class runs: the messages between student pages and the lab, over the /api/live
 * WebSocket the page already holds (so joining costs no HTTP connection), and
 * what GET /api/class answers. Pure data and pure functions, shared by the
 * server and the browser.
 *
 * A student page (one browser tab = one device, even when thirty share one NAT
 * address) says who it is, keeps measuring its clock against the server, and
 * during a class run reports its own counts:
 *
 *   → {"type":"join","page":"3fa4…"}                        ← {"type":"joined","device":"3fa4…"}
 *   → {"type":"ping","id":7,"t0":1732940000123.4}            ← {"type":"pong","id":7,"t0":…,"t1":1732940000124.1}
 *                                                           ← {"type":"run","run":{…, "lane":"ws"}}   (teacher started one)
 *   → {"type":"report","run":"r1","lane":"ws","requests":1,"messages":150,…,"histogram":[…]}
 *                                                           ← {"type":"run-end","run":"r1"}
 *
 * Clock (NTP-style, RFC 5905 §8 with the server's two timestamps as one): the page
 * sends t0 (its clock), the server answers t1 (its clock) at once, the page notes t3.
 *   rtt = t3 − t0,   offset = (t0 + t3) / 2 − t1   (page clock − server clock)
 * The sample with the smallest rtt bounds the error best (|error| ≤ rtt / 2), so the
 * page keeps the minimum-rtt sample of its recent exchanges. Latency reported to the
 * class is `receive time − offset − publish time`, ± rtt / 2.
 */
import { LANE_IDS, type LaneId } from '../lanes.ts';

/**
 * Latency histogram buckets: the upper bound of each (ms, inclusive); one more
 * bucket past the last holds everything slower. Fixed, so the lab can add up
 * every device's histogram into the class's distribution.
 */
export const LATENCY_BUCKETS_MS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000] as const;
export const HISTOGRAM_LENGTH = LATENCY_BUCKETS_MS.length + 1;

export function bucketOf(latencyMs: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (latencyMs <= LATENCY_BUCKETS_MS[i]!) return i;
  return LATENCY_BUCKETS_MS.length;
}

/** Nearest-rank percentile of a histogram, as its bucket's upper bound (Infinity past the last). */
export function histogramPercentile(counts: readonly number[], p: number): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return LATENCY_BUCKETS_MS[i] ?? Infinity;
  }
  return Infinity;
}

/** What a class run is, as the lab sends it to each student (with the lane that device runs). */
export interface ClassRunInfo {
  id: string;
  lanes: LaneId[];
  durationMs: number;
  /** Server clock, ms since the Unix epoch. */
  startedAt: number;
  endsAt: number;
  /** Every device reads the feed from here, so all of them see the same messages. */
  since: number;
  epoch: string;
  /** How often a device reports during the run. */
  reportMs: number;
}

export interface RunForDevice extends ClassRunInfo {
  lane: LaneId;
}

/** A student's report: its own counts for the run so far. */
export interface StudentReport {
  type: 'report';
  /** The run these counts belong to; null between runs (then only the clock is reported). */
  run: string | null;
  /** The device's last report for this run: it stopped its lane, the lab may freeze its figures. */
  final: boolean;
  lane: LaneId | null;
  requests: number;
  messages: number;
  missing: number;
  duplicates: number;
  /** Times the lane came back after a drop (a phone that slept), resuming from its last seq. */
  resumes: number;
  /** Percentiles with the clock offset removed, ms. */
  latency: { p50: number | null; p95: number | null };
  /** Latency counts per LATENCY_BUCKETS_MS bucket, offset removed. */
  histogram: number[];
  clockOffsetMs: number | null;
  rttMs: number | null;
}

export type StudentMessage =
  | { type: 'join'; page: string }
  | { type: 'ping'; id: number; t0: number }
  | StudentReport;

export type LabToStudent =
  | { type: 'joined'; device: string }
  | { type: 'pong'; id: number; t0: number; t1: number }
  | { type: 'run'; run: RunForDevice }
  | { type: 'run-end'; run: string };

/** One device as GET /api/class lists it. */
export interface ClassDevice {
  id: string;
  /** The lane it runs in the current (or last) class run; null when it has run none. */
  lane: LaneId | null;
  userAgent: string;
  /** "Chrome on Android", from the User-Agent. */
  browser: string;
  phone: boolean;
  connected: boolean;
  clockOffsetMs: number | null;
  rttMs: number | null;
  latency: { p50: number | null; p95: number | null };
  messages: number;
  missing: number;
  resumes: number;
  /** The server's own count of this device's requests on its lane, this run. */
  requests: number;
}

/** One lane of a class run, over every device that ran it. */
export interface ClassLaneTotals {
  devices: number;
  /** From the wire meter (each device's own connections), not from the students' word. */
  requests: number;
  headerBytes: number;
  bytes: number;
  messages: number;
  headerBytesPerMessage: number | null;
  bytesPerMessage: number | null;
  /** From the students' reports, offset removed: the class's distribution. */
  latency: { p50: number | null; p95: number | null; count: number; histogram: number[] };
  missing: number;
  resumes: number;
}

export interface ClassView {
  now: number;
  run: (ClassRunInfo & { running: boolean; elapsedMs: number }) | null;
  devices: ClassDevice[];
  lanes: Partial<Record<LaneId, ClassLaneTotals>>;
  buckets: readonly number[];
}

/** Split the chosen lanes over the devices in join order: half and half for two lanes. */
export function assignLanes(deviceIds: readonly string[], lanes: readonly LaneId[]): Map<string, LaneId> {
  return new Map(deviceIds.map((id, i) => [id, lanes[i % lanes.length]!]));
}

export function isLane(value: unknown): value is LaneId {
  return typeof value === 'string' && (LANE_IDS as readonly string[]).includes(value);
}

/** A short reading of a User-Agent for the projector: which browser, on what, and is it a phone. */
export function describeUserAgent(ua: string): { browser: string; phone: boolean } {
  const phone = /Mobi|iPhone|Android.*Mobile/i.test(ua);
  const browser = /Edg\//.test(ua) ? 'Edge' : /SamsungBrowser/.test(ua) ? 'Samsung Internet' : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrome\/|CriOS/.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : /curl|node|undici/i.test(ua) ? 'a program' : 'a browser';
  const os = /iPhone|iPad/.test(ua) ? 'iOS' : /Android/.test(ua) ? 'Android' : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X/.test(ua) ? 'macOS' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : '';
  return { browser: os ? `${browser} on ${os}` : browser, phone };
}
