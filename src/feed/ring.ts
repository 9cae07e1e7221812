/**
 * A numbered ring buffer: the one store behind the feed and every chat mailbox.
 *
 * Entries are numbered from 1 with no gaps. The ring keeps the newest entries
 * within two budgets, a count and a byte total (issue 10: ten thousand 60 KB
 * messages must not take the process to 2 GB), and evicts the oldest when
 * either is exceeded. A reader asks for what came after the last number it
 * has; if some of that was evicted it is told so (`truncated`, `firstSeq`),
 * never silently skipped. Subscribers hear of every new entry.
 */

/** What the ring stores: numbered, and sized for the byte budget. */
export interface Sequenced {
  readonly seq: number;
  /** Bytes this entry counts against the budget (its serialised UTF-8 size). */
  readonly bytes: number;
}

export interface RingRead<M> {
  messages: M[];
  /** True when entries after `since` were already evicted. */
  truncated: boolean;
  /** The oldest number still held (head + 1 when empty). */
  firstSeq: number;
  /** The newest number appended so far (0 before the first). */
  head: number;
  /** True when `limit` cut the answer short: ask again from the last number. */
  more: boolean;
}

/** What a pushing consumer (src/delivery/pump.ts) reads from: a feed or a mailbox. */
export interface SequencedSource<M extends Sequenced> {
  readonly head: number;
  readonly firstSeq: number;
  readSince(since: number, limit?: number, maxBytes?: number): RingRead<M>;
  subscribe(listener: (entry: M) => void): () => void;
}

export class Ring<M extends Sequenced> implements SequencedSource<M> {
  private readonly slots: (M | undefined)[];
  private nextSeq = 1;
  private first = 1;
  private heldBytes = 0;
  private readonly listeners = new Set<(entry: M) => void>();
  /** Told when a listener throws; the listener is unsubscribed first. */
  onListenerFault: (err: unknown) => void = (err) => console.error(err);

  constructor(readonly capacity: number, readonly capacityBytes = Infinity) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('ring capacity must be a positive integer');
    if (!(capacityBytes > 0)) throw new RangeError('ring byte budget must be > 0');
    this.slots = new Array(capacity);
  }

  /** The number the next entry will get. */
  get next(): number {
    return this.nextSeq;
  }

  get head(): number {
    return this.nextSeq - 1;
  }

  get firstSeq(): number {
    return this.first;
  }

  get size(): number {
    return this.nextSeq - this.first;
  }

  /** Bytes held, as counted by the entries' `bytes`. */
  get bytes(): number {
    return this.heldBytes;
  }

  /**
   * Store `entry` (its `seq` must be `next`), evict what no longer fits, then
   * tell the subscribers. The newest entry is always kept, even alone over the budget.
   */
  append(entry: M): void {
    if (entry.seq !== this.nextSeq) throw new RangeError(`ring expected seq ${this.nextSeq}, got ${entry.seq}`);
    const slot = entry.seq % this.capacity;
    if (this.nextSeq - this.first >= this.capacity) this.evictOldest(); // the slot we are about to reuse
    this.slots[slot] = entry;
    this.nextSeq++;
    this.heldBytes += entry.bytes;
    while (this.heldBytes > this.capacityBytes && this.first < entry.seq) this.evictOldest();
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch (err) {
        // One consumer's bug never reaches the publisher or the other consumers (issue 10, item 1).
        this.listeners.delete(listener);
        this.onListenerFault(err);
      }
    }
  }

  /**
   * Entries numbered above `since`, oldest first, at most `limit` of them and
   * at most `maxBytes` of them (but always one, if there is one).
   */
  readSince(since: number, limit = Infinity, maxBytes = Infinity): RingRead<M> {
    const head = this.head;
    const firstSeq = this.first;
    const from = Math.max(since + 1, firstSeq);
    let to = Math.min(head, from + limit - 1);
    const messages: M[] = [];
    let bytes = 0;
    for (let seq = from; seq <= to; seq++) {
      const entry = this.slots[seq % this.capacity]!;
      bytes += entry.bytes;
      if (bytes > maxBytes && messages.length > 0) {
        to = seq - 1;
        break;
      }
      messages.push(entry);
    }
    return { messages, truncated: since + 1 < firstSeq, firstSeq, head, more: to < head };
  }

  /** Call `listener` for every entry appended from now on; returns the unsubscribe function. */
  subscribe(listener: (entry: M) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  private evictOldest(): void {
    const slot = this.first % this.capacity;
    this.heldBytes -= this.slots[slot]!.bytes;
    this.slots[slot] = undefined;
    this.first++;
  }
}
