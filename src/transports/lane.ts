/**
 * What a lane is, to the rest of the lab: a descriptor in the registry
 * (./index.ts) and a plugin that receives a narrow context.
 *
 * As in engine.io, where a transport sees neither the server nor its
 * bookkeeping and only emits events (`packet`, `drain`), a lane sees the feed,
 * its own held-connection slots, its limits, and two events to report what it
 * did: `delivered` (feed messages written to a client) and `received`
 * (application bytes a client sent). The wire meter subscribes to those events
 * from outside; a lane never counts bytes and never reaches `app.lab`.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { LabOptions } from '../config.ts';
import type { Feed, FeedMessage } from '../feed/feed.ts';
import type { Held, HeldConnections, HeldHandlers } from '../delivery/held.ts';
import type { Outlets } from '../delivery/outlet.ts';
import type { PublishLimiter } from '../feed/publish-limit.ts';
import type { LaneId, LaneInfo } from '../lanes.ts';

/** The options a lane may read: the delivery caps every lane shares, plus its own. */
export type LaneLimits = Readonly<Pick<LabOptions,
  | 'maxBatch' | 'writeHighWaterBytes' | 'writeCutOffBytes' | 'maxConsumerLag' | 'heartbeatMs'
  | 'longpollWaitMs' | 'maxLongpollWaitMs' | 'sseRetryMs' | 'maxWsMessageBytes' | 'wsPingMs' | 'maxJsonDepth'
  | 'socketioPingMs' | 'socketioPingTimeoutMs' | 'sockjsDisconnectMs'
  | 'socketioLessonMaxClients' | 'socketioLessonMaxTextBytes' | 'socketioLessonEventsPerSecond'
>>;

/** This lane's slots among the held connections (the per-lane cap, heartbeats, shutdown). */
export interface LaneHeld {
  /** Hold one more connection, or throw LAB_ERR_LANE_BUSY when the lane is full. */
  admit(handlers: HeldHandlers, intervalMs?: number): Held;
  count(): number;
}

/** Events lanes emit; the meter (and anything else that wants to) listens. */
export interface LaneEventMap {
  /** `lane` wrote these feed messages to a client over `socket`. */
  delivered: [lane: LaneId, socket: Socket, messages: readonly FeedMessage[]];
  /**
   * `lane` hands this upgrade request to a library that writes its own handshake
   * response and frames on the socket (engine.io, SockJS), as engine.io's
   * transports emit `headers` before writing so outside code can see them.
   */
  upgrading: [lane: LaneId, req: IncomingMessage];
  /** A client sent `bytes` of application data on `lane` over `socket` (e.g. a WebSocket publish). */
  received: [lane: LaneId, socket: Socket, bytes: number];
}

export class LaneEvents extends EventEmitter<LaneEventMap> {}

export interface LaneContext<Id extends LaneId = LaneId> {
  readonly lane: Id;
  readonly feed: Feed;
  readonly limits: LaneLimits;
  readonly held: LaneHeld;
  /** Every write to a client goes through an Outlet from here (backpressure, cut-off: src/delivery/outlet.ts). */
  readonly outlets: Outlets;
  /** Report messages written to a client; call once they are handed to the socket. */
  delivered(socket: Socket, messages: readonly FeedMessage[]): void;
  /** The same for one message (the push lanes' hot path). */
  deliveredOne(socket: Socket, message: FeedMessage): void;
  /** Take one publish for this connection: 0 when allowed, else ms to wait (maxPublishPerSecond…). */
  publishWait(socket: Socket): number;
  /** Report application bytes a client sent. */
  received(socket: Socket, bytes: number): void;
  /** Say that a library is about to answer this upgrade itself (see LaneEventMap). */
  upgrading(req: IncomingMessage): void;
}

/** How the wire meter should follow a lane's upgraded sockets, besides counting their bytes. */
export type LaneWire =
  /** Plain HTTP exchanges only. */
  | 'http'
  /** RFC 6455 frames after the lab's own upgrade (the wire view shows frame headers). */
  | 'websocket'
  /** A library serves HTTP requests and answers its own upgrades (engine.io, SockJS). */
  | 'library';

export interface LaneDescriptor<Id extends LaneId = LaneId> extends LaneInfo<Id> {
  /**
   * Every URL the lane serves, as Fastify route URLs: exact paths, or a prefix
   * ending in `*` for a library that owns a subtree (its handshakes, its transports).
   */
  readonly routes: readonly string[];
  readonly wire: LaneWire;
  /** Registers the lane's routes; `app` is an encapsulated scope of the lab's server. */
  readonly plugin: (app: FastifyInstance, lane: LaneContext<Id>) => Promise<void>;
}

/** The registry's shape: one descriptor per lane id, keyed by that id (a missing lane fails to type-check). */
export type LaneRegistry = { readonly [Id in LaneId]: LaneDescriptor<Id> };

/** Builds the context handed to `lane`'s plugin. */
export function laneContext<Id extends LaneId>(lane: Id, feed: Feed, options: LabOptions, held: HeldConnections, events: LaneEvents, outlets: Outlets, publishLimit: PublishLimiter): LaneContext<Id> {
  // Listeners must not keep the array: one is reused for every single-message delivery.
  const one: FeedMessage[] = [];
  return {
    lane,
    feed,
    limits: options,
    held: {
      admit: (handlers, intervalMs) => held.admit(lane, handlers, intervalMs),
      count: () => held.count(lane),
    },
    outlets,
    delivered: (socket, messages) => {
      if (messages.length > 0) events.emit('delivered', lane, socket, messages);
    },
    publishWait: (socket) => publishLimit.take(socket),
    deliveredOne: (socket, message) => {
      one[0] = message;
      events.emit('delivered', lane, socket, one);
    },
    received: (socket, bytes) => {
      events.emit('received', lane, socket, bytes);
    },
    upgrading: (req) => {
      events.emit('upgrading', lane, req);
    },
  };
}

/** True when `url`'s path is one of `routes` (exact, or under a `prefix*`). */
export function servesPath(routes: readonly string[], url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0]!;
  return routes.some((route) => (route.endsWith('*') ? path.startsWith(route.slice(0, -1)) : path === route));
}
