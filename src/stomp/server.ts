/**
 * STOMP 1.2 over WebSocket, at GET /stomp with `Sec-WebSocket-Protocol: v12.stomp`.
 *
 * WebSocket moves messages and says nothing of what is in them; STOMP is one
 * agreement on top (commands, header lines, a blank line, a body ended by NUL).
 * One STOMP frame travels as one WebSocket message, and a heart-beat as a
 * message holding a single LF.
 *
 * Destinations are topics, `/topic/<name>`. `/topic/feed` is the lab's feed:
 * every feed message is published there (body = the message JSON, the same
 * bytes the five lanes send), and a SEND to it with body `{"data": ...}`
 * publishes to the feed, as a `ws` lane client can.
 *
 * The frame codec is frame.ts, the protocol state machine session.ts, the
 * routing broker.ts; this file only joins a WebSocket to a session.
 */
import { randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { truncateUtf8 } from '../errors.ts';
import { StompError, STOMP_ERRORS } from './errors.ts';
import { StompBroker } from './broker.ts';
import { StompSession, type StompTransport } from './session.ts';
import { resolveStompLimits, type StompLimits } from './limits.ts';
import { encodeFrame, type Header } from './frame.ts';
import { guardedHandler } from '../faults.ts';
import { parseJson } from '../validate/json.ts';

/** The one sub-protocol this endpoint speaks (the names @stomp/stompjs offers are v10/v11/v12.stomp). */
export const STOMP_SUBPROTOCOL = 'v12.stomp';
export const FEED_DESTINATION = '/topic/feed';

export interface StompPluginOptions {
  /** Overrides of STOMP_LIMITS (src/stomp/limits.ts). */
  limits?: Partial<StompLimits>;
}

export async function stompPlugin(app: FastifyInstance, opts: StompPluginOptions = {}): Promise<void> {
  const { feed, options, held } = app.lab;
  const ticker = held.ticker;
  const limits = resolveStompLimits(opts.limits, options.maxWsMessageBytes);
  const broker = new StompBroker();

  const feedHeaders: Header[] = [['content-type', 'application/json']];
  const stopFeed = feed.subscribe((message) => {
    if (broker.subscriberCount(FEED_DESTINATION) > 0) broker.publish(FEED_DESTINATION, feedHeaders, Buffer.from(message.json));
  });
  // Which socket each session rides on: a SEND to the feed counts against its connection's publish rate.
  const sockets = new WeakMap<object, Socket>();
  broker.handle(FEED_DESTINATION, (body, _headers, sender) => {
    const data = parseFeedBody(body, options.maxJsonDepth);
    const socket = typeof sender === 'object' && sender !== null ? sockets.get(sender) : undefined;
    if (socket && app.lab.publishLimit.take(socket) > 0) throw new StompError('LAB_ERR_STOMP_RATE_LIMITED');
    feed.publish(data);
  });
  app.addHook('onClose', async () => { stopFeed(); });

  let open = 0;
  let nextSession = 1;
  const instance = randomBytes(3).toString('hex');

  app.get('/stomp', { websocket: true, config: { traffic: 'stomp' } }, (socket: WebSocket, request) => {
    const refuse = (code: keyof typeof STOMP_ERRORS | 'busy') => {
      if (code === 'busy') return socket.close(1013, `too many STOMP connections (maxConnections ${limits.maxConnections}); retry later`);
      const err = new StompError(code);
      socket.close(err.closeCode, truncateUtf8(`${err.code}: ${err.message}`, 123));
    };
    // The lab's `handleProtocols` (src/app.ts) selects v12.stomp here when it is
    // offered and nothing otherwise (RFC 6455 §4.2.2); a client that asked for no
    // sub-protocol at all still gets this far, and is refused.
    if (socket.protocol !== STOMP_SUBPROTOCOL) return refuse('LAB_ERR_STOMP_SUBPROTOCOL');
    if (open >= limits.maxConnections) return refuse('busy');
    open++;

    // Every frame goes through the delivery layer's Outlet: MESSAGE, RECEIPT and ERROR alike.
    const outlet = app.lab.outlets.ws(socket, request.raw.socket, 'stomp', limits.maxBufferedBytes);
    const transport: StompTransport = {
      // A frame whose bytes are not UTF-8 (a binary body) cannot ride in a text message (RFC 6455 §5.6).
      // Guarded: a fault while sending closes this socket only (src/faults.ts).
      send: guardedHandler(socket, (bytes: Uint8Array) => { outlet.send(bytes, !isUtf8(bytes)); }),
      close: (code, reason) => socket.close(code, truncateUtf8(reason, 123)),
      bufferedBytes: () => outlet.bufferedBytes,
      every: (intervalMs, run) => ticker.every(intervalMs, run),
    };
    const session = new StompSession(`${instance}-${nextSession++}`, broker, limits, transport);
    sockets.set(session, request.raw.socket);
    // Not reading: the ERROR frame goes behind what is buffered, then the outlet's close 1013.
    outlet.onCutOff = () => socket.send(encodeFrame(session.cutOff()));
    // Listen at once: a listener attached later can miss the CONNECT (fastify/fastify-websocket#106).
    // Guarded: a bug in the session closes this socket with 1011, never the process (src/faults.ts).
    socket.on('message', guardedHandler(socket, (data: Buffer) => session.receive(data)));
    socket.on('close', guardedHandler(socket, () => {
      open--;
      session.closed();
    }));
  });
}

function parseFeedBody(body: Uint8Array, maxJsonDepth: number): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new StompError('LAB_ERR_STOMP_FEED_BODY', 'the body is not UTF-8 JSON');
  }
  // Validated before the feed is touched: a refused SEND takes no seq.
  const result = parseJson(text, maxJsonDepth);
  if (!result.ok) throw new StompError('LAB_ERR_STOMP_FEED_BODY', result.reason === 'depth' ? result.message : 'the body is not JSON');
  const parsed = result.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length !== 1 || !('data' in parsed)) {
    throw new StompError('LAB_ERR_STOMP_FEED_BODY');
  }
  return parsed.data;
}
