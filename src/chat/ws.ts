/**
 * The chat over WebSocket: GET /chat/ws, one command or event per text frame.
 *
 *   client: {"type":"join","nick":"유재석"}
 *   server: {"type":"welcome","you":{"id":"m1","nick":"유재석"},"members":[...]}
 *   client: {"type":"say","to":"others","text":"안녕하세요"}
 *   others: {"type":"message","id":1,"from":{...},"to":"others","text":"안녕하세요","ts":...}
 *
 * Bad commands get an error event and the connection stays open. A close
 * without a close frame (the peer vanished, code 1006) tells the others the
 * member was "lost"; a missed ping, "timeout".
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { ChatConnection } from './connection.ts';
import { guardedHandler } from '../faults.ts';
import type { ChatHub } from './hub.ts';
import type { ChatLimits } from './limits.ts';
import type { LeaveReason, ServerEvent } from './protocol.ts';

export function chatWebSocket(app: FastifyInstance, hub: ChatHub, limits: ChatLimits): void {
  /** Every chat socket: did it answer the last ping, and how to drop it. */
  const live = new Map<WebSocket, { answered: boolean; drop: (reason: LeaveReason) => void }>();

  app.get('/chat/ws', { websocket: true, config: { traffic: 'chat' } }, (socket: WebSocket) => {
    let dropped: LeaveReason | undefined;
    const drop = (reason: LeaveReason) => {
      dropped = reason;
      socket.terminate();
    };
    // Guarded: events reach this member from other members' handlers; a fault here closes this socket only.
    const conn = new ChatConnection(hub, limits, guardedHandler(socket, (json: string) => {
      if (socket.bufferedAmount > limits.maxBufferedBytes) return drop('lost'); // it stopped reading
      socket.send(json);
    }), { ackEverySay: false, maxJsonDepth: app.lab.options.maxJsonDepth });
    const reply = (event: ServerEvent) => socket.send(JSON.stringify(event));

    // Listen first: a listener attached after an await can miss frames (fastify/fastify-websocket#106).
    // Guarded: a bug below closes this socket with 1011, never the process (src/faults.ts).
    socket.on('message', guardedHandler(socket, (data: Buffer, isBinary: boolean) => {
      if (isBinary) return reply(conn.handleBinary());
      // ws has already checked that a text frame is valid UTF-8 (RFC 6455 §8.1; 1007 otherwise).
      const answer = conn.handleText(data.toString('utf8'));
      if (answer) reply(answer);
      if (answer?.type === 'bye') socket.close(1000, 'bye');
    }));
    const entry = { answered: true, drop };
    live.set(socket, entry);
    socket.on('pong', () => { entry.answered = true; });
    socket.on('close', guardedHandler(socket, (code: number) => {
      live.delete(socket);
      // RFC 6455 §7.1.5: 1006 means no close frame arrived, the connection just ended.
      conn.close(dropped ?? (code === 1006 ? 'lost' : 'left'));
    }));
  });

  // One timer for every chat socket (RFC 6455 §5.5.2: a pong answers a ping).
  const timer = setInterval(() => {
    for (const [socket, entry] of live) {
      if (!entry.answered) {
        entry.drop('timeout');
        continue;
      }
      entry.answered = false;
      socket.ping();
    }
  }, limits.pingMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
