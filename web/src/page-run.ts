/**
 * This page's own run. No page resets the server: many tabs and devices share one
 * lab, so zeroing its counters for everyone would wipe the projector's numbers.
 *
 * Instead each tab has a page id. Its lanes send it with every request and
 * handshake (`?page=<id>`), the server counts that traffic under the page too, and
 * the page reads its own view over `/api/live?page=<id>`. A run starts from a
 * baseline, the page's server counters at that moment, and every widget sees the
 * deltas from it, so the page's counts and the server's describe the same
 * connections and agree exactly, whatever other tabs or a bench do meanwhile.
 *
 *   const run = new PageRun(liveStats({ page: id }), id);
 *   run.subscribe((s) => s.lanes.ws.requests);   // since this page's baseline
 *   run.rebase();                                 // the page's Reset: a new baseline
 *
 * A server restart (a new epoch) is told to `onNewEpoch`; the page then starts a new
 * run. While the page takes a new baseline it holds snapshots back (`hold()`), so a
 * cumulative chart never sees a count go down.
 */
import { LANE_IDS, type LaneId } from '../../src/lanes.ts';
import type { LiveState, LiveStats, StatsSnapshot } from './live-stats.ts';
import { SnapshotListeners, type SnapshotListener } from './snapshots.ts';

type LaneCounters = StatsSnapshot['lanes'][LaneId];

/** What the dashboard's widgets read: the LiveStats surface, so either can be passed. */
export interface StatsSource {
  readonly snapshot: StatsSnapshot | undefined;
  readonly state: LiveState;
  subscribe(listener: SnapshotListener): () => void;
  first(): Promise<StatsSnapshot>;
}

/** Counters that are gauges (what is open now), not totals: shown as they are. */
const GAUGES = new Set<keyof LaneCounters>(['open', 'held']);

/** A fresh page id: 16 random hex digits (a tab, not a person; never reused). */
export function newPageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class PageRun implements StatsSource {
  /** The latest snapshot with every lane counter relative to the baseline. */
  snapshot: StatsSnapshot | undefined;
  /** The latest snapshot as the server sent it (this page's view, not relative). */
  raw: StatsSnapshot | undefined;
  /** Called once per server restart seen (a new epoch); the page starts a new run. */
  onNewEpoch: ((epoch: string, previous: string) => void) | undefined;
  private baseline: Record<LaneId, LaneCounters> | undefined;
  private epoch: string | undefined;
  private held = false;
  private readonly listeners = new SnapshotListeners();

  constructor(private readonly live: LiveStats, readonly id: string) {
    live.subscribe((s) => this.onSnapshot(s));
    if (live.snapshot) this.onSnapshot(live.snapshot);
  }

  get state(): LiveState {
    return this.live.state;
  }

  subscribe(listener: SnapshotListener): () => void {
    return this.listeners.subscribe(listener);
  }

  first(): Promise<StatsSnapshot> {
    return this.listeners.first(this.snapshot);
  }

  /** The raw snapshot after the next one arrives: counters settled after something the page just did. */
  nextRaw(): Promise<StatsSnapshot> {
    return new Promise((resolve) => {
      const off = this.live.subscribe((s) => {
        off();
        resolve(s);
      });
    });
  }

  /** A lane's counters in `raw` relative to the baseline; undefined when there is none (after a restart). */
  relative(raw: StatsSnapshot, lane: LaneId): LaneCounters | undefined {
    return this.baseline && raw.epoch === this.epoch ? since(raw.lanes[lane], this.baseline[lane]) : undefined;
  }

  /** Stop handing snapshots to the widgets until `rebase()` (the run is being restarted). */
  hold(): void {
    this.held = true;
  }

  /** A new baseline: this page's server counters now (or in `from`); then widgets get snapshots again. */
  rebase(from: StatsSnapshot | undefined = this.raw): void {
    if (from) {
      this.baseline = Object.fromEntries(LANE_IDS.map((lane) => [lane, { ...from.lanes[lane] }])) as Record<LaneId, LaneCounters>;
      this.epoch = from.epoch;
    }
    this.held = false;
    if (this.raw) this.publish(this.raw);
  }

  private onSnapshot(raw: StatsSnapshot): void {
    this.raw = raw;
    if (this.epoch !== undefined && raw.epoch !== this.epoch) {
      // The server restarted: its counters for this page began again from zero, and the
      // old baseline means nothing there. Hold the widgets until the page starts a new run.
      const previous = this.epoch;
      this.epoch = raw.epoch;
      this.baseline = undefined;
      this.held = true;
      this.onNewEpoch?.(raw.epoch, previous);
      return;
    }
    this.epoch ??= raw.epoch;
    if (!this.held) this.publish(raw);
  }

  private publish(raw: StatsSnapshot): void {
    const lanes = {} as StatsSnapshot['lanes'];
    for (const lane of LANE_IDS) lanes[lane] = since(raw.lanes[lane], this.baseline?.[lane]);
    this.snapshot = { ...raw, lanes };
    this.listeners.emit(this.snapshot);
  }
}

/** `now − base` for every total; gauges as they are now. */
function since(now: LaneCounters, base: LaneCounters | undefined): LaneCounters {
  if (!base) return { ...now };
  const out = { ...now };
  for (const key of Object.keys(now) as (keyof LaneCounters)[]) {
    if (!GAUGES.has(key)) out[key] = now[key] - base[key];
  }
  return out;
}
