/**
 * Resume rules shared by every lane (docs/protocol.md, "Resuming"):
 * a client names the last seq it has; the lane sends what comes after it.
 * No `since` means "from now on" (the current head).
 */
import { LabError, type ErrorCode } from '../errors.ts';
import type { Feed } from '../feed/feed.ts';

const DIGITS = /^[0-9]{1,15}$/;

export function parseSince(raw: unknown, feed: Feed, code: ErrorCode = 'LAB_ERR_SINCE_INVALID'): number {
  if (raw === undefined || raw === '') return feed.head;
  if (typeof raw !== 'string' || !DIGITS.test(raw)) throw new LabError(code);
  const since = Number(raw);
  if (since > feed.head) {
    throw new LabError('LAB_ERR_SINCE_AHEAD', `\`since\` ${since} is beyond the newest message ${feed.head} (epoch ${feed.epoch}; did the server restart?)`);
  }
  return since;
}

/** `wait` for long polling: an integer number of ms, capped at `max`. */
export function parseWait(raw: unknown, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !DIGITS.test(raw)) throw new LabError('LAB_ERR_WAIT_INVALID');
  return Math.min(Number(raw), max);
}
