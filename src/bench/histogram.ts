/**
 * Latency histogram with three significant digits (1% resolution, in the spirit
 * of HdrHistogram), so a million samples cost a few thousand buckets and client
 * processes can send theirs to the bench as a short list to be merged.
 * Values are microseconds; the maximum is kept exactly.
 */

export interface HistogramData {
  /** [bucket value in µs, count], any order. */
  buckets: [number, number][];
  count: number;
  maxUs: number;
  /** Samples below zero (clock steps between processes), recorded as 0. */
  negative: number;
}

export class Histogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  maxUs = 0;
  negative = 0;

  record(us: number): void {
    if (us < 0) {
      this.negative++;
      us = 0;
    }
    const key = bucketOf(us);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.count++;
    if (us > this.maxUs) this.maxUs = us;
  }

  merge(data: HistogramData): void {
    for (const [key, n] of data.buckets) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    this.count += data.count;
    this.negative += data.negative;
    if (data.maxUs > this.maxUs) this.maxUs = data.maxUs;
  }

  /** Nearest-rank percentile (the smallest bucket holding at least p% of samples); undefined when empty. */
  percentile(p: number): number | undefined {
    if (this.count === 0) return undefined;
    if (p >= 100) return this.maxUs;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (const key of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(key)!;
      if (seen >= rank) return Math.min(key, this.maxUs);
    }
    return this.maxUs;
  }

  toJSON(): HistogramData {
    return { buckets: [...this.counts], count: this.count, maxUs: this.maxUs, negative: this.negative };
  }
}

/** Round to three significant digits: 1 µs steps below 1 ms, 10 µs up to 10 ms, and so on. */
export function bucketOf(us: number): number {
  if (us < 1_000) return Math.round(us);
  const step = 10 ** (Math.floor(Math.log10(us)) - 2);
  return Math.round(us / step) * step;
}
