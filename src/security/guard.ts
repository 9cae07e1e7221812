/**
 * Who may do what, checked in one place before any route runs.
 *
 * - WebSocket handshakes: WebSockets are not covered by CORS: a page on any
 *   site can open one to the lab, and the browser sends the page's `Origin`
 *   (RFC 6455 §10.2). Only the server can refuse, by checking that header. The
 *   Origin allowlist switch does that on every WebSocket path (off by default,
 *   so the cross-site hijack can be shown), including paths served by a
 *   library that listens for upgrades itself (guardUpgrades below).
 * - State-changing requests (any method but GET, HEAD, OPTIONS): only from the
 *   lab's own pages. They must be `Content-Type: application/json`, which no
 *   form and no `no-cors` fetch can send without a CORS preflight (Fetch
 *   standard, "CORS-safelisted request-header"), and a browser's `Origin` /
 *   `Sec-Fetch-Site` must say the lab's own origin.
 * - Teacher-only routes (`config: { access: 'teacher' }`): access.ts.
 * - CORS (the switch) opens the feed lanes' reads to other origins, never a
 *   control endpoint: a foreign preflight for those gets no allow headers.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import { LabError } from '../errors.ts';
import type { Chaos } from '../chaos/switches.ts';
import type { LaneId } from '../lanes.ts';
import { parseHost, requestHost, type LabAddresses } from './addresses.ts';
import type { AccessDecision, TeacherAccess } from './access.ts';

export interface SecuritySwitches {
  /** Refuse WebSocket handshakes whose Origin is not the lab's own (or listed). */
  originCheck: boolean;
  /** Answer CORS requests from other origins (reflect the Origin) on the feed lanes' reads. */
  cors: boolean;
}

export class Security {
  readonly switches: SecuritySwitches = { originCheck: false, cors: false };
  /** The paths of Fastify's WebSocket routes, as registered (filled by buildLab's onRoute hook). */
  readonly websocketPaths = new Set<string>();
  private readonly allowed = new Set<string>();

  /** `addresses` tells where the lab listens: its own pages are always allowed. */
  constructor(readonly addresses: LabAddresses, extraOrigins: readonly string[] = []) {
    extraOrigins.forEach((o) => this.allowed.add(o.toLowerCase()));
  }

