/**
 * The client processes: forked once per bench run (starting one costs about
 * half a second), then used lane after lane. For each lane the bench splits the
 * clients between them, follows their progress and collects their results; a
 * process drops every client and zeroes its counts between lanes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Histogram } from './histogram.ts';
import { BenchError } from './errors.ts';
import type { ClientSettings, FromWorker, ToWorker, WorkerCounts } from './protocol.ts';

/**
 * What a client process runs. Built (dist/bench/processes.js), the compiled worker
 * itself; from the sources (tests, `npm run dev`), a small .mjs that registers tsx
 * first, since a forked process does not inherit the parent's loader.
 */
const WORKER_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.js') ? './worker.js' : './worker-entry.mjs', import.meta.url));

/** How long client processes may take to connect their clients: a base, plus this per client. */
export const CONNECT_TIMEOUT_BASE_MS = 30_000;
export const CONNECT_TIMEOUT_PER_CLIENT_MS = 10;
/** How long closing every client may take. */
export const STOP_TIMEOUT_MS = 30_000;

type Result = Extract<FromWorker, { type: 'result' }>;

export interface Totals extends WorkerCounts {
  failed: number;
}

export interface CollectedResult extends WorkerCounts {
  clients: number;
  missing: number;
  duplicates: number;
  clientsMissing: number;
  latency: Histogram;
  errorSamples: string[];
}

export class ClientPool {
  private readonly children: ChildProcess[] = [];
  private current: LaneRun | undefined;
  private closing = false;

  constructor(readonly size: number) {
    for (let index = 0; index < size; index++) {
      const child = fork(WORKER_ENTRY, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (message: FromWorker) => this.current?.onMessage(index, message));
      child.on('exit', (code, signal) => {
        if (!this.closing) this.current?.fail(new BenchError('LAB_ERR_BENCH_INTERNAL', `client process ${index + 1} exited (${signal ?? `code ${code}`})`));
      });
      this.children.push(child);
    }
  }

  /** Split `clients` as evenly as possible over at most `processes` processes. */
  static split(clients: number, processes: number): number[] {
    const n = Math.max(1, Math.min(processes, clients));
    return Array.from({ length: n }, (_, i) => Math.floor(clients / n) + (i < clients % n ? 1 : 0));
  }

  /** Run one lane's clients on the first `counts.length` processes. */
  lane(settings: ClientSettings, counts: number[]): LaneRun {
    if (counts.length > this.children.length) throw new RangeError('more client groups than processes');
    this.current = new LaneRun(this.children.slice(0, counts.length), settings, counts);
    return this.current;
  }

  /** Let the processes go: they exit when the IPC channel closes. */
  close(): void {
    this.closing = true;
    for (const child of this.children) {
      if (child.connected) child.disconnect();
    }
  }

