/**
 * Lane `longpoll`: long polling, the "hanging GET" (RFC 6202 §2).
 *
 *   GET /feed/longpoll?since=N&wait=MS  ->  200 {"epoch", "head", "messages": [...]}
 *
 * If something after N exists the answer comes at once; otherwise the server
 * holds the request until a message is published or `wait` ms pass (then the
 * list is empty). The client asks again straight away with its last seq.
 */
import type { FastifyInstance } from 'fastify';
import { LANES } from '../lanes.ts';
import type { LaneContext, LaneDescriptor } from './lane.ts';
import { parseSince, parseWait } from '../delivery/since.ts';
import { pollEnvelope } from '../framing/envelope.ts';
import { holdPoll } from '../delivery/hold.ts';

export const longpoll: LaneDescriptor<'longpoll'> = { ...LANES.longpoll, routes: ['/feed/longpoll'], wire: 'http', plugin: longpollLane };

async function longpollLane(app: FastifyInstance, { feed, limits, held, delivered }: LaneContext<'longpoll'>): Promise<void> {

  app.get<{ Querystring: { since?: string; wait?: string } }>('/feed/longpoll', { config: { traffic: 'longpoll' } }, (request, reply) => {
    const since = parseSince(request.query.since, feed);
    const wait = parseWait(request.query.wait, limits.longpollWaitMs, limits.maxLongpollWaitMs);

    const answer = () => {
      const read = feed.readSince(since, limits.maxBatch);
      delivered(request.raw.socket, read.messages);
      reply.type('application/json').header('cache-control', 'no-store')
        .send(pollEnvelope({ epoch: feed.epoch, ...read }, read.messages.map((m) => m.json)));
    };
    if (feed.head > since || wait === 0) return answer();

    // Nothing yet: hold the request (throws LAB_ERR_LANE_BUSY -> 503 when the lane is full).
    holdPoll(held.admit, reply, feed, wait, answer);
    return reply;
  });
}
