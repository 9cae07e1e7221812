/**
 * Messages between the bench (parent) and its client processes, over the
 * `child_process.fork` IPC channel. The clients live in other processes so the
 * server's CPU figure is the server's alone (`process.cpuUsage()` counts every
 * thread of a process, worker threads included).
 */
import type { LaneId } from '../lanes.ts';
import type { HistogramData } from './histogram.ts';
import type { HeaderStyle } from './clients/headers.ts';
import type { Protocol } from './options.ts';

export interface ClientSettings {
  /** The server's origin, e.g. http://127.0.0.1:3000. */
  origin: string;
  lane: LaneId;
  /** Every client starts after this seq (the head when the feed was paused). */
  since: number;
  pollIntervalMs: number;
  longpollWaitMs: number;
  /** Request headers: a Node client's, or the ones Chromium sends (clients/headers.ts). */
  headers: HeaderStyle;
  /** For the library lanes: the one transport their clients must use (e.g. `polling`); undefined = the library's choice. */
  transport?: string | undefined;
  /** HTTP/1.1 on `origin` (the default), or HTTP/2 (then `origin` is the lab's https origin). */
  protocol?: Protocol;
}

export type ToWorker =
  | { type: 'start'; settings: ClientSettings; clients: number }
  /** The feed stopped at `lastSeq`: say as soon as every client has it. */
  | { type: 'drain'; lastSeq: number }
  /** Close every client and report. */
  | { type: 'stop'; lastSeq: number };

export interface WorkerCounts {
  /** Clients connected right now (hello received, or a poll answered / a long poll sent). */
  connected: number;
  /** Messages received, duplicates not included. */
  received: number;
  /** The lowest seq every client of this process has reached. */
  minLast: number;
  requests: number;
  errors: number;
  reconnects: number;
  /** This process's CPU time so far (user + system), µs: the clients' own cost. */
  cpuUs: number;
}

export type FromWorker =
  | ({ type: 'ready'; failed: number; errorSamples: string[] } & WorkerCounts)
  | ({ type: 'progress' } & WorkerCounts)
  | ({
    type: 'result';
    clients: number;
    missing: number;
    duplicates: number;
    /** Clients that missed at least one message. */
    clientsMissing: number;
    latency: HistogramData;
    errorSamples: string[];
  } & WorkerCounts)
  | { type: 'fatal'; message: string };
