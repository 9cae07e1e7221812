/**
 * Class runs over HTTP, for the teacher's projector page (/class.html):
 *
 *   GET  /api/class             the devices, the run, the class's totals per lane (ClassView)
 *   POST /api/class/run         {"lanes":["longpoll","ws"],"durationMs":30000}: start a run
 *   POST /api/class/run/stop    end the run now
 *
 * All three are the teacher's (`access: 'teacher'`). Students join over /api/live
 * (classroom.ts), so a student page holds no extra connection.
 */
import type { FastifyInstance } from 'fastify';
import { LANE_IDS, type LaneId } from '../lanes.ts';
import type { Classroom } from './classroom.ts';

/** The shortest class run: a run shorter than a report interval has nothing to show. */
export const MIN_CLASS_RUN_MS = 1_000;

export async function classApi(app: FastifyInstance, { classroom }: { classroom: Classroom }): Promise<void> {
  const config = { traffic: 'api' as const, access: 'teacher' as const };

  app.get('/api/class', { config }, async () => classroom.view());

  app.post<{ Body: { lanes: LaneId[]; durationMs: number } }>('/api/class/run', {
    config,
    schema: {
      body: {
        type: 'object',
        required: ['lanes', 'durationMs'],
        additionalProperties: false,
        properties: {
          lanes: { type: 'array', minItems: 1, maxItems: LANE_IDS.length, uniqueItems: true, items: { type: 'string', enum: [...LANE_IDS] } },
          durationMs: { type: 'integer', minimum: MIN_CLASS_RUN_MS, maximum: app.lab.options.classMaxRunMs },
        },
      },
    },
  }, async (request) => classroom.startRun(request.body.lanes, request.body.durationMs));

  app.post('/api/class/run/stop', { config }, async () => {
    classroom.stopRun();
    return { stopped: true };
  });

  app.addHook('onClose', async () => classroom.close());
}
