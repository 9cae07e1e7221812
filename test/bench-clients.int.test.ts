/**
 * The bench's socket clients (src/bench/clients/message-socket.ts, used by ws
 * and sockjs) against a real lab behind a TCP proxy that can refuse new
 * connections: the lab drops every client (as it drops a slow consumer), the
 * proxy refuses the reconnects for a while, and each client must keep trying,
 * count each attempt, come back with `?since=` and end with every message
 * exactly once. (The sockjs client once gave up after one failed reconnect.)
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildLab } from '../src/app.ts';
import { LabError } from '../src/errors.ts';
import { Tally } from '../src/bench/clients/tally.ts';
import { wsClient } from '../src/bench/clients/ws.ts';
import { sockjsClient } from '../src/bench/clients/sockjs.ts';
import { LIBRARY_TRANSPORTS } from '../src/bench/options.ts';
import type { BenchClient, ClientContext } from '../src/bench/clients/client.ts';
import type { ClientSettings } from '../src/bench/protocol.ts';

/**
 * A proxy to `port` that can refuse: while `refusing`, a new connection is
 * closed at once, and so is a kept-alive one the moment the client sends on it
 * (a new request), while what the server sends still comes through.
 */
class RefusingProxy {
  refusing = false;
  private readonly carried = new Set<Socket>();
  private constructor(readonly server: Server) {}

  static async to(port: number): Promise<RefusingProxy> {
    const proxy: RefusingProxy = new RefusingProxy(createServer((client) => {
      if (proxy.refusing) {
        client.destroy();
        return;
      }
      const upstream = connect(port, '127.0.0.1');
      client.on('data', (chunk) => (proxy.refusing ? client.destroy() : upstream.write(chunk)));
      upstream.pipe(client);
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        a.on('error', () => b.destroy());
        a.on('close', () => b.destroy());
      }
      proxy.carried.add(client);
      client.on('close', () => proxy.carried.delete(client));
    }));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  close(): Promise<void> {
    for (const socket of this.carried) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let app: FastifyInstance | undefined;
let proxy: RefusingProxy | undefined;
let client: BenchClient | undefined;
afterEach(async () => {
  await client?.stop();
  await proxy?.close();
  await app?.close();
  app = proxy = client = undefined;
});

/** Resolves when `check` holds (asked every few ms: the clients' state has no event of its own). */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const tick = () => (check() ? resolve() : setTimeout(tick, 5));
    tick();
  });
}

const CASES: [string, (ctx: ClientContext) => BenchClient, string | undefined][] = [
  ['ws', wsClient, undefined],
  ...LIBRARY_TRANSPORTS.sockjs.map((t): [string, (ctx: ClientContext) => BenchClient, string] => [`sockjs over ${t}`, sockjsClient, t]),
];

describe('bench socket clients: reconnect with resume', () => {
  it.each(CASES)('%s: a failed reconnect is tried again, counted, and nothing is lost or duplicated', async (_name, make, transport) => {
    app = await buildLab({ feedRate: 0, startFeed: false, serveWeb: false });
    const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
    proxy = await RefusingProxy.to(port);
    const feed = app.lab.feed;
    const tally = new Tally();
    const settings: ClientSettings = {
      origin: proxy.origin, lane: transport ? 'sockjs' : 'ws', since: feed.head, pollIntervalMs: 1_000,
      longpollWaitMs: 25_000, headers: 'node', transport, protocol: 'h1',
    };
    client = make({ settings, tally });
    await client.start();
    for (let i = 0; i < 5; i++) feed.publish(`before ${i}`);
    await until(() => client!.cursor.last === feed.head);

    // The lab drops the client; its reconnects are refused until two have failed, then one must open.
    proxy.refusing = true;
    app.lab.held.closeAll(new LabError('LAB_ERR_SLOW_CONSUMER'), settings.lane);
    for (let i = 0; i < 5; i++) feed.publish(`while away ${i}`);
    await until(() => tally.reconnects >= 2 && !client!.connected);
    proxy.refusing = false;
    await until(() => client!.connected);
    for (let i = 0; i < 5; i++) feed.publish(`after ${i}`);
    await until(() => client!.cursor.last === feed.head);

    expect(client.cursor).toMatchObject({ received: 15, missing: 0, duplicates: 0 });
    expect(tally.reconnects).toBeGreaterThanOrEqual(2);
    expect(tally.errors).toBeGreaterThanOrEqual(2);
  });
});
