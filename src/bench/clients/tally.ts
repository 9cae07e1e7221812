/**
 * What one client process counts for all its clients, and each client's cursor:
 * the last seq it has, and what it missed or got twice on the way.
 */
import { performance } from 'node:perf_hooks';
import { Histogram } from '../histogram.ts';

/** Keep the first few error messages, so a report can say what went wrong without a flood. */
export const ERROR_SAMPLES_KEPT = 5;

export class Tally {
  readonly latency = new Histogram();
  received = 0;
  duplicates = 0;
  requests = 0;
  errors = 0;
  reconnects = 0;
  readonly errorSamples: string[] = [];

  error(what: string): void {
    this.errors++;
    if (this.errorSamples.length < ERROR_SAMPLES_KEPT && !this.errorSamples.includes(what)) this.errorSamples.push(what);
  }
}

export class Cursor {
  received = 0;
  /** Seqs skipped over (a gap in what arrived). */
  missing = 0;
  duplicates = 0;

  constructor(public last: number, private readonly tally: Tally) {}

  /**
   * Every lane delivers in seq order, so anything at or below `last` is a
   * duplicate and a jump past `last + 1` is a gap. `ts` is the publish time
   * (ms since the epoch) the server stamped on the message.
   */
  accept(seq: number, ts: number): void {
    if (seq <= this.last) {
      this.duplicates++;
      this.tally.duplicates++;
      return;
    }
    if (seq > this.last + 1) this.missing += seq - this.last - 1;
    this.last = seq;
    this.received++;
    this.tally.received++;
    // Publish to receipt across processes: on one machine both read the same wall
    // clock; with --url on another host, the clocks' offset adds in.
    this.tally.latency.record((performance.timeOrigin + performance.now() - ts) * 1000);
  }
}
