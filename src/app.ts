/**
 * Builds the lab: one Fastify server, one feed, the lanes of the registry
 * (src/transports/index.ts), the wire meter.
 *
 *   const app = await buildLab({ feedRate: 0 });
 *   await app.listen({ port: 0, host: '127.0.0.1' });
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Http2ServerRequest } from 'node:http2';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { LabConfigError, resolveOptions, type LabOptions } from './config.ts';
import { LabError, rawErrorResponse } from './errors.ts';
import { onSocketFault } from './faults.ts';
import { jsonDepth } from './validate/json.ts';
import { Feed } from './feed/feed.ts';
import { Producer } from './feed/producer.ts';
import { HeldConnections } from './delivery/held.ts';
import { DeliveryStats, Outlets } from './delivery/outlet.ts';
import { PublishLimiter } from './feed/publish-limit.ts';
import { WireMeter } from './wire/meter.ts';
import type { TrafficName } from './lanes.ts';
import { Chaos } from './chaos/switches.ts';
import { Security, guardPlugin } from './security/guard.ts';
import { startSecondOrigin } from './security/second-origin.ts';
import { LabAddresses } from './security/addresses.ts';
import { TeacherAccess, TEACHER_KEY_PATTERN, generateTeacherKey } from './security/access.ts';
import { classroomApi } from './security/classroom.ts';
import { Timeline, timelineEntryOf } from './wire/timeline.ts';
import { isPlaygroundSocket, playgroundApi } from './inspect/playground.ts';
import { switchesApi } from './api/switches.ts';
import { inspectApi } from './inspect/frames.ts';
import type { Lab } from './lab.ts';
import { TRANSPORTS, laneOfPath, transports } from './transports/index.ts';
import { LaneEvents, laneContext } from './transports/lane.ts';
import { statsApi } from './api/stats.ts';
import { pageLogApi } from './api/page-log.ts';
import { controlApi } from './api/control.ts';
import { chatPlugin } from './chat/plugin.ts';
import type { ChatLimits } from './chat/limits.ts';
import { stompPlugin } from './stomp/server.ts';
import { lessonsPlugin } from './lessons/plugin.ts';
import { socketExchangeApi } from './lessons/socket-exchange.ts';
import { H2Accounting } from './h2/accounting.ts';
import { listenHttps, type HttpsListener } from './h2/server.ts';
import type { TlsMaterial } from './h2/cert.ts';
import { Classroom } from './class/classroom.ts';
import { classApi } from './class/plugin.ts';

export const WEB_ROOT = fileURLToPath(new URL('../web/dist/', import.meta.url));

export interface BuildOptions extends Partial<LabOptions> {
  /** Passed to Fastify (e.g. `logger: true`). */
  fastify?: FastifyServerOptions;
  /** Start the producer at once (default true). */
  startFeed?: boolean;
  /** Serve the built dashboard from web/dist (default true). */
  serveWeb?: boolean;
  /** Count bytes on every socket (default true); off only to measure what counting costs. */
  wireAccounting?: boolean;
  /** Origins allowed to open WebSockets when the Origin allowlist is on, besides the lab's own. */
  allowedOrigins?: string[];
  /** Overrides of the chat's limits (src/chat/limits.ts), checked at start-up. */
  chatLimits?: Partial<ChatLimits>;
  /** The clock rate limits read (tests move it on instead of sleeping). */
  clock?: () => number;
  /** The teacher key (TEACHER_KEY); a random one when not given (src/security/access.ts). */
  teacherKey?: string;
  /** Host names the lab answers to besides its addresses (ALLOWED_HOSTS; src/security/addresses.ts). */
  hostNames?: string[];
  /**
   * Where a request comes from (default: the socket's remote address). Only for
   * tests on a machine with no non-loopback interface to reach the lab through.
   */
  clientAddress?: (req: IncomingMessage) => string | undefined;
  /** The built pages (default web/dist/). */
  webRoot?: string;
}

