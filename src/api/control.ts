/**
 * Changing the run: publish a message, set the producer, burst, reset counters.
 * Bodies are validated by JSON schema at the edge; errors use the lab's codes.
 *
 * Who may: the producer settings, burst and reset are the teacher's
 * (`access: 'teacher'`; src/security/access.ts). Publishing is anyone's: the
 * lessons have students publish (the ws lane's own frames, POST /feed/messages),
 * and it changes no setting; it is rate-limited per client instead.
 */
import type { FastifyInstance } from 'fastify';
import { LabError } from '../errors.ts';

export async function controlApi(app: FastifyInstance): Promise<void> {
  const { feed, producer, meter, options, publishLimit } = app.lab;

  app.post<{ Body: { data: unknown } }>('/feed/messages', {
    config: { traffic: 'publish' },
    bodyLimit: options.maxPublishBytes,
    schema: {
      body: {
        type: 'object',
        required: ['data'],
        additionalProperties: false,
        properties: { data: {} },
      },
    },
  }, async (request, reply) => {
    const waitMs = publishLimit.take(request.raw.socket);
    if (waitMs > 0) {
      // RFC 6585 §4: 429 Too Many Requests, with Retry-After in whole seconds (RFC 9110 §10.2.3).
      reply.code(429).header('retry-after', String(Math.ceil(waitMs / 1000)));
      return new LabError('LAB_ERR_RATE_LIMITED', `rate limit of ${options.maxPublishPerSecond} publishes per second per connection, ${options.maxPublishPerSecondPerAddress} per address; retry in ${waitMs} ms`).toJSON();
    }
    const message = feed.publish(request.body.data);
    reply.code(201);
    return { seq: message.seq, ts: message.ts };
  });

  const teacher = { traffic: 'api' as const, access: 'teacher' as const };

  app.post<{ Body: { rate?: number; payloadBytes?: number; running?: boolean } }>('/api/feed', {
    config: teacher,
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          rate: { type: 'number', minimum: 0, maximum: options.maxFeedRate },
          payloadBytes: { type: 'integer', minimum: 0, maximum: options.maxFeedPayloadBytes },
          running: { type: 'boolean' },
        },
      },
    },
  }, async (request) => {
    const { rate, payloadBytes, running } = request.body;
    producer.configure({
      ...(rate !== undefined && { rate }),
      ...(payloadBytes !== undefined && { payloadBytes }),
    });
    if (running === true || (running === undefined && rate !== undefined && rate > 0 && !producer.running)) producer.start();
    if (running === false || rate === 0) producer.stop();
    return { rate: producer.rate, payloadBytes: producer.payloadBytes, running: producer.running };
  });

  app.post<{ Body: { count: number } }>('/api/feed/burst', {
    config: teacher,
    schema: {
      body: {
        type: 'object',
        required: ['count'],
        additionalProperties: false,
        properties: { count: { type: 'integer', minimum: 1, maximum: options.maxBatch } },
      },
    },
  }, async (request) => {
    producer.burst(request.body.count);
    return { head: feed.head };
  });

  app.post('/api/reset', { config: teacher }, async () => {
    meter.reset();
    app.lab.h2.reset();
    return { reset: true };
  });
}
