/**
 * Lane `ws`: WebSocket (RFC 6455).
 *
 *   GET /feed/ws?since=N   Upgrade: websocket   ->  101 Switching Protocols
 *   server -> client: text frames, first {"type":"hello",...}, then one message per frame
 *   client -> server: text frame {"data": <json>} publishes to the feed
 *
 * One handshake, then every message costs only a 2-byte frame header
 * (4 bytes past 125 bytes of payload, §5.2). Pings find dead peers (§5.5.2).
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { LANES } from '../lanes.ts';
import type { LaneContext, LaneDescriptor } from './lane.ts';
import { LabError } from '../errors.ts';
import { parseSince } from '../delivery/since.ts';
import { startPump } from '../delivery/pump.ts';
import { helloJson } from '../framing/envelope.ts';
import { guardedHandler, HandlerFault } from '../faults.ts';
import { parseJson } from '../validate/json.ts';
import type { FeedMessage } from '../feed/feed.ts';

export const ws: LaneDescriptor<'ws'> = { ...LANES.ws, routes: ['/feed/ws'], wire: 'websocket', plugin: wsLane };

async function wsLane(app: FastifyInstance, { feed, limits, held, outlets, delivered, deliveredOne, publishWait, received }: LaneContext<'ws'>): Promise<void> {
  // Each message's bytes, made once and shared by every client: the newest in a
  // one-entry memo (a publish reaches every client in turn), older ones in a WeakMap.
  const frames = new WeakMap<FeedMessage, Buffer>();
  let newest: FeedMessage | undefined;
  let newestFrame: Buffer | undefined;
  const frameOf = (m: FeedMessage): Buffer => {
    if (m === newest) return newestFrame!;
    let frame = frames.get(m);
    if (!frame) frames.set(m, (frame = Buffer.from(m.json)));
    if (!newest || m.seq > newest.seq) {
      newest = m;
      newestFrame = frame;
    }
    return frame;
  };

  app.get<{ Querystring: { since?: string } }>('/feed/ws', { websocket: true, config: { traffic: 'ws' } }, (socket: WebSocket, request) => {
    let stop = () => {};
    const fail = (err: LabError) => {
      stop(); // nothing more is sent once the closing handshake has started
      socket.close(err.closeCode, err.closeReason());
    };

    // Listen before anything else: a handler attached after an await can miss
    // the client's first frames (fastify/fastify-websocket#106).
    // Guarded: a bug below closes this socket with 1011, never the process (src/faults.ts).
    socket.on('message', guardedHandler(socket, (data: Buffer, isBinary: boolean) => {
      received(request.raw.socket, data.length); // what the client sent is payload, accepted or not
      // RFC 6455 §7.4.1: 1009, "a message that is too big for it to process".
      if (data.length > limits.maxWsMessageBytes) return fail(new LabError('LAB_ERR_PAYLOAD_TOO_LARGE'));
      if (isBinary) return fail(new LabError('LAB_ERR_WS_BINARY'));
      // Validate before anything is committed: a refused publish takes no seq.
      const parsed = parseJson(data.toString(), limits.maxJsonDepth);
      if (!parsed.ok) return fail(new LabError(parsed.reason === 'depth' ? 'LAB_ERR_JSON_TOO_DEEP' : 'LAB_ERR_WS_NOT_JSON', parsed.reason === 'depth' ? parsed.message : undefined));
      if (!isPublish(parsed.value)) return fail(new LabError('LAB_ERR_WS_BAD_MESSAGE'));
      // Over the publish rate: close 1008 (policy), nothing published (docs/protocol.md).
      if (publishWait(request.raw.socket) > 0) return fail(new LabError('LAB_ERR_RATE_LIMITED'));
      feed.publish(parsed.value.data);
    }));

    let since: number;
    let slot: ReturnType<typeof held.admit>;
    try {
      since = parseSince(request.query.since, feed);
      let alive = true;
      socket.on('pong', guardedHandler(socket, () => { alive = true; }));
      slot = held.admit({
        heartbeat: () => {
          if (!alive) return socket.terminate(); // no pong since the last ping: the peer is gone
          alive = false;
          socket.ping();
        },
        close: fail,
      }, limits.wsPingMs);
    } catch (err) {
      return fail(err instanceof LabError ? err : new LabError('LAB_ERR_INTERNAL'));
    }

    const start = feed.readSince(since, 0);
    const raw = request.raw.socket;
    const outlet = outlets.ws(socket, raw, 'ws');
    outlet.send(helloJson({ since, head: start.head, firstSeq: start.firstSeq, truncated: start.truncated, epoch: feed.epoch }));

    // Guarded like every handler (src/faults.ts), with the try inline: no wrapper per message.
    const fault = (err: unknown) => { socket.emit('error', new HandlerFault(err)); };
    stop = startPump(feed, since, {
      send: (batch) => {
        try {
          let ok = true;
          for (const m of batch) ok = outlet.send(frameOf(m));
          delivered(raw, batch);
          return ok;
        } catch (err) {
          fault(err);
          return false;
        }
      },
      sendOne: (m) => {
        try {
          const ok = outlet.send(frameOf(m));
          deliveredOne(raw, m);
          return ok;
        } catch (err) {
          fault(err);
          return false;
        }
      },
      bufferedBytes: () => outlet.bufferedBytes,
      onceDrained: (resume) => outlet.onceDrained(resume),
      // Too far behind: close 1013 behind what is buffered (src/delivery/outlet.ts).
      tooSlow: () => outlet.cutOff(),
    }, { highWaterBytes: limits.writeHighWaterBytes, maxLag: limits.maxConsumerLag, maxBatch: limits.maxBatch });
    outlet.onCutOff = () => {
      stop();
      slot.release();
    };

    socket.on('close', guardedHandler(socket, () => {
      stop();
      slot.release();
    }));
  });
}

function isPublish(body: unknown): body is { data: unknown } {
  return typeof body === 'object' && body !== null && !Array.isArray(body) &&
    Object.keys(body).length === 1 && 'data' in body;
}