export async function buildLab(build: BuildOptions = {}): Promise<FastifyInstance> {
  const {
    fastify: fastifyOptions, startFeed = true, serveWeb = true, wireAccounting = true,
    allowedOrigins = [], chatLimits, clock = Date.now, teacherKey = generateTeacherKey(), hostNames = [], clientAddress,
    webRoot = WEB_ROOT, ...partial
  } = build;
  const options = resolveOptions(partial);
  checkTeacherKey(teacherKey, options.teacherKeyMinLength);
  // Shutdown ends streams and closes WebSockets itself (preClose below); what is
  // left after that, such as a browser's pre-opened sockets that never sent a
  // request, would otherwise hold close() open until a timeout.
  const app = Fastify({
    forceCloseConnections: true,
    // Refuse what does not match a schema instead of quietly fixing it
    // (Fastify's defaults strip unknown properties and coerce types).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // Requests Node's parser refuses (bad request line, headers too large) and
    // URLs Fastify's router refuses get the lab's error shape too.
    clientErrorHandler: onClientError,
    frameworkErrors: (error, _request, reply) => {
      const err = new LabError('LAB_ERR_BAD_REQUEST', error.message);
      (reply as FastifyReply).code(err.status).send(err.toJSON());
    },
    ...fastifyOptions,
  });

  // Every JSON body goes through Fastify's own parser (which refuses __proto__
  // poisoning) only once its nesting is known to be within maxJsonDepth: too
  // deep is refused here, before any route could publish it (issue 10).
  const defaultJsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string, options.maxJsonDepth) > options.maxJsonDepth) {
      done(new LabError('LAB_ERR_JSON_TOO_DEEP', `the body nests deeper than ${options.maxJsonDepth} levels (maxJsonDepth)`), undefined);
      return;
    }
    defaultJsonParser(request, body as string, done);
  });

  const feed = new Feed(options.feedCapacity, options.feedCapacityBytes);
  const producer = new Producer(feed, { rate: options.feedRate, payloadBytes: options.feedPayloadBytes });
  const meter = new WireMeter(options.wireFramesKept, options.maxPageViews, { entries: options.pageLogEntries, pages: options.pageLogPages });
  // One Ticker for every heartbeat and ping; it ticks at half the shortest interval in use.
  const held = new HeldConnections(options.maxHeldPerLane, 5);
  const delivery = new DeliveryStats();
  const outlets = new Outlets(options, delivery);
  const publishLimit = new PublishLimiter(options.maxPublishPerSecond, options.maxPublishPerSecondPerAddress, clock);
  const chaos = new Chaos();
  const addresses = new LabAddresses(() => {
    const address = app.server.address();
    return address && typeof address !== 'string' ? address : undefined;
  }, { hostNames });
  const security = new Security(addresses, allowedOrigins);
  const access = new TeacherAccess(teacherKey, addresses, clientAddress);
  const timeline = new Timeline(options.timelineKept);
  const h2 = new H2Accounting(options.h2MaxConcurrentStreams, options.maxPageViews, options.h2MaxHeaderBlockBytes);
  const lab: Lab = {
    options, feed, producer, meter, held, chaos, security, timeline, h2, addresses, access,
    delivery, outlets, publishLimit,
    startedAt: Date.now(),
    webRoot,
    secondOrigin: undefined,
    secondOriginPort: undefined,
    laneEvents: new LaneEvents(),
  };
  app.decorate('lab', lab);
  // Lanes report what they wrote and received; the meter listens (lanes never see it).
  // An HTTP/2 request's socket is its stream's: its bytes are counted with the h2 figures.
  lab.laneEvents.on('delivered', (lane, socket, messages) => h2.owns(socket) ? h2.delivered(socket, lane, messages) : meter.delivered(socket, lane, messages));
  lab.laneEvents.on('received', (lane, socket, bytes) => h2.owns(socket) ? h2.received(socket, lane, bytes) : meter.received(lane, bytes, socket));
  // A library lane (Socket.IO, SockJS) writes its own upgrade response: the meter reads it from the socket.
  lab.laneEvents.on('upgrading', (lane, req) => {
    if (!wireAccounting) return;
    meter.watchLibraryUpgrade(req);
    timeline.onUpgrade(req, lane);
  });
  feed.onListenerFault = (err) => {
    app.log.error({ err, code: 'LAB_ERR_INTERNAL' }, 'a feed consumer threw; it is unsubscribed, the feed carries on');
  };

  // Chaos first, so its socket writes sit below the meter's frame capture.
  chaos.attach(app.server);
  if (wireAccounting) {
    meter.attach(app.server);
    timeline.attach(app.server);
  }
  app.addHook('onRequest', (request, reply, done) => {
    const name = trafficName(request);
    if (request.raw.httpVersionMajor === 2) {
      // The HTTPS listener (src/h2/): counted from its frames; chaos works on HTTP/1.1 sockets only.
      if (wireAccounting) h2.onRequest(request.raw as unknown as Http2ServerRequest, name);
      return done();
    }
    if (wireAccounting) {
      meter.onRequest(request.raw, reply.raw, name);
      timeline.onRequest(request.raw, reply.raw, name);
      meter.linkTiming(request.raw, timelineEntryOf(reply.raw));
    }
    chaos.label(request.raw.socket, name);
    done();
  });

  app.setErrorHandler((error: FastifyError | LabError, _request, reply) => {
    const err = toLabError(error);
    if (err.code === 'LAB_ERR_LANE_BUSY') reply.header('retry-after', String(options.retryAfterSeconds));
    if (err.code === 'LAB_ERR_INTERNAL') app.log.error(error);
    reply.code(err.status).send(err.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(new LabError('LAB_ERR_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`).toJSON());
  });

  // Every WebSocket route, so a GET without Upgrade gets 426 and an Upgrade
  // to any other path is refused before a 101 (one error shape, issue 10).
  const webSocketRoutes = security.websocketPaths;
  webSocketRoutesOf.set(app, webSocketRoutes);
  app.addHook('onRoute', (route) => {
    if (!route.websocket) return;
    webSocketRoutes.add(route.url);
    // @fastify/websocket takes `wsHandler` for the upgrade and `handler` for a plain GET.
    route.wsHandler = route.handler as unknown as typeof route.wsHandler;
    route.handler = upgradeRequired;
    route.websocket = false;
  });

  await app.register(websocket, {
    // An exception in a route's handler or listeners (see src/faults.ts) closes that one socket with 1011.
    errorHandler: (error, socket, request) => onSocketFault(error, socket, request.log),
    options: {
      // One ws server serves every endpoint: the largest cap here, each endpoint enforces its own.
      maxPayload: Math.max(options.maxWsMessageBytes, options.inspectMaxMessageBytes),
      // Compression is negotiated only where asked for (the frame inspector with ?deflate=1):
      // the guard removes the offer elsewhere, so lane byte counts are plain frames.
      perMessageDeflate: { threshold: 0 },
      // RFC 6455 §4.2.2: the server picks one sub-protocol the client offered. /stomp
      // speaks only STOMP 1.2 (a client may offer v10/v11 first); elsewhere, the first offer.
      handleProtocols: (protocols: Set<string>, req: IncomingMessage) => (req.url ?? '').split('?')[0]!.endsWith('/stomp')
        ? (protocols.has('v12.stomp') ? 'v12.stomp' : false)
        : (protocols.values().next().value ?? false),
    },
    // RFC 6455 §7.4.1: 1001 "going away", as when a server goes down.
    preClose(done) {
      const reason = new LabError('LAB_ERR_SHUTDOWN');
      for (const client of app.websocketServer.clients) client.close(reason.closeCode, reason.closeReason());
      done();
    },
  });
  app.websocketServer.on('headers', (lines, req) => {
    meter.onUpgradeHeaders(req, lines);
    timeline.onUpgrade(req);
  });
  app.websocketServer.on('connection', (_ws, req) => {
    const lane = laneOfPath(req.url);
    if (wireAccounting && lane && TRANSPORTS[lane].wire === 'websocket' && !isPlaygroundSocket(req.socket)) meter.watchFrames(req);
  });
  // After @fastify/websocket's own hook, which marks the request so its socket is closed once answered.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.headers.upgrade?.toLowerCase() !== 'websocket' || webSocketRoutes.has(request.routeOptions.url ?? '')) return done();
    // A library lane (Socket.IO, SockJS) answers the upgrades under its own routes.
    const lane = laneOfPath(request.url);
    if (lane && TRANSPORTS[lane].wire === 'library') return done();
    const err = new LabError('LAB_ERR_NOT_FOUND', `no WebSocket endpoint at ${request.url.split('?')[0]}`);
    reply.code(err.status).header('connection', 'close').send(err.toJSON());
  });
  // Origin allowlist, version check, refused upgrades, control requests, the teacher and CORS, before any route.
  await guardPlugin(app, { security, access, chaos, laneOf: laneOfPath });

  for (const lane of transports()) {
    const context = laneContext(lane.id, feed, options, held, lab.laneEvents, outlets, publishLimit);
    await app.register(async (scope) => lane.plugin(scope, context));
  }
  // Students join the class over the stats channel they already hold (/api/live).
  const classroom = new Classroom(lab);
  await app.register(statsApi, { onLive: classroom.attach });
  await app.register(classApi, { classroom });
  await app.register(controlApi);
  await app.register(pageLogApi);
  await app.register(chatPlugin, { limits: chatLimits });
  await app.register(stompPlugin);
  await app.register(switchesApi);
  await app.register(playgroundApi);
  await app.register(inspectApi);
  await app.register(lessonsPlugin, { webRoot });
  await app.register(socketExchangeApi);
  await app.register(classroomApi);

  if (serveWeb && pagesBuilt(webRoot)) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/' });
    app.get('/join', { config: { traffic: 'static' } }, (_request, reply) => reply.sendFile('join.html'));
  } else if (serveWeb) {
    // Every page says why it is missing, not only the dashboard.
    const notBuilt = async (_request: FastifyRequest, reply: FastifyReply) => reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    app.get('/', { config: { traffic: 'static' } }, notBuilt);
    app.get('/join', { config: { traffic: 'static' } }, notBuilt);
    app.get('/*', { config: { traffic: 'static' } }, async (request, reply) => {
      if (request.url.split('?')[0]!.endsWith('.html')) return notBuilt(request, reply);
      return reply.code(404).send(new LabError('LAB_ERR_NOT_FOUND', `no route for GET ${request.url.split('?')[0]} (the pages are not built: npm run build:web)`).toJSON());
    });
  }

  app.addHook('preClose', async () => {
    producer.stop();
    // Streams end with their last chunk, long polls answer, WebSockets get 1001;
    // give them a moment to go out before the remaining sockets are closed.
    held.closeAll(new LabError('LAB_ERR_SHUTDOWN'));
    await held.whenEmpty(options.shutdownGraceMs);
    for (const client of app.websocketServer.clients) client.terminate();
    held.stop();
  });
  app.addHook('onReady', async () => {
    if (startFeed) producer.start();
  });
  app.addHook('onClose', async () => {
    await secondOrigins.get(app)?.close();
    await httpsListeners.get(app)?.close();
  });
  return app;
}

