/**
 * What the two library lanes (socketio, sockjs) share: a library that serves
 * its own requests and answers its own upgrades, reached through Fastify so
 * the lab's hooks run first.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Give the raw request and response to the library. Headers the lab's hooks put
 * on the reply (CORS) would only be written by Fastify: copy them to the raw
 * response, which the library writes itself.
 */
export function handOver(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) reply.raw.setHeader(name, value);
  }
  reply.hijack();
}

export interface UpgradeHeads {
  /** The bytes that came after the upgrade request's head (usually none), once. */
  take(req: IncomingMessage): Buffer;
}

const EMPTY = Buffer.alloc(0);
const byServer = new WeakMap<Server, UpgradeHeads>();

/**
 * Node hands an upgrade's first bytes only to 'upgrade' listeners; remember them
 * for the lane that will pass them on to its library.
 */
export function upgradeHeads(app: FastifyInstance): UpgradeHeads {
  let heads = byServer.get(app.server);
  if (!heads) {
    const kept = new WeakMap<IncomingMessage, Buffer>();
    app.server.prependListener('upgrade', (req: IncomingMessage, _socket: unknown, head: Buffer) => {
      if (head.length > 0) kept.set(req, head);
    });
    heads = {
      take: (req) => {
        const head = kept.get(req) ?? EMPTY;
        kept.delete(req);
        return head;
      },
    };
    byServer.set(app.server, heads);
  }
  return heads;
}
