/**
 * Long polling, the "hanging GET" (RFC 6202 §2): ask "anything after seq N?"
 * and let the server hold the question until there is news or `wait` ms pass.
 *
 *   GET /feed/longpoll?since=42&wait=25000   ...held...   ->  {"epoch":"…","messages":[{"seq":43,…}]}
 *
 * Then ask again at once. Latency is about one trip, but every message (or
 * every `wait` of silence) still costs a full request and response head, and
 * the held request occupies one of the browser's six connections per origin.
 */
import {
  FeedPosition, feedUrl, fetchFeed, isAbort, nextRetryMs, retryDelay,
  startOf, type OnEvent, type OnMessage, type PollEnvelope, type Transport, type TransportOptions,
} from './transport.ts';

export interface LongPollOptions extends TransportOptions {
  /** How long the server may hold a request with no news (RFC 6202 §5.5: ~30 s is safe). */
  waitMs: number;
}

export function longpollTransport(options: LongPollOptions): Transport {
  const position = new FeedPosition(options.since, options.epoch);
  let session: AbortController | undefined; // one per start(); stop() aborts the held request
  let timer: ReturnType<typeof setTimeout> | undefined;

  function start(onMessage: OnMessage, onEvent: OnEvent): void {
    if (session) return;
    const controller = (session = new AbortController());
    let retryMs: number | undefined;

    const again = (delayMs: number) => {
      if (!controller.signal.aborted) timer = setTimeout(ask, delayMs);
    };

    async function ask(): Promise<void> {
      const asked = position.lastSeq;
      onEvent({ type: 'request' });
      try {
        const url = feedUrl('/feed/longpoll', { since: asked, wait: options.waitMs }, options.base);
        const response = await fetchFeed(url, controller.signal, position);
        if (response === 'start over') return again(0);
        const answer = (await response.json()) as PollEnvelope;
        if (!position.enter(answer.epoch, asked, startOf(answer), onEvent)) return again(0);
        onEvent({ type: 'open' });
        retryMs = undefined;
        for (const message of answer.messages) position.deliver(message, onMessage);
        again(0); // news or a timeout: either way, hang the next question at once
      } catch (err) {
        if (isAbort(err)) return; // stop() was called
        retryMs = nextRetryMs(retryMs);
        const wait = retryDelay(err, retryMs);
        onEvent({ type: 'retry', reason: (err as Error).message, retryInMs: wait });
        again(wait);
      }
    }

    void ask();
  }

  function stop(): void {
    session?.abort();
    session = undefined;
    clearTimeout(timer);
  }

  return { lane: 'longpoll', start, stop, get lastSeq() { return position.lastSeq; } };
}
