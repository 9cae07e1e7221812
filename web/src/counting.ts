/**
 * The browser's own counts for one lane: requests it made, messages it got,
 * which seqs are missing or came twice, and publish-to-receive latency.
 * Every transport reports to one of these; the server's byte counts sit beside them.
 *
 * Missing and duplicate detection rests on the feed's contract: seq is gap-free
 * from 1 within an epoch, and each lane delivers in seq order. So a jump from
 * 41 to 44 means 42 and 43 are missing; a seq at or below the last one that
 * was not in a gap is a duplicate. A message not yet received is not missing,
 * only later (a poll lane is always up to one interval behind).
 *
 * Pure: no DOM, no timers, so it is unit-tested in Node.
 */

/** Latency samples kept per lane for percentiles and export (the newest win). */
export const MAX_LATENCY_SAMPLES = 100_000;
/** Open gaps remembered so a late arrival is told apart from a duplicate. */
export const MAX_GAP_RANGES = 1_000;
/** Messages a lane card shows. */
export const RECENT_MESSAGES = 4;

export interface Received {
  seq: number;
  /** Publish time on the server (ms since the Unix epoch). */
  ts: number;
  data?: unknown;
}

export interface RecentMessage {
  seq: number;
  latencyMs: number;
  preview: string;
}

export interface LatencySummary {
  count: number;
  p50: number | undefined;
  p95: number | undefined;
  max: number | undefined;
}

/** Wall-clock now in ms since the Unix epoch, with sub-ms precision, like the server's `ts`. */
export function wallClockNow(): number {
  return performance.timeOrigin + performance.now();
}

export class LaneCounter {
  // Totals since the last reset, the way the server counts them.
  requests = 0;
  /** Every message reported, duplicates included. */
  received = 0;
  /** Seqs skipped over: a later seq arrived first. */
  missing = 0;
  /** Seqs that arrived again. */
  duplicates = 0;
  /** Seqs that filled a gap after it was counted missing (out of order). */
  late = 0;
  /** Times the feed changed under us (server restarts). */
  epochChanges = 0;
  /** Times the lane came back after a drop (a retry, or a phone waking), resuming from its last seq. */
  resumes = 0;
  private interrupted = false;

  // Where we are in the feed; kept across resets so a reset invents no gap.
  epoch: string | undefined;
  /** Where reading started in this epoch (the `since` of the first request). */
  startSeq: number | undefined;
  lastSeq: number | undefined;
  private gaps: { from: number; to: number }[] = [];

  readonly samples = new LatencySamples(MAX_LATENCY_SAMPLES);
  private maxLatency: number | undefined;
  private summary: LatencySummary | undefined;
  recent: RecentMessage[] = [];

  /** The transport learned which feed it reads, and from which seq. */
  onEpoch(epoch: string, since: number): void {
    if (epoch === this.epoch) return;
    if (this.epoch !== undefined) this.epochChanges++;
    this.epoch = epoch;
    this.startSeq = since;
    this.lastSeq = since;
    this.gaps = [];
  }

  onRequest(): void {
    this.requests++;
  }

  /** The lane dropped (or the page is about to restart it after a sleep): the next open is a resume. */
  onInterrupted(): void {
    this.interrupted = true;
  }

  onOpen(): void {
    if (!this.interrupted) return;
    this.interrupted = false;
    this.resumes++;
  }

  record(message: Received, receivedAt = wallClockNow()): void {
    this.received++;
    const { seq } = message;
    const last = this.lastSeq;
    if (last !== undefined && seq <= last) {
      if (this.fillGap(seq)) {
        this.missing--;
        this.late++;
      } else {
        this.duplicates++;
        return; // a duplicate adds no latency sample: its first copy did
      }
    } else {
      if (last !== undefined && seq > last + 1) this.openGap(last + 1, seq - 1);
      this.lastSeq = seq;
    }
    const latencyMs = receivedAt - message.ts;
    this.samples.push(seq, receivedAt, latencyMs);
    if (this.maxLatency === undefined || latencyMs > this.maxLatency) this.maxLatency = latencyMs;
    this.summary = undefined;
    this.recent.unshift({ seq, latencyMs, preview: previewOf(message.data) });
    if (this.recent.length > RECENT_MESSAGES) this.recent.pop();
  }

