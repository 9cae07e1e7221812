/**
 * HTTP streaming: one request, one response that never ends, one JSON text per line (NDJSON).
 *
 *   GET /feed/stream?since=42   ->  200, Content-Type: application/x-ndjson, chunked
 *   {"type":"hello","epoch":"…","since":42,…}
 *   {"seq":43,"ts":…,"data":…}
 *   {"type":"heartbeat","ts":…}          (after a quiet spell)
 *
 * fetch() hands us the body as a stream of chunks. Chunks are not messages: a
 * proxy may merge or split them (RFC 6202 §3.2), so we split lines ourselves.
 * The held response occupies one of the browser's six connections per origin.
 */
import { NdjsonDecoder } from '../../../src/framing/ndjson.ts';
import { t } from '../i18n/index.ts';
import {
  FeedPosition, feedUrl, fetchFeed, isAbort, isFeedMessage, isHello, nextRetryMs, retryDelay,
  type OnEvent, type OnMessage, type Transport, type TransportOptions,
} from './transport.ts';

export function streamTransport(options: TransportOptions = {}): Transport {
  const position = new FeedPosition(options.since, options.epoch);
  let session: AbortController | undefined; // one per start(); stop() aborts the response
  let timer: ReturnType<typeof setTimeout> | undefined;

  function start(onMessage: OnMessage, onEvent: OnEvent): void {
    if (session) return;
    const controller = (session = new AbortController());
    let retryMs: number | undefined;

    const again = (delayMs: number) => {
      if (!controller.signal.aborted) timer = setTimeout(connect, delayMs);
    };

    async function connect(): Promise<void> {
      const asked = position.lastSeq;
      onEvent({ type: 'request' });
      try {
        const response = await fetchFeed(feedUrl('/feed/stream', { since: asked }, options.base), controller.signal, position);
        if (response === 'start over') return again(0);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const lines = new NdjsonDecoder(); // keeps a half line until the rest arrives
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const line of lines.push(value)) {
            if (controller.signal.aborted) return; // stopped: a later request asks again from lastSeq
            if (isHello(line)) {
              if (!position.enter(line.epoch, asked, line.since, onEvent)) {
                await reader.cancel();
                return again(0);
              }
              retryMs = undefined;
              onEvent({ type: 'open' });
            } else if (isFeedMessage(line)) {
              position.deliver(line, onMessage);
            } else {
              onEvent({ type: 'heartbeat' });
            }
          }
        }
        throw new Error(t('retry.streamEnded'));
      } catch (err) {
        if (isAbort(err) || controller.signal.aborted) return; // stop() was called
        retryMs = nextRetryMs(retryMs);
        const wait = retryDelay(err, retryMs);
        onEvent({ type: 'retry', reason: (err as Error).message, retryInMs: wait });
        again(wait); // resume after lastSeq: nothing lost, nothing twice
      }
    }

    void connect();
  }

  function stop(): void {
    session?.abort();
    session = undefined;
    clearTimeout(timer);
  }

  return { lane: 'stream', start, stop, get lastSeq() { return position.lastSeq; } };
}
