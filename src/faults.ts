/**
 * A bug in one handler never takes the process down (issue 10, item 1).
 *
 * An exception thrown inside a `ws` event listener escapes to the socket's
 * `data` handler and from there kills the process, taking every other client
 * with it. So every listener a WebSocket route attaches goes through
 * `guardedHandler`, which turns an unexpected exception into an `error` event
 * on that one socket. @fastify/websocket routes `error` events (and exceptions
 * thrown by the route's own connection handler) to one error handler, set in
 * src/app.ts to `onSocketFault`: log `LAB_ERR_INTERNAL`, close that socket with
 * 1011 (RFC 6455 §7.4.1, "an unexpected condition"). Everyone else carries on.
 *
 *   socket.on('message', guardedHandler(socket, (data, isBinary) => { ... }));
 *
 * HTTP routes need nothing: Fastify catches what a route throws and the lab's
 * error handler answers 500 `LAB_ERR_INTERNAL`.
 */
import type { WebSocket } from 'ws';
import { LabError } from './errors.ts';

/** An exception a handler did not expect, carried to the socket's error handler. */
export class HandlerFault extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original), { cause: original });
    this.name = 'HandlerFault';
  }
}

/** `fn`, except that an exception it throws closes only `socket` (1011), never the process. */
export function guardedHandler<A extends unknown[]>(socket: WebSocket, fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (err) {
      socket.emit('error', new HandlerFault(err));
    }
  };
}

export interface FaultLog {
  error(obj: object, msg: string): void;
}

/**
 * What a WebSocket route does with an error: a protocol error found by `ws`
 * (bad frame, bad UTF-8, too large: `WS_ERR_*`) has already started its own
 * close with the right code, so the socket is just cut as before; anything
 * else is a fault of ours: logged, and that socket closed with 1011.
 */
export function onSocketFault(err: unknown, socket: WebSocket, log: FaultLog): void {
  const code = (err as { code?: unknown } | null)?.code;
  if (!(err instanceof HandlerFault) && typeof code === 'string' && code.startsWith('WS_ERR_')) {
    socket.terminate();
    return;
  }
  const original = err instanceof HandlerFault ? err.original : err;
  if (original instanceof LabError) {
    // A refusal thrown from deep inside (e.g. the feed refusing data): its own code, no alarm.
    if (socket.readyState === socket.OPEN) socket.close(original.closeCode, original.closeReason());
    return;
  }
  const internal = new LabError('LAB_ERR_INTERNAL');
  log.error({ err: original, code: internal.code }, 'unexpected exception in a WebSocket handler; that socket is closed with 1011');
  if (socket.readyState !== socket.OPEN) return socket.terminate();
  try {
    socket.close(internal.closeCode, internal.closeReason());
  } catch {
    socket.terminate();
  }
}
