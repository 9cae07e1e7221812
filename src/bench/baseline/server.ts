/**
 * `transport-lab bench --baseline`: the same clients against a bare server per
 * lane, in the bench's own process (like the in-process lab, so both CPU
 * figures are the same process's), one lane at a time. It answers the few
 * questions the bench asks the lab (/api/stats, /api/feed) as plain calls.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { LANES, LANE_IDS, type LaneId } from '../../lanes.ts';
import type { Counters } from '../../wire/meter.ts';
import type { FeedSettings } from '../lab-api.ts';
import type { BenchTarget, RunSnapshot } from '../run.ts';
import { BareFeed } from './feed.ts';
import type { BareCounts, BareLane, BareLaneFactory } from './lane.ts';
import { barePoll } from './poll.ts';
import { bareLongpoll } from './longpoll.ts';
import { bareSse, bareStream } from './stream.ts';
import { bareWs } from './ws.ts';
import { bareSocketio } from './socketio.ts';
import { bareSockjs } from './sockjs.ts';

/** Each lane's bare server (a lane without one fails to type-check). */
export const BARE_LANES: Record<LaneId, BareLaneFactory> = {
  poll: barePoll,
  longpoll: bareLongpoll,
  stream: bareStream,
  sse: bareSse,
  ws: bareWs,
  socketio: bareSocketio,
  sockjs: bareSockjs,
};

export function hasBareServer(lane: LaneId): boolean {
  return BARE_LANES[lane] !== undefined;
}

export class BareServer implements BenchTarget {
  readonly counts: BareCounts = { delivered: 0, requests: 0 };
  readonly name: string;
  private readonly source = new BareFeed();
  private readonly lane: BareLane;
  private readonly open = new Set<Socket>();

  private constructor(readonly laneId: LaneId, private readonly http: Server, readonly origin: string, factory: BareLaneFactory) {
    this.lane = factory(this.source, this.counts);
    this.name = this.lane.server;
    this.source.onPublish = (message) => this.lane.publish(message);
    // A lane's path, and for a library lane what lies under it (/sockjs/feed/info, /socket.io/?EIO=4…).
    const base = LANES[laneId].path.replace(/\/$/, '');
    const ours = (url: string | undefined) => {
      const path = url?.split('?')[0] ?? '';
      return path === base || path.startsWith(`${base}/`);
    };
    http.on('connection', (socket: Socket) => {
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
    });
    http.on('request', (req, res) => {
      this.counts.requests++;
      if (this.lane.request && ours(req.url)) return this.lane.request(req, res);
      res.writeHead(404).end();
    });
    http.on('upgrade', (req, socket, head) => {
      this.counts.requests++;
      if (this.lane.upgrade && ours(req.url)) return this.lane.upgrade(req, socket, head);
      socket.destroy();
    });
  }

  /** A bare server for `lane` on a free loopback port. */
  static async start(lane: LaneId): Promise<BareServer> {
    const factory = BARE_LANES[lane];
    if (!factory) throw new RangeError(`no bare server for lane ${lane}`);
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    if (!address || typeof address === 'string') throw new Error('the bare server has no port');
    return new BareServer(lane, http, `http://127.0.0.1:${address.port}`, factory);
  }

  async stats(): Promise<RunSnapshot> {
    const lanes = {} as RunSnapshot['lanes'];
    for (const id of LANE_IDS) lanes[id] = { ...ZERO, held: 0 };
    lanes[this.laneId] = { ...ZERO, messages: this.counts.delivered, requests: this.counts.requests, held: this.lane.held(), open: this.open.size };
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    return {
      at: Date.now(),
      feed: { head: this.source.head },
      lanes,
      process: { pid: process.pid, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
    };
  }

  async feed(settings: FeedSettings): Promise<void> {
    if (settings.rate !== undefined) this.source.rate = settings.rate;
    if (settings.payloadBytes !== undefined) this.source.payloadBytes = settings.payloadBytes;
    if (settings.running === true) this.source.start();
    if (settings.running === false) this.source.stop();
  }

  async close(): Promise<void> {
    this.source.stop();
    this.lane.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

const ZERO: Counters = {
  requests: 0, connections: 0, requestHeadBytes: 0, responseHeadBytes: 0, headerBytes: 0,
  payloadBytes: 0, framingBytes: 0, bytesIn: 0, bytesOut: 0, messages: 0, open: 0,
};
