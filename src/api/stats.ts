/**
 * What the lab measured: GET /api/stats, GET /api/wire/:lane, and the push
 * channel /api/live (a WebSocket, so it never takes one of the browser's six
 * HTTP/1.1 connections from the lanes). Counted under `api`, never in a lane.
 * With `?page=<id>` both answer one page's view: the lanes as that page's own
 * connections used them (see the wire meter), so each tab's numbers are its own.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { LANE_IDS, OTHER_NAMES, isLaneId, type LaneId, type OtherName } from '../lanes.ts';
import type { Lab } from '../lab.ts';
import { PAGE_ID_PATTERN, type Counters } from '../wire/meter.ts';
import type { H2Snapshot } from '../h2/accounting.ts';
import { LabError } from '../errors.ts';
import { switchesSnapshot } from './switches.ts';
import { guardedHandler, HandlerFault } from '../faults.ts';
import type { Held } from '../delivery/held.ts';
import type { WsOutlet } from '../delivery/outlet.ts';
import { requestHost } from '../security/addresses.ts';

export interface StatsSnapshot {
  /**
   * Set when the snapshot is one page's view (`?page=<id>`): `lanes` then holds only
   * the traffic of that page's own connections; `other` and `totals` stay server-wide.
   */
  page?: string;
  epoch: string;
  at: number;
  uptimeMs: number;
  feed: {
    head: number; firstSeq: number; size: number; capacity: number;
    /** Serialised bytes the ring buffer holds, and its byte budget (feedCapacityBytes). */
    bytes: number; capacityBytes: number;
    rate: number; payloadBytes: number; running: boolean;
  };
  lanes: Record<LaneId, Counters & { held: number }>;
  other: Record<OtherName, Counters>;
  totals: { bytesIn: number; bytesOut: number };
  /**
   * The same figures over HTTPS + HTTP/2 (`lanes` above is HTTP/1.1 cleartext), plus the
   * connection's own frames and TLS. `h2.lanes` is the page's view when `lanes` is;
   * `h2.serverWide` has both protocols' lanes for everyone, for a side-by-side table.
   */
  h2: H2Snapshot & { serverWide: { h1: Record<LaneId, Counters>; h2: Record<LaneId, Counters> } };
  /** Chaos and security switches, so a page can show which are on. */
  switches: ReturnType<typeof switchesSnapshot>;
  /** The write path: consumers cut off for not reading, and the most bytes one had buffered, per kind. */
  delivery: ReturnType<Lab['delivery']['snapshot']>;
  /** The server process, so a bench can compute CPU time per delivered message. */
  process: { pid: number; cpuUserUs: number; cpuSystemUs: number; rssBytes: number; heapUsedBytes: number };
}

/** `host`: the Host the asking page reached the lab by (the switches' origins follow it). */
export function snapshot(lab: Lab, page?: string, host?: string): StatsSnapshot {
  const counters = lab.meter.snapshot();
  const lanes = {} as StatsSnapshot['lanes'];
  if (page === undefined) {
    for (const id of LANE_IDS) lanes[id] = { ...counters[id], held: lab.held.count(id) };
  } else {
    // A page's view: its own sockets; `held` is its sockets whose latest request was the lane.
    const own = lab.meter.pageSnapshot(page);
    for (const id of LANE_IDS) lanes[id] = { ...own[id], held: own[id].open };
  }
  const other = {} as StatsSnapshot['other'];
  for (const name of OTHER_NAMES) other[name] = counters[name];
  let bytesIn = 0;
  let bytesOut = 0;
  for (const c of Object.values(counters)) {
    bytesIn += c.bytesIn;
    bytesOut += c.bytesOut;
  }
  const { feed, producer } = lab;
  return {
    ...(page !== undefined && { page }),
    epoch: feed.epoch,
    at: Date.now(),
    uptimeMs: Date.now() - lab.startedAt,
    feed: {
      head: feed.head, firstSeq: feed.firstSeq, size: feed.size, capacity: feed.capacity,
      bytes: feed.bytes, capacityBytes: lab.options.feedCapacityBytes,
      rate: producer.rate, payloadBytes: producer.payloadBytes, running: producer.running,
    },
    lanes,
    other,
    totals: { bytesIn, bytesOut },
    h2: h2Snapshot(lab, counters, page),
    switches: switchesSnapshot(lab, host),
    delivery: lab.delivery.snapshot(),
    process: processInfo(),
  };
}

function h2Snapshot(lab: Lab, h1: Record<string, Counters>, page: string | undefined): StatsSnapshot['h2'] {
  const all = lab.h2.snapshot();
  const serverWide = { h1: {} as Record<LaneId, Counters>, h2: all.lanes };
  for (const id of LANE_IDS) serverWide.h1[id] = h1[id]!;
  return { ...all, lanes: page === undefined ? all.lanes : lab.h2.pageSnapshot(page), serverWide };
}

