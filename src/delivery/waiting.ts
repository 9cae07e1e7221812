/**
 * Held long polls of one source (the feed, or one chat mailbox), all on one
 * list. The source's next message answers the whole list at once; one timer,
 * set for the earliest deadline, answers those whose `wait` ran out. A held
 * request then costs one small record and its slot (HeldConnections), not a
 * subscription and a timer of its own: at 1,000 long-polling clients and 10
 * messages/s that is 10,000 fewer subscribe/unsubscribe pairs and timers a second.
 */
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Held, HeldHandlers } from './held.ts';

/** What a long poll waits on: anything that says when it has something new. */
export interface WaitSource {
  subscribe(listener: () => void): () => void;
}

export interface WaitingPoll {
  /** Answer now (e.g. a newer poll replaced this one). */
  finish(): void;
}

interface Entry {
  reply: FastifyReply;
  until: number;
  answer: () => void;
  slot: Held;
  list: WaitingList;
  done: boolean;
}

const kEntry = Symbol('waitingEntry');
type Marked = ServerResponse & { [kEntry]?: Entry };

/** The client gave up, or the answer went out: one shared listener, no closure per request. */
function onResponseClose(this: Marked): void {
  const entry = this[kEntry];
  if (entry) entry.list.forget(entry);
}

export class WaitingList {
  private entries = new Set<Entry>();
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;

  constructor(source: WaitSource) {
    // For the source's lifetime: the list is kept beside its source (hold.ts) and goes with it.
    source.subscribe(() => this.answerAll());
  }

  /**
   * Hold `reply` until the source has something new or `waitMs` pass; then `answer`
   * runs once, unless the client went away. `admit` takes the slot (and throws
   * LAB_ERR_LANE_BUSY -> 503 when the lane is full); closing the slot answers at once.
   */
  add(admit: (handlers: HeldHandlers) => Held, reply: FastifyReply, waitMs: number, answer: () => void): WaitingPoll {
    const entry: Entry = { reply, until: Date.now() + waitMs, answer, slot: undefined as unknown as Held, list: this, done: false };
    entry.slot = admit({ close: () => this.finish(entry) });
    this.entries.add(entry);
    (reply.raw as Marked)[kEntry] = entry;
    reply.raw.on('close', onResponseClose);
    if (entry.until < this.timerDue) this.arm(entry.until);
    return { finish: () => this.finish(entry) };
  }

  get size(): number {
    return this.entries.size;
  }

  /** It no longer waits: its response closed. */
  forget(entry: Entry): void {
    if (entry.done) return;
    entry.done = true;
    this.entries.delete(entry);
    entry.slot.release();
  }

  private finish(entry: Entry): void {
    if (entry.done) return;
    this.forget(entry);
    if (!entry.reply.sent && !entry.reply.raw.destroyed) entry.answer();
  }

  private answerAll(): void {
    if (this.entries.size === 0) return;
    const entries = this.entries;
    this.entries = new Set();
    for (const entry of entries) this.finish(entry);
  }

  /** Answer every request whose wait ran out, then wait for the next deadline. */
  private expire(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const entry of this.entries) {
      if (entry.until <= now) this.finish(entry);
      else next = Math.min(next, entry.until);
    }
    if (next < Infinity) this.arm(next);
  }

  private arm(due: number): void {
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.expire(), Math.max(0, due - Date.now()));
    this.timer.unref();
  }
}
