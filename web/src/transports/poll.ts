/**
 * Short polling: ask "anything after seq N?" every interval, news or not.
 *
 *   GET /feed/poll?since=42   ->  {"epoch":"…","head":44,"more":false,"messages":[{"seq":43,…},{"seq":44,…}]}
 *
 * Most answers are empty, yet each one costs a full request and response head:
 * that is what the poll lane shows. A message waits on the server until the
 * next ask, so latency is up to one interval.
 */
import {
  feedUrl, isAbort, nextRetryMs, readLabError, retryAfterMs, SINCE_AHEAD,
  startOf, type OnEvent, type OnMessage, type PollEnvelope, type Transport, type TransportOptions,
} from './transport.ts';

export interface PollOptions extends TransportOptions {
  /** Time from the start of one request to the start of the next. */
  intervalMs: number;
}

export function pollTransport(options: PollOptions): Transport {
  let lastSeq = options.since;
  let epoch = options.epoch; // the feed our seqs belong to
  let announced: string | undefined; // the epoch last reported with an 'epoch' event
  let session: AbortController | undefined; // one per start(); stop() aborts it
  let timer: ReturnType<typeof setTimeout> | undefined;

  function start(onMessage: OnMessage, onEvent: OnEvent): void {
    if (session) return;
    const controller = (session = new AbortController());
    let retryMs: number | undefined;

    const again = (delayMs: number) => {
      if (!controller.signal.aborted) timer = setTimeout(poll, delayMs);
    };

    async function poll(): Promise<void> {
      const startedAt = performance.now();
      const asked = lastSeq;
      onEvent({ type: 'request' });
      try {
        const response = await fetch(feedUrl('/feed/poll', { since: asked }, options.base), { signal: controller.signal });
        if (!response.ok) {
          const error = await readLabError(response);
          if (error.code === SINCE_AHEAD) {
            lastSeq = 0; // the server restarted: its feed counts from 1 again
            return again(0);
          }
          throw Object.assign(new Error(`${error.code}: ${error.message}`), { response });
        }
        const answer = (await response.json()) as PollEnvelope;
        if (answer.epoch !== epoch) {
          if (epoch !== undefined && asked !== 0) {
            lastSeq = 0; // a new feed (server restart) that still had our seq: start over at 0
            epoch = undefined;
            return again(0);
          }
          epoch = answer.epoch;
        }
        if (announced !== epoch) {
          announced = epoch;
          onEvent({ type: 'epoch', epoch, since: asked ?? startOf(answer) });
        }
        lastSeq ??= startOf(answer);
        onEvent({ type: 'open' });
        retryMs = undefined;
        for (const message of answer.messages) {
          lastSeq = message.seq;
          onMessage(message);
        }
        // `more`: the answer was cut at the server's batch limit; ask again at once.
        // Otherwise the next ask is due one interval after this one started.
        again(answer.more ? 0 : Math.max(0, options.intervalMs - (performance.now() - startedAt)));
      } catch (err) {
        if (isAbort(err)) return; // stop() was called
        retryMs = nextRetryMs(retryMs);
        const response = (err as { response?: Response }).response;
        const wait = response?.status === 503 ? retryAfterMs(response, retryMs) : retryMs;
        onEvent({ type: 'retry', reason: (err as Error).message, retryInMs: wait });
        again(wait);
      }
    }

    void poll();
  }

  function stop(): void {
    session?.abort();
    session = undefined;
    clearTimeout(timer);
  }

  return { lane: 'poll', start, stop, get lastSeq() { return lastSeq; } };
}
