/**
 * What every part of the lab shares: the options, the feed, the producer, the
 * wire meter and the held-connection registry. Decorated on Fastify as `app.lab`.
 */
import type { LabOptions } from './config.ts';
import type { Feed } from './feed/feed.ts';
import type { Producer } from './feed/producer.ts';
import type { HeldConnections } from './delivery/held.ts';
import type { DeliveryStats, Outlets } from './delivery/outlet.ts';
import type { PublishLimiter } from './feed/publish-limit.ts';
import type { WireMeter } from './wire/meter.ts';
import type { TrafficName } from './lanes.ts';
import type { LaneEvents } from './transports/lane.ts';
import type { Chaos } from './chaos/switches.ts';
import type { Security } from './security/guard.ts';
import type { LabAddresses } from './security/addresses.ts';
import type { TeacherAccess } from './security/access.ts';
import type { Timeline } from './wire/timeline.ts';
import type { H2Accounting } from './h2/accounting.ts';

export interface Lab {
  readonly options: LabOptions;
  readonly feed: Feed;
  readonly producer: Producer;
  readonly meter: WireMeter;
  readonly held: HeldConnections;
  /** Publishes per connection and per client address (maxPublishPerSecond…). */
  readonly publishLimit: PublishLimiter;
  /** The write path's counters (cut-offs, peak buffered bytes per kind). */
  readonly delivery: DeliveryStats;
  /** Makes the Outlet every socket the lab writes to goes through (src/delivery/outlet.ts). */
  readonly outlets: Outlets;
  readonly chaos: Chaos;
  readonly security: Security;
  /** Where the lab listens and the names it answers to (its own origins). */
  readonly addresses: LabAddresses;
  /** The teacher key, and who counts as the teacher. */
  readonly access: TeacherAccess;
  readonly timeline: Timeline;
  /** The HTTPS/HTTP/2 listener's byte counts (src/h2/), apart from the HTTP/1.1 meter. */
  readonly h2: H2Accounting;
  readonly startedAt: number;
  /** The built pages (web/dist/). */
  readonly webRoot: string;
  /** Where the cross-origin page is served, when it is (e.g. http://localhost:3001). */
  secondOrigin: string | undefined;
  /** Its port: the page's link follows the Host the lab was reached by (same name, this port). */
  secondOriginPort: number | undefined;
  /** What the lanes report (`delivered`, `received`); the wire meter subscribes. Lanes only see their own context. */
  readonly laneEvents: LaneEvents;
}

declare module 'fastify' {
  interface FastifyInstance {
    lab: Lab;
  }
  interface FastifyContextConfig {
    /** Which traffic name this route's bytes are counted under (lanes use their lane id). */
    traffic?: TrafficName;
    /**
     * 'teacher': only the teacher may call this route (state-changing endpoints, the
     * class view). Enforced in one place by the access hook (src/security/).
     */
    access?: 'teacher';
  }
}
