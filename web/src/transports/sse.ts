/**
 * Server-Sent Events, read by the browser's own EventSource.
 *
 *   GET /feed/sse?since=42   ->  200, Content-Type: text/event-stream
 *   retry: 2000
 *
 *   event: hello
 *   data: {"type":"hello","epoch":"…","since":42,…}
 *
 *   id: 43
 *   data: {"seq":43,"ts":…,"data":…}
 *
 * EventSource parses the stream and reconnects by itself. Because each event's
 * `id:` is its seq, a reconnect carries `Last-Event-ID: 43` and the server goes
 * on from 44: resuming without gaps or duplicates is built into the protocol.
 * The held response occupies one of the browser's six connections per origin.
 */
import { t } from '../i18n/index.ts';
import {
  FeedPosition, feedUrl, isAbort, isFeedMessage, isHello, nextRetryMs, readLabError, retryAfterMs, RETRY_FIRST_MS, SINCE_AHEAD,
  type OnEvent, type OnMessage, type Transport, type TransportOptions,
} from './transport.ts';

export function sseTransport(options: TransportOptions = {}): Transport {
  const position = new FeedPosition(options.since, options.epoch);
  let source: EventSource | undefined;
  let probe: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  function start(onMessage: OnMessage, onEvent: OnEvent): void {
    if (running) return;
    running = true;
    let retryMs: number | undefined;

    function open(): void {
      if (!running) return;
      // `since` only matters for this first request: EventSource's reconnects send Last-Event-ID, which wins.
      const asked = position.lastSeq;
      const es = (source = new EventSource(feedUrl('/feed/sse', { since: asked }, options.base)));
      onEvent({ type: 'request' });

      es.addEventListener('hello', (event) => {
        const hello: unknown = JSON.parse(event.data);
        if (!isHello(hello)) return;
        if (!position.enter(hello.epoch, asked, hello.since, onEvent)) {
          es.close();
          return open();
        }
        retryMs = undefined;
        onEvent({ type: 'open' });
      });

      // Unnamed events (no `event:` line) are feed messages.
      es.onmessage = (event) => {
        const message: unknown = JSON.parse(event.data);
        if (!isFeedMessage(message)) return;
        position.deliver(message, onMessage); // its seq equals event.lastEventId: the id EventSource will send back
      };

      es.onerror = () => {
        if (es.readyState === EventSource.CONNECTING) {
          // A dropped connection: EventSource reconnects after the server's `retry:` delay.
          onEvent({ type: 'retry', reason: t('retry.sseDropped') });
          onEvent({ type: 'request' });
          return;
        }
        // CLOSED: the server answered with an error status and EventSource gave up for good.
        es.close();
        void diagnose();
      };
    }

    /**
     * EventSource hides the status and body of a failed response, so ask once
     * with fetch to read the lab's error, then decide how to go on.
     */
    async function diagnose(): Promise<void> {
      const controller = (probe = new AbortController());
      retryMs = nextRetryMs(retryMs);
      onEvent({ type: 'request' });
      try {
        const response = await fetch(feedUrl('/feed/sse', { since: position.lastSeq }, options.base), { signal: controller.signal });
        let wait = RETRY_FIRST_MS;
        let reason = t('retry.reachableAgain');
        if (response.ok) {
          controller.abort(); // we only wanted the status; the EventSource will do the reading
        } else {
          const error = await readLabError(response);
          reason = `${error.code}: ${error.message}`;
          if (error.code === SINCE_AHEAD) {
            position.startOver();
            wait = 0;
          } else {
            wait = response.status === 503 ? retryAfterMs(response, retryMs) : retryMs;
          }
        }
        onEvent({ type: 'retry', reason, retryInMs: wait });
        timer = setTimeout(open, wait);
      } catch (err) {
        if (isAbort(err) || !running) return;
        onEvent({ type: 'retry', reason: (err as Error).message, retryInMs: retryMs });
        timer = setTimeout(open, retryMs);
      }
    }

    open();
  }

  function stop(): void {
    running = false;
    source?.close();
    source = undefined;
    probe?.abort();
    clearTimeout(timer);
  }

  return { lane: 'sse', start, stop, get lastSeq() { return position.lastSeq; } };
}
