/**
 * The bench run: one lane after another, so each lane's server CPU is its own.
 *
 * For each lane: pause the feed, fork the client processes and connect every
 * client (from the paused head, so each must get every message that follows),
 * run the feed for the set duration, stop it, wait until every client has the
 * last message, close them all, and read the server's counters between each
 * step (figures.ts says which span each figure covers).
 */
import { availableParallelism, cpus, platform, arch, totalmem } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { StatsSnapshot } from '../api/stats.ts';
import { buildLab, openHttps } from '../app.ts';
import { DEFAULTS } from '../config.ts';
import { LANES, type LaneId } from '../lanes.ts';
import { BenchError } from './errors.ts';
import { laneDelta, overheadPercent, perMessage, serverCost } from './figures.ts';
import { LabApi, type FeedSettings } from './lab-api.ts';
import { BareServer, hasBareServer } from './baseline/server.ts';
import { loadTls } from '../h2/cert.ts';
import { checkOpenFiles } from './limits.ts';
import { laneVariants, type BenchOptions, type LaneVariant } from './options.ts';
import { ClientPool, type Totals } from './processes.ts';
import { project } from './projection.ts';
import { baselineOf, problemsOf, warningsOf, type BaselineLane, type BenchReport, type LaneReport } from './report.ts';

/** How often the bench samples the server's memory while a lane runs. */
export const SAMPLE_INTERVAL_MS = 1_000;
/** Progress refresh while waiting. */
export const TICK_MS = 200;
/** After the feed stops, how long clients get to receive the last message (poll adds its interval). */
export const DRAIN_TIMEOUT_MS = 10_000;
/** How long the server gets to notice every client socket closed. */
export const CLOSE_TIMEOUT_MS = 10_000;

export type Phase = 'connecting' | 'delivering' | 'draining' | 'closing';

export interface ProgressState {
  lane: LaneId;
  /** The run's name in the report: the lane, its transport, its protocol (`sse/h2`). */
  label: string;
  /** The lab, or the bare server it is compared with (--baseline). */
  target: 'lab' | 'bare';
  laneIndex: number;
  laneCount: number;
  phase: Phase;
  clients: number;
  totals: Totals;
  elapsedMs: number;
  durationMs: number;
}
/** The parts of /api/stats a lane's run reads (a bare server has no `h2`). */
export type RunSnapshot = Pick<StatsSnapshot, 'at' | 'lanes' | 'process'> & {
  feed: Pick<StatsSnapshot['feed'], 'head'>;
  h2?: Pick<StatsSnapshot['h2'], 'lanes' | 'connection' | 'tls'>;
};

/** What a lane runs against: the lab through its API, or a bare server (baseline/server.ts). */
export interface BenchTarget {
  readonly origin: string;
  stats(): Promise<RunSnapshot>;
  feed(settings: FeedSettings): Promise<unknown>;
}

export interface RunHooks {
  onProgress?: (state: ProgressState) => void;
  /** Called while the in-process server settles before the first lane, with the ms left. */
  onWarmup?: (remainingMs: number) => void;
  signal?: AbortSignal;
  command?: string;
}

export function defaultProcesses(): number {
  return Math.max(1, availableParallelism() - 1);
}

