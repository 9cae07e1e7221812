/**
 * Bench client for lane `ws`: a `ws` WebSocket, one message per text frame.
 * Like a browser it offers permessage-deflate; the lab does not accept it, so
 * frames stay plain and their 2-byte headers are what the lab counts.
 */
import WebSocket from 'ws';
import { requestHeaders } from './headers.ts';
import { REQUEST_TIMEOUT_MS, errorText, type ClientContext } from './client.ts';
import { MessageSocketClient, type SocketDialer } from './message-socket.ts';

/** How long a clean close (RFC 6455 §7.1.2: close frame each way) may take before the socket is cut. */
export const CLOSE_TIMEOUT_MS = 2_000;

export const wsDialer: SocketDialer = {
  lane: 'ws',
  open({ origin, headers }, since, events) {
    const url = `${origin.replace(/^http/, 'ws')}/feed/ws?since=${since}`;
    const socket = new WebSocket(url, { handshakeTimeout: REQUEST_TIMEOUT_MS, headers: requestHeaders(headers, 'websocket', origin) });
    let failure: string | undefined;
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) events.onText(data.toString());
    });
    socket.on('error', (err) => { failure = errorText(err); });
    socket.on('close', (code, reason) => events.onClose(failure ?? `closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`));
    return {
      close: () => new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        const cut = setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS);
        socket.once('close', () => {
          clearTimeout(cut);
          resolve();
        });
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close(1000);
      }),
    };
  },
};

export function wsClient(ctx: ClientContext): MessageSocketClient {
  return new MessageSocketClient(ctx, wsDialer);
}