  /** The origins a WebSocket may come from with the allowlist on, for a request that came in by `host`. */
  allowedOrigins(host?: string, scheme = 'http'): string[] {
    return [...this.addresses.ownOrigins(host, scheme), ...this.allowed];
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

  originAllowed(origin: string | undefined, host?: string, scheme = 'http'): boolean {
    // Non-browser clients send no Origin; the check is a defence for browsers (§10.2).
    return !this.switches.originCheck || origin === undefined || this.allowedOrigins(host, scheme).includes(origin.toLowerCase());
  }

  /** The refusal for a handshake from a foreign Origin while the allowlist is on, if it is one. */
  originRefusal(req: IncomingMessage, scheme = 'http'): LabError | undefined {
    const { origin } = req.headers;
    const host = requestHost(req);
    if (this.originAllowed(origin, host, scheme)) return undefined;
    return new LabError('LAB_ERR_ORIGIN_REFUSED', `Origin ${origin} is not allowed (allowlist: ${this.allowedOrigins(host, scheme).join(', ')})`);
  }

  /**
   * Why a state-changing request is refused as cross-site, if it is. A request
   * without `Origin` and `Sec-Fetch-Site` is not from a browser (curl, the bench):
   * it is let through, as CSRF is an attack through a browser.
   */
  crossSiteRefusal(req: IncomingMessage, scheme = 'http'): LabError | undefined {
    const { origin } = req.headers;
    const host = requestHost(req);
    const site = req.headers['sec-fetch-site'];
    if (origin !== undefined && !this.addresses.isOwnOrigin(origin, host, scheme)) {
      return new LabError('LAB_ERR_CROSS_SITE', `Origin ${origin} is not this lab's own (${this.addresses.ownOrigins(host, scheme).join(', ')})`);
    }
    // Fetch Metadata: "none" is the user's own navigation; "same-site" would let localhost:3001 in.
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return new LabError('LAB_ERR_CROSS_SITE', `Sec-Fetch-Site: ${site}: control requests come only from the lab's own pages`);
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return new LabError('LAB_ERR_CONTENT_TYPE', `state-changing requests must be Content-Type: application/json (got ${type || 'none'}); send {} when there is nothing to say`);
    }
    return undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.headers.upgrade?.toLowerCase() === 'websocket';
}

export function teacherOnly(decision: AccessDecision): LabError {
  return new LabError('LAB_ERR_TEACHER_ONLY', decision.wrongKey
    ? 'the teacher key sent is not this lab\'s (did the lab restart with a new key? use the teacher URL it printed)'
    : undefined);
}

export interface GuardDeps {
  security: Security;
  access: TeacherAccess;
  chaos: Chaos;
  /** Maps a URL to the lane it serves. */
  laneOf: (url: string) => LaneId | undefined;
}

/** Registers the handshake checks, the control-request checks, the teacher check and CORS. */
export async function guardPlugin(app: FastifyInstance, { security, access, chaos, laneOf }: GuardDeps): Promise<void> {
  // Before @fastify/cors: a preflight for anything but a feed lane's read is
  // refused here, so it never carries allow headers (Fetch standard, "CORS
  // preflight fetch": no Access-Control-Allow-Origin, the request is not sent).
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined || isLaneRead(request, laneOf)) return done();
    const err = new LabError('LAB_ERR_CROSS_SITE', `the CORS switch opens only the feed lanes' reads, never ${request.url.split('?')[0]}`);
    reply.code(err.status).send(err.toJSON());
  });
  await app.register(cors, {
    // Only "is this origin allowed?" is asked per request, so the switch applies at
    // once; the rest is fixed (a delegator would have them re-normalised per request).
    origin: (_origin, callback) => callback(null, security.switches.cors),
    methods: ['GET'],
    maxAge: 0,
  });
  // With the switch on, @fastify/cors answers every path; only lane reads keep its headers.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (security.switches.cors && request.headers.origin !== undefined && !isLaneRead(request, laneOf)) {
      reply.removeHeader('access-control-allow-origin');
      reply.removeHeader('access-control-allow-credentials');
    }
    done(null, payload);
  });

  // The teacher-only routes, listed as they are registered (Fastify's WebSocket
  // routes are listed by buildLab in security.websocketPaths; guardUpgrades leaves
  // those to the hook below).
  app.addHook('onRoute', (route) => {
    if (route.config?.access === 'teacher') {
      for (const method of [route.method].flat()) if (method !== 'HEAD') access.routes.push({ method, url: route.url });
    }
  });
  guardUpgrades(app.server, security, (req) => security.websocketPaths.has(pathOf(req.url)));

  // A callback hook, not an async one: it runs on every request of every lane,
  // and an async hook costs a promise each time.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const refusal = checkRequest(request, reply);
    if (refusal) refuse(reply, refusal);
    else done();
  });

  function checkRequest(request: FastifyRequest, reply: FastifyReply): LabError | undefined {
    if (isWebSocketUpgrade(request.raw)) {
      // permessage-deflate only where a lesson asks for it; everywhere else the
      // offer is dropped before ws sees it, so frames stay byte-for-byte plain.
      const url = new URL(request.url, 'http://lab');
      if (!(url.pathname === '/inspect/echo' && url.searchParams.get('deflate') === '1')) {
        delete request.raw.headers['sec-websocket-extensions'];
      }
      const lane = laneOf(request.url);
      if (lane && chaos.refusesUpgrade(lane)) return new LabError('LAB_ERR_UPGRADE_REFUSED');
      const refusal = security.originRefusal(request.raw, schemeOf(request));
      if (refusal) return refusal;
      const version = request.headers['sec-websocket-version'];
      if (version !== undefined && version !== '13') {
        // RFC 6455 §4.4: answer 426 and name the versions this server speaks.
        reply.header('sec-websocket-version', '13');
        return new LabError('LAB_ERR_WS_VERSION', `Sec-WebSocket-Version ${version} is not supported; use 13`);
      }
    } else if (!SAFE_METHODS.has(request.method) && laneOf(request.url) === undefined) {
      // A lane's own POSTs (engine.io and SockJS polling send text/plain) belong to
      // its connection, not to the lab's controls.
      const refusal = security.crossSiteRefusal(request.raw, schemeOf(request));
      if (refusal) return refusal;
    }
    if (request.routeOptions.config.access === 'teacher') {
      const decision = access.decide(request.raw);
      if (!decision.teacher) return teacherOnly(decision);
    }
    return undefined;
  }
}