function processInfo(): StatsSnapshot['process'] {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { pid: process.pid, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed };
}

/** `?page=` of a stats request: undefined when absent, refused when it is not a page id. */
export function pageParam(query: { page?: unknown }): string | undefined {
  const { page } = query;
  if (page === undefined) return undefined;
  if (typeof page !== 'string' || !PAGE_ID_PATTERN.test(page)) throw new LabError('LAB_ERR_PAGE_INVALID');
  return page;
}

/** Something else that listens on /api/live sockets (the class registry: students join over it). */
export type LiveJoiner = (socket: WebSocket, request: FastifyRequest) => void;

export async function statsApi(app: FastifyInstance, options: { onLive?: LiveJoiner } = {}): Promise<void> {
  const config = { traffic: 'api' as const };

  app.get<{ Querystring: { page?: string } }>('/api/stats', { config }, async (request) => snapshot(app.lab, pageParam(request.query), requestHost(request.raw)));

  app.get<{ Params: { lane: string } }>('/api/wire/:lane', { config }, async (request) => {
    const { lane } = request.params;
    if (!isLaneId(lane)) throw new LabError('LAB_ERR_NOT_FOUND', `no lane "${lane}"; lanes are ${LANE_IDS.join(', ')}`);
    return { lane, exchange: app.lab.meter.exchange(lane) ?? null };
  });

  // Where the two listeners are: the HTTPS page sends its WebSockets to the http port.
  app.get('/api/h2', { config }, async () => {
    const address = app.server.address();
    return { http: typeof address === 'object' && address ? address.port : null, https: app.lab.h2.port };
  });

  // The same lane over HTTP/2: its latest request's header block as sent (HPACK, decoded).
  app.get<{ Params: { lane: string } }>('/api/h2/wire/:lane', { config }, async (request) => {
    const { lane } = request.params;
    if (!isLaneId(lane)) throw new LabError('LAB_ERR_NOT_FOUND', `no lane "${lane}"; lanes are ${LANE_IDS.join(', ')}`);
    return { lane, exchange: app.lab.h2.exchange(lane) ?? null };
  });

  // One timer, and one JSON string per tick and per view (page, and the Host it came by: the
  // switches' origins follow the Host), however many dashboards listen.
  // Snapshots go through the delivery layer's Outlet; a listener that is
  // blocked simply misses a snapshot (the next one supersedes it), and one
  // still blocked after `maxLiveSkipped` pushes is cut off (1013).
  const { held, outlets } = app.lab;
  const labOptions = app.lab.options;
  const listeners = new Map<WsOutlet, { page: string | undefined; host: string | undefined; skipped: number }>();
  let timer: NodeJS.Timeout | undefined;
  const push = () => {
    const json = new Map<string, string>();
    for (const [outlet, state] of listeners) {
      if (outlet.blocked) {
        if (++state.skipped > labOptions.maxLiveSkipped) outlet.cutOff();
        continue;
      }
      state.skipped = 0;
      const view = `${state.page ?? ''} ${state.host ?? ''}`;
      let text = json.get(view);
      if (text === undefined) json.set(view, (text = JSON.stringify(snapshot(app.lab, state.page, state.host))));
      // Guarded per socket: one dashboard's fault closes that dashboard only (src/faults.ts).
      try {
        outlet.send(text);
      } catch (err) {
        outlet.socket.emit('error', new HandlerFault(err));
      }
    }
  };
  app.get<{ Querystring: { page?: string } }>('/api/live', { websocket: true, config }, (socket: WebSocket, request) => {
    let page: string | undefined;
    let slot: Held;
    try {
      page = pageParam(request.query);
      slot = held.admit('live', { close: (reason) => socket.close(reason.closeCode, reason.closeReason()) },
        Infinity, labOptions.maxLiveConnections, () => new LabError('LAB_ERR_LIVE_FULL'));
    } catch (err) {
      const refusal = err instanceof LabError ? err : new LabError('LAB_ERR_INTERNAL');
      socket.close(refusal.closeCode, refusal.closeReason());
      return;
    }
    const outlet = outlets.ws(socket, request.raw.socket, 'live');
    const state = { page, host: requestHost(request.raw), skipped: 0 };
    listeners.set(outlet, state);
    outlet.send(JSON.stringify(snapshot(app.lab, page, state.host)));
    options.onLive?.(socket, request);
    if (!timer) timer = setInterval(push, labOptions.statsPushMs);
    const forget = () => {
      slot.release();
      listeners.delete(outlet);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
    outlet.onCutOff = forget;
    socket.on('close', guardedHandler(socket, forget));
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
