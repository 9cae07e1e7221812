/**
 * What the lab measured: GET /api/stats, GET /api/wire/:lane, and the push
 * channel /api/live (a WebSocket, so it never takes one of the browser's six
 * HTTP/1.1 connections from the lanes). Counted under `api`, never in a lane.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { LANE_IDS, OTHER_NAMES, isLaneId, type LaneId, type OtherName } from '../lanes.ts';
import type { Lab } from '../lab.ts';
import type { Counters } from '../wire/meter.ts';
import { LabError } from '../errors.ts';
import { switchesSnapshot } from './switches.ts';

export interface StatsSnapshot {
  epoch: string;
  at: number;
  uptimeMs: number;
  feed: {
    head: number; firstSeq: number; size: number; capacity: number;
    rate: number; payloadBytes: number; running: boolean;
  };
  lanes: Record<LaneId, Counters & { held: number }>;
  other: Record<OtherName, Counters>;
  totals: { bytesIn: number; bytesOut: number };
  /** Chaos and security switches, so a page can show which are on. */
  switches: ReturnType<typeof switchesSnapshot>;
  /** The server process, so a bench can compute CPU time per delivered message. */
  process: { pid: number; cpuUserUs: number; cpuSystemUs: number; rssBytes: number; heapUsedBytes: number };
}

export function snapshot(lab: Lab): StatsSnapshot {
  const counters = lab.meter.snapshot();
  const lanes = {} as StatsSnapshot['lanes'];
  for (const id of LANE_IDS) lanes[id] = { ...counters[id], held: lab.held.count(id) };
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
    epoch: feed.epoch,
    at: Date.now(),
    uptimeMs: Date.now() - lab.startedAt,
    feed: {
      head: feed.head, firstSeq: feed.firstSeq, size: feed.size, capacity: feed.capacity,
      rate: producer.rate, payloadBytes: producer.payloadBytes, running: producer.running,
    },
    lanes,
    other,
    totals: { bytesIn, bytesOut },
    switches: switchesSnapshot(lab),
    process: processInfo(),
  };
}

function processInfo(): StatsSnapshot['process'] {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { pid: process.pid, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed };
}

export async function statsApi(app: FastifyInstance): Promise<void> {
  const config = { traffic: 'api' as const };

  app.get('/api/stats', { config }, async () => snapshot(app.lab));

  app.get<{ Params: { lane: string } }>('/api/wire/:lane', { config }, async (request) => {
    const { lane } = request.params;
    if (!isLaneId(lane)) throw new LabError('LAB_ERR_NOT_FOUND', `no lane "${lane}"; lanes are ${LANE_IDS.join(', ')}`);
    return { lane, exchange: app.lab.meter.exchange(lane) ?? null };
  });

  // One timer and one JSON string per tick, however many dashboards listen.
  const listeners = new Set<WebSocket>();
  let timer: NodeJS.Timeout | undefined;
  const push = () => {
    const json = JSON.stringify(snapshot(app.lab));
    for (const ws of listeners) ws.send(json);
  };
  app.get('/api/live', { websocket: true, config }, (socket: WebSocket) => {
    listeners.add(socket);
    socket.send(JSON.stringify(snapshot(app.lab)));
    if (!timer) timer = setInterval(push, app.lab.options.statsPushMs);
    socket.on('close', () => {
      listeners.delete(socket);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    });
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
