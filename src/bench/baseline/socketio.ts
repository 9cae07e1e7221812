/**
 * Bare Socket.IO: the real `socket.io` server (engine.io underneath) at
 * /socket.io/, namespace /feed, doing what the lab's lane does and nothing
 * else. A client names its resume point in `auth.since`; it gets a `hello`
 * event, what came after `since` (one `message` event each), then joins a room;
 * each published message is one `message` event broadcast to that room (encoded
 * once). Same engine.io settings as the lab's lane (no compression, the same
 * ping interval), so both send the same packets.
 */
import { Server as Engine } from 'engine.io';
import { Server as SocketIO } from 'socket.io';
import { DEFAULTS } from '../../config.ts';
import { helloJson } from '../../framing/envelope.ts';
import type { BareLaneFactory } from './lane.ts';

const LIVE = 'live';

export const bareSocketio: BareLaneFactory = (feed, counts) => {
  const engine = new Engine({
    pingInterval: DEFAULTS.socketioPingMs,
    pingTimeout: DEFAULTS.socketioPingTimeoutMs,
    httpCompression: false,
    perMessageDeflate: false,
  });
  const io = new SocketIO({ serveClient: false });
  io.bind(engine);
  const nsp = io.of('/feed');
  nsp.on('connection', (socket) => {
    const asked = Number((socket.handshake.auth as { since?: unknown }).since);
    const since = Number.isInteger(asked) && asked >= 0 ? Math.min(asked, feed.head) : feed.head;
    socket.emit('hello', JSON.parse(helloJson({ epoch: 'bare', since, head: feed.head, firstSeq: 1, truncated: false })));
    for (const m of feed.since(since)) socket.emit('message', m.message);
    socket.join(LIVE);
  });
  return {
    server: 'socket.io',
    request: (req, res) => engine.handleRequest(req, res),
    upgrade: (req, socket, head) => engine.handleUpgrade(req, socket, head),
    publish(message) {
      nsp.to(LIVE).emit('message', message.message);
      counts.delivered += nsp.adapter.rooms.get(LIVE)?.size ?? 0;
    },
    held: () => nsp.sockets.size,
    close() {
      io.close();
      engine.close();
    },
  };
};
