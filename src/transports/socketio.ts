/**
 * Lane `socketio`: the real Socket.IO server (engine.io underneath) at the
 * default path /socket.io/, namespace /feed. What a client sees, in order:
 *
 *   GET  /socket.io/?EIO=4&transport=polling           -> 0{"sid":"…","upgrades":["websocket"],"pingInterval":25000,…}
 *   POST /socket.io/?EIO=4&transport=polling&sid=…     <- 40/feed,{"since":42}      (join /feed; `auth` resumes)
 *   GET  /socket.io/?EIO=4&transport=polling&sid=…     -> 40/feed,{"sid":"…"}
 *   GET  … &sid=…                                      -> 42/feed,["hello",{"type":"hello",…}]␞42/feed,["message",{"seq":43,…}]
 *   GET  /socket.io/?EIO=4&transport=websocket&sid=…   Upgrade: websocket -> 101, then 2probe / 3probe / 5
 *   then one WebSocket frame per packet:                  42/feed,["message",{"seq":44,"ts":…,"data":…}]
 *   every pingInterval: "2" from the server, "3" back     (engine.io's own heartbeat)
 *
 * `4` is engine.io's MESSAGE packet, `2` socket.io's EVENT, `/feed,` the
 * namespace: the prefix every message pays. Long polling batches packets in one
 * response, separated by U+001E (engine.io protocol v4).
 *
 * Live messages go to every up-to-date client with one broadcast (encoded once,
 * as `io.to(room).emit` does); a client that connects with `auth: { since: N }`
 * first gets what came after N, one emit each, then joins the room, all within
 * one synchronous step so no publish can fall between the two.
 *
 * Requests reach engine.io through Fastify, so the lab's hooks (the meter's
 * labels, the Origin allowlist and refused upgrades on the handshake, CORS
 * headers, chaos) apply here as on every other lane; engine.io owns only
 * /socket.io/, and its upgrades never reach @fastify/websocket's ws server.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Server as Engine, type Socket as EngineSocket } from 'engine.io';
import { Server as SocketIO, type Socket } from 'socket.io';
import { LANES } from '../lanes.ts';
import { LabError } from '../errors.ts';
import { parseSince } from '../delivery/since.ts';
import type { FeedMessage } from '../feed/feed.ts';
import type { Held } from '../delivery/held.ts';
import type { LaneContext, LaneDescriptor } from './lane.ts';
import { handOver, upgradeHeads } from './library.ts';
import { lessonNamespace } from './socketio-lesson.ts';

export const NAMESPACE = '/feed';
/** The room of clients that are up to date: each live message is one broadcast to it. */
const LIVE = 'live';
/** What precedes the message JSON in every `message` event on /feed (socket.io-parser's EVENT encoding). */
export const MESSAGE_PREFIX = `2${NAMESPACE},["message",`;
const SEQ_AT = MESSAGE_PREFIX.length + '{"seq":'.length;

export const socketio: LaneDescriptor<'socketio'> = { ...LANES.socketio, routes: ['/socket.io/'], wire: 'library', plugin: socketioLane };

interface ClientData { since: number; slot: Held }

