/**
 * Bare SockJS: the real `sockjs` server at /sockjs/feed, doing what the lab's
 * lane does and nothing else: a hello, what came after `?since=`, then each
 * published message's JSON written to every open connection (one SockJS
 * message each). Same heartbeat and disconnect delays as the lab's lane.
 */
import sockjs from 'sockjs';
import { DEFAULTS } from '../../config.ts';
import { helloJson } from '../../framing/envelope.ts';
import type { BareLaneFactory } from './lane.ts';
import { sinceOf } from './lane.ts';

const PREFIX = '/sockjs/feed';

export const bareSockjs: BareLaneFactory = (feed, counts) => {
  const server = sockjs.createServer({
    prefix: PREFIX, heartbeat_delay: DEFAULTS.heartbeatMs, disconnect_delay: DEFAULTS.sockjsDisconnectMs, log: () => {},
  });
  const open = new Set<sockjs.Connection>();
  server.on('connection', (conn: sockjs.Connection | null) => {
    if (!conn) return;
    const since = sinceOf(conn.url, feed);
    conn.write(helloJson({ epoch: 'bare', since, head: feed.head, firstSeq: 1, truncated: false }));
    for (const m of feed.since(since)) conn.write(m.json);
    open.add(conn);
    conn.on('close', () => open.delete(conn));
  });
  // The handler installHandlers() would put on an http.Server (not in @types/sockjs).
  const handler = (server as unknown as { listener(o: object): { getHandler(): (req: unknown, res: unknown, head?: Buffer) => boolean } })
    .listener({ prefix: PREFIX }).getHandler();
  return {
    server: 'sockjs',
    request: (req, res) => void handler(req, res),
    upgrade: (req, socket, head) => void handler(req, socket, head),
    publish(message) {
      for (const conn of open) conn.write(message.json);
      counts.delivered += open.size;
    },
    held: () => open.size,
    close() {
      for (const conn of open) conn.close();
    },
  };
};