export async function runBench(options: BenchOptions, hooks: RunHooks = {}): Promise<BenchReport> {
  const startedAt = new Date();
  const variants = laneVariants(options);
  const mostClients = Math.max(...options.lanes.map((lane) => options.clients[lane]));
  const processes = Math.min(options.workers ?? defaultProcesses(), mostClients);
  // The busiest process: the in-process server holds every client of a lane; a client process its share.
  checkOpenFiles(options.url ? Math.ceil(mostClients / processes) : mostClients);
  let app: FastifyInstance | undefined;
  let origin: string;
  if (options.url) {
    origin = options.url;
  } else {
    app = await buildLab({
      feedRate: 0,
      startFeed: false,
      serveWeb: false,
      wireAccounting: options.wireAccounting,
      // The lab holds at most maxHeldPerLane per lane; the bench must not be refused by its own server.
      maxHeldPerLane: Math.max(DEFAULTS.maxHeldPerLane, mostClients),
    });
    origin = await app.listen({ port: 0, host: '127.0.0.1' });
    // HTTP/2 runs: the lab's https port, with its cached self-signed certificate (or TLS_CERT / TLS_KEY).
    if (options.protocols.includes('h2')) await openHttps(app, 0, await loadTls(process.env), options.wireAccounting);
  }
  const api = new LabApi(origin);
  let restore: FeedSettings | undefined;
  try {
    const first = await api.stats();
    if (options.url) restore = { rate: first.feed.rate, payloadBytes: first.feed.payloadBytes, running: first.feed.running };
    await api.feed({ rate: options.rate, payloadBytes: options.payloadBytes, running: false });
    const httpsOrigin = options.protocols.includes('h2') ? await api.httpsOrigin() : undefined;

    // One-time start-up costs (a memory-reducing GC on each V8 isolate some seconds in)
    // belong to no lane: let an in-process server settle first. A server at --url has.
    if (!options.url) await settle(options.warmupMs, hooks);
    const pool = new ClientPool(processes);
    const onAbort = () => pool.kill();
    hooks.signal?.addEventListener('abort', onAbort);
    const lanes: LaneReport[] = [];
    const baseline: BaselineLane[] = [];
    try {
      for (const [index, variant] of variants.entries()) {
        hooks.signal?.throwIfAborted();
        const clientOrigin = variant.protocol === 'h2' ? httpsOrigin! : origin;
        const lab = await runLane(api, clientOrigin, options, variant, index, variants.length, pool, hooks, options.wireAccounting);
        lanes.push(lab);
        // Right after the lab's lane, with the same client processes: both see the same machine.
        if (options.baseline && variant.protocol === 'h1' && hasBareServer(variant.lane)) {
          const bare = await BareServer.start(variant.lane);
          try {
            await bare.feed({ rate: options.rate, payloadBytes: options.payloadBytes, running: false });
            baseline.push(baselineOf(lab, bare.name, await runLane(bare, bare.origin, options, variant, index, variants.length, pool, hooks, false)));
          } finally {
            await bare.close();
          }
        }
      }
      pool.close();
    } catch (err) {
      pool.kill();
      if (hooks.signal?.aborted) throw new BenchError('LAB_ERR_BENCH_INTERRUPTED');
      throw err;
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
    }

    const delivered = lanes.reduce((sum, l) => sum + l.server.deliveredByServer, 0);
    const messageBytes = delivered > 0 ? lanes.reduce((sum, l) => sum + l.server.payloadBytesDelivered, 0) / delivered : null;
    const projection = project(
      lanes.map((l) => ({ lane: l.lane, label: l.label, bytesPerMessage: l.steadyBytesPerMessage ?? undefined, connectBytesPerClient: l.connectBytesPerClient ?? undefined })),
      options.projectClients, options.projectRate ?? options.rate, options.mbps,
    );
    const problems = [
      ...lanes.flatMap((l) => problemsOf(l)),
      ...baseline.flatMap((b) => problemsOf(b.bare).map((p) => ({ ...p, message: `bare ${b.server} server: ${p.message}` }))),
    ];
    return {
      tool: 'transport-lab bench',
      command: hooks.command ?? '',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        node: process.version, platform: platform(), arch: arch(), cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memoryBytes: totalmem(),
      },
      server: { mode: options.url ? 'url' : 'in-process', origin, wireAccounting: options.wireAccounting, pid: first.process.pid },
      settings: {
        lanes: options.lanes,
        transports: options.transports,
        protocols: options.protocols,
        httpsOrigin: httpsOrigin ?? null,
        clients: Object.fromEntries(options.lanes.map((lane) => [lane, options.clients[lane]])) as Record<LaneId, number>,
        durationMs: options.durationMs,
        rate: options.rate,
        payloadBytes: options.payloadBytes,
        messageBytes,
        pollIntervalMs: options.pollIntervalMs,
        longpollWaitMs: options.longpollWaitMs,
        headers: options.headers,
        warmupMs: options.url ? 0 : options.warmupMs,
        processes,
      },
      lanes,
      projection,
      problems,
      baseline: options.baseline ? baseline : null,
      warnings: [...lanes.flatMap((l) => warningsOf(l)), ...baseline.flatMap((b) => warningsOf(b.bare).map((w) => `bare ${b.server} server, ${w}`))],
      ok: problems.length === 0,
    };
  } finally {
    if (restore) await api.feed(restore).catch(() => {});
    api.close();
    await app?.close();
  }
}



