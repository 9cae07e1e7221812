/**
 * WebSocket (RFC 6455): one HTTP request upgraded to a two-way connection.
 *
 *   GET /feed/ws?since=42   Upgrade: websocket   ->  101 Switching Protocols
 *   then text frames: {"type":"hello","epoch":"…","since":42,…}, {"seq":43,…}, {"seq":44,…}, …
 *
 * After the handshake each message costs a 2-byte frame header (4 past 125
 * bytes of payload, §5.2) instead of an HTTP head. WebSockets are not part of
 * the browser's six HTTP/1.1 connections per origin.
 */
import { mayOpenWebSocket } from '../h2/protocol.ts';
import { t } from '../i18n/index.ts';
import {
  FeedPosition, feedUrl, isFeedMessage, isHello, nextRetryMs, SINCE_AHEAD,
  type OnEvent, type OnMessage, type Transport, type TransportOptions,
} from './transport.ts';

/** RFC 6455 §7.4.1: 1000 is a normal closure. */
const NORMAL_CLOSURE = 1000;

export function wsTransport(options: TransportOptions = {}): Transport {
  const position = new FeedPosition(options.since, options.epoch);
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function start(onMessage: OnMessage, onEvent: OnEvent): void {
    if (socket) return;
    let retryMs: number | undefined;

    function connect(): void {
      const asked = position.lastSeq;
      const url = feedUrl('/feed/ws', { since: asked }, options.base, true);
      // The lab speaks WebSocket on its http port only; an https page elsewhere than on
      // the lab's own computer may not open ws:// there (mixed content): say so, once.
      if (!mayOpenWebSocket(new URL(url))) return onEvent({ type: 'unavailable', reason: t('laneCard.unavailableMixed', { url: new URL('/', url.replace(/^ws/, 'http')).href }) });
      const ws = (socket = new WebSocket(url));
      onEvent({ type: 'request' }); // the upgrade request: the only one while the socket lives
      let startOver = false;

      ws.onmessage = (event: MessageEvent<string>) => {
        if (socket !== ws) return; // stopped: a later connection asks again from lastSeq
        const value: unknown = JSON.parse(event.data);
        if (isHello(value)) {
          if (!position.enter(value.epoch, asked, value.since, onEvent)) {
            startOver = true;
            return ws.close(NORMAL_CLOSURE, 'starting over');
          }
          retryMs = undefined;
          onEvent({ type: 'open' });
        } else if (isFeedMessage(value)) {
          position.deliver(value, onMessage);
        }
      };

      ws.onclose = (event) => {
        if (socket !== ws) return; // stop() was called
        // The lab closes with a code and "LAB_ERR_…: text" as the reason (1008, 1013, 1001, …).
        let wait = (retryMs = nextRetryMs(retryMs));
        if (startOver || event.reason.startsWith(SINCE_AHEAD)) {
          position.startOver();
          wait = 0;
        }
        onEvent({ type: 'retry', reason: `closed ${event.code} ${event.reason}`.trim(), retryInMs: wait });
        timer = setTimeout(connect, wait); // resume after lastSeq: nothing lost, nothing twice
      };
    }

    connect();
  }

  function stop(): void {
    clearTimeout(timer);
    const ws = socket;
    socket = undefined;
    if (!ws) return;
    // Closing a socket that is still connecting makes the browser log an error; close it once open.
    if (ws.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(NORMAL_CLOSURE, 'stopped');
    else ws.close(NORMAL_CLOSURE, 'stopped');
  }

  return { lane: 'ws', start, stop, get lastSeq() { return position.lastSeq; } };
}
