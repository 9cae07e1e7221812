/**
 * What an HTTP member has not read yet. WebSocket members get each event the
 * moment it happens; a long-poll or SSE member may be between requests, so its
 * events wait here, numbered from 1, and the client asks for those after the
 * last number it saw (the same resume rule as the feed, docs/protocol.md).
 * It is the feed's ring buffer (src/feed/ring.ts): past `capacity` unread events
 * the oldest are dropped and the reader is told so (`truncated`), never silently.
 */
import { Ring } from '../feed/ring.ts';

/** One event as stored: its number and the JSON the hub serialised once for every recipient. */
export interface MailEvent {
  readonly seq: number;
  readonly json: string;
  readonly bytes: number;
}

export interface MailboxRead {
  events: string[];
  head: number;
  firstSeq: number;
  truncated: boolean;
}

export class Mailbox {
  /** The events as a source the delivery layer can pump (the SSE stream reads it like a feed). */
  readonly ring: Ring<MailEvent>;

  constructor(readonly capacity: number) {
    this.ring = new Ring(capacity);
  }

  get head(): number {
    return this.ring.head;
  }

  get firstSeq(): number {
    return this.ring.firstSeq;
  }

  push(json: string): void {
    // `bytes` is the string length: the ring has no byte budget here (mailboxCapacity bounds it).
    this.ring.append({ seq: this.ring.next, json, bytes: json.length });
  }

  /** Events with a number above `since`, oldest first. */
  readSince(since: number): MailboxRead {
    const read = this.ring.readSince(since);
    return { events: read.messages.map((e) => e.json), head: read.head, firstSeq: read.firstSeq, truncated: read.truncated };
  }

  /** Call `listener` after every push; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    return this.ring.subscribe(listener);
  }
}
