/**
 * One long HTTP response that pushes numbered messages: the `stream` and `sse`
 * lanes, and the chat's SSE. They differ only in content type, framing and
 * what they read (the feed, or one member's mailbox).
 *
 * Node sends it with `Transfer-Encoding: chunked` (RFC 9112 §7.1): each write
 * becomes one chunk, "<size in hex>\r\n<bytes>\r\n". A proxy may re-chunk or
 * buffer it (RFC 6202 §3.2), hence `X-Accel-Buffering: no` and no compression.
 * Writes go through an HttpOutlet (src/delivery/outlet.ts): backpressure, cut-off.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LaneContext } from '../transports/lane.ts';
import type { FeedMessage } from '../feed/feed.ts';
import type { RingRead, Sequenced, SequencedSource } from '../feed/ring.ts';
import type { LabError } from '../errors.ts';
import type { Held, HeldHandlers, HeldKind } from './held.ts';
import type { Outlets } from './outlet.ts';
import { startPump } from './pump.ts';

export interface StreamFormat {
  contentType: string;
  /** Written first: where the client starts, and whether messages were dropped. */
  hello(info: { since: number; head: number; firstSeq: number; truncated: boolean; epoch: string }): string;
  /** One or more messages as one chunk. */
  encode(batch: readonly FeedMessage[]): Buffer;
  /** One message (the hot path: no batch array). */
  encodeOne?(message: FeedMessage): Buffer;
  heartbeat(): string;
  /** The last chunk when the consumer is cut off, in this format (an error line or event). */
  error?(err: LabError): string;
}

/** What a stream needs from whoever opens it: a held slot, the delivery limits, outlets. */
export interface StreamHost {
  admit(handlers: HeldHandlers, intervalMs: number): Held;
  limits: { writeHighWaterBytes: number; maxConsumerLag: number; maxBatch: number; heartbeatMs: number };
  outlets: Outlets;
}

/** Everything a pushing HTTP response needs, whatever it reads. */
export interface StreamSpec<M extends Sequenced> {
  kind: HeldKind;
  source: SequencedSource<M>;
  since: number;
  contentType: string;
  /** The first chunk, given where the stream starts. */
  hello(start: RingRead<M>): string;
  encode(batch: readonly M[]): Buffer | string;
  encodeOne(message: M): Buffer | string;
  heartbeat(): string;
  lastWords?(err: LabError): string;
  /** Tell the meter what was written. */
  delivered?(batch: readonly M[]): void;
  deliveredOne?(message: M): void;
  /** Cut off past this many buffered bytes (default: writeCutOffBytes). */
  cutOffBytes?: number;
}

export interface OpenStream {
  /** End the response normally (a newer reader replaced it, shutdown). */
  end(): void;
  /** Resolves when the response is closed. */
  readonly closed: Promise<void>;
}

export function openStream<M extends Sequenced>(host: StreamHost, reply: FastifyReply, spec: StreamSpec<M>): OpenStream {
  const { limits } = host;
  const res = reply.raw;
  const outlet = host.outlets.http(res, spec.kind, spec.lastWords, spec.cutOffBytes);
  let stop = () => {};
  // Admit before hijacking, so a full lane still gets a normal 503 from the error handler.
  const slot = host.admit({
    heartbeat: () => { outlet.send(spec.heartbeat()); },
    // Stop delivering first: a publish between end() and 'close' must not write after end.
    close: () => {
      stop();
      outlet.end();
    },
  }, limits.heartbeatMs);
  reply.hijack();

  res.writeHead(200, {
    'content-type': spec.contentType,
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  outlet.send(spec.hello(spec.source.readSince(spec.since, 0)));

  const { delivered, deliveredOne, encode, encodeOne } = spec;
  const touch = slot.touch;
  stop = startPump(spec.source, spec.since, {
    send: (batch) => {
      const ok = outlet.send(encode(batch));
      delivered?.(batch);
      touch();
      return ok;
    },
    sendOne: (message) => {
      const ok = outlet.send(encodeOne(message));
      deliveredOne?.(message);
      touch();
      return ok;
    },
    bufferedBytes: () => outlet.bufferedBytes,
    onceDrained: (resume) => outlet.onceDrained(resume),
    // Too far behind, or off the ring: cut off; it resumes from its last seq.
    tooSlow: () => outlet.cutOff(),
  }, { highWaterBytes: limits.writeHighWaterBytes, maxLag: limits.maxConsumerLag, maxBatch: limits.maxBatch });

  // A cut-off consumer stops counting against the lane at once, though its socket may linger for the grace period.
  outlet.onCutOff = () => {
    stop();
    slot.release();
  };
  const closed = new Promise<void>((resolve) => {
    res.on('close', () => {
      stop();
      slot.release();
      resolve();
    });
  });
  return { end: () => { stop(); outlet.end(); }, closed };
}

/** A feed lane's stream (`stream`, `sse`). */
export function openHttpStream(lane: LaneContext, since: number, request: FastifyRequest, reply: FastifyReply, format: StreamFormat): void {
  const { feed } = lane;
  const socket = request.raw.socket;
  const encode = format.encode as StreamFormat['encode'] & { one?: (m: FeedMessage) => Buffer };
  const encodeOne = format.encodeOne ?? encode.one ?? ((m: FeedMessage) => format.encode([m]));
  openStream({ admit: lane.held.admit, limits: lane.limits, outlets: lane.outlets }, reply, {
    kind: lane.lane,
    source: feed,
    since,
    contentType: format.contentType,
    hello: (start) => format.hello({ since, head: start.head, firstSeq: start.firstSeq, truncated: start.truncated, epoch: feed.epoch }),
    encode: format.encode,
    encodeOne,
    heartbeat: format.heartbeat,
    ...(format.error && { lastWords: format.error }),
    delivered: (batch) => lane.delivered(socket, batch),
    deliveredOne: (message) => lane.deliveredOne(socket, message),
  });
}

/**
 * Encode each message once and reuse the bytes for every client: the newest
 * message in a one-entry memo (a broadcast hits it for every client in turn),
 * older ones in a WeakMap (catch-up reads).
 */
export function cachedEncoder(encodeOne: (m: FeedMessage) => string): ((batch: readonly FeedMessage[]) => Buffer) & { one: (m: FeedMessage) => Buffer } {
  const cache = new WeakMap<FeedMessage, Buffer>();
  let lastMessage: FeedMessage | undefined;
  let lastBytes: Buffer | undefined;
  const one = (m: FeedMessage): Buffer => {
    if (m === lastMessage) return lastBytes!;
    let buf = cache.get(m);
    if (!buf) cache.set(m, (buf = Buffer.from(encodeOne(m))));
    if (m.seq > (lastMessage?.seq ?? 0)) {
      lastMessage = m;
      lastBytes = buf;
    }
    return buf;
  };
  return Object.assign((batch: readonly FeedMessage[]) => (batch.length === 1 ? one(batch[0]!) : Buffer.concat(batch.map(one))), { one });
}
