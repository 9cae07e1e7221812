/**
 * One lane in the page: its transport, its counter, and the state a card shows.
 * The transport moves messages; the runner counts them. Usable alone:
 *
 *   const runner = new LaneRunner('sse');
 *   runner.start({ since: 0 });   // ... runner.counter.received, runner.state
 */
import type { LaneId } from '../../src/lanes.ts';
import { LaneCounter } from './counting.ts';
import { createTransport, type LaneSettings, type Transport, type TransportEvent } from './transports/index.ts';
import type { TransportOptions } from './transports/transport.ts';

export type LaneState = 'off' | 'connecting' | 'open' | 'reconnecting' | 'unavailable';

export const DEFAULT_LANE_SETTINGS: LaneSettings = {
  pollIntervalMs: 1_000,
  longpollWaitMs: 25_000,
};

export class LaneRunner {
  readonly counter = new LaneCounter();
  readonly settings: LaneSettings;
  state: LaneState = 'off';
  /** Why the last retry happened, shown on the card until the lane is open again. */
  lastProblem: string | undefined;
  private transport: Transport | undefined;

  constructor(readonly lane: LaneId, settings: Partial<LaneSettings> = {}) {
    this.settings = { ...DEFAULT_LANE_SETTINGS, ...settings };
  }

  get running(): boolean {
    return this.state !== 'off';
  }

  get lastSeq(): number | undefined {
    return this.transport?.lastSeq;
  }

  /**
   * The first start reads from `from.since` of feed `from.epoch` (no since: from now on);
   * every later start resumes after the last seq received.
   */
  start(from: TransportOptions = {}): void {
    if (this.running) return;
    this.transport ??= createTransport(this.lane, from, this.settings);
    this.state = 'connecting';
    this.transport.start((message) => this.counter.record(message), (event) => this.onEvent(event));
  }

  stop(): void {
    this.transport?.stop();
    this.state = 'off';
  }

  /** Apply new settings at once: the pending request is dropped and a new one resumes from lastSeq. */
  configure(settings: Partial<LaneSettings>): void {
    Object.assign(this.settings, settings);
    if (this.running) {
      this.stop();
      this.start();
    }
  }

  private onEvent(event: TransportEvent): void {
    switch (event.type) {
      case 'request':
        // Counted even after stop(): a library's goodbye (Socket.IO's disconnect POST) is a request
        // the server counts too. But it does not bring a stopped lane back to "connecting".
        this.counter.onRequest();
        break;
      case 'open':
        this.counter.onOpen();
        this.state = 'open';
        this.lastProblem = undefined;
        break;
      case 'epoch':
        this.counter.onEpoch(event.epoch, event.since);
        break;
      case 'retry':
        this.counter.onInterrupted();
        this.state = 'reconnecting';
        this.lastProblem = event.reason;
        break;
      case 'unavailable':
        this.state = 'unavailable';
        this.lastProblem = event.reason;
        break;
      case 'heartbeat':
        break;
    }
  }
}
