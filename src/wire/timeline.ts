/**
 * The request timeline: per lane, when each HTTP request started, when its
 * response head went out (first byte), when it ended, and which TCP connection
 * carried it, like a browser's network panel but seen from the server's sockets.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LANE_IDS, isLaneId, type LaneId, type TrafficName } from '../lanes.ts';

export interface TimelineRequest {
  id: number;
  conn: number;
  method: string;
  path: string;
  status: number | null;
  /** ms since the Unix epoch */
  start: number;
  firstByte: number | null;
  end: number | null;
}

export interface TimelineConnection {
  conn: number;
  opened: number;
  closed: number | null;
  requests: number;
}

const kConn = Symbol('timelineConn');
type Numbered = Socket & { [kConn]?: { id: number; opened: number; closed: number | null; lanes: Map<LaneId, TimelineConnection> } };

export class Timeline {
  private nextConn = 1;
  private nextRequest = 1;
  private readonly requests = new Map<LaneId, TimelineRequest[]>();
  private readonly connections = new Map<LaneId, TimelineConnection[]>();

  constructor(private readonly kept: number) {
    for (const lane of LANE_IDS) {
      this.requests.set(lane, []);
      this.connections.set(lane, []);
    }
  }

  attach(server: Server): void {
    server.on('connection', (socket: Numbered) => {
      const info = { id: this.nextConn++, opened: Date.now(), closed: null as number | null, lanes: new Map<LaneId, TimelineConnection>() };
      socket[kConn] = info;
      socket.once('close', () => {
        info.closed = Date.now();
        info.lanes.forEach((c) => { c.closed = info.closed; });
      });
    });
  }

  onRequest(req: IncomingMessage, res: ServerResponse, name: TrafficName): void {
    const info = (req.socket as Numbered)[kConn];
    if (!info || !isLaneId(name)) return;
    let conn = info.lanes.get(name);
    if (!conn) {
      conn = { conn: info.id, opened: info.opened, closed: info.closed, requests: 0 };
      info.lanes.set(name, conn);
      push(this.connections.get(name)!, conn, this.kept);
    }
    conn.requests++;
    const entry: TimelineRequest = {
      id: this.nextRequest++, conn: info.id, method: req.method ?? 'GET', path: (req.url ?? '').split('?')[0]!,
      status: null, start: Date.now(), firstByte: null, end: null,
    };
    push(this.requests.get(name)!, entry, this.kept);
    // The head goes out with writeHead (Fastify replies and the streaming lanes both call it).
    // Shared functions find the entry on the response: nothing is allocated per request
    // but the entry (a long-polling lane makes thousands of requests a second).
    const timed = res as Timed;
    timed[kEntry] = entry;
    timed[kWriteHead] = res.writeHead;
    res.writeHead = timedWriteHead as ServerResponse['writeHead'];
    res.on('finish', onResponseEnd);
    res.on('close', onResponseEnd);
  }

  /** A WebSocket handshake was answered (101): its first byte. */
  onUpgrade(req: IncomingMessage, lane: LaneId = 'ws'): void {
    const id = (req.socket as Numbered)[kConn]?.id;
    const entry = this.requests.get(lane)!.findLast((r) => r.conn === id);
    if (entry) {
      entry.firstByte = Date.now();
      entry.status = 101;
      // The exchange lasts as long as the connection.
      req.socket.once('close', () => { entry.end = Date.now(); });
    }
  }

  snapshot(lane: LaneId): { now: number; requests: TimelineRequest[]; connections: TimelineConnection[] } {
    return { now: Date.now(), requests: [...this.requests.get(lane)!], connections: [...this.connections.get(lane)!] };
  }

  reset(): void {
    for (const lane of LANE_IDS) {
      this.requests.set(lane, []);
      this.connections.set(lane, []);
    }
  }
}

function push<T>(list: T[], item: T, kept: number): void {
  list.push(item);
  if (list.length > kept) list.splice(0, list.length - kept);
}

const kEntry = Symbol('timelineEntry');
const kWriteHead = Symbol('timelineWriteHead');
type Timed = ServerResponse & { [kEntry]?: TimelineRequest; [kWriteHead]?: ServerResponse['writeHead'] };

/** The timeline's record of the request this response answers, if it keeps one. */
export function timelineEntryOf(res: ServerResponse): TimelineRequest | undefined {
  return (res as Timed)[kEntry];
}

function timedWriteHead(this: Timed, statusCode: number): ServerResponse {
  const entry = this[kEntry]!;
  entry.firstByte ??= Date.now();
  entry.status = statusCode;
  // Every argument as given (statusMessage and headers are optional, in either order).
  return (this[kWriteHead] as (...a: unknown[]) => ServerResponse).apply(this, arguments as unknown as unknown[]);
}

function onResponseEnd(this: Timed): void {
  const entry = this[kEntry];
  if (entry) entry.end ??= Date.now();
}
