/**
 * Lane `stream`: HTTP streaming as newline-delimited JSON.
 *
 *   GET /feed/stream?since=N  ->  200, Content-Type: application/x-ndjson, chunked
 *   {"type":"hello","epoch":...,"since":N,...}
 *   {"seq":N+1,"ts":...,"data":...}
 *   {"type":"heartbeat","ts":...}        (only after a quiet spell)
 *
 * One request, one response that never ends: each message is one line.
 * The client must split lines itself, because chunks are not messages.
 */
import type { FastifyInstance } from 'fastify';
import { LANES } from '../lanes.ts';
import type { LaneContext, LaneDescriptor } from './lane.ts';
import { parseSince } from '../delivery/since.ts';
import { cachedEncoder, openHttpStream } from '../delivery/http-stream.ts';
import { helloJson } from '../framing/envelope.ts';
import type { LabError } from '../errors.ts';
import { ndjsonHeartbeat, ndjsonLine } from '../framing/ndjson.ts';

export const stream: LaneDescriptor<'stream'> = { ...LANES.stream, routes: ['/feed/stream'], wire: 'http', plugin: streamLane };

async function streamLane(app: FastifyInstance, lane: LaneContext<'stream'>): Promise<void> {
  const format = {
    contentType: 'application/x-ndjson',
    hello: (info: Parameters<typeof helloJson>[0]) => ndjsonLine(helloJson(info)),
    encode: cachedEncoder((m) => ndjsonLine(m.json)),
    heartbeat: () => ndjsonHeartbeat(Date.now()),
    // Cut off for not reading: the reason as the last line, then the stream ends.
    error: (err: LabError) => ndjsonLine(JSON.stringify({ type: 'error', ...err.toJSON() })),
  };

  app.get<{ Querystring: { since?: string } }>('/feed/stream', { config: { traffic: 'stream' } }, (request, reply) => {
    const since = parseSince(request.query.since, lane.feed);
    openHttpStream(lane, since, request, reply, format);
  });
}
