/**
 * A second origin for the Origin/CORS experiment: a tiny server on another local
 * port that serves only the cross-origin page (web/cross-origin.html). To the
 * browser, http://localhost:3001 and http://localhost:3000 are different sites,
 * so that page's `new WebSocket(...)` and `fetch(...)` to the lab are cross-origin.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export async function startSecondOrigin(webRoot: string, labOrigin: string, port: number, host: string): Promise<{ app: FastifyInstance; origin: string }> {
  const app = Fastify({ forceCloseConnections: true });
  const page = join(webRoot, 'cross-origin.html');
  if (existsSync(webRoot)) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', index: false, wildcard: false, serve: false });
  }
  app.get('/', async (_request, reply) => {
    if (!existsSync(page)) return reply.type('text/plain').send('Build the pages first: npm run build:web\n');
    return reply.type('text/html').sendFile('cross-origin.html');
  });
  // Only the page's own script and style files, nothing else of the lab.
  app.get('/assets/*', async (request, reply) => reply.sendFile(`assets/${(request.params as { '*': string })['*']}`));
  app.get('/config.json', async () => ({ labOrigin }));
  const address = await app.listen({ port, host });
  const actual = new URL(address).port;
  return { app, origin: `http://localhost:${actual}` };
}
