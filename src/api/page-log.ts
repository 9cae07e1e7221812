/**
 * GET /api/pages/:page/log: every lane request one page made, as the server's
 * sockets saw it (src/wire/page-log.ts), with the page's lane counters taken
 * at the same moment. The dashboard's HAR export is built from it.
 */
import type { FastifyInstance } from 'fastify';
import { LabError } from '../errors.ts';
import { pageParam } from './stats.ts';

export async function pageLogApi(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { page: string } }>('/api/pages/:page/log', { config: { traffic: 'api' } }, async (request) => {
    const page = pageParam({ page: request.params.page });
    if (page === undefined) throw new LabError('LAB_ERR_PAGE_INVALID');
    const { meter } = app.lab;
    // Settle every open socket first, so the entries hold every byte moved until now,
    // and take the page's counters in the same turn: both describe the same moment.
    const counters = meter.pageSnapshot(page);
    return { ...meter.log.answer(page), counters };
  });
}
