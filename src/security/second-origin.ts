/**
 * A second origin for the Origin/CORS experiment: a tiny server on another local
 * port that serves only the cross-origin page (web/cross-origin.html). To the
 * browser, http://localhost:3001 and http://localhost:3000 are different sites,
 * so that page's `new WebSocket(...)` and `fetch(...)` to the lab are cross-origin.
 *
 * On another device the page is http://192.168.1.20:3001, and the lab it talks
 * to must be http://192.168.1.20:3000, not the device's own localhost: its
 * /config.json names the lab by the host name this page was reached by.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { parseHost, urlHost } from './addresses.ts';

export async function startSecondOrigin(webRoot: string, labPort: number, port: number, host: string): Promise<{ app: FastifyInstance; origin: string; port: number }> {
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
  // Same host name as this page, the lab's port. A Host that is not a plain host name is not echoed.
  app.get('/config.json', async (request) => ({ labOrigin: `http://${urlHost(parseHost(request.headers.host)?.name ?? 'localhost')}:${labPort}` }));
  const address = await app.listen({ port, host });
  const actual = Number(new URL(address).port);
  return { app, origin: `http://localhost:${actual}`, port: actual };
}
