/**
 * One timer for every periodic duty of the lab: stream heartbeats, WebSocket
 * pings, STOMP heart-beats, chat idle sweeps and the /api/live push. Ten
 * thousand held connections cost one tick, not ten thousand timers.
 *
 * A duty is either periodic (runs every `intervalMs`) or idle-based (runs once
 * `intervalMs` has passed without a `touch()`, as a heartbeat after a quiet
 * spell). The tick is half the shortest interval registered (so no duty is
 * more than half an interval late), at least `minTickMs`, at most one second.
 *
 * `now` is a coarse clock refreshed once per tick: `touch()` on the write hot
 * path reads it instead of calling Date.now() per message.
 */

export interface Duty {
  /** Note activity: an idle-based duty is due only after `intervalMs` from now. */
  touch(): void;
  cancel(): void;
}

interface Entry {
  readonly intervalMs: number;
  readonly idle: boolean;
  readonly run: () => void;
  /** When it last ran or was touched. */
  last: number;
}

const MAX_TICK_MS = 1000;

export class Ticker {
  private readonly entries = new Set<Entry>();
  private timer: NodeJS.Timeout | undefined;
  private tickMs = MAX_TICK_MS;
  private stopped = false;
  /** Coarse time in ms (Date.now() as of the last tick or registration). */
  now = Date.now();

  constructor(private readonly minTickMs = 5) {}

  /** Run `run` every `intervalMs` (or, with `idle`, after `intervalMs` without a touch). */
  every(intervalMs: number, run: () => void, idle = false): Duty {
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new RangeError(`ticker interval must be a finite number > 0, got ${intervalMs}`);
    this.now = Date.now();
    const entry: Entry = { intervalMs, idle, run, last: this.now };
    this.entries.add(entry);
    const wanted = Math.min(MAX_TICK_MS, Math.max(this.minTickMs, intervalMs / 2));
    if (!this.stopped && (!this.timer || wanted < this.tickMs)) this.start(Math.min(wanted, this.timer ? this.tickMs : wanted));
    return {
      touch: () => { entry.last = this.now; },
      cancel: () => { this.entries.delete(entry); },
    };
  }

  get size(): number {
    return this.entries.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.entries.clear();
  }

  private start(tickMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.tickMs = tickMs;
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  private tick(): void {
    const now = (this.now = Date.now());
    if (this.entries.size === 0) {
      // Nothing to do: stop ticking until the next registration.
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    for (const entry of this.entries) {
      if (now - entry.last < entry.intervalMs) continue;
      entry.last = now;
      // One duty's failure must not stop the others (issue 10, item 1).
      try {
        entry.run();
      } catch (err) {
        process.emitWarning(err as Error);
      }
    }
  }
}
