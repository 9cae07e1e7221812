/**
 * Who may open a WebSocket, and who may read the HTTP lanes from another origin.
 *
 * WebSockets are not covered by CORS: a page on any site can open one to the lab,
 * and the browser sends the page's `Origin` (RFC 6455 §10.2). Only the server can
 * refuse, by checking that header. The Origin allowlist switch does that (off by
 * default, so the cross-site hijack can be shown); CORS governs `fetch` from
 * another origin to the HTTP lanes (through @fastify/cors).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import { LabError } from '../errors.ts';
import type { Chaos } from '../chaos/switches.ts';
import type { LaneId } from '../lanes.ts';

export interface SecuritySwitches {
  /** Refuse WebSocket handshakes whose Origin is not the lab's own (or listed). */
  originCheck: boolean;
  /** Answer CORS requests from other origins (reflect the Origin) on the HTTP endpoints. */
  cors: boolean;
}

export class Security {
  readonly switches: SecuritySwitches = { originCheck: false, cors: false };
  private readonly allowed = new Set<string>();

  /** `ownPort` tells the port the lab listens on: its own pages are always allowed. */
  constructor(private readonly ownPort: () => number | undefined, extraOrigins: readonly string[] = []) {
    extraOrigins.forEach((o) => this.allowed.add(o));
  }

  get allowedOrigins(): string[] {
    const port = this.ownPort();
    const own = port === undefined ? [] : ['localhost', '127.0.0.1', '[::1]'].map((host) => `http://${host}:${port}`);
    return [...own, ...this.allowed];
  }

  /** Allow one more origin of the lab's own (its HTTPS port's pages, whose WebSockets come to the http port). */
  allow(origin: string): void {
    this.allowed.add(origin);
  }

  set(change: Partial<SecuritySwitches>): SecuritySwitches {
    Object.assign(this.switches, change);
    return { ...this.switches };
  }

  reset(): void {
    this.set({ originCheck: false, cors: false });
  }

  originAllowed(origin: string | undefined): boolean {
    // Non-browser clients send no Origin; the check is a defence for browsers (§10.2).
    return !this.switches.originCheck || origin === undefined || this.allowedOrigins.includes(origin);
  }
}

/** Registers the handshake checks and CORS. `laneOf` maps a URL to the lane it serves. */
export async function guardPlugin(app: FastifyInstance, security: Security, chaos: Chaos, laneOf: (url: string) => LaneId | undefined): Promise<void> {
  await app.register(cors, {
    // Only "is this origin allowed?" is asked per request, so the switch applies at
    // once; the rest is fixed (a delegator would have them re-normalised per request).
    origin: (_origin, callback) => callback(null, security.switches.cors),
    methods: ['GET', 'POST'],
    maxAge: 0,
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') return;
    // permessage-deflate only where a lesson asks for it; everywhere else the
    // offer is dropped before ws sees it, so frames stay byte-for-byte plain.
    const url = new URL(request.url, 'http://lab');
    if (!(url.pathname === '/inspect/echo' && url.searchParams.get('deflate') === '1')) {
      delete request.raw.headers['sec-websocket-extensions'];
    }
    if (request.routeOptions.config.traffic === 'api') return; // the dashboard's own stats channel is never refused
    const lane = laneOf(request.url);
    if (lane && chaos.refusesUpgrade(lane)) return refuse(reply, new LabError('LAB_ERR_UPGRADE_REFUSED'));
    if (!security.originAllowed(request.headers.origin)) {
      return refuse(reply, new LabError('LAB_ERR_ORIGIN_REFUSED', `Origin ${request.headers.origin} is not allowed (allowlist: ${security.allowedOrigins.join(', ')})`));
    }
    const version = request.headers['sec-websocket-version'];
    if (version !== undefined && version !== '13') {
      // RFC 6455 §4.4: answer 426 and name the versions this server speaks.
      reply.header('sec-websocket-version', '13');
      return refuse(reply, new LabError('LAB_ERR_WS_VERSION', `Sec-WebSocket-Version ${version} is not supported; use 13`));
    }
  });
}

function refuse(reply: FastifyReply, err: LabError) {
  return reply.code(err.status).header('connection', 'close').send(err.toJSON());
}
