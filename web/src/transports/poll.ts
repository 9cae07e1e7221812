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
  FeedPosition, feedUrl, fetchFeed, isAbort, nextRetryMs, retryDelay,
  startOf, type OnEvent, type OnMessage, type PollEnvelope, type Transport, type TransportOptions,
} from './transport.ts';

export interface PollOptions extends TransportOptions {
  /** Time from the start of one request to the start of the next. */
  intervalMs: number;
}

export function pollTransport(options: PollOptions): Transport {
  const position = new FeedPosition(options.since, options.epoch);
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
      const asked = position.lastSeq;
      onEvent({ type: 'request' });
      try {
        const response = await fetchFeed(feedUrl('/feed/poll', { since: asked }, options.base), controller.signal, position);
        if (response === 'start over') return again(0);
        const answer = (await response.json()) as PollEnvelope;
        if (!position.enter(answer.epoch, asked, startOf(answer), onEvent)) return again(0);
        onEvent({ type: 'open' });
        retryMs = undefined;
        for (const message of answer.messages) position.deliver(message, onMessage);
        // `more`: the answer was cut at the server's batch limit; ask again at once.
        // Otherwise the next ask is due one interval after this one started.
        again(answer.more ? 0 : Math.max(0, options.intervalMs - (performance.now() - startedAt)));
      } catch (err) {
        if (isAbort(err)) return; // stop() was called
        retryMs = nextRetryMs(retryMs);
        const wait = retryDelay(err, retryMs);
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

  return { lane: 'poll', start, stop, get lastSeq() { return position.lastSeq; } };
}
