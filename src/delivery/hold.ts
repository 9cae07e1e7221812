/**
 * The held long poll (RFC 6202 §2), once for every long-poll endpoint (the
 * `longpoll` lane and the chat's): when nothing newer exists, the request
 * waits until its source has something, or `waitMs` pass, or the lab closes
 * it, and then `answer` runs exactly once (unless the client went away).
 * Every poll held on one source waits on that source's one list (waiting.ts).
 */
import type { FastifyReply } from 'fastify';
import type { Held, HeldHandlers } from './held.ts';
import { WaitingList, type WaitSource, type WaitingPoll } from './waiting.ts';

export type HeldPoll = WaitingPoll;

const lists = new WeakMap<WaitSource, WaitingList>();

/** Hold `reply` in a slot from `admit` (which throws LAB_ERR_LANE_BUSY -> 503 when the lane is full). */
export function holdPoll(
  admit: (handlers: HeldHandlers) => Held, reply: FastifyReply,
  source: WaitSource,
  waitMs: number, answer: () => void,
): HeldPoll {
  let list = lists.get(source);
  if (!list) lists.set(source, (list = new WaitingList(source)));
  return list.add(admit, reply, waitMs, answer);
}
