/**
 * The run, downloadable: JSON (everything) and CSV (per-lane totals, and one
 * row per received message with its latency). Builders are pure and tested;
 * `download` is the only part that touches the page.
 */
import { LANE_IDS, type LaneId } from '../../src/lanes.ts';
import type { StatsSnapshot } from '../../src/api/stats.ts';
import type { LaneCounter, LatencySummary } from './counting.ts';
import { bytesPerMessage, overheadPercent } from './derived.ts';

export const EXPORT_FORMAT = 'transport-lab-run/1';

export interface LaneExport {
  lane: LaneId;
  on: boolean;
  browser: {
    requests: number;
    received: number;
    missing: number;
    duplicates: number;
    late: number;
    epochChanges: number;
    lastSeq: number | null;
    latencyMs: LatencySummary;
  };
  /** The server's counters for this lane in the last snapshot (null before the first). */
  server: (StatsSnapshot['lanes'][LaneId] & { bytesPerMessage: number | null; overheadPercent: number | null }) | null;
  /** [seq, receivedAt (ms since the Unix epoch), latency (ms)], oldest first. */
  latencies: [number, number, number][];
}

export interface RunExport {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  runMs: number;
  page: { url: string; userAgent: string; settings: Record<string, unknown> };
  lanes: LaneExport[];
  snapshot: StatsSnapshot | null;
}

export interface ExportInput {
  lanes: { lane: LaneId; on: boolean; counter: LaneCounter }[];
  snapshot: StatsSnapshot | undefined;
  runMs: number;
  settings: Record<string, unknown>;
  url: string;
  userAgent: string;
  now?: Date;
}

export function buildRunExport(input: ExportInput): RunExport {
  const lanes = [...input.lanes].sort((a, b) => LANE_IDS.indexOf(a.lane) - LANE_IDS.indexOf(b.lane));
  return {
    format: EXPORT_FORMAT,
    exportedAt: (input.now ?? new Date()).toISOString(),
    runMs: input.runMs,
    page: { url: input.url, userAgent: input.userAgent, settings: input.settings },
    lanes: lanes.map(({ lane, on, counter: c }) => {
      const server = input.snapshot?.lanes[lane];
      return {
        lane,
        on,
        browser: {
          requests: c.requests, received: c.received, missing: c.missing, duplicates: c.duplicates,
          late: c.late, epochChanges: c.epochChanges, lastSeq: c.lastSeq ?? null, latencyMs: c.latency(),
        },
        server: server ? { ...server, bytesPerMessage: bytesPerMessage(server) ?? null, overheadPercent: overheadPercent(server) ?? null } : null,
        latencies: Array.from(c.samples.entries(), (s): [number, number, number] => [s.seq, s.receivedAt, s.latencyMs]),
      };
    }),
    snapshot: input.snapshot ?? null,
  };
}

/**
 * CSV figures are rounded to what was measured: the clocks resolve about a microsecond,
 * so latencies and times keep 3 decimals (ms); ratios keep 2. The JSON keeps every digit.
 */
export const CSV_MS_DECIMALS = 3;
export const CSV_RATIO_DECIMALS = 2;

/** `n` rounded to `decimals` places (undefined and null stay empty), without float tails like 0.30000000000000004. */
export function rounded(n: number | null | undefined, decimals: number): number | undefined {
  if (n === null || n === undefined) return undefined;
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

const TOTAL_COLUMNS = [
  'lane', 'on', 'page_requests', 'server_requests', 'page_messages', 'server_messages', 'missing', 'duplicated',
  'latency_p50_ms', 'latency_p95_ms', 'latency_max_ms', 'latency_samples',
  'request_head_bytes', 'response_head_bytes', 'header_bytes', 'payload_bytes', 'framing_bytes',
  'bytes_in', 'bytes_out', 'bytes_per_message', 'overhead_percent',
] as const;

export function totalsCsv(run: RunExport): string {
  const rows = run.lanes.map((l) => {
    const s = l.server;
    return [
      l.lane, l.on, l.browser.requests, s?.requests, l.browser.received, s?.messages, l.browser.missing, l.browser.duplicates,
      rounded(l.browser.latencyMs.p50, CSV_MS_DECIMALS), rounded(l.browser.latencyMs.p95, CSV_MS_DECIMALS),
      rounded(l.browser.latencyMs.max, CSV_MS_DECIMALS), l.browser.latencyMs.count,
      s?.requestHeadBytes, s?.responseHeadBytes, s?.headerBytes, s?.payloadBytes, s?.framingBytes,
      s?.bytesIn, s?.bytesOut, rounded(s?.bytesPerMessage, CSV_RATIO_DECIMALS), rounded(s?.overheadPercent, CSV_RATIO_DECIMALS),
    ];
  });
  return toCsv([[...TOTAL_COLUMNS], ...rows]);
}

export function latenciesCsv(run: RunExport): string {
  const rows: unknown[][] = [['lane', 'seq', 'received_at_ms', 'latency_ms']];
  for (const l of run.lanes) {
    for (const [seq, at, ms] of l.latencies) rows.push([l.lane, seq, rounded(at, CSV_MS_DECIMALS), rounded(ms, CSV_MS_DECIMALS)]);
  }
  return toCsv(rows);
}

/** RFC 4180: CRLF line ends; a field with a comma, quote or line break is quoted, quotes doubled. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => {
    const text = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
