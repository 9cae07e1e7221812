/**
 * The bare servers' feed: the lab's messages, byte for byte (the same JSON,
 * the same filler as src/feed/producer.ts), published on a timer, kept in a
 * small ring so a client can ask for what came after its seq. No epoch, no
 * caps, no listeners beyond the one bare server running.
 */
import { performance } from 'node:perf_hooks';
import { makePayload } from '../../feed/producer.ts';

/** Messages kept for `since` (the lab keeps DEFAULTS.feedCapacity; a bench client is never far behind). */
export const BARE_FEED_KEPT = 10_000;

export interface BareMessage {
  seq: number;
  /** The message as sent by the lanes that write JSON themselves. */
  json: string;
  /** The same message as an object, for a library that serialises what it emits (Socket.IO). */
  message: { seq: number; ts: number; data: string };
}

export class BareFeed {
  head = 0;
  rate = 0;
  payloadBytes = 32;
  /** The bare server's fan-out: called once per message. */
  onPublish: (message: BareMessage) => void = () => {};
  private readonly ring: BareMessage[] = [];
  private timer: NodeJS.Timeout | undefined;

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    this.stop();
    if (this.rate <= 0) return;
    // As many messages per tick as are due: the average rate is exact at any rate.
    const started = performance.now();
    let published = 0;
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) * this.rate) / 1000);
      while (published < due) {
        published++;
        this.publish();
      }
    }, Math.max(10, 1000 / this.rate));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Messages after `since`, oldest first. */
  since(since: number): BareMessage[] {
    const from = Math.max(since + 1, this.head - BARE_FEED_KEPT + 1, 1);
    const out: BareMessage[] = [];
    for (let seq = from; seq <= this.head; seq++) out.push(this.ring[seq % BARE_FEED_KEPT]!);
    return out;
  }

  private publish(): void {
    const seq = ++this.head;
    const ts = performance.timeOrigin + performance.now();
    const object = { seq, ts, data: makePayload(seq, this.payloadBytes) };
    const message = { seq, json: JSON.stringify(object), message: object };
    this.ring[seq % BARE_FEED_KEPT] = message;
    this.onPublish(message);
  }
}
