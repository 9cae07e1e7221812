/**
 * Chaos switches: per-lane network trouble, off by default, so a class can see
 * what real networks do to each transport.
 *
 *  - `delayMs`: everything the server sends on the lane leaves that much later
 *    (a one-way delay, as on a long link), so polling's latency cost shows;
 *  - `bufferBytes` (lanes whose response streams): hold writes until that many bytes are waiting,
 *    like a proxy that buffers responses (nginx without `X-Accel-Buffering: no`);
 *  - `refuseUpgrade` (lanes that upgrade): refuse WebSocket handshakes like a strict proxy;
 *  - `drop(lane)`: cut every connection of the lane now, as a network failure would.
 *
 * It works on the sockets, below HTTP and WebSocket, so the transports do not
 * know it exists, and the wire meter still counts bytes when they really leave.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { LANES, LANE_IDS, type ChaosSwitchName, type LaneId, type TrafficName, isLaneId } from '../lanes.ts';

export interface LaneSwitches {
  delayMs: number;
  bufferBytes: number;
  refuseUpgrade: boolean;
}

// Every switch a lane can name (src/lanes.ts) has a value here.
const OFF: LaneSwitches = { delayMs: 0, bufferBytes: 0, refuseUpgrade: false } satisfies Record<ChaosSwitchName, unknown>;

/** Which switches make sense on which lane: each lane says so in src/lanes.ts. */
export const SWITCHES_FOR = Object.fromEntries(LANE_IDS.map((lane) => [lane, LANES[lane].switches])) as Record<LaneId, readonly ChaosSwitchName[]>;

const kLane = Symbol('chaosLane');
type Labelled = Socket & { [kLane]?: LaneId };

interface Pending {
  chunk: unknown;
  encoding: BufferEncoding | undefined;
  callback: ((err?: Error | null) => void) | undefined;
  bytes: number;
  due: number;
}

export class Chaos {
  private readonly switches = new Map<LaneId, LaneSwitches>();
  private readonly sockets = new Map<LaneId, Set<Socket>>();
  private readonly flushers = new Set<() => void>();
  /** Any delay or buffering switched on: until then every socket write goes straight through. */
  private holding = false;

  constructor() {
    for (const lane of LANE_IDS) {
      this.switches.set(lane, { ...OFF });
      this.sockets.set(lane, new Set());
    }
  }

  get(lane: LaneId): LaneSwitches {
    return { ...this.switches.get(lane)! };
  }

  snapshot(): Record<LaneId, LaneSwitches> {
    return Object.fromEntries(LANE_IDS.map((lane) => [lane, this.get(lane)])) as Record<LaneId, LaneSwitches>;
  }

  /** True when any switch of any lane is on. */
  get active(): boolean {
    return [...this.switches.values()].some((s) => s.delayMs > 0 || s.bufferBytes > 0 || s.refuseUpgrade);
  }

  set(lane: LaneId, change: Partial<LaneSwitches>): LaneSwitches {
    Object.assign(this.switches.get(lane)!, change);
    this.holding = [...this.switches.values()].some((s) => s.delayMs > 0 || s.bufferBytes > 0);
    this.flushers.forEach((flush) => flush()); // a switch turned off releases what it held
    return this.get(lane);
  }

  reset(): void {
    for (const lane of LANE_IDS) this.switches.set(lane, { ...OFF });
    this.holding = false;
    this.flushers.forEach((flush) => flush());
  }

  /** Cut every connection the lane has now; returns how many. */
  drop(lane: LaneId): number {
    const sockets = [...this.sockets.get(lane)!];
    sockets.forEach((socket) => socket.destroy());
    return sockets.length;
  }

  /** A request was routed: its socket carries `name` from now on. */
  label(socket: Socket, name: TrafficName): void {
    const s = socket as Labelled;
    if (s[kLane] === name) return; // the next request on a keep-alive connection, same lane
    if (s[kLane]) this.sockets.get(s[kLane])!.delete(socket);
    s[kLane] = isLaneId(name) ? name : undefined;
    if (s[kLane]) this.sockets.get(s[kLane])!.add(socket);
  }

  refusesUpgrade(lane: LaneId): boolean {
    return this.switches.get(lane)!.refuseUpgrade;
  }

  /** Put every accepted socket's writes through the switches. */
  attach(server: Server): void {
    server.on('connection', (socket: Labelled) => this.wrap(socket));
  }

  private wrap(socket: Labelled): void {
    const write = socket.write.bind(socket) as (chunk: unknown, encoding?: BufferEncoding, cb?: (err?: Error | null) => void) => boolean;
    const end = socket.end.bind(socket);
    let queue: Pending[] = [];
    let queuedBytes = 0;
    let endRequested = false;
    let timer: NodeJS.Timeout | undefined;

    const settings = () => {
      const lane = socket[kLane];
      const s = lane ? this.switches.get(lane)! : OFF;
      return { delayMs: s.delayMs, bufferBytes: lane && SWITCHES_FOR[lane].includes('bufferBytes') ? s.bufferBytes : 0 };
    };

    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (socket.destroyed) {
        queue = [];
        return;
      }
      const { bufferBytes } = settings();
      if (bufferBytes > 0 && queuedBytes < bufferBytes && !endRequested) return; // the "proxy" keeps holding
      const now = Date.now();
      while (queue.length > 0 && queue[0]!.due <= now) {
        const item = queue.shift()!;
        queuedBytes -= item.bytes;
        write(item.chunk, item.encoding, item.callback);
      }
      if (queue.length > 0) {
        timer = setTimeout(flush, queue[0]!.due - now);
      } else if (endRequested) {
        end();
      }
    };
    this.flushers.add(flush);
    socket.once('close', () => {
      this.flushers.delete(flush);
      if (timer) clearTimeout(timer);
      const lane = socket[kLane];
      if (lane) this.sockets.get(lane)!.delete(socket);
    });

    socket.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      if (typeof encoding === 'function') {
        callback = encoding;
        encoding = undefined;
      }
      // The common case, every switch off: no settings to look up, nothing allocated.
      if (!this.holding && queue.length === 0) {
        return write(chunk, encoding as BufferEncoding | undefined, callback as Pending['callback']);
      }
      const { delayMs, bufferBytes } = settings();
      if (delayMs === 0 && bufferBytes === 0 && queue.length === 0) {
        return write(chunk, encoding as BufferEncoding | undefined, callback as Pending['callback']);
      }
      const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding as BufferEncoding | undefined) : (chunk as Uint8Array).length;
      queue.push({ chunk, encoding: encoding as BufferEncoding | undefined, callback: callback as Pending['callback'], bytes, due: Date.now() + delayMs });
      queuedBytes += bytes;
      if (!timer) flush();
      return true;
    }) as Socket['write'];

    // An end() must wait for the writes still held back, or they would be lost.
    socket.end = ((...args: unknown[]) => {
      if (queue.length === 0 && args.length === 0) return end();
      if (args.length > 0 && typeof args[0] !== 'function') socket.write(args[0] as Uint8Array);
      endRequested = true;
      flush();
      return socket;
    }) as Socket['end'];
  }
}
