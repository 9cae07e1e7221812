/**
 * One long HTTP response that carries the feed: what the `stream` and `sse`
 * lanes have in common. They differ only in content type and framing.
 *
 * Node sends it with `Transfer-Encoding: chunked` (RFC 9112 §7.1): each write
 * becomes one chunk, "<size in hex>\r\n<bytes>\r\n". A proxy may re-chunk or
 * buffer it (RFC 6202 §3.2), hence `X-Accel-Buffering: no` and no compression.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LaneContext } from '../transports/lane.ts';
import type { FeedMessage } from '../feed/feed.ts';
import { startPump } from './pump.ts';

export interface StreamFormat {
  contentType: string;
  /** Written first: where the client starts, and whether messages were dropped. */
  hello(info: { since: number; head: number; firstSeq: number; truncated: boolean; epoch: string }): string;
  /** One or more messages as one chunk. */
  encode(batch: readonly FeedMessage[]): Buffer;
  heartbeat(): string;
}

export function openHttpStream(lane: LaneContext, since: number, request: FastifyRequest, reply: FastifyReply, format: StreamFormat): void {
  const { feed, limits, held } = lane;
  const res = reply.raw;
  // Admit before hijacking, so a full lane still gets a normal 503 from the error handler.
  let stop = () => {};
  const slot = held.admit({
    heartbeat: () => res.write(format.heartbeat()),
    // Stop delivering first: a publish between end() and 'close' must not write after end.
    close: () => {
      stop();
      res.end();
    },
  }, limits.heartbeatMs);
  reply.hijack();

  res.writeHead(200, {
    'content-type': format.contentType,
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  const start = feed.readSince(since, 0);
  res.write(format.hello({ since, head: start.head, firstSeq: start.firstSeq, truncated: start.truncated, epoch: feed.epoch }));

  stop = startPump(feed, since, {
    send: (batch) => {
      if (res.writableEnded || res.destroyed) return;
      res.write(format.encode(batch));
      lane.delivered(request.raw.socket, batch);
      slot.touch();
    },
    bufferedBytes: () => res.writableLength,
    onceDrained: (resume) => res.once('drain', resume),
    // The client cannot keep up: drop it; it resumes from its last seq.
    tooSlow: () => res.destroy(),
  }, { highWaterBytes: limits.writeHighWaterBytes, maxLag: limits.maxConsumerLag, maxBatch: limits.maxBatch });

  res.on('close', () => {
    stop();
    slot.release();
  });
}

/** Encode each message once and reuse the bytes for every client (a WeakMap per format). */
export function cachedEncoder(encodeOne: (m: FeedMessage) => string): (batch: readonly FeedMessage[]) => Buffer {
  const cache = new WeakMap<FeedMessage, Buffer>();
  const one = (m: FeedMessage) => {
    let buf = cache.get(m);
    if (!buf) cache.set(m, (buf = Buffer.from(encodeOne(m))));
    return buf;
  };
  return (batch) => (batch.length === 1 ? one(batch[0]!) : Buffer.concat(batch.map(one)));
}
