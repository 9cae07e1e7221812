/**
 * This page's clock against the lab's, measured over the /api/live WebSocket the
 * page already holds (NTP-style, RFC 5905 §8, the server's receive and send times
 * being one instant):
 *
 *   page t0 ──ping──▶ server t1 ──pong──▶ page t3
 *   rtt = t3 − t0        offset = (t0 + t3) / 2 − t1   (page − server)
 *
 * Queueing on the way (a stats snapshot going out just then, a busy main thread)
 * only lengthens a round trip, and the error of a sample is at most rtt / 2, so
 * the estimate is the sample with the smallest rtt among the recent ones. The page
 * keeps pinging while it runs: a handful at load is not enough on a busy machine,
 * and a window of recent samples follows a clock that drifts.
 */
import { wallClockNow } from '../counting.ts';
import type { LiveStats } from '../live-stats.ts';

/** The first exchanges, close together, so an estimate exists within a second. */
export const CLOCK_FIRST_PINGS = 8;
export const CLOCK_FIRST_INTERVAL_MS = 100;
/**
 * Then, for as long as the page runs: often while the best round trip is long (on a busy
 * machine most round trips wait somewhere, and only a quick one pins the offset down),
 * seldom once one was quick enough for the estimate to be good to ± CLOCK_GOOD_RTT_MS / 2.
 */
export const CLOCK_BUSY_INTERVAL_MS = 125;
export const CLOCK_INTERVAL_MS = 1_000;
export const CLOCK_GOOD_RTT_MS = 4;
/** How far back the estimate looks: the quickest sample of the last minute (a clock may drift). */
export const CLOCK_WINDOW_MS = 60_000;
/** A ping with no pong after this long is given up (the channel dropped). */
export const CLOCK_PING_TIMEOUT_MS = 5_000;

export interface ClockSample {
  offsetMs: number;
  rttMs: number;
  at: number;
}

export class ClockSync {
  /** Exchanges completed since the page opened. */
  exchanges = 0;
  best: ClockSample | undefined;
  private samples: ClockSample[] = [];
  private pending = new Map<number, number>();
  private nextId = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(best: ClockSample) => void>();

  private lastPingAt = 0;

  constructor(private readonly live: LiveStats) {
    live.onMessage((m) => {
      if (m.type === 'pong') this.onPong(m.id as number, m.t1 as number);
    });
    // Ping right after a stats snapshot arrives: the lab has just done its periodic push, so
    // its event loop is most likely free when the ping lands, and the round trip is short.
    live.subscribe(() => {
      if (this.timer !== undefined && this.exchanges >= CLOCK_FIRST_PINGS && performance.now() - this.lastPingAt >= this.intervalMs() * 0.8) this.ping();
    });
  }

  /** How long until the next exchange is due. */
  private intervalMs(): number {
    if (this.exchanges < CLOCK_FIRST_PINGS) return CLOCK_FIRST_INTERVAL_MS;
    return this.best && this.best.rttMs <= CLOCK_GOOD_RTT_MS ? CLOCK_INTERVAL_MS : CLOCK_BUSY_INTERVAL_MS;
  }

  /** Page clock − server clock, ms (undefined until the first exchange). */
  get offsetMs(): number | undefined {
    return this.best?.offsetMs;
  }

  /** The round trip of the chosen sample: the estimate is good to ± half of it. */
  get rttMs(): number | undefined {
    return this.best?.rttMs;
  }

  start(): void {
    if (this.timer !== undefined) return;
    const tick = () => {
      if (performance.now() - this.lastPingAt >= this.intervalMs() * 0.8) this.ping();
      this.timer = setTimeout(tick, this.intervalMs());
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  onChange(listener: (best: ClockSample) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private ping(): void {
    const t0 = wallClockNow();
    for (const [id, sent] of this.pending) if (t0 - sent > CLOCK_PING_TIMEOUT_MS) this.pending.delete(id);
    this.lastPingAt = performance.now();
    const id = ++this.nextId;
    if (this.live.send({ type: 'ping', id, t0 })) this.pending.set(id, t0);
  }

  private onPong(id: number, t1: number): void {
    const t3 = wallClockNow();
    const t0 = this.pending.get(id);
    if (t0 === undefined || typeof t1 !== 'number') return;
    this.pending.delete(id);
    this.exchanges++;
    this.samples.push({ offsetMs: (t0 + t3) / 2 - t1, rttMs: t3 - t0, at: t3 });
    while (this.samples[0]!.at < t3 - CLOCK_WINDOW_MS) this.samples.shift();
    this.best = this.samples.reduce((a, b) => (b.rttMs < a.rttMs ? b : a));
    for (const listener of this.listeners) listener(this.best);
  }
}
