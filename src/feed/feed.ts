/**
 * The one feed every lane reads, so lanes are compared on identical messages.
 *
 * Contract (docs/protocol.md, "The feed"):
 *  - `seq` is gap-free and starts at 1; `ts` is the publish time in ms since the
 *    Unix epoch (fractional), taken once, at publish;
 *  - the feed keeps the newest `capacity` messages, within `capacityBytes`, in a
 *    ring buffer (src/feed/ring.ts); a reader who
 *    asks for a dropped seq is told so (`truncated`, `firstSeq`), never silently skipped;
 *  - `epoch` is new at every start, so a client can tell the server restarted.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LabError } from '../errors.ts';
import { Ring, type RingRead, type SequencedSource } from './ring.ts';

export interface FeedMessage {
  readonly seq: number;
  readonly ts: number;
  readonly data: unknown;
  /** The message serialised once, at publish; every lane sends these exact bytes. */
  readonly json: string;
  /** UTF-8 bytes of `json` (the lab's "payload bytes" for one delivery). */
  readonly bytes: number;
}

/** What `readSince` answers (see src/feed/ring.ts). */
export type ReadResult = RingRead<FeedMessage>;

export type FeedListener = (message: FeedMessage) => void;

export class Feed implements SequencedSource<FeedMessage> {
  readonly epoch = randomBytes(6).toString('hex');
  private readonly ring: Ring<FeedMessage>;

  /**
   * `capacity` messages at most, and at most `capacityBytes` of serialised JSON
   * (issue 10: bounded in bytes, not only in count); the oldest go first.
   */
  constructor(readonly capacity: number, readonly capacityBytes = Infinity) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('feed capacity must be a positive integer');
    this.ring = new Ring(capacity, capacityBytes);
  }

  /** The newest seq published (0 when nothing has been). */
  get head(): number {
    return this.ring.head;
  }

  /** The oldest seq still in the ring buffer. */
  get firstSeq(): number {
    return this.ring.firstSeq;
  }

  get size(): number {
    return this.ring.size;
  }

  /** Serialised bytes the ring buffer holds now (counted against `capacityBytes`). */
  get bytes(): number {
    return this.ring.bytes;
  }

  /**
   * Told when a listener throws. The listener is unsubscribed first, so one
   * consumer's bug never reaches the publisher or the other consumers.
   */
  get onListenerFault(): (err: unknown) => void {
    return this.ring.onListenerFault;
  }

  set onListenerFault(handler: (err: unknown) => void) {
    this.ring.onListenerFault = handler;
  }

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
    const seq = this.ring.next;
    const ts = performance.timeOrigin + performance.now();
    // The same bytes JSON.stringify({ seq, ts, data }) gives.
    const json = `{"seq":${seq},"ts":${JSON.stringify(ts)},"data":${dataJson}}`;
    const message: FeedMessage = Object.freeze({ seq, ts, data, json, bytes: Buffer.byteLength(json) });
    this.ring.append(message);
    return message;
  }

  /** Messages with seq > since, oldest first, at most `limit` of them and about `maxBytes` (at least one). */
  readSince(since: number, limit = Infinity, maxBytes = Infinity): ReadResult {
    return this.ring.readSince(since, limit, maxBytes);
  }

  /** Call `listener` for every message published from now on; returns the unsubscribe function. */
  subscribe(listener: FeedListener): () => void {
    return this.ring.subscribe(listener);
  }

  get subscriberCount(): number {
    return this.ring.subscriberCount;
  }
}