/** Has `npm run build:web` been run (web/dist/index.html is there)? */
export function pagesBuilt(webRoot = WEB_ROOT): boolean {
  return existsSync(join(webRoot, 'index.html'));
}

export const NOT_BUILT_MESSAGE = 'The pages are not built yet: run `npm run build:web` (npm start does it for you), then reload.';
const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Transport Lab: pages not built</title>
<body style="font: 20px/1.5 system-ui, sans-serif; margin: 3em"><h1>Transport Lab</h1><p>${NOT_BUILT_MESSAGE.replace(/`([^`]+)`/g, '<code>$1</code>')}</p>
<p lang="ko">페이지가 아직 빌드되지 않았습니다: <code>npm run build:web</code>을 실행한 뒤 새로고침하세요.</p></body></html>
`;

const secondOrigins = new WeakMap<FastifyInstance, FastifyInstance>();
const webSocketRoutesOf = new WeakMap<FastifyInstance, ReadonlySet<string>>();

/** Every WebSocket route of the lab (Fastify route URLs), e.g. for a test that walks them all. */
export function webSocketRoutes(app: FastifyInstance): string[] {
  return [...(webSocketRoutesOf.get(app) ?? [])];
}

/**
 * Once the lab listens: serve the cross-origin page from `port` too (0 = any
 * free port), on the same host, for the Origin/CORS experiment.
 */
