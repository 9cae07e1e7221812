/**
 * `transport-lab soak`: many clients on several lanes at once, for a long time,
 * against one lab (issue 10). It samples the server's RSS and heap over time
 * (GET /api/stats, `process`), and at the end checks every client's messages
 * for gaps and duplicates and counts reconnects. A benchmark, not a test: the
 * figures go in docs/benchmarks.md.
 *
 * The clients are the bench's (src/bench/clients/), in the bench's client
 * processes (src/bench/processes.ts): one pool per lane, all lanes at once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { LaneId } from '../lanes.ts';
import { ClientPool, type CollectedResult, type LaneRun } from '../bench/processes.ts';
import { LabApi } from '../bench/lab-api.ts';
import { BenchError } from '../bench/errors.ts';
import { checkOpenFiles } from '../bench/limits.ts';
import type { SoakOptions } from './options.ts';
import type { StatsSnapshot } from '../api/stats.ts';

const SERVER_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.js') ? './server.js' : './server-entry.mjs', import.meta.url));
/** Long-poll clients wait this long per request (the bench's default is the lab's 25 s). */
const LONGPOLL_WAIT_MS = 25_000;
const POLL_INTERVAL_MS = 1_000;
/** After the feed stops, how long every client has to catch up. */
const DRAIN_TIMEOUT_MS = 30_000;
/** A sample may wait this long for /api/stats: a busy server answers late, and a late sample is still a sample. */
const SAMPLE_TIMEOUT_MS = 60_000;

export interface SoakSample {
  /** ms since the feed started */
  atMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  feedHead: number;
  feedSize: number;
  feedBytes: number;
  connected: Partial<Record<LaneId, number>>;
  reconnects: number;
}

export interface SoakLaneResult {
  lane: LaneId;
  clients: number;
  received: number;
  missing: number;
  duplicates: number;
  clientsMissing: number;
  reconnects: number;
  errors: number;
  errorSamples: string[];
}

export interface SoakReport {
  command: string;
  startedAt: string;
  server: { mode: 'child-process' | 'url'; origin: string; pid: number };
  settings: { durationMs: number; rate: number; payloadBytes: number; sampleMs: number; clients: Partial<Record<LaneId, number>>; processesPerLane: number };
  published: number;
  samples: SoakSample[];
  /** Samples /api/stats did not answer within a minute. */
  missedSamples: number;
  lanes: SoakLaneResult[];
  rss: { startBytes: number; peakBytes: number; endBytes: number };
  /** Cut-offs and peak buffered bytes per kind, from the lab's delivery layer. */
  delivery: unknown;
  ok: boolean;
}

export interface SoakHooks {
  signal?: AbortSignal;
  command?: string;
  onSample?: (sample: SoakSample) => void;
  onMissedSample?: (err: Error) => void;
}