/** A read of a feed lane (or the preflight for one): the only thing the CORS switch opens. */
function isLaneRead(request: FastifyRequest, laneOf: (url: string) => LaneId | undefined): boolean {
  if (laneOf(request.url) === undefined) return false;
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  const asked = request.headers['access-control-request-method'];
  return request.method === 'OPTIONS' && (asked === 'GET' || asked === 'HEAD');
}

/**
 * The Origin check for every WebSocket handshake, whatever serves the path.
 * Libraries such as socket.io and sockjs listen for the server's 'upgrade'
 * event themselves and never pass through Fastify's hooks; wrapping `emit`
 * puts the check in front of every listener. Fastify's own WebSocket routes
 * are left to the hook, which also labels their bytes for the meter.
 */
export function guardUpgrades(server: Server, security: Security, routedByFastify: (req: IncomingMessage) => boolean): void {
  const emit = server.emit;
  server.emit = function guardedEmit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'upgrade') {
      const [req, socket] = args as [IncomingMessage, Duplex];
      const badHost = isWebSocketUpgrade(req) ? hostRefusal(req) : undefined;
      if (badHost) {
        writeRefusal(socket, badHost);
        return true;
      }
      if (isWebSocketUpgrade(req) && !routedByFastify(req)) {
        const refusal = security.originRefusal(req);
        if (refusal) {
          writeRefusal(socket, refusal);
          return true;
        }
      }
    }
    return (emit as (event: string | symbol, ...args: unknown[]) => boolean).call(this, event, ...args);
  } as typeof server.emit;
}

/**
 * RFC 6455 §4.2.1: a handshake must carry a Host naming the server's authority,
 * and one that does not "MUST" get an error such as 400 instead of a 101; RFC 9112
 * §3.2 says the same of a missing, repeated or malformed Host. Node checks this
 * for plain requests but hands an upgrade to its listeners as it came.
 */
export function hostRefusal(req: IncomingMessage): LabError | undefined {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') count++;
  if (count !== 1) return new LabError('LAB_ERR_BAD_REQUEST', `a WebSocket handshake needs exactly one Host header (got ${count}; RFC 6455 §4.1, RFC 9112 §3.2)`);
  if (!parseHost(req.headers.host)) return new LabError('LAB_ERR_BAD_REQUEST', 'the Host header is not a host name or address with an optional port (RFC 9112 §3.2)');
  return undefined;
}

/** A refusal written straight to the socket, in the lab's error shape. */
function writeRefusal(socket: Duplex, err: LabError): void {
  const body = JSON.stringify(err.toJSON());
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Refused'}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' + body,
  );
}

/**
 * The scheme the page used. The HTTPS listener speaks only h2 (ALPN) and hands
 * Fastify the decrypted stream, so an HTTP/2 request is an https one.
 */
function schemeOf(request: FastifyRequest): string {
  return request.raw.httpVersionMajor === 2 ? 'https' : request.protocol;
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0]!;
}

function refuse(reply: FastifyReply, err: LabError) {
  // A refused handshake's socket is not reused (it asked to become a WebSocket).
  if (isWebSocketUpgrade(reply.request.raw)) reply.header('connection', 'close');
  return reply.code(err.status).send(err.toJSON());
}
