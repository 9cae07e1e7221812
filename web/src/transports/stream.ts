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
import {
  feedUrl, isAbort, isFeedMessage, isHello, nextRetryMs, readLabError, retryAfterMs, SINCE_AHEAD,
  type OnEvent, type OnMessage, type Transport, type TransportOptions,
} from './transport.ts';

export function streamTransport(options: TransportOptions = {}): Transport {
  let lastSeq = options.since;
  let epoch = options.epoch; // the feed our seqs belong to
  let announced: string | undefined; // the epoch last reported with an 'epoch' event
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
      const asked = lastSeq;
      onEvent({ type: 'request' });
      try {
        const response = await fetch(feedUrl('/feed/stream', { since: asked }, options.base), { signal: controller.signal });
        if (!response.ok || !response.body) {
          const error = await readLabError(response);
          if (error.code === SINCE_AHEAD) {
            lastSeq = 0; // the server restarted: its feed counts from 1 again
            return again(0);
          }
          throw Object.assign(new Error(`${error.code}: ${error.message}`), { response });
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const lines = new NdjsonDecoder(); // keeps a half line until the rest arrives
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const line of lines.push(value)) {
            if (controller.signal.aborted) return; // stopped: a later request asks again from lastSeq
            if (isHello(line)) {
              if (line.epoch !== epoch && epoch !== undefined && asked !== 0) {
                // A new feed (server restart) that still had our seq: start over at 0.
                lastSeq = 0;
                epoch = undefined;
                await reader.cancel();
                return again(0);
              }
              epoch = line.epoch;
              if (announced !== epoch) {
                announced = epoch;
                onEvent({ type: 'epoch', epoch, since: line.since });
              }
              lastSeq ??= line.since;
              retryMs = undefined;
              onEvent({ type: 'open' });
            } else if (isFeedMessage(line)) {
              lastSeq = line.seq;
              onMessage(line);
            } else {
              onEvent({ type: 'heartbeat' });
            }
          }
        }
        throw new Error('the server ended the stream');
      } catch (err) {
        if (isAbort(err) || controller.signal.aborted) return; // stop() was called
        retryMs = nextRetryMs(retryMs);
        const response = (err as { response?: Response }).response;
        const wait = response?.status === 503 ? retryAfterMs(response, retryMs) : retryMs;
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

  return { lane: 'stream', start, stop, get lastSeq() { return lastSeq; } };
}
