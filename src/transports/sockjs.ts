/**
 * Lane `sockjs`: the real SockJS server at prefix /sockjs/feed.
 *
 *   GET  /sockjs/feed/info                          -> {"websocket":true,"origins":["*:*"],"cookie_needed":false,"entropy":…}
 *   then one transport, the best the client can use:
 *   GET  /sockjs/feed/<server>/<session>/websocket?since=42        Upgrade: websocket -> 101
 *   POST /sockjs/feed/<server>/<session>/xhr_streaming?since=42    one long response (2 KB of "h" first, to push past proxies)
 *   GET  /sockjs/feed/<server>/<session>/eventsource?since=42      text/event-stream
 *   POST /sockjs/feed/<server>/<session>/xhr?since=42              long polling: one response per batch
 *
 *   frames, on every transport:  o   (open)
 *                                a["{\"type\":\"hello\",…}"]         (the hello: one SockJS message)
 *                                a["{\"seq\":43,\"ts\":…,\"data\":…}"]  (one SockJS message per feed message)
 *                                h   (heartbeat, after a quiet spell)
 *                                c[1001,"LAB_ERR_SHUTDOWN: …"]  (close)
 *
 * A SockJS message is a string, so each feed message's JSON travels as a JSON
 * string inside an array: its quotes escaped, `a[…]` around it. That escaping
 * is framing, and the meter counts it as such. `?since=N` on the URL resumes;
 * SockJS keeps the query on every transport URL.
 */
import type { Socket as NetSocket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import sockjs from 'sockjs';
import { LANES } from '../lanes.ts';
import { LabError } from '../errors.ts';
import { parseSince } from '../delivery/since.ts';
import { startPump } from '../delivery/pump.ts';
import { helloJson } from '../framing/envelope.ts';
import type { FeedMessage } from '../feed/feed.ts';
import type { LaneContext, LaneDescriptor } from './lane.ts';
import { handOver, upgradeHeads } from './library.ts';

export const PREFIX = '/sockjs/feed';
/** The URLs SockJS's own dispatcher accepts (its Listener's path_regexp, tested on the whole URL). */
const SOCKJS_URL = new RegExp(`^${PREFIX}([/].+|[/]?)$`);

export const sockjsLane: LaneDescriptor<'sockjs'> = {
  ...LANES.sockjs, routes: [PREFIX, `${PREFIX}/*`], wire: 'library', plugin: sockjsPlugin,
};

/** SockJS's session internals this lane follows: the messages waiting, and where they go when flushed. */
interface Session {
  send_buffer: string[];
  flushToRecv(recv: { thingy?: NetSocket }): boolean;
}

async function sockjsPlugin(app: FastifyInstance, lane: LaneContext<'sockjs'>): Promise<void> {
  const { feed, limits, held } = lane;
  const server = sockjs.createServer({
    prefix: PREFIX,
    heartbeat_delay: limits.heartbeatMs,
    disconnect_delay: limits.sockjsDisconnectMs,
    // The lab's CORS switch decides (its headers are handed over below); SockJS would otherwise reflect any Origin.
    disable_cors: true,
    log: () => {},
  } as sockjs.ServerOptions & { disable_cors: boolean });

  server.on('connection', (conn: sockjs.Connection | null) => {
    if (!conn) return;
    // What was written and not yet flushed to a transport, in order: a message, or undefined for the hello.
    const pending: (FeedMessage | undefined)[] = [];
    let pendingBytes = 0;
    let resumeWhenFlushed: (() => void) | undefined;
    let stop = () => {};
    const fail = (err: LabError) => {
      stop();
      // SockJS writes the code as given into its close frame c[code,"reason"]: it must be a number.
      conn.close(err.closeCode as unknown as string, err.closeReason());
    };

    // Count messages when SockJS hands them to a transport (a poll may take them much later).
    const session = (conn as unknown as { _session: Session })._session;
    const flushToRecv = session.flushToRecv;
    session.flushToRecv = function (recv) {
      const count = this.send_buffer.length;
      const socket = recv.thingy; // a polling response lets go of its socket as soon as it has written
      const sent = flushToRecv.call(this, recv);
      if (sent) {
        const batch = pending.splice(0, count).filter((m): m is FeedMessage => m !== undefined);
        for (const m of batch) pendingBytes -= m.bytes;
        if (batch.length > 0 && socket) lane.delivered(socket, batch);
        const resume = resumeWhenFlushed;
        resumeWhenFlushed = undefined;
        resume?.();
      }
      return sent;
    };
    const write = (text: string, m?: FeedMessage) => {
      pending.push(m);
      if (m) pendingBytes += m.bytes;
      conn.write(text);
    };

    let since: number;
    let slot: ReturnType<typeof held.admit>;
    try {
      since = parseSince(new URL(conn.url, 'http://lab').searchParams.get('since') ?? undefined, feed);
      slot = held.admit({ close: fail });
    } catch (err) {
      return fail(err instanceof LabError ? err : new LabError('LAB_ERR_INTERNAL'));
    }
    conn.on('close', () => {
      stop();
      slot.release();
    });

    const start = feed.readSince(since, 0);
    write(helloJson({ since, head: start.head, firstSeq: start.firstSeq, truncated: start.truncated, epoch: feed.epoch }));
    stop = startPump(feed, since, {
      send: (batch) => batch.forEach((m) => write(m.json, m)),
      // Messages waiting for the client's next poll, or in a streaming socket's buffer.
      bufferedBytes: () => pendingBytes,
      onceDrained: (resume) => { resumeWhenFlushed = resume; },
      tooSlow: () => fail(new LabError('LAB_ERR_SLOW_CONSUMER')),
    }, { highWaterBytes: limits.writeHighWaterBytes, maxLag: limits.maxConsumerLag, maxBatch: limits.maxBatch });
  });

  // The request handler installHandlers() would put on an http.Server (not in @types/sockjs).
  const handler = (server as unknown as { listener(o: object): { getHandler(): (req: unknown, res: unknown, head?: Buffer) => boolean } })
    .listener({ prefix: PREFIX }).getHandler();
  const heads = upgradeHeads(app);
  const dispatch = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (reply.sent) return done(); // refused by the lab's guard (Origin, chaos)
    // SockJS matches its prefix against the whole URL, query included, and leaves what it does not
    // match unanswered (e.g. /sockjs/feed?x): answer those here, in the lab's shape.
    if (!SOCKJS_URL.test(request.url)) {
      reply.code(404).send(new LabError('LAB_ERR_NOT_FOUND', `SockJS serves ${PREFIX}/…; no route for ${request.url.split('?')[0]}`).toJSON());
      return done();
    }
    handOver(reply);
    if (request.headers.upgrade) {
      lane.upgrading(request.raw);
      handler(request.raw, request.raw.socket, heads.take(request.raw));
    } else {
      handler(request.raw, reply.raw);
    }
    done();
  };
  // SockJS reads request bodies itself (xhr_send): hand requests over before Fastify parses them.
  for (const url of sockjsLane.routes) {
    app.route({ method: ['GET', 'POST', 'OPTIONS'], url, config: { traffic: 'sockjs' }, onRequest: dispatch, handler: unreachable });
  }
}

function unreachable(): never {
  throw new LabError('LAB_ERR_INTERNAL', 'SockJS answers every request under its prefix in onRequest');
}
