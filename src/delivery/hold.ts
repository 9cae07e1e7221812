/**
 * The held long poll (RFC 6202 §2), once for every long-poll endpoint (the
 * `longpoll` lane and the chat's): when nothing newer exists, the request
 * waits until its source has something, or `waitMs` pass, or the lab closes
 * it, and then `answer` runs exactly once (unless the client went away).
 */
import type { FastifyReply } from 'fastify';
import type { Held, HeldHandlers } from './held.ts';

export interface HeldPoll {
  /** Answer now (a newer poll replaced this one). */
  finish(): void;
}

/** Hold `reply` in a slot from `admit` (which throws LAB_ERR_LANE_BUSY -> 503 when the lane is full). */
export function holdPoll(
  admit: (handlers: HeldHandlers) => Held, reply: FastifyReply,
  source: { subscribe(listener: () => void): () => void },
  waitMs: number, answer: () => void,
): HeldPoll {
  const slot = admit({ close: () => finish() });
  const unsubscribe = source.subscribe(() => finish());
  const timer = setTimeout(finish, waitMs);
  let done = false;
  reply.raw.on('close', cleanup); // the client gave up, or the answer went out
  function cleanup() {
    if (done) return;
    done = true;
    clearTimeout(timer);
    unsubscribe();
    slot.release();
  }
  function finish() {
    if (done) return;
    cleanup();
    if (!reply.sent && !reply.raw.destroyed) answer();
  }
  return { finish };
}
