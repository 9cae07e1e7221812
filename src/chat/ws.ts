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
 *
 * Events and replies alike go through the delivery layer's Outlet: a member
 * that sends commands and never reads the replies is cut off once
 * `maxBufferedBytes` wait for it (close 1013, reason "lost" for the others).
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { ChatConnection } from './connection.ts';
import { guardedHandler } from '../faults.ts';
import type { ChatHub } from './hub.ts';
import type { ChatLimits } from './limits.ts';
import type { LeaveReason, ServerEvent } from './protocol.ts';

export function chatWebSocket(app: FastifyInstance, hub: ChatHub, limits: ChatLimits): void {
  const { held } = app.lab;

  app.get('/chat/ws', { websocket: true, config: { traffic: 'chat' } }, (socket: WebSocket, request) => {
    let dropped: LeaveReason | undefined;
    const outlet = app.lab.outlets.ws(socket, request.raw.socket, 'chat', limits.maxBufferedBytes);
    // Guarded: events reach this member from other members' handlers; a fault here closes this socket only.
    const conn = new ChatConnection(hub, limits, guardedHandler(socket, (json: string) => { outlet.send(json); }),
      { ackEverySay: false, maxJsonDepth: app.lab.options.maxJsonDepth });
    const reply = (event: ServerEvent) => { outlet.send(JSON.stringify(event)); };
    // It stopped reading: the others see it leave now, not when its socket finally goes.
    outlet.onCutOff = () => {
      dropped = 'lost';
      conn.close('lost');
    };

    // Listen first: a listener attached after an await can miss frames (fastify/fastify-websocket#106).
    // Guarded: a bug below closes this socket with 1011, never the process (src/faults.ts).
    socket.on('message', guardedHandler(socket, (data: Buffer, isBinary: boolean) => {
      if (outlet.cut) return; // cut off: its commands are no longer served
      if (isBinary) return reply(conn.handleBinary());
      // ws has already checked that a text frame is valid UTF-8 (RFC 6455 §8.1; 1007 otherwise).
      const answer = conn.handleText(data.toString('utf8'));
      if (answer) reply(answer);
      if (answer?.type === 'bye') socket.close(1000, 'bye');
    }));

    // Pings on the lab's one Ticker (RFC 6455 §5.5.2: a pong answers a ping).
    let answered = true;
    socket.on('pong', () => { answered = true; });
    const slot = held.admit('chat', {
      heartbeat: () => {
        if (!answered) {
          dropped = 'timeout';
          return socket.terminate();
        }
        answered = false;
        socket.ping();
      },
      close: (reason) => socket.close(reason.closeCode, reason.closeReason()),
    }, limits.pingMs, Infinity);

    socket.on('close', guardedHandler(socket, (code: number) => {
      slot.release();
      // RFC 6455 §7.1.5: 1006 means no close frame arrived, the connection just ended.
      conn.close(dropped ?? (code === 1006 ? 'lost' : 'left'));
    }));
  });
}
