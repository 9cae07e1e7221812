/**
 * The bench's API client (src/bench/lab-api.ts) against real servers that
 * misbehave the way a loaded lab can: one that closes a kept-alive connection
 * when the next request arrives on it, one that always does.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LabApi } from '../src/bench/lab-api.ts';
import { BenchError } from '../src/bench/errors.ts';

const STATS = { at: 1, lanes: {}, feed: { head: 0 }, process: { pid: 1 } };

let server: Server | undefined;
let api: LabApi | undefined;
afterEach(async () => {
  api?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server ? server.close(resolve) : resolve(undefined));
  server = api = undefined;
});

/**
 * A server that answers a connection's first `answered` requests, then destroys
 * the socket when the next one arrives: what a client sees when the server closed
 * an idle keep-alive connection just as the client reused it.
 */
async function closingServer(answered: number): Promise<{ origin: string; requests: string[]; connections: () => number }> {
  const perSocket = new WeakMap<Socket, number>();
  const requests: string[] = [];
  let connections = 0;
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (s: string) => { body += s; });
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${body}`.trim());
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n > answered) return req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/api/stats' ? STATS : { rate: 10, payloadBytes: 32, running: false }));
    });
  });
  server.on('connection', () => { connections++; });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, requests, connections: () => connections };
}

describe('the bench API client', () => {
  it('ECONNRESET on POST /api/feed over a reused keep-alive socket: sent once more on a new connection', async () => {
    const lab = await closingServer(1);
    api = new LabApi(lab.origin);
    await api.stats(); // the connection is kept alive, then the server closes it on its next request
    await expect(api.feed({ running: true })).resolves.toMatchObject({ rate: 10 });
    // The POST reached the server twice: once on the kept socket (cut), once on a new one (answered).
    expect(lab.requests).toEqual(['GET /api/stats', 'POST /api/feed {"running":true}', 'POST /api/feed {"running":true}']);
    expect(lab.connections()).toBe(2);
  });

  it('says which call failed and why, when the new connection fails too', async () => {
    const lab = await closingServer(0); // every request is cut
    api = new LabApi(lab.origin);
    const failure = await api.feed({ running: false }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(BenchError);
    expect((failure as BenchError).code).toBe('LAB_ERR_BENCH_UNREACHABLE');
    // A first request on a new connection is not retried: nothing was kept, so a reset means the server is in trouble.
    expect((failure as Error).message).toBe(
      `cannot reach the lab at ${lab.origin}: POST /api/feed {"running":false} (to pause the feed) failed: ECONNRESET: socket hang up`);
    expect(lab.requests).toHaveLength(1);
  });

  it('names the call and both failures when the retry on a new connection is cut as well', async () => {
    let kept = false;
    const lab = await closingServer(1);
    server!.on('request', (req) => {
      // After the first answer, cut every request, on any connection.
      if (kept) req.socket.destroy();
      kept = true;
    });
    api = new LabApi(lab.origin);
    await api.stats();
    const failure = await api.stats().catch((err: unknown) => err);
    expect((failure as Error).message).toBe(`cannot reach the lab at ${lab.origin}: GET /api/stats (to read the counters) failed: `
      + 'the kept-alive connection was closed under it (ECONNRESET: socket hang up), and again on a new connection: ECONNRESET: socket hang up');
  });

  it('names the call and the status when the server answers with an error', async () => {
    server = createServer((_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"LAB_ERR_FORBIDDEN"}'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    api = new LabApi(origin);
    await expect(api.feed({ rate: 5 })).rejects.toThrow(`POST /api/feed {"rate":5} (to set the feed) at ${origin} answered 403: {"error":"LAB_ERR_FORBIDDEN"}`);
  });
});