export async function openSecondOrigin(app: FastifyInstance, port: number): Promise<string> {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the lab must be listening first');
  const started = await startSecondOrigin(app.lab.webRoot, address.port, port, address.address);
  secondOrigins.set(app, started.app);
  app.lab.secondOrigin = started.origin;
  app.lab.secondOriginPort = started.port;
  return started.origin;
}

const httpsListeners = new WeakMap<FastifyInstance, HttpsListener>();

/**
 * Once the lab listens: serve it over TLS and HTTP/2 on `port` too (0 = any free
 * port), same host, same routes and feed; counted apart (`h2` in /api/stats).
 */
export async function openHttps(app: FastifyInstance, port: number, tls: TlsMaterial, wireAccounting = true): Promise<HttpsListener> {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the lab must be listening first');
  const listener = await listenHttps(app, {
    port, host: address.address, tls,
    accounting: wireAccounting ? app.lab.h2 : undefined,
    maxConcurrentStreams: app.lab.options.h2MaxConcurrentStreams,
    graceMs: app.lab.options.shutdownGraceMs,
  });
  httpsListeners.set(app, listener);
  for (const host of ['localhost', '127.0.0.1', '[::1]']) app.lab.security.allow(`https://${host}:${listener.port}`);
  app.lab.addresses.httpsPort = listener.port;
  return listener;
}

