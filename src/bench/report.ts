/**
 * What a bench run reports: per lane, the wire, the delivery and its cost; for
 * the run, the settings, the machine, the projection, and what went wrong
 * (problems fail the run) or makes figures less trustworthy (warnings).
 * This is the shape of `--json`; format.ts prints the same in the other formats.
 */
import type { LaneId } from '../lanes.ts';
import type { HeaderStyle } from './clients/headers.ts';
import type { CounterDelta, PerMessage } from './figures.ts';
import type { Projection } from './projection.ts';
import type { LibraryLane, Protocol } from './options.ts';

/** Other processes using more than this much CPU (% of one core) while a lane ran earn a warning. */
export const OTHER_LOAD_WARN_PERCENT = 10;

export interface LaneReport {
  lane: LaneId;
  /** The run's name: the lane, and its transport and protocol when they were chosen (`sockjs/xhr-polling`, `sse/h2`). */
  label: string;
  /** A library lane's transport (--transports); null = the library's own choice. */
  transport: string | null;
  /** HTTP/1.1 on the http port, or HTTP/2 on the https port (--protocol). */
  protocol: Protocol;
  title: string;
  /** Clients asked for, connected when the feed started, and those that never connected. */
  clients: number;
  connected: number;
  failed: number;
  processes: number;
  /** Messages each client should have received (the seqs published while the feed ran). */
  messagesPerClient: number;
  /** Messages the clients received, each counted once. */
  delivered: number;
  expected: number;
  missing: number;
  duplicates: number;
  clientsMissing: number;
  reconnects: number;
  clientErrors: number;
  errorSamples: string[];
  /** Requests the clients sent (poll and long-poll requests, stream / SSE / WebSocket opens). */
  clientRequests: number;
  /** The lane's counters from /api/stats over the whole run (s0 -> s4); null with wire accounting off. */
  run: CounterDelta | null;
  perMessage: PerMessage | null;
  overheadPercent: number | null;
  /** The run split in three: connecting, delivering, closing. */
  phases: { connect: CounterDelta; delivery: CounterDelta; close: CounterDelta } | null;
  /** Steady-state wire bytes per delivered message (s1 -> s3), what the projection uses. */
  steadyBytesPerMessage: number | null;
  /** Wire bytes per client to connect (s0 -> s1), before any message. */
  connectBytesPerClient: number | null;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null; samples: number; negative: number };
  server: {
    /** CPU while delivering (s1 -> s3), of one core. */
    cpuPercent: number;
    cpuMs: number;
    /** Kernel time within cpuMs: on loopback the kernel also does the receiving side's TCP work. */
    cpuSystemMs: number;
    cpuUsPerMessage: number | null;
    /** Per request answered while the feed ran (null without request counts: wire accounting off). */
    cpuUsPerRequest: number | null;
    deliveryMs: number;
    /** Messages the server says it delivered on this lane while the feed ran, and their JSON bytes. */
    deliveredByServer: number;
    payloadBytesDelivered: number;
    rssBytesBefore: number;
    rssBytesPeak: number;
  };
  /** The client processes' own CPU over the same span, of one core (they share the machine with the server). */
  clientCpuPercent: number;
  /**
   * Every process on this machine over the same span, and what is left once the
   * server (when it runs here) and the clients are taken out: other load that
   * disturbed the figures. Percent of one core; the machine has `machine.cpus`.
   */
  machineCpuPercent: number;
  otherCpuPercent: number;
  /** Every client had the last message before the drain timeout. */
  drained: boolean;
  /**
   * HTTP/2 only: what the run's connections cost beside the lane's streams, counted apart
   * by the lab (s0 -> s4): connection-level frames (preface, SETTINGS, WINDOW_UPDATE, PING,
   * GOAWAY) and TLS (handshakes, record headers and tags).
   */
  h2Connection: { connections: number; connectionFrameBytes: number; tlsOverheadBytes: number; tlsHandshakeBytes: number } | null;
  /** Wall time of the whole run, first snapshot to last: connect, deliver, drain, close. */
  elapsedMs: number;
}

