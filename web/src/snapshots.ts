/**
 * The newest stats snapshot and who wants to hear of the next one: shared by the
 * server's live feed (live-stats.ts) and a page's own view of it (page-run.ts).
 */
import type { StatsSnapshot } from '../../src/api/stats.ts';

export type SnapshotListener = (snapshot: StatsSnapshot) => void;

export class SnapshotListeners {
  private readonly listeners = new Set<SnapshotListener>();

  /** Call `listener` with every snapshot from now on; returns the unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(snapshot: StatsSnapshot): void {
    for (const listener of this.listeners) listener(snapshot);
  }

  /** `current` when there is one, or the next snapshot to arrive. */
  first(current: StatsSnapshot | undefined): Promise<StatsSnapshot> {
    if (current) return Promise.resolve(current);
    return new Promise((resolve) => {
      const off = this.subscribe((s) => {
        off();
        resolve(s);
      });
    });
  }
}