/** Which name a request's bytes are counted under. */
function trafficName(request: FastifyRequest): TrafficName {
  if (isPlaygroundSocket(request.raw.socket)) return 'api';
  const named = request.routeOptions.config.traffic;
  if (named) return named;
  // A CORS preflight belongs to the lane it asks about.
  if (request.method === 'OPTIONS') return laneOfPath(request.url) ?? 'other';
  return request.is404 ? 'other' : 'static';
}

/** RFC 9110 §15.5.22: 426 names the protocol to switch to in `Upgrade`. */
function upgradeRequired(request: FastifyRequest, reply: FastifyReply): void {
  const err = new LabError('LAB_ERR_UPGRADE_REQUIRED', `${request.url.split('?')[0]} is a WebSocket endpoint: send the opening handshake (Upgrade: websocket, RFC 6455 §4.1)`);
  reply.code(err.status).header('upgrade', 'websocket').header('connection', 'upgrade').send(err.toJSON());
}

/** Node's HTTP parser refused the request: answer in the lab's shape, then hang up (as Node does). */
function onClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const err = error.code === 'HPE_HEADER_OVERFLOW'
    ? new LabError('LAB_ERR_HEADERS_TOO_LARGE')
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new LabError('LAB_ERR_REQUEST_TIMEOUT')
      : new LabError('LAB_ERR_BAD_REQUEST', `malformed HTTP request (${error.code ?? error.message})`);
  if (socket.writable) socket.end(rawErrorResponse(err));
  else socket.destroy();
}

/** Refuses a teacher key that is too short or cannot travel in a URL unescaped. */
function checkTeacherKey(key: string, minLength: number): void {
  if (key.length < minLength) throw new LabConfigError(`TEACHER_KEY must be at least ${minLength} characters (got ${key.length}); leave it unset for a random one`);
  if (!TEACHER_KEY_PATTERN.test(key)) throw new LabConfigError('TEACHER_KEY may use only letters, digits and - . _ ~ (it travels in a URL)');
}

function toLabError(error: FastifyError | LabError): LabError {
  if (error instanceof LabError) return error;
  if (error.validation) return new LabError('LAB_ERR_BODY_INVALID', `${error.validationContext ?? 'body'} ${error.message}`);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new LabError('LAB_ERR_PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new LabError('LAB_ERR_BODY_INVALID', error.message);
    default:
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return new LabError('LAB_ERR_BODY_INVALID', error.message);
      }
      return new LabError('LAB_ERR_INTERNAL');
  }
}