export interface BenchReport {
  tool: 'transport-lab bench';
  command: string;
  startedAt: string;
  finishedAt: string;
  machine: { node: string; platform: string; arch: string; cpus: number; cpuModel: string; memoryBytes: number };
  server: { mode: 'in-process' | 'url'; origin: string; wireAccounting: boolean; pid: number };
  settings: {
    lanes: LaneId[];
    /** --transports: the transports each library lane ran with ({} = each library's own choice). */
    transports: Partial<Record<LibraryLane, string[]>>;
    /** --protocol: h1, h2, or both. */
    protocols: Protocol[];
    /** The lab's https origin the HTTP/2 clients used; null without --protocol h2. */
    httpsOrigin: string | null;
    clients: Record<LaneId, number>;
    durationMs: number;
    rate: number;
    payloadBytes: number;
    /** Average size of one message's JSON, as delivered. */
    messageBytes: number | null;
    pollIntervalMs: number;
    longpollWaitMs: number;
    /** Request headers the clients sent (clients/headers.ts). */
    headers: HeaderStyle;
    /** How long the in-process server settled before the first lane (0 with --url). */
    warmupMs: number;
    processes: number;
  };
  lanes: LaneReport[];
  /** --baseline: each lane again against a bare server, and the lab ÷ bare ratios; null without it. */
  baseline: BaselineLane[] | null;
  projection: Projection;
  /** `lane` is the run's label (LaneReport.label). */
  problems: { lane: string; code: 'LAB_ERR_BENCH_LOST' | 'LAB_ERR_BENCH_CLIENTS'; message: string }[];
  /** Things that make figures less trustworthy without making them wrong. */
  warnings: string[];
  ok: boolean;
}

/** One lane of the lab beside the same lane on a bare server (src/bench/baseline/). */
export interface BaselineLane {
  lane: LaneId;
  /** The lab run it is compared with (LaneReport.label). */
  label: string;
  /** What the bare server is built on: "node:http", "ws". */
  server: string;
  bare: LaneReport;
  /** Lab ÷ bare: server CPU per delivered message, and p99 latency; null where either is missing or zero. */
  cpuRatio: number | null;
  /** Lab ÷ bare server CPU per answered request: for poll and long poll, where a loaded server batches messages. */
  cpuPerRequestRatio: number | null;
  p99Ratio: number | null;
}

export function baselineOf(lab: LaneReport, server: string, bare: LaneReport): BaselineLane {
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);
  return {
    lane: lab.lane, label: lab.label, server, bare,
    cpuRatio: ratio(lab.server.cpuUsPerMessage, bare.server.cpuUsPerMessage),
    cpuPerRequestRatio: ratio(lab.server.cpuUsPerRequest, bare.server.cpuUsPerRequest),
    p99Ratio: ratio(lab.latencyMs.p99, bare.latencyMs.p99),
  };
}

export function problemsOf(l: LaneReport): BenchReport['problems'] {
  const out: BenchReport['problems'] = [];
  if (l.failed > 0 || l.connected < l.clients) {
    out.push({ lane: l.label, code: 'LAB_ERR_BENCH_CLIENTS', message: `${l.clients - l.connected} of ${l.clients} clients did not connect${l.errorSamples.length ? ` (${l.errorSamples.join('; ')})` : ''}` });
  }
  if (l.missing > 0 || l.duplicates > 0) {
    const what = [l.missing > 0 && `${l.missing} messages missing at ${l.clientsMissing} clients`, l.duplicates > 0 && `${l.duplicates} duplicates`].filter(Boolean).join(', ');
    out.push({ lane: l.label, code: 'LAB_ERR_BENCH_LOST', message: `${what}${l.reconnects ? ` (${l.reconnects} reconnects)` : ''}` });
  }
  return out;
}

export function warningsOf(l: LaneReport): string[] {
  const out: string[] = [];
  if (l.otherCpuPercent > OTHER_LOAD_WARN_PERCENT) {
    out.push(`${l.label}: other processes used ${l.otherCpuPercent.toFixed(0)}% of a core while it ran; its latency and CPU figures are disturbed (run again on a quiet machine)`);
  }
  if (!l.drained) out.push(`${l.label}: not every client had the last message within the drain timeout`);
  if (l.latencyMs.negative > 0) out.push(`${l.label}: ${l.latencyMs.negative} latency samples were below zero (the clocks of server and clients differ) and count as 0`);
  if (l.reconnects > 0) out.push(`${l.label}: clients reconnected ${l.reconnects} times (${l.errorSamples.join('; ')})`);
  return out;
}
