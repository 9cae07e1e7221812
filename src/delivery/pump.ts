/**
 * Moves messages from a numbered source (the feed, a chat mailbox) to one
 * pushing consumer (stream, sse, ws, chat SSE) in seq order, respecting
 * backpressure.
 *
 * The source is a ring buffer, so a consumer whose socket is full does not
 * need a queue of its own: the pump stops writing, remembers the last seq it
 * sent, and on drain reads the rest back from the ring. Server memory per slow
 * consumer stays bounded by the socket's high-water mark; one that falls
 * `maxLag` messages behind (or off the ring) is disconnected and can resume
 * with `since`.
 *
 * Hot path (issue 15, item 3): an up-to-date consumer gets each new message
 * through `sendOne`, with no array or closure allocated per message.
 */
import type { Sequenced, SequencedSource } from '../feed/ring.ts';
import type { FeedMessage } from '../feed/feed.ts';

export interface PumpTarget<M extends Sequenced = FeedMessage> {
  /**
   * Encode and write these messages (one write per call). May return whether
   * the consumer is still under the high-water mark (an Outlet's answer);
   * otherwise the pump compares `bufferedBytes()` with `highWaterBytes`.
   */
  send(batch: readonly M[]): boolean | void;
  /** The same for one message, without a batch array (optional fast path). */
  sendOne?(message: M): boolean | void;
  /** Bytes accepted but not yet handed to the kernel. */
  bufferedBytes(): number;
  /** Call `resume` once, when the buffer has drained. */
  onceDrained(resume: () => void): void;
  /** The consumer is too slow: disconnect it. */
  tooSlow(): void;
}

export interface PumpLimits {
  highWaterBytes: number;
  maxLag: number;
  maxBatch: number;
}

/** Starts delivering messages after `since`; returns a function that stops it. */
export function startPump<M extends Sequenced>(source: SequencedSource<M>, since: number, target: PumpTarget<M>, limits: PumpLimits): () => void {
  // A `since` older than the ring buffer starts at the oldest message kept
  // (the lane's hello has already said `truncated`).
  let lastSeq = Math.max(since, source.firstSeq - 1);
  let blocked = false;
  let stopped = false;

  const wrote = (ok: boolean | void) => {
    if (stopped) return;
    if (ok === false || (ok === undefined && target.bufferedBytes() > limits.highWaterBytes)) {
      blocked = true;
      target.onceDrained(resume);
    }
  };

  const resume = () => {
    blocked = false;
    if (!stopped) catchUp();
  };

  const catchUp = () => {
    while (!blocked && !stopped) {
      // A catch-up write is at most about one high-water mark of bytes (60 KB messages, issue 10).
      const read = source.readSince(lastSeq, limits.maxBatch, limits.highWaterBytes);
      if (read.truncated) return giveUp();
      if (read.messages.length === 0) return;
      lastSeq = read.messages[read.messages.length - 1]!.seq;
      wrote(target.send(read.messages));
    }
  };

  const giveUp = () => {
    stop();
    target.tooSlow();
  };

  const unsubscribe = source.subscribe((message) => {
    if (blocked) {
      if (source.head - lastSeq > limits.maxLag) giveUp();
      return;
    }
    if (message.seq !== lastSeq + 1) return catchUp();
    // The common case: the consumer is up to date, so send just this message.
    lastSeq = message.seq;
    wrote(target.sendOne ? target.sendOne(message) : target.send([message]));
  });

  const stop = () => {
    stopped = true;
    unsubscribe();
  };

  catchUp();
  return stop;
}