async function socketioLane(app: FastifyInstance, lane: LaneContext<'socketio'>): Promise<void> {
  const { feed, limits, held } = lane;
  // No `path` here: engine.io only checks it in attach(), and the route below decides what reaches it.
  const engine = new Engine({
    pingInterval: limits.socketioPingMs,
    pingTimeout: limits.socketioPingTimeoutMs,
    maxHttpBufferSize: limits.maxWsMessageBytes,
    // What crosses the wire must be the packets themselves, or bytes could not be split into payload and framing.
    httpCompression: false,
    perMessageDeflate: false,
  });
  const io = new SocketIO({ serveClient: false });
  io.bind(engine);
  const nsp = io.of(NAMESPACE);
  lessonNamespace(io, limits); // lessons 8 and 9: emit, acks, broadcast (./socketio-lesson.ts)

  // The messages that may still sit in a client's write buffer, by seq, so a flushed packet can be named.
  const recent = new Map<number, FeedMessage>();
  const message = (m: FeedMessage) => ({ seq: m.seq, ts: m.ts, data: m.data }); // serialises to m.json exactly

  // Admission: resume point and a held slot, or a connect_error in the lab's shape.
  nsp.use((socket, next) => {
    try {
      const asked = (socket.handshake.auth as { since?: unknown }).since;
      const since = parseSince(asked === undefined ? undefined : String(asked), feed);
      const slot = held.admit({ close: (err) => fail(socket, err) });
      socket.data = { since, slot } satisfies ClientData;
      next();
    } catch (err) {
      next(connectError(err));
    }
  });

  nsp.on('connection', (socket: Socket) => {
    const { since, slot } = socket.data as ClientData;
    socket.on('disconnect', () => slot.release());
    const start = feed.readSince(since, 0);
    socket.emit('hello', { type: 'hello', epoch: feed.epoch, since, head: start.head, firstSeq: start.firstSeq, truncated: start.truncated });
    let last = Math.max(since, feed.firstSeq - 1);
    for (;;) {
      const read = feed.readSince(last, limits.maxBatch);
      for (const m of read.messages) socket.emit('message', message(m));
      if (read.messages.length === 0) break;
      last = read.messages.at(-1)!.seq;
    }
    socket.join(LIVE);
  });

  const unsubscribe = feed.subscribe((m) => {
    recent.set(m.seq, m);
    recent.delete(m.seq - limits.maxConsumerLag - 1);
    nsp.to(LIVE).emit('message', message(m));
    // Long polling buffers between requests; a client this far behind is dropped and can resume.
    for (const socket of nsp.sockets.values()) {
      if (bufferedPackets(socket) > limits.maxConsumerLag) fail(socket, new LabError('LAB_ERR_SLOW_CONSUMER'));
    }
  });

  // Count messages when engine.io hands them to a transport, not when they are queued.
  engine.on('flush', (conn: EngineSocket, packets: { type: string; data?: unknown }[]) => {
    let batch: FeedMessage[] | undefined;
    for (const packet of packets) {
      if (packet.type !== 'message' || typeof packet.data !== 'string' || !packet.data.startsWith(MESSAGE_PREFIX)) continue;
      const seq = parseInt(packet.data.slice(SEQ_AT, SEQ_AT + 20), 10);
      const m = recent.get(seq) ?? feed.readSince(seq - 1, 1).messages[0];
      if (m?.seq === seq) (batch ??= []).push(m);
    }
    if (batch) lane.delivered(transportSocket(conn), batch);
  });

  const heads = upgradeHeads(app);
  const dispatch = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (reply.sent) return done(); // refused by the lab's guard (Origin, chaos)
    handOver(reply);
    if (request.headers.upgrade) {
      lane.upgrading(request.raw);
      engine.handleUpgrade(request.raw, request.raw.socket, heads.take(request.raw));
    } else {
      engine.handleRequest(request.raw, reply.raw);
    }
    done();
  };
  // engine.io reads the body of a polling POST itself: hand the request over before Fastify parses it.
  app.route({ method: ['GET', 'POST'], url: '/socket.io/', config: { traffic: 'socketio' }, onRequest: dispatch, handler: unreachable });

  app.addHook('onClose', async () => {
    unsubscribe();
    engine.close();
  });
}

/** Packets engine.io holds for this client until its transport can take them (a poll is not waiting). */
function bufferedPackets(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
}

/** The TCP socket a flush goes out on: the held poll's, or the WebSocket's. */
function transportSocket(conn: EngineSocket): NetSocket {
  const transport = conn.transport as unknown as { req?: IncomingMessage; socket?: { _socket?: NetSocket } };
  return transport.req?.socket ?? transport.socket?._socket ?? conn.request.socket;
}

/** Stop delivering and say why: an `error` event in the lab's shape, then the disconnect. */
function fail(socket: Socket, err: LabError): void {
  socket.leave(LIVE);
  socket.emit('lab-error', err.toJSON());
  socket.disconnect(true);
}

/** Socket.IO sends `message` and `data` of a middleware error to the client's `connect_error`. */
function connectError(err: unknown): Error {
  const lab = err instanceof LabError ? err : new LabError('LAB_ERR_INTERNAL');
  return Object.assign(new Error(lab.message), { data: lab.toJSON() });
}

function unreachable(): never {
  throw new LabError('LAB_ERR_INTERNAL', 'engine.io answers every /socket.io/ request in onRequest');
}
