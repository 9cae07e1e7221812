/**
 * Connections the lab holds open (long polls, streams, SSE, WebSockets, and
 * the chat's, STOMP's and /api/live's): the cap per kind, the heartbeats, and
 * closing them all at shutdown. Heartbeats run on the lab's one Ticker.
 */
import { LabError } from '../errors.ts';
import type { LaneId } from '../lanes.ts';
import { Ticker, type Duty } from './ticker.ts';

/** A lane, or another endpoint that holds connections. */
export type HeldKind = LaneId | 'chat' | 'stomp' | 'live';

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

interface Entry {
  kind: HeldKind;
  close: (reason: LabError) => void;
  duty: Duty | undefined;
}

const NO_DUTY: Duty = { touch: () => {}, cancel: () => {} };

export class HeldConnections {
  readonly ticker: Ticker;
  private readonly entries = new Set<Entry>();
  private readonly counts = new Map<HeldKind, number>();
  private emptied: (() => void)[] = [];

  /** `tick`: the lab's Ticker, or the shortest tick in ms for one of its own. */
  constructor(private readonly maxPerLane: number, tick: number | Ticker) {
    this.ticker = typeof tick === 'number' ? new Ticker(tick) : tick;
  }

  /**
   * Register a held connection, or throw `busy` (LAB_ERR_LANE_BUSY by default)
   * when `kind` already holds `cap` connections.
   */
  admit(kind: HeldKind, handlers: HeldHandlers, intervalMs = Infinity, cap = this.maxPerLane, busy?: () => LabError): Held {
    const count = this.counts.get(kind) ?? 0;
    if (count >= cap) {
      throw busy?.() ?? new LabError('LAB_ERR_LANE_BUSY', `lane ${kind} already holds ${count} connections (maxHeldPerLane)`);
    }
    const duty = handlers.heartbeat && Number.isFinite(intervalMs) ? this.ticker.every(intervalMs, handlers.heartbeat, true) : undefined;
    const entry: Entry = { kind, close: handlers.close, duty };
    this.entries.add(entry);
    this.counts.set(kind, count + 1);
    let released = false;
    const { touch } = duty ?? NO_DUTY;
    return {
      touch,
      release: () => {
        if (released) return;
        released = true;
        duty?.cancel();
        this.entries.delete(entry);
        this.counts.set(kind, (this.counts.get(kind) ?? 1) - 1);
        if (this.entries.size === 0) this.emptied.splice(0).forEach((resolve) => resolve());
      },
    };
  }

  count(kind: HeldKind): number {
    return this.counts.get(kind) ?? 0;
  }

  /** Close every held connection of `kind` (or of all kinds). */
  closeAll(reason: LabError, kind?: HeldKind): void {
    for (const entry of [...this.entries]) {
      if (!kind || entry.kind === kind) entry.close(reason);
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
    this.ticker.stop();
  }
}
