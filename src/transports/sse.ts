/**
 * Lane `sse`: Server-Sent Events, read in the browser by EventSource.
 *
 *   GET /feed/sse[?since=N]   (EventSource adds Last-Event-ID when it reconnects)
 *   ->  200, Content-Type: text/event-stream
 *   retry: 2000
 *
 *   event: hello
 *   data: {"type":"hello",...}
 *
 *   id: 42
 *   data: {"seq":42,"ts":...,"data":...}
 *
 *   : heartbeat
 *
 * `id:` is the seq, so after a drop EventSource sends `Last-Event-ID: 42` and
 * gets 43 onwards: resuming is built into the protocol.
 */
import type { FastifyInstance } from 'fastify';
import { LANES } from '../lanes.ts';
import type { LaneContext, LaneDescriptor } from './lane.ts';
import { parseSince } from '../delivery/since.ts';
import { cachedEncoder, openHttpStream } from '../delivery/http-stream.ts';
import { helloJson } from '../framing/envelope.ts';
import type { LabError } from '../errors.ts';
import { sseComment, sseEvent, sseMessage, sseRetry } from '../framing/sse.ts';

export const sse: LaneDescriptor<'sse'> = { ...LANES.sse, routes: ['/feed/sse'], wire: 'http', plugin: sseLane };

async function sseLane(app: FastifyInstance, lane: LaneContext<'sse'>): Promise<void> {
  const { feed, limits } = lane;
  const format = {
    contentType: 'text/event-stream',
    hello: (info: Parameters<typeof helloJson>[0]) => sseRetry(limits.sseRetryMs) + sseEvent('hello', helloJson(info)),
    encode: cachedEncoder((m) => sseMessage(m.seq, m.json)),
    heartbeat: () => sseComment('heartbeat'),
    // Cut off for not reading: the reason as an `error` event, then the stream ends.
    error: (err: LabError) => sseEvent('error', JSON.stringify(err)),
  };

  app.get<{ Querystring: { since?: string } }>('/feed/sse', { config: { traffic: 'sse' } }, (request, reply) => {
    // A reconnecting EventSource names the last id it saw; that wins over the URL's `since`.
    const lastEventId = request.headers['last-event-id'];
    const since = lastEventId !== undefined
      ? parseSince(lastEventId, feed, 'LAB_ERR_LAST_EVENT_ID_INVALID')
      : parseSince(request.query.since, feed);
    openHttpStream(lane, since, request, reply, format);
  });
}
