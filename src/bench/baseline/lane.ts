/**
 * What one bare lane is: a request handler (or an upgrade handler for
 * WebSockets) on a plain node:http server, the fan-out when a message is
 * published, and two counts the bench reads (held connections, deliveries).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BareFeed, BareMessage } from './feed.ts';

export interface BareCounts {
  /** Messages written to clients (one per client per message). */
  delivered: number;
  /** Requests answered (or, for stream, sse and ws, opened). */
  requests: number;
}

export interface BareLane {
  /** What the lab's lane is compared with, for the report ("node:http", "ws"). */
  readonly server: string;
  request?(req: IncomingMessage, res: ServerResponse): void;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  publish(message: BareMessage): void;
  /** Connections held open (long polls waiting, streams, WebSockets). */
  held(): number;
  close(): void;
}

export type BareLaneFactory = (feed: BareFeed, counts: BareCounts) => BareLane;

/** `since` from a query string (the bench's clients always send one). */
export function sinceOf(url: string | undefined, feed: BareFeed): number {
  const query = url?.split('?')[1];
  const since = Number(new URLSearchParams(query).get('since') ?? feed.head);
  return Number.isInteger(since) && since >= 0 ? Math.min(since, feed.head) : feed.head;
}