async function runLane(
  target: BenchTarget, clientOrigin: string, options: BenchOptions, variant: LaneVariant, laneIndex: number, laneCount: number,
  pool: ClientPool, hooks: RunHooks, accounted: boolean,
): Promise<LaneReport> {
  const { lane, transport, protocol, label } = variant;
  // Over HTTP/2 the lane's counters are the `h2` ones; held connections are counted once for both.
  const api = { stats: async () => countersOf(await target.stats(), protocol), feed: (s: FeedSettings) => target.feed(s) };
  const clients = options.clients[lane];
  const runStarted = performance.now();
  const s0 = await api.stats();
  const since = s0.feed.head;
  const counts = ClientPool.split(clients, pool.size);
  const group = pool.lane({
    origin: clientOrigin, lane, since, pollIntervalMs: options.pollIntervalMs, longpollWaitMs: options.longpollWaitMs,
    headers: options.headers, transport, protocol,
  }, counts);
  const state: ProgressState = {
    lane, label, target: target instanceof BareServer ? 'bare' : 'lab', laneIndex, laneCount, phase: 'connecting', clients,
    totals: group.totals(), elapsedMs: 0, durationMs: options.durationMs,
  };
  const report = (phase: Phase, elapsedMs = state.elapsedMs) => {
    state.phase = phase;
    state.elapsedMs = elapsedMs;
    state.totals = group.totals();
    hooks.onProgress?.(state);
  };
  const ticker = setInterval(() => report(state.phase), TICK_MS);
  let s1: RunSnapshot, s3: RunSnapshot;
  let lastSeq: number;
  let drained: boolean;
  let rssPeak = s0.process.rssBytes;
  let clientCpuAtS1 = 0;
  let machineAtS1 = 0;
  let machineAtS3 = 0;
  try {
    await group.start();
    hooks.signal?.throwIfAborted();
    // A long poll only counts once the server holds it; wait until it does, or the
    // first message would find some clients between requests.
    // (If it never does, run anyway: what the clients then miss is the finding.)
    const connected = group.totals().connected;
    if (lane !== 'poll') {
      await until(async () => (await api.stats()).lanes[lane].held >= s0.lanes[lane].held + connected, DRAIN_TIMEOUT_MS, hooks.signal)
        .catch((err: unknown) => { if (hooks.signal?.aborted) throw err; });
    }

    s1 = await api.stats();
    clientCpuAtS1 = group.totals().cpuUs;
    machineAtS1 = machineCpuMs();
    await api.feed({ running: true });
    const started = performance.now();
    report('delivering', 0);
    let nextSample = started + SAMPLE_INTERVAL_MS;
    for (;;) {
      hooks.signal?.throwIfAborted();
      const now = performance.now();
      if (now - started >= options.durationMs) break;
      if (now >= nextSample) {
        nextSample += SAMPLE_INTERVAL_MS;
        rssPeak = Math.max(rssPeak, (await api.stats()).process.rssBytes);
      }
      await sleep(Math.min(TICK_MS, options.durationMs - (performance.now() - started)));
      state.elapsedMs = performance.now() - started;
    }
    await api.feed({ running: false });
    lastSeq = (await api.stats()).feed.head;
    report('draining', options.durationMs);
    drained = await group.reached(lastSeq, DRAIN_TIMEOUT_MS + 2 * options.pollIntervalMs);
    s3 = await api.stats();
    machineAtS3 = machineCpuMs();
    rssPeak = Math.max(rssPeak, s3.process.rssBytes);
    report('closing');
  } finally {
    clearInterval(ticker);
  }
  const result = await group.stop(lastSeq);
  // The counters are final once the server has seen every client socket close.
  await until(async () => {
    const now = (await api.stats()).lanes[lane];
    return now.open <= s0.lanes[lane].open && now.held <= s0.lanes[lane].held;
  }, CLOSE_TIMEOUT_MS, hooks.signal).catch(() => {});
  const s4 = await api.stats();

  const run = laneDelta(s0, s4, lane);
  const delivery = laneDelta(s1, s3, lane);
  const connect = laneDelta(s0, s1, lane);
  const cost = serverCost(s1, s3, lane);
  const pct = (p: number) => {
    const us = result.latency.percentile(p);
    return us === undefined ? null : us / 1000;
  };
  const perMsg = perMessage(run);
  const clientCpuPercent = cost.wallMs > 0 ? (result.cpuUs - clientCpuAtS1) / 10 / cost.wallMs : 0;
  const machineCpuPercent = cost.wallMs > 0 ? (100 * (machineAtS3 - machineAtS1)) / cost.wallMs : 0;
  const serverHere = !options.url || LOOPBACK_HOSTS.has(new URL(options.url).hostname);
  return {
    lane,
    label,
    transport: transport ?? null,
    protocol,
    title: LANES[lane].title,
    clients,
    connected: result.clients,
    failed: clients - result.clients,
    processes: counts.length,
    messagesPerClient: lastSeq - since,
    delivered: result.received,
    expected: result.clients * (lastSeq - since),
    missing: result.missing,
    duplicates: result.duplicates,
    clientsMissing: result.clientsMissing,
    reconnects: result.reconnects,
    clientErrors: result.errors,
    errorSamples: result.errorSamples,
    clientRequests: result.requests,
    run: accounted ? run : null,
    perMessage: accounted && perMsg ? perMsg : null,
    overheadPercent: accounted ? overheadPercent(run) ?? null : null,
    phases: accounted ? { connect, delivery, close: laneDelta(s3, s4, lane) } : null,
    steadyBytesPerMessage: accounted && delivery.messages > 0 ? delivery.wireBytes / delivery.messages : null,
    connectBytesPerClient: accounted && result.clients > 0 ? connect.wireBytes / result.clients : null,
    latencyMs: {
      p50: pct(50), p95: pct(95), p99: pct(99), max: pct(100),
      samples: result.latency.count, negative: result.latency.negative,
    },
    server: {
      cpuPercent: cost.cpuPercent,
      cpuMs: cost.cpuMs,
      cpuSystemMs: cost.systemMs,
      cpuUsPerMessage: cost.cpuUsPerMessage ?? null,
      cpuUsPerRequest: accounted || target instanceof BareServer ? cost.cpuUsPerRequest ?? null : null,
      deliveryMs: cost.wallMs,
      deliveredByServer: delivery.messages,
      // Counted by the lanes themselves (Lab.delivered), so known with wire accounting off too.
      payloadBytesDelivered: delivery.payloadBytes,
      rssBytesBefore: s0.process.rssBytes,
      rssBytesPeak: rssPeak,
    },
    clientCpuPercent,
    machineCpuPercent,
    otherCpuPercent: Math.max(0, machineCpuPercent - clientCpuPercent - (serverHere ? cost.cpuPercent : 0)),
    drained,
    h2Connection: protocol === 'h2' && accounted ? h2ConnectionDelta(s0, s4) : null,
    elapsedMs: performance.now() - runStarted,
  };
}

