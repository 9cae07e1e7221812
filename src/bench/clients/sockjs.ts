/**
 * Bench client for lane `sockjs`: the real sockjs-client. In Node it has four
 * of its transports: websocket, xhr-streaming, eventsource (through the
 * `eventsource` package) and xhr-polling; by default it takes the first that
 * works, as a browser does, or the one `--transports sockjs=…` names. Each feed
 * message is one SockJS message holding the message's JSON. After a drop it
 * reconnects with `?since=` its last seq, as the browser client does.
 *
 * Its XHR transports use Node's global agent (sockjs-client takes no agent
 * option), so a client process's clients share keep-alive connections for their
 * polls and sends: the lab's connection count is then lower than a browser's,
 * its bytes per message are not.
 */
import SockJS from 'sockjs-client';
import type { ClientContext } from './client.ts';
import { MessageSocketClient, type SocketDialer } from './message-socket.ts';

export const sockjsDialer: SocketDialer = {
  lane: 'sockjs',
  open({ origin, transport }, since, events) {
    const socket = new SockJS(`${origin}/sockjs/feed?since=${since}`, undefined, transport ? { transports: [transport] } : {});
    socket.onmessage = (event: { data: string }) => events.onText(event.data);
    socket.onclose = (event: { code: number; reason: string }) => events.onClose(`closed ${event.code} ${event.reason}`.trim());
    return {
      close: () => new Promise<void>((resolve) => {
        if (socket.readyState === SockJS.CLOSED) return resolve();
        socket.addEventListener('close', () => resolve());
        socket.close();
      }),
    };
  },
};

export function sockjsClient(ctx: ClientContext): MessageSocketClient {
  return new MessageSocketClient(ctx, sockjsDialer);
}
