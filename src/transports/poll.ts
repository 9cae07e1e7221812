/**
 * Lane `poll`: short polling.
 *
 *   GET /feed/poll?since=N  ->  200 {"epoch", "head", "messages": [...]}
 *
 * The server answers at once with whatever came after N, usually nothing.
 * Every answer costs a full request head and response head, news or not:
 * that is the overhead this lane exists to show.
 */
import type { FastifyInstance } from 'fastify';
import { LANES } from '../lanes.ts';
import type { LaneContext, LaneDescriptor } from './lane.ts';
import { parseSince } from '../delivery/since.ts';
import { pollEnvelope } from '../framing/envelope.ts';

export const poll: LaneDescriptor<'poll'> = { ...LANES.poll, routes: ['/feed/poll'], wire: 'http', plugin: pollLane };

async function pollLane(app: FastifyInstance, { feed, limits, delivered }: LaneContext<'poll'>): Promise<void> {

  app.get<{ Querystring: { since?: string } }>('/feed/poll', { config: { traffic: 'poll' } }, async (request, reply) => {
    const since = parseSince(request.query.since, feed);
    const read = feed.readSince(since, limits.maxBatch);
    delivered(request.raw.socket, read.messages);
    reply.type('application/json').header('cache-control', 'no-store');
    return pollEnvelope({ epoch: feed.epoch, ...read }, read.messages.map((m) => m.json));
  });
}
