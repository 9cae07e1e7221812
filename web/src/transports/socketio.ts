/**
 * Socket.IO, with the real socket.io-client: namespace /feed, event `message`.
 *
 *   GET  /socket.io/?EIO=4&transport=polling          the handshake (engine.io session id)
 *   POST /socket.io/?EIO=4&transport=polling&sid=…    40/feed,{"since":42}     (join /feed; auth resumes)
 *   GET  …&sid=…                                      42/feed,["hello",{…}]␞42/feed,["message",{"seq":43,…}]
 *   GET  /socket.io/?EIO=4&transport=websocket&sid=…  the upgrade: 2probe / 3probe / 5, then one frame per packet
 *
 * By default the client starts on long polling, which always gets through,
 * and upgrades to WebSocket in the background; `websocketOnly` skips the
 * polling (and fails where a proxy refuses the upgrade). The client reconnects
 * by itself; `auth` is read on each attempt, so it asks after the last seq seen.
 */
import { t } from '../i18n/index.ts';
import { io, type Socket } from 'socket.io-client';
import {
  FeedPosition, feedUrl, isFeedMessage, isHttp2Only, isHello, nextRetryMs, RETRY_FIRST_MS, RETRY_MAX_MS, SINCE_AHEAD,
  type OnEvent, type OnMessage, type Transport, type TransportOptions,
} from './transport.ts';

/** Socket.IO's default (long polling, then the upgrade), or WebSocket only. */
export const SOCKETIO_TRANSPORTS = ['polling-then-websocket', 'websocket'] as const;
export type SocketioTransportChoice = (typeof SOCKETIO_TRANSPORTS)[number];

export interface SocketioOptions extends TransportOptions {
  /** Skip long polling: open a WebSocket straight away. Read at each start(). */
  readonly websocketOnly: boolean;
}

export function socketioTransport(options: SocketioOptions): Transport {
  const position = new FeedPosition(options.since, options.epoch);
  let socket: Socket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function start(onMessage: OnMessage, onEvent: OnEvent): void {
    if (socket) return;
    let asked: number | undefined;
    let retryMs: number | undefined;
    let lastError: string | undefined;
    // The URL's path is the namespace; its query (the page tag) goes on every engine.io request.
    const url = feedUrl('/feed', {}, options.base);
    const s = (socket = io(url, {
      transports: isHttp2Only(url) ? ['polling'] : options.websocketOnly ? ['websocket'] : ['polling', 'websocket'],
      auth: (cb) => {
        asked = position.lastSeq;
        cb(asked === undefined ? {} : { since: asked });
      },
      reconnectionDelay: RETRY_FIRST_MS,
      reconnectionDelayMax: RETRY_MAX_MS,
      forceNew: true,
    }));

    // Every HTTP request the client makes: the handshake, each poll, each POST, the upgrade.
    s.io.on('open', () => {
      onEvent({ type: 'request' });
      const engine = s.io.engine;
      const follow = (transport: typeof engine.transport) => {
        transport.on('poll', () => onEvent({ type: 'request' }));
        transport.on('drain', () => { if (transport.name === 'polling') onEvent({ type: 'request' }); });
      };
      follow(engine.transport);
      engine.on('upgrading', () => onEvent({ type: 'request' }));
    });
    s.io.on('reconnect_attempt', () => onEvent({ type: 'retry', reason: lastError ?? t('retry.reconnecting'), retryInMs: 0 }));

    s.on('hello', (hello: unknown) => {
      if (socket !== s || !isHello(hello)) return;
      if (!position.enter(hello.epoch, asked, hello.since, onEvent)) {
        // A new feed still had our seq: ask again from 0 (auth is read again on connect).
        s.disconnect().connect();
        return;
      }
      retryMs = undefined;
      onEvent({ type: 'open' });
    });
    s.on('message', (message: unknown) => {
      if (socket === s && isFeedMessage(message)) position.deliver(message, onMessage);
    });
    s.on('lab-error', (err: { error?: string; message?: string }) => { lastError = `${err.error}: ${err.message}`; });

    // A middleware refusal (bad since, lane full) or a server disconnect: Socket.IO does not retry those itself.
    const again = (reason: string, startOver = false) => {
      if (startOver) position.startOver();
      const wait = startOver ? 0 : (retryMs = nextRetryMs(retryMs));
      onEvent({ type: 'retry', reason, retryInMs: wait });
      timer = setTimeout(() => { if (socket === s) s.connect(); }, wait);
    };
    s.on('connect_error', (err: Error & { data?: { error?: string; message?: string } }) => {
      if (socket !== s || s.active) return; // Socket.IO retries network errors by itself
      again(err.data?.error ? `${err.data.error}: ${err.data.message}` : err.message, err.data?.error === SINCE_AHEAD);
    });
    s.on('disconnect', (reason) => {
      if (socket !== s) return;
      if (reason === 'io server disconnect') again(lastError ?? reason);
      else if (reason !== 'io client disconnect') onEvent({ type: 'retry', reason, retryInMs: undefined });
      lastError = undefined;
    });
  }

  function stop(): void {
    clearTimeout(timer);
    const s = socket;
    socket = undefined;
    s?.disconnect();
  }

  return { lane: 'socketio', start, stop, get lastSeq() { return position.lastSeq; } };
}
