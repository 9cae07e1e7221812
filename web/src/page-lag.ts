/**
 * How late this page's own main thread runs. Every lane's latency is taken
 * when its message event runs on that thread, so a page busy drawing adds to
 * what it measures; the dashboard shows this number beside the latencies
 * rather than let it pass for the network's.
 *
 *   const lag = new PageLag(); lag.start(); ... lag.summary()
 */
import { percentileOfSorted } from './counting.ts';

/** A timer asks to run this often; how much later than that it runs is the lag. */
export const LAG_PROBE_MS = 100;
/** Probes kept: the last 10 s. */
export const LAG_PROBES_KEPT = 100;

export class PageLag {
  private readonly lags: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  start(): void {
    let due = performance.now() + LAG_PROBE_MS;
    const probe = () => {
      const now = performance.now();
      this.lags.push(Math.max(0, now - due));
      if (this.lags.length > LAG_PROBES_KEPT) this.lags.shift();
      due = now + LAG_PROBE_MS;
      this.timer = setTimeout(probe, LAG_PROBE_MS);
    };
    this.timer = setTimeout(probe, LAG_PROBE_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** p95 and max lag over the last probes, in ms. */
  summary(): { p95: number | undefined; max: number | undefined } {
    const sorted = Float64Array.from(this.lags).sort();
    return { p95: percentileOfSorted(sorted, 95), max: sorted[sorted.length - 1] };
  }
}
