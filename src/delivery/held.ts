/**
 * Connections a lane holds open (long polls, streams, SSE, WebSockets):
 * the per-lane cap, the heartbeats, and closing them all at shutdown.
 * One timer serves every held connection, so ten thousand of them cost one tick.
 */
import { LabError } from '../errors.ts';
import type { LaneId } from '../lanes.ts';

export interface HeldHandlers {
  /** Called when the connection has been idle for `intervalMs`; undefined = no heartbeat. */
  heartbeat?: () => void;
  /** Close the connection with this reason (shutdown, drop switch). */
  close: (reason: LabError) => void;
}

export interface Held {
  /** Note outgoing traffic: a heartbeat is only due after `intervalMs` of silence. */
  touch(): void;
  release(): void;
}

interface Entry extends HeldHandlers {
  lane: LaneId;
  intervalMs: number;
  lastActivity: number;
}

export class HeldConnections {
  private readonly entries = new Set<Entry>();
  private readonly counts = new Map<LaneId, number>();
  private timer: NodeJS.Timeout | undefined;
  private emptied: (() => void)[] = [];

  constructor(private readonly maxPerLane: number, private readonly tickMs: number) {}

  /** Register a held connection, or throw LAB_ERR_LANE_BUSY when the lane is full. */
  admit(lane: LaneId, handlers: HeldHandlers, intervalMs = Infinity): Held {
    const count = this.counts.get(lane) ?? 0;
    if (count >= this.maxPerLane) {
      throw new LabError('LAB_ERR_LANE_BUSY', `lane ${lane} already holds ${count} connections (maxHeldPerLane)`);
    }
    const entry: Entry = { ...handlers, lane, intervalMs, lastActivity: Date.now() };
    this.entries.add(entry);
    this.counts.set(lane, count + 1);
    if (handlers.heartbeat && !this.timer) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref();
    }
    let released = false;
    return {
      touch: () => { entry.lastActivity = Date.now(); },
      release: () => {
        if (released) return;
        released = true;
        this.entries.delete(entry);
        this.counts.set(lane, (this.counts.get(lane) ?? 1) - 1);
        if (this.entries.size === 0) this.emptied.splice(0).forEach((resolve) => resolve());
      },
    };
  }

  count(lane: LaneId): number {
    return this.counts.get(lane) ?? 0;
  }

  /** Close every held connection of `lane` (or of all lanes). */
  closeAll(reason: LabError, lane?: LaneId): void {
    for (const entry of [...this.entries]) {
      if (!lane || entry.lane === lane) entry.close(reason);
    }
  }

  get total(): number {
    return this.entries.size;
  }

  /** Resolves once every held connection is gone, or after `timeoutMs`, whichever is first. */
  whenEmpty(timeoutMs: number): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.emptied.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = Date.now();
    for (const entry of this.entries) {
      if (entry.heartbeat && now - entry.lastActivity >= entry.intervalMs) {
        entry.lastActivity = now;
        entry.heartbeat();
      }
    }
  }
}
