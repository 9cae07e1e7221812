/**
 * The client processes of one lane: fork them, split the clients between them,
 * follow their progress, collect their results. Each lane gets fresh processes,
 * so no lane inherits another's sockets, timers or heap.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Histogram } from './histogram.ts';
import { BenchError } from './errors.ts';
import type { ClientSettings, FromWorker, ToWorker, WorkerCounts } from './protocol.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

/** How long a client process may take to start and report that its clients connected, per client. */
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

export class ClientProcesses {
  private readonly children: ChildProcess[] = [];
  private readonly latest: (WorkerCounts | undefined)[] = [];
  private readonly failedPerChild: number[] = [];
  private readonly samples = new Set<string>();
  private readonly waiters = new Set<{ check: () => boolean; resolve: () => void }>();
  private readonly results: (Result | undefined)[] = [];
  private failure: Error | undefined;
  private readonly rejecters = new Set<(err: Error) => void>();

  /** Split `clients` as evenly as possible over `processes` processes. */
  static split(clients: number, processes: number): number[] {
    const n = Math.max(1, Math.min(processes, clients));
    return Array.from({ length: n }, (_, i) => Math.floor(clients / n) + (i < clients % n ? 1 : 0));
  }

  constructor(private readonly settings: ClientSettings, private readonly counts: number[]) {}

  /** Fork the processes and connect every client; resolves when all report `ready`. */
  async start(): Promise<void> {
    this.counts.forEach((clients, index) => {
      const child = fork(WORKER_ENTRY, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.children.push(child);
      this.latest.push(undefined);
      this.failedPerChild.push(0);
      this.results.push(undefined);
      child.on('message', (message: FromWorker) => this.onMessage(index, message));
      child.on('exit', (code, signal) => {
        if (!this.results[index]) this.fail(new BenchError('LAB_ERR_BENCH_INTERNAL', `client process ${index + 1} exited (${signal ?? `code ${code}`}) before reporting`));
      });
      child.send({ type: 'start', settings: this.settings, clients } satisfies ToWorker);
    });
    const total = this.counts.reduce((a, b) => a + b, 0);
    await this.until(() => this.latest.every((c) => c !== undefined),
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

  get errorSamples(): string[] {
    return [...this.samples];
  }

  /** Resolves when every client has `seq` (or rejects after `timeoutMs`). */
  async reached(seq: number, timeoutMs: number): Promise<boolean> {
    try {
      await this.until(() => this.totals().minLast >= seq, timeoutMs, 'clients to receive the last message');
      return true;
    } catch (err) {
      if (err instanceof BenchError && err.code === 'LAB_ERR_BENCH_CLIENTS') return false;
      throw err;
    }
  }

  /** Close every client; the processes report and exit. */
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
    out.errorSamples = this.errorSamples;
    return out;
  }

  /** Stop the processes at once (Ctrl+C, or a failed run). */
  kill(): void {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill();
  }

  private onMessage(index: number, message: FromWorker): void {
    switch (message.type) {
      case 'ready':
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
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const reject of this.rejecters) reject(err);
  }

  /** Wait for a condition the processes' messages make true. */
  private until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        check,
        resolve: () => {
          cleanup();
          resolve();
        },
      };
      const onFail = (err: Error) => {
        cleanup();
        reject(err);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new BenchError('LAB_ERR_BENCH_CLIENTS', `timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        this.rejecters.delete(onFail);
      };
      this.waiters.add(waiter);
      this.rejecters.add(onFail);
    });
  }
}
