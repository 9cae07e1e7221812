/**
 * The switches a teacher flips: chaos per lane (delay, buffering proxy, refused
 * upgrades, drop now), the Origin allowlist and CORS, plus the request timeline.
 * All off by default; POST /api/switches/reset turns everything off again.
 */
import type { FastifyInstance } from 'fastify';
import type { Lab } from '../lab.ts';
import { LANE_IDS, isLaneId, type LaneId } from '../lanes.ts';
import { LabError } from '../errors.ts';
import { SWITCHES_FOR, type LaneSwitches } from '../chaos/switches.ts';

export async function switchesApi(app: FastifyInstance): Promise<void> {
  const { chaos, security, timeline, options } = app.lab;
  const config = { traffic: 'api' as const };
  const lane = { type: 'string', enum: [...LANE_IDS] };

  app.get('/api/switches', { config }, async () => switchesSnapshot(app.lab));

  app.post<{ Body: { lane: LaneId } & Partial<LaneSwitches> }>('/api/chaos', {
    config,
    schema: {
      body: {
        type: 'object', required: ['lane'], additionalProperties: false,
        properties: {
          lane,
          delayMs: { type: 'integer', minimum: 0, maximum: options.maxChaosDelayMs },
          bufferBytes: { type: 'integer', minimum: 0, maximum: options.maxChaosBufferBytes },
          refuseUpgrade: { type: 'boolean' },
        },
      },
    },
  }, async (request) => {
    const { lane: id, ...change } = request.body;
    for (const key of Object.keys(change) as (keyof LaneSwitches)[]) {
      if (!SWITCHES_FOR[id].includes(key)) {
        throw new LabError('LAB_ERR_BODY_INVALID', `lane ${id} has no "${key}" switch (it has: ${SWITCHES_FOR[id].join(', ')})`);
      }
    }
    return { lane: id, switches: chaos.set(id, change) };
  });

  app.post<{ Body: { lane: LaneId } }>('/api/chaos/drop', {
    config,
    schema: { body: { type: 'object', required: ['lane'], additionalProperties: false, properties: { lane } } },
  }, async (request) => ({ lane: request.body.lane, dropped: chaos.drop(request.body.lane) }));

  app.post<{ Body: { originCheck?: boolean; cors?: boolean } }>('/api/security', {
    config,
    schema: {
      body: {
        type: 'object', additionalProperties: false,
        properties: { originCheck: { type: 'boolean' }, cors: { type: 'boolean' } },
      },
    },
  }, async (request) => security.set(request.body));

  app.post('/api/switches/reset', { config }, async () => {
    chaos.reset();
    security.reset();
    return switchesSnapshot(app.lab);
  });

  app.get<{ Params: { lane: string } }>('/api/timeline/:lane', { config }, async (request) => {
    const { lane: id } = request.params;
    if (!isLaneId(id)) throw new LabError('LAB_ERR_NOT_FOUND', `no lane "${id}"; lanes are ${LANE_IDS.join(', ')}`);
    return { lane: id, ...timeline.snapshot(id) };
  });
}

export function switchesSnapshot(lab: Lab) {
  const { chaos, security } = lab;
  return {
    chaos: chaos.snapshot(),
    security: { ...security.switches, allowedOrigins: security.allowedOrigins },
    secondOrigin: lab.secondOrigin ?? null,
  };
}