/** The snapshot as a run over `protocol` reads it: for h2, the lane counters of the https port. */
function countersOf(s: RunSnapshot, protocol: 'h1' | 'h2'): RunSnapshot {
  if (protocol === 'h1' || !s.h2) return s;
  const lanes = {} as RunSnapshot['lanes'];
  for (const id of Object.keys(s.lanes) as LaneId[]) lanes[id] = { ...s.h2.lanes[id], held: s.lanes[id].held };
  return { ...s, lanes };
}

/** What the HTTP/2 connections cost beside their lanes' streams, s0 -> s4: connection frames and TLS. */
function h2ConnectionDelta(s0: RunSnapshot, s4: RunSnapshot): LaneReport['h2Connection'] {
  if (!s0.h2 || !s4.h2) return null;
  const frames = (s: RunSnapshot) => s.h2!.connection.bytesIn + s.h2!.connection.bytesOut;
  return {
    connections: s4.h2.connection.connections - s0.h2.connection.connections,
    connectionFrameBytes: frames(s4) - frames(s0),
    tlsOverheadBytes: s4.h2.tls.overheadBytes - s0.h2.tls.overheadBytes,
    tlsHandshakeBytes: s4.h2.tls.handshakeBytes - s0.h2.tls.handshakeBytes,
  };
}

/** Wait until the process has been up `warmupMs`, showing it as the first lane's `warming up` phase. */
async function settle(warmupMs: number, hooks: RunHooks): Promise<void> {
  const remaining = () => warmupMs - process.uptime() * 1000;
  while (remaining() > 0) {
    hooks.signal?.throwIfAborted();
    hooks.onWarmup?.(Math.max(0, remaining()));
    await sleep(Math.min(TICK_MS, remaining()));
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** CPU time every core of this machine has spent busy so far (all processes), ms. */
function machineCpuMs(): number {
  return cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Ask the server until `check` holds or `timeoutMs` passes (then reject). */
async function until(check: () => Promise<boolean>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    signal?.throwIfAborted();
    if (performance.now() > deadline) throw new BenchError('LAB_ERR_BENCH_CLIENTS', `the server did not reach the expected state in ${timeoutMs} ms`);
    await sleep(50);
  }
}
