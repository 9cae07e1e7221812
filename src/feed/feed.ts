/**
 * The one feed every lane reads, so lanes are compared on identical messages.
 *
 * Contract (docs/protocol.md, "The feed"):
 *  - `seq` is gap-free and starts at 1; `ts` is the publish time in ms since the
 *    Unix epoch (fractional), taken once, at publish;
 *  - the feed keeps the newest `capacity` messages in a ring buffer; a reader who
 *    asks for a dropped seq is told so (`truncated`, `firstSeq`), never silently skipped;
 *  - `epoch` is new at every start, so a client can tell the server restarted.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LabError } from '../errors.ts';

export interface FeedMessage {
  readonly seq: number;
  readonly ts: number;
  readonly data: unknown;
  /** The message serialised once, at publish; every lane sends these exact bytes. */
  readonly json: string;
  /** UTF-8 bytes of `json` (the lab's "payload bytes" for one delivery). */
  readonly bytes: number;
}

export interface ReadResult {
  messages: FeedMessage[];
  /** True when messages after `since` were already dropped from the ring buffer. */
  truncated: boolean;
  /** The oldest seq still held (head + 1 when the feed is empty). */
  firstSeq: number;
  /** The newest seq published so far (0 before the first message). */
  head: number;
  /** True when `limit` cut the answer short: ask again from the last seq. */
  more: boolean;
}

export type FeedListener = (message: FeedMessage) => void;

export class Feed {
  readonly epoch = randomBytes(6).toString('hex');
  private readonly ring: (FeedMessage | undefined)[];
  private nextSeq = 1;
  private readonly listeners = new Set<FeedListener>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('feed capacity must be a positive integer');
    this.ring = new Array(capacity);
  }

  /** The newest seq published (0 when nothing has been). */
  get head(): number {
    return this.nextSeq - 1;
  }

  /** The oldest seq still in the ring buffer. */
  get firstSeq(): number {
    return Math.max(1, this.nextSeq - this.capacity);
  }

  get size(): number {
    return this.head - this.firstSeq + 1;
  }

  /**
   * Told when a listener throws. The listener is unsubscribed first, so one
   * consumer's bug never reaches the publisher or the other consumers.
   */
  onListenerFault: (err: unknown) => void = (err) => console.error(err);

  publish(data: unknown): FeedMessage {
    // Serialise before a seq is taken: data that cannot be serialised (a cycle,
    // a BigInt, nesting past the stack) is refused and leaves no hole (issue 10).
    let dataJson: string | undefined;
    try {
      dataJson = JSON.stringify(data);
    } catch (err) {
      throw new LabError('LAB_ERR_BODY_INVALID', `data cannot be serialised as JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (dataJson === undefined) throw new LabError('LAB_ERR_BODY_INVALID', 'data must be a JSON value');
    const seq = this.nextSeq++;
    const ts = performance.timeOrigin + performance.now();
    // The same bytes JSON.stringify({ seq, ts, data }) gives.
    const json = `{"seq":${seq},"ts":${JSON.stringify(ts)},"data":${dataJson}}`;
    const message: FeedMessage = Object.freeze({ seq, ts, data, json, bytes: Buffer.byteLength(json) });
    this.ring[seq % this.capacity] = message;
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (err) {
        this.listeners.delete(listener);
        this.onListenerFault(err);
      }
    }
    return message;
  }

  /** Messages with seq > since, oldest first, at most `limit` of them. */
  readSince(since: number, limit = Infinity): ReadResult {
    const head = this.head;
    const firstSeq = this.firstSeq;
    const from = Math.max(since + 1, firstSeq);
    const to = Math.min(head, from + limit - 1);
    const messages: FeedMessage[] = [];
    for (let seq = from; seq <= to; seq++) messages.push(this.ring[seq % this.capacity]!);
    return { messages, truncated: since + 1 < firstSeq, firstSeq, head, more: to < head };
  }

  /** Call `listener` for every message published from now on; returns the unsubscribe function. */
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