  /** Stop them at once (Ctrl+C, or a failed run). */
  kill(): void {
    this.closing = true;
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

/** One lane's clients across the processes. */
export class LaneRun {
  private readonly latest: (WorkerCounts | undefined)[];
  private readonly ready: boolean[];
  private readonly failedPerChild: number[];
  private readonly results: (Result | undefined)[];
  private readonly samples = new Set<string>();
  private readonly waiters = new Set<{ check: () => boolean; resolve: () => void; reject: (err: Error) => void }>();
  private failure: Error | undefined;

  constructor(private readonly children: ChildProcess[], private readonly settings: ClientSettings, private readonly counts: number[]) {
    this.latest = counts.map(() => undefined);
    this.ready = counts.map(() => false);
    this.failedPerChild = counts.map(() => 0);
    this.results = counts.map(() => undefined);
  }

  /** Connect every client; resolves when every process reports `ready`. */
  async start(): Promise<void> {
    this.children.forEach((child, i) => child.send({ type: 'start', settings: this.settings, clients: this.counts[i]! } satisfies ToWorker));
    const total = this.counts.reduce((a, b) => a + b, 0);
    await this.until(() => this.ready.every(Boolean),
      CONNECT_TIMEOUT_BASE_MS + CONNECT_TIMEOUT_PER_CLIENT_MS * total, 'clients to connect');
  }

  /** The latest counts of every process, added up (minLast: the lowest). */
  totals(): Totals {
    const out: Totals = { connected: 0, received: 0, minLast: Infinity, requests: 0, errors: 0, reconnects: 0, cpuUs: 0, failed: 0 };
    this.latest.forEach((c, i) => {
      out.failed += this.failedPerChild[i]!;
      if (!c) return;
      out.connected += c.connected;
      out.received += c.received;
      out.minLast = Math.min(out.minLast, c.minLast);
      out.requests += c.requests;
      out.errors += c.errors;
      out.reconnects += c.reconnects;
      out.cpuUs += c.cpuUs;
    });
    if (out.minLast === Infinity) out.minLast = this.settings.since;
    return out;
  }

  /** True once every client has `seq`; false if that takes longer than `timeoutMs`. */
  async reached(seq: number, timeoutMs: number): Promise<boolean> {
    for (const child of this.children) child.send({ type: 'drain', lastSeq: seq } satisfies ToWorker);
    try {
      await this.until(() => this.totals().minLast >= seq, timeoutMs, 'clients to receive the last message');
      return true;
    } catch (err) {
      if (err instanceof BenchError && err.code === 'LAB_ERR_BENCH_CLIENTS') return false;
      throw err;
    }
  }

  /** Close every client and collect what each process counted. */
  async stop(lastSeq: number): Promise<CollectedResult> {
    for (const child of this.children) child.send({ type: 'stop', lastSeq } satisfies ToWorker);
    await this.until(() => this.results.every((r) => r !== undefined), STOP_TIMEOUT_MS, 'clients to close');
    const latency = new Histogram();
    const out: CollectedResult = {
      connected: 0, received: 0, minLast: Infinity, requests: 0, errors: 0, reconnects: 0, cpuUs: 0,
      clients: 0, missing: 0, duplicates: 0, clientsMissing: 0, latency, errorSamples: [],
    };
    for (const r of this.results as Result[]) {
      out.connected += r.connected;
      out.received += r.received;
      out.minLast = Math.min(out.minLast, r.minLast);
      out.requests += r.requests;
      out.errors += r.errors;
      out.reconnects += r.reconnects;
      out.cpuUs += r.cpuUs;
      out.clients += r.clients;
      out.missing += r.missing;
      out.duplicates += r.duplicates;
      out.clientsMissing += r.clientsMissing;
      latency.merge(r.latency);
      r.errorSamples.forEach((s) => this.samples.add(s));
    }
    out.errorSamples = [...this.samples];
    return out;
  }

  onMessage(index: number, message: FromWorker): void {
    if (index >= this.children.length) return;
    switch (message.type) {
      case 'ready':
        this.ready[index] = true;
        this.failedPerChild[index] = message.failed;
        message.errorSamples.forEach((s) => this.samples.add(s));
        this.latest[index] = message;
        break;
      case 'progress':
        this.latest[index] = message;
        break;
      case 'result':
        this.results[index] = message;
        break;
      case 'fatal':
        this.fail(new BenchError('LAB_ERR_BENCH_INTERNAL', `client process ${index + 1}: ${message.message}`));
        return;
    }
    for (const waiter of [...this.waiters]) if (waiter.check()) waiter.resolve();
  }

  fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of [...this.waiters]) waiter.reject(err);
  }

  /** Wait for a condition that the processes' messages make true. */
  private until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => waiter.reject(new BenchError('LAB_ERR_BENCH_CLIENTS', `timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = {
        check,
        resolve: () => { settle(); resolve(); },
        reject: (err: Error) => { settle(); reject(err); },
      };
      this.waiters.add(waiter);
    });
  }
}