  /** p50 and p95 over the kept samples (nearest rank), max over every sample since reset. */
  latency(): LatencySummary {
    if (!this.summary) {
      // Selection, not a sort: O(n), so 100,000 samples per lane still redraw a few times a second.
      const values = this.samples.latencies();
      const p95 = selectPercentile(values, 95, values.length);
      this.summary = {
        count: this.samples.total,
        // Selecting p95 left every smaller value in front of it: look for p50 there only.
        p50: selectPercentile(values, 50, values.length, rankOf(95, values.length)),
        p95,
        max: this.maxLatency,
      };
    }
    return this.summary;
  }

  /** Zero the totals (the page's Reset); where we are in the feed is kept. */
  reset(): void {
    this.requests = 0;
    this.received = 0;
    this.missing = 0;
    this.duplicates = 0;
    this.late = 0;
    this.epochChanges = 0;
    this.resumes = 0;
    this.interrupted = false;
    this.gaps = [];
    this.samples.clear();
    this.maxLatency = undefined;
    this.summary = undefined;
    this.recent = [];
  }

  private openGap(from: number, to: number): void {
    this.missing += to - from + 1;
    this.gaps.push({ from, to });
    if (this.gaps.length > MAX_GAP_RANGES) this.gaps.shift();
  }

  /** True when `seq` was in a gap (and is not any more). */
  private fillGap(seq: number): boolean {
    const i = this.gaps.findIndex((g) => g.from <= seq && seq <= g.to);
    if (i === -1) return false;
    const gap = this.gaps[i]!;
    const parts = [
      ...(gap.from < seq ? [{ from: gap.from, to: seq - 1 }] : []),
      ...(seq < gap.to ? [{ from: seq + 1, to: gap.to }] : []),
    ];
    this.gaps.splice(i, 1, ...parts);
    return true;
  }
}

/**
 * Nearest-rank percentile of ascending `sorted` values: the smallest value
 * with at least p% of the values at or below it. Undefined when empty.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1];
}

export function percentile(values: readonly number[], p: number): number | undefined {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/** The 1-based nearest rank of percentile p among n values. */
function rankOf(p: number, n: number): number {
  return Math.ceil((p / 100) * n);
}

/**
 * Nearest-rank percentile of the first `n` values, found by quickselect
 * (Hoare's FIND): reorders `values`, leaving smaller ones before the answer.
 * `within` limits the search to the first `within` values when an earlier
 * selection already put the answer there.
 */
export function selectPercentile(values: Float64Array, p: number, n: number, within = n): number | undefined {
  if (n === 0) return undefined;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const k = rankOf(p, n) - 1;
  let lo = 0;
  let hi = Math.max(within, k + 1) - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // values[j+1 .. i-1] all equal the pivot, and k is among them
  }
  return values[k];
}

/** A ring of (seq, receivedAt, latency) triples: bounded memory at any rate. */
export class LatencySamples {
  private readonly seqs: Float64Array;
  private readonly receivedAt: Float64Array;
  private readonly latency: Float64Array;
  private next = 0;
  /** Samples pushed since the last clear (may exceed what is kept). */
  total = 0;

  constructor(readonly capacity: number) {
    this.seqs = new Float64Array(capacity);
    this.receivedAt = new Float64Array(capacity);
    this.latency = new Float64Array(capacity);
  }

  get size(): number {
    return Math.min(this.total, this.capacity);
  }

  push(seq: number, receivedAt: number, latencyMs: number): void {
    this.seqs[this.next] = seq;
    this.receivedAt[this.next] = receivedAt;
    this.latency[this.next] = latencyMs;
    this.next = (this.next + 1) % this.capacity;
    this.total++;
  }

  /** A copy of the kept latencies (any order). */
  latencies(): Float64Array {
    return this.latency.slice(0, this.size);
  }

  /** Kept samples, oldest first. */
  entries(): Generator<{ seq: number; receivedAt: number; latencyMs: number }> {
    return this.entriesSince(0);
  }

  /** Samples pushed after the first `seen` (as counted by `total`) that are still kept, oldest first. */
  *entriesSince(seen: number): Generator<{ seq: number; receivedAt: number; latencyMs: number }> {
    const from = Math.max(seen, this.total - this.size);
    for (let n = from; n < this.total; n++) {
      const i = n % this.capacity;
      yield { seq: this.seqs[i]!, receivedAt: this.receivedAt[i]!, latencyMs: this.latency[i]! };
    }
  }

  clear(): void {
    this.next = 0;
    this.total = 0;
  }
}

const PREVIEW_CHARS = 24;

function previewOf(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data) ?? '';
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
