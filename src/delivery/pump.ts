/**
 * Moves feed messages to one pushing consumer (stream, sse, ws) in seq order,
 * respecting backpressure.
 *
 * The feed is a ring buffer, so a consumer whose socket is full does not need a
 * queue of its own: the pump stops writing, remembers the last seq it sent, and
 * on drain reads the rest back from the feed. Server memory per slow consumer
 * stays bounded by the socket's high-water mark; one that falls `maxLag`
 * messages behind (or off the ring) is disconnected and can resume with `since`.
 */
import type { Feed, FeedMessage } from '../feed/feed.ts';

export interface PumpTarget {
  /** Encode and write these messages (one write per call). */
  send(batch: readonly FeedMessage[]): void;
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
export function startPump(feed: Feed, since: number, target: PumpTarget, limits: PumpLimits): () => void {
  // A `since` older than the ring buffer starts at the oldest message kept
  // (the lane's hello has already said `truncated`).
  let lastSeq = Math.max(since, feed.firstSeq - 1);
  let blocked = false;
  let stopped = false;

  const deliver = (batch: readonly FeedMessage[]) => {
    target.send(batch);
    lastSeq = batch[batch.length - 1]!.seq;
    if (target.bufferedBytes() > limits.highWaterBytes) {
      blocked = true;
      target.onceDrained(() => {
        blocked = false;
        if (!stopped) catchUp();
      });
    }
  };

  const catchUp = () => {
    while (!blocked && !stopped) {
      const read = feed.readSince(lastSeq, limits.maxBatch);
      if (read.truncated) return giveUp();
      if (read.messages.length === 0) return;
      deliver(read.messages);
    }
  };

  const giveUp = () => {
    stop();
    target.tooSlow();
  };

  const unsubscribe = feed.subscribe((message) => {
    if (blocked) {
      if (feed.head - lastSeq > limits.maxLag) giveUp();
      return;
    }
    // The common case: the consumer is up to date, so send just this message.
    if (message.seq === lastSeq + 1) deliver([message]);
    else catchUp();
  });

  const stop = () => {
    stopped = true;
    unsubscribe();
  };

  catchUp();
  return stop;
}
