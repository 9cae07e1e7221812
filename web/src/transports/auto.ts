/**
 * An "auto" client: try the best transport first and fall back, one by one,
 * when it fails. This is the idea behind SockJS (WebSocket, then streaming,
 * then polling) and Socket.IO, which exist because a proxy or a firewall can
 * refuse `Upgrade: websocket` (and did, often) or buffer a stream.
 *
 *   const auto = autoTransport({ onAttempt, onConnected, onMessage });
 *   auto.start();   // ws … failed (403) → sse … connected
 *   auto.stop();
 *
 * Each attempt is one of the lab's own lane clients (./index.ts), unchanged.
 * An attempt succeeds when its lane says `open` (the server's hello, or the
 * first poll answer); it fails when the lane reports a `retry` before that,
 * or when nothing happens within `attemptTimeoutMs` (a buffering proxy holds
 * the hello back, and a stuck attempt would otherwise wait forever).
 *
 * The order is a trade-off. Trying WebSocket first is fastest when it works,
 * but a proxy that lets the handshake hang costs the whole timeout (the
 * Socket.IO docs speak of 10 s or more). Socket.IO therefore starts on long
 * polling, which always works, and upgrades to WebSocket in the background.
 */
import type { LaneId } from '../../../src/lanes.ts';
import { createTransport, type LaneSettings } from './index.ts';
import type { FeedMessage, Transport, TransportOptions } from './transport.ts';
import { t } from '../i18n/index.ts';

/** Best first: one socket for both directions, then one held response, then a request per message. */
export const FALLBACK_ORDER: readonly LaneId[] = ['ws', 'sse', 'longpoll', 'poll'];

/** How long one attempt may take to say `open` before the next transport is tried. */
export const ATTEMPT_TIMEOUT_MS = 3_000;

export interface Attempt {
  lane: LaneId;
  /** ms since start() */
  startedAtMs: number;
  outcome: 'trying' | 'connected' | 'failed' | 'timed out';
  /** How long it took to connect or to fail. */
  durationMs: number | undefined;
  /** Why it failed, in the lane client's own words (e.g. "closed 1006"). */
  reason: string | undefined;
}

export interface AutoOptions extends TransportOptions {
  order?: readonly LaneId[];
  attemptTimeoutMs?: number;
  settings?: LaneSettings;
  /** Called whenever an attempt starts or ends. */
  onAttempt?: (attempt: Attempt, all: readonly Attempt[]) => void;
  /** The transport that worked, `afterMs` after start(). */
  onConnected?: (lane: LaneId, afterMs: number) => void;
  /** Every feed message; `afterMs` is since start(). */
  onMessage?: (message: FeedMessage, lane: LaneId, afterMs: number) => void;
  /** Every transport failed. */
  onGaveUp?: (attempts: readonly Attempt[]) => void;
  /** Makes the lane clients (tests pass fakes). */
  create?: (lane: LaneId, options: TransportOptions, settings: LaneSettings) => Transport;
}

export interface AutoClient {
  start(): void;
  stop(): void;
  readonly attempts: readonly Attempt[];
  /** The transport in use once connected. */
  readonly lane: LaneId | undefined;
}

const DEFAULT_SETTINGS: LaneSettings = { pollIntervalMs: 1_000, longpollWaitMs: 25_000 };

export function autoTransport(options: AutoOptions = {}): AutoClient {
  const order = options.order ?? FALLBACK_ORDER;
  const timeoutMs = options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const create = options.create ?? createTransport;
  let attempts: Attempt[] = [];
  let current: Transport | undefined;
  let connected: LaneId | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let startedAt = 0;
  let run = 0; // bumped by start() and stop(): callbacks of an older run are ignored

  const elapsed = () => performance.now() - startedAt;

  function attempt(index: number, myRun: number): void {
    const lane = order[index];
    if (lane === undefined) {
      current = undefined;
      options.onGaveUp?.(attempts);
      return;
    }
    const record: Attempt = { lane, startedAtMs: elapsed(), outcome: 'trying', durationMs: undefined, reason: undefined };
    attempts.push(record);
    options.onAttempt?.(record, attempts);

    const transport = (current = create(lane, { since: options.since, epoch: options.epoch, base: options.base }, options.settings ?? DEFAULT_SETTINGS));
    const live = () => myRun === run && current === transport;

    const fail = (outcome: 'failed' | 'timed out', reason: string) => {
      clearTimeout(timer);
      record.outcome = outcome;
      record.durationMs = elapsed() - record.startedAtMs;
      record.reason = reason;
      options.onAttempt?.(record, attempts);
      // Stop after the lane client has finished handling its own failure
      // (it schedules its retry right after telling us), then try the next one.
      queueMicrotask(() => {
        transport.stop();
        if (live()) attempt(index + 1, myRun);
      });
    };

    transport.start(
      (message) => {
        if (live()) options.onMessage?.(message, lane, elapsed());
      },
      (event) => {
        if (!live()) return;
        if (event.type === 'open' && record.outcome === 'trying') {
          clearTimeout(timer);
          record.outcome = 'connected';
          record.durationMs = elapsed() - record.startedAtMs;
          connected = lane;
          options.onAttempt?.(record, attempts);
          options.onConnected?.(lane, elapsed());
        } else if ((event.type === 'retry' || event.type === 'unavailable') && record.outcome === 'trying') {
          fail('failed', event.reason);
        }
        // After `open`, a drop is the lane client's business: it reconnects and resumes by itself.
      },
    );
    timer = setTimeout(() => {
      if (live() && record.outcome === 'trying') fail('timed out', t('fc.noAnswer', { ms: timeoutMs }));
    }, timeoutMs);
  }

  return {
    start() {
      this.stop();
      attempts = [];
      connected = undefined;
      startedAt = performance.now();
      attempt(0, ++run);
    },
    stop() {
      run++;
      clearTimeout(timer);
      current?.stop();
      current = undefined;
      connected = undefined;
    },
    get attempts() { return attempts; },
    get lane() { return connected; },
  };
}
