/**
 * The switches a teacher flips: chaos per lane (delay, buffering proxy, refused
 * upgrades, drop now), the Origin allowlist and CORS, plus the request timeline.
 * All off by default; POST /api/switches/reset turns everything off again.
 * Flipping a switch is the teacher's (`access: 'teacher'`); reading them is anyone's.
 */
import type { FastifyInstance } from 'fastify';
import type { Lab } from '../lab.ts';
import { LANE_IDS, isLaneId, type LaneId } from '../lanes.ts';
import { LabError } from '../errors.ts';
import { SWITCHES_FOR, type LaneSwitches } from '../chaos/switches.ts';
import { parseHost, requestHost, urlHost } from '../security/addresses.ts';

export async function switchesApi(app: FastifyInstance): Promise<void> {
  const { chaos, security, timeline, options } = app.lab;
  const config = { traffic: 'api' as const };
  const teacher = { traffic: 'api' as const, access: 'teacher' as const };
  const lane = { type: 'string', enum: [...LANE_IDS] };

  app.get('/api/switches', { config }, async (request) => switchesSnapshot(app.lab, requestHost(request.raw)));

  app.post<{ Body: { lane: LaneId } & Partial<LaneSwitches> }>('/api/chaos', {
    config: teacher,
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
    config: teacher,
    schema: { body: { type: 'object', required: ['lane'], additionalProperties: false, properties: { lane } } },
  }, async (request) => ({ lane: request.body.lane, dropped: chaos.drop(request.body.lane) }));

  app.post<{ Body: { originCheck?: boolean; cors?: boolean } }>('/api/security', {
    config: teacher,
    schema: {
      body: {
        type: 'object', additionalProperties: false,
        properties: { originCheck: { type: 'boolean' }, cors: { type: 'boolean' } },
      },
    },
  }, async (request) => security.set(request.body));

  app.post('/api/switches/reset', { config: teacher }, async (request) => {
    chaos.reset();
    security.reset();
    return switchesSnapshot(app.lab, requestHost(request.raw));
  });

  app.get<{ Params: { lane: string } }>('/api/timeline/:lane', { config }, async (request) => {
    const { lane: id } = request.params;
    if (!isLaneId(id)) throw new LabError('LAB_ERR_NOT_FOUND', `no lane "${id}"; lanes are ${LANE_IDS.join(', ')}`);
    return { lane: id, ...timeline.snapshot(id) };
  });
}

/**
 * The switches as a page sees them. The allowed origins and the second
 * origin's address follow the Host the page reached the lab by, so a student's
 * device gets http://192.168.1.20:3001, not its own localhost.
 */
export function switchesSnapshot(lab: Lab, host?: string) {
  const { chaos, security } = lab;
  const name = parseHost(host)?.name;
  const secondOrigin = lab.secondOriginPort !== undefined && name !== undefined
    ? `http://${urlHost(name)}:${lab.secondOriginPort}`
    : lab.secondOrigin ?? null;
  return {
    chaos: chaos.snapshot(),
    security: { ...security.switches, allowedOrigins: security.allowedOrigins(host) },
    secondOrigin,
  };
}
