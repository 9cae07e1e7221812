/**
 * SockJS, with the real sockjs-client at /sockjs/feed.
 *
 *   GET /sockjs/feed/info?since=42                       can WebSocket work? (and a session's entropy)
 *   then one transport, the best that works here, e.g.
 *   GET /sockjs/feed/<server>/<session>/websocket?since=42  ->  o, a["{\"type\":\"hello\",…}"], a["{\"seq\":43,…}"], h
 *
 * Each feed message is one SockJS message: its JSON as a string. `transport`
 * forces one of SockJS's transports (websocket, xhr-streaming, eventsource,
 * xhr-polling) so their costs can be compared; `auto` lets SockJS choose and
 * fall back. SockJS does not reconnect by itself: after a close this client
 * connects again with `?since=` its last seq.
 */
import SockJS from 'sockjs-client';
import {
  FeedPosition, feedUrl, isFeedMessage, isHello, isHttp2Only, nextRetryMs, SINCE_AHEAD,
  type OnEvent, type OnMessage, type Transport, type TransportOptions,
} from './transport.ts';

export const SOCKJS_TRANSPORTS = ['auto', 'websocket', 'xhr-streaming', 'eventsource', 'xhr-polling'] as const;
export type SockjsTransportChoice = (typeof SOCKJS_TRANSPORTS)[number];

export interface SockjsOptions extends TransportOptions {
  /** Read at each connect. */
  readonly transport: SockjsTransportChoice;
}

export function sockjsTransport(options: SockjsOptions): Transport {
  const position = new FeedPosition(options.since, options.epoch);
  let socket: InstanceType<typeof SockJS> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  let observer: PerformanceObserver | undefined;

  function start(onMessage: OnMessage, onEvent: OnEvent): void {
    if (socket) return;
    let retryMs: number | undefined;
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const path = new URL(entry.name).pathname;
        if (path.startsWith('/sockjs/feed/') && !path.endsWith('/info') && !path.endsWith('/websocket')) onEvent({ type: 'request' });
      }
    });
    observer.observe({ type: 'resource' });

    function connect(): void {
      const asked = position.lastSeq;
      const choice = options.transport;
      const url = feedUrl('/sockjs/feed', { since: asked }, options.base);
      // Over https only the HTTP transports can work (no WebSocket on an HTTP/2-only port), whatever was picked.
      const httpOnly = isHttp2Only(url) && (choice === 'auto' || choice === 'websocket');
      const s = (socket = new SockJS(url, undefined, httpOnly ? { transports: SOCKJS_TRANSPORTS.filter((t) => t !== 'auto' && t !== 'websocket') }
        : choice !== 'auto' ? { transports: [choice] } : {}));
      onEvent({ type: 'request' }); // GET /info, which every connect starts with
      let startOver = false;
      // A WebSocket is one more request (the upgrade); the HTTP transports' own requests are
      // counted from the browser's resource timing as each one completes.
      s.onopen = () => { if ((s as unknown as { transport?: string }).transport === 'websocket') onEvent({ type: 'request' }); };

      s.onmessage = (event: { data: string }) => {
        if (socket !== s) return;
        const value: unknown = JSON.parse(event.data);
        if (isHello(value)) {
          if (!position.enter(value.epoch, asked, value.since, onEvent)) {
            startOver = true;
            return s.close();
          }
          retryMs = undefined;
          onEvent({ type: 'open' });
        } else if (isFeedMessage(value)) {
          position.deliver(value, onMessage);
        }
      };
      s.onclose = (event: { code: number; reason: string }) => {
        if (socket !== s) return; // stop() was called
        let wait = (retryMs = nextRetryMs(retryMs));
        if (startOver || event.reason.startsWith(SINCE_AHEAD)) {
          position.startOver();
          wait = 0;
        }
        onEvent({ type: 'retry', reason: `closed ${event.code} ${event.reason}`.trim(), retryInMs: wait });
        timer = setTimeout(connect, wait);
      };
    }

    connect();
  }

  function stop(): void {
    observer?.disconnect();
    clearTimeout(timer);
    const s = socket;
    socket = undefined;
    s?.close();
  }

  return { lane: 'sockjs', start, stop, get lastSeq() { return position.lastSeq; } };
}