export async function runSoak(options: SoakOptions, hooks: SoakHooks = {}): Promise<SoakReport> {
  const startedAt = new Date();
  const lanes = Object.keys(options.clients) as LaneId[];
  const most = Math.max(...lanes.map((lane) => options.clients[lane]!));
  checkOpenFiles(Math.ceil(most / options.processesPerLane));
  let server: ChildProcess | undefined;
  let origin = options.url;
  let pid = 0;
  if (!origin) {
    const total = lanes.reduce((n, lane) => n + options.clients[lane]!, 0);
    server = fork(SERVER_ENTRY, [], { execArgv: [], env: { ...process.env, SOAK_MAX_HELD: String(Math.max(10_000, total)) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const [message] = await once(server, 'message') as [{ origin: string; pid: number }];
    origin = message.origin;
    pid = message.pid;
  }
  const api = new LabApi(origin);
  const pools: ClientPool[] = [];
  try {
    const first = await api.stats();
    pid ||= first.process.pid;
    await api.feed({ rate: options.rate, payloadBytes: options.payloadBytes, running: false });
    const since = (await api.stats()).feed.head;
    const runs = new Map<LaneId, LaneRun>();
    for (const lane of lanes) {
      const pool = new ClientPool(options.processesPerLane);
      pools.push(pool);
      const run = pool.lane({ origin, lane, since, pollIntervalMs: POLL_INTERVAL_MS, longpollWaitMs: LONGPOLL_WAIT_MS, headers: 'node' },
        ClientPool.split(options.clients[lane]!, options.processesPerLane));
      runs.set(lane, run);
    }
    const abort = () => pools.forEach((pool) => pool.kill());
    hooks.signal?.addEventListener('abort', abort);
    await Promise.all([...runs.values()].map((run) => run.start()));

    const samples: SoakSample[] = [];
    const t0 = Date.now();
    let missedSamples = 0;
    const sample = async () => {
      let stats: StatsSnapshot;
      try {
        stats = await statsWithin(origin, SAMPLE_TIMEOUT_MS);
      } catch (err) {
        // Say so and go on: one unanswered sample is a figure, not the end of a 30-minute run.
        missedSamples++;
        hooks.onMissedSample?.(err as Error);
        return;
      }
      const connected: Partial<Record<LaneId, number>> = {};
      let reconnects = 0;
      for (const [lane, run] of runs) {
        const totals = run.totals();
        connected[lane] = totals.connected;
        reconnects += totals.reconnects;
      }
      const s: SoakSample = {
        atMs: Date.now() - t0, rssBytes: stats.process.rssBytes, heapUsedBytes: stats.process.heapUsedBytes,
        feedHead: stats.feed.head, feedSize: stats.feed.size, feedBytes: stats.feed.bytes ?? 0, connected, reconnects,
      };
      samples.push(s);
      hooks.onSample?.(s);
    };
    await sample();
    await feedWithin(origin, { running: true }, SAMPLE_TIMEOUT_MS);
    // Sample on a schedule until the duration is up (each wait is one timer; no busy loop).
    while (Date.now() - t0 < options.durationMs) {
      hooks.signal?.throwIfAborted();
      const wait = Math.min(options.sampleMs, options.durationMs - (Date.now() - t0));
      await new Promise((resolve) => setTimeout(resolve, wait));
      await sample();
    }
    await feedWithin(origin, { running: false }, SAMPLE_TIMEOUT_MS);
    const end = await statsWithin(origin, SAMPLE_TIMEOUT_MS);
    const lastSeq = end.feed.head;
    await Promise.all([...runs.values()].map((run) => run.reached(lastSeq, DRAIN_TIMEOUT_MS)));
    await sample();
    const results: SoakLaneResult[] = [];
    for (const [lane, run] of runs) {
      let r: CollectedResult;
      try {
        r = await run.stop(lastSeq);
      } catch (err) {
        // The run happened; say which lane could not report rather than lose every figure.
        results.push({ lane, clients: options.clients[lane]!, received: 0, missing: -1, duplicates: -1, clientsMissing: -1, reconnects: -1, errors: -1, errorSamples: [`could not collect: ${(err as Error).message}`] });
        continue;
      }
      results.push({
        lane, clients: r.clients, received: r.received, missing: r.missing, duplicates: r.duplicates,
        clientsMissing: r.clientsMissing, reconnects: r.reconnects, errors: r.errors, errorSamples: r.errorSamples.slice(0, 5),
      });
    }
    hooks.signal?.removeEventListener('abort', abort);
    const rss = samples.map((s) => s.rssBytes);
    return {
      command: hooks.command ?? 'transport-lab soak',
      startedAt: startedAt.toISOString(),
      server: { mode: options.url ? 'url' : 'child-process', origin, pid },
      settings: {
        durationMs: options.durationMs, rate: options.rate, payloadBytes: options.payloadBytes, sampleMs: options.sampleMs,
        clients: options.clients, processesPerLane: options.processesPerLane,
      },
      published: lastSeq - since,
      samples,
      missedSamples,
      lanes: results,
      rss: { startBytes: rss[0]!, peakBytes: Math.max(...rss), endBytes: rss.at(-1)! },
      delivery: (end as { delivery?: unknown }).delivery ?? null,
      ok: results.every((r) => r.missing === 0 && r.duplicates === 0),
    };
  } catch (err) {
    if (hooks.signal?.aborted) throw new BenchError('LAB_ERR_BENCH_INTERRUPTED');
    throw err;
  } finally {
    for (const pool of pools) pool.close();
    if (server?.connected) server.disconnect();
  }
}

async function statsWithin(origin: string, timeoutMs: number): Promise<StatsSnapshot> {
  const res = await fetch(`${origin}/api/stats`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET /api/stats answered ${res.status}`);
  return await res.json() as StatsSnapshot;
}

/** POST /api/feed, waiting as long as a sample may (LabApi's 5 s is for a bench between lanes, not a server under a soak). */
async function feedWithin(origin: string, settings: { running: boolean }, timeoutMs: number): Promise<void> {
  const res = await fetch(`${origin}/api/feed`, {
    method: 'POST', signal: AbortSignal.timeout(timeoutMs),
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings),
  });
  if (!res.ok) throw new Error(`POST /api/feed answered ${res.status}`);
}
