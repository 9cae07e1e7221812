/**
 * What an HTTP member has not read yet. WebSocket members get each event the
 * moment it happens; a long-poll or SSE member may be between requests, so its
 * events wait here, numbered from 1, and the client asks for those after the
 * last number it saw (the same resume rule as the feed, docs/protocol.md).
 * A ring buffer: past `capacity` unread events the oldest are dropped and the
 * reader is told so (`truncated`), never silently.
 */
export interface MailboxRead {
  events: string[];
  head: number;
  firstSeq: number;
  truncated: boolean;
}

export class Mailbox {
  private readonly ring: (string | undefined)[];
  private nextSeq = 1;
  private readonly listeners = new Set<() => void>();

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  get head(): number {
    return this.nextSeq - 1;
  }

  get firstSeq(): number {
    return Math.max(1, this.nextSeq - this.capacity);
  }

  push(json: string): void {
    this.ring[this.nextSeq % this.capacity] = json;
    this.nextSeq++;
    for (const listener of [...this.listeners]) listener();
  }

  /** Events with a number above `since`, oldest first. */
  readSince(since: number): MailboxRead {
    const head = this.head;
    const firstSeq = this.firstSeq;
    const events: string[] = [];
    for (let seq = Math.max(since + 1, firstSeq); seq <= head; seq++) events.push(this.ring[seq % this.capacity]!);
    return { events, head, firstSeq, truncated: since + 1 < firstSeq };
  }

  /** Call `listener` after every push; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
