/**
 * Turning /api/stats snapshots into a lane's figures. Pure arithmetic, so the
 * numbers in the report can be traced back to the server's counters.
 *
 * A lane's run has four snapshots:
 *   s0  before any client connects (feed paused)
 *   s1  every client connected, just before the feed starts
 *   s3  the feed stopped and every client has the last message
 *   s4  every client closed and the server has seen the sockets go
 * The lane's byte figures are s0 -> s4 (everything the clients cost, handshakes
 * and closes included); the server's CPU is s1 -> s3 (delivery only); the
 * projection uses s1 -> s3 bytes (steady state) plus s0 -> s1 per client.
 */
import type { StatsSnapshot } from '../api/stats.ts';
import type { LaneId } from '../lanes.ts';

/** The parts of a snapshot the figures read. */
export type Counted = Pick<StatsSnapshot, 'at' | 'lanes' | 'process'>;

export interface CounterDelta {
  requests: number;
  connections: number;
  messages: number;
  requestHeadBytes: number;
  responseHeadBytes: number;
  headerBytes: number;
  payloadBytes: number;
  framingBytes: number;
  bytesIn: number;
  bytesOut: number;
  /** bytesIn + bytesOut: everything that crossed the wire for this lane, both directions. */
  wireBytes: number;
}

const FIELDS = [
  'requests', 'connections', 'messages', 'requestHeadBytes', 'responseHeadBytes', 'headerBytes',
  'payloadBytes', 'framingBytes', 'bytesIn', 'bytesOut',
] as const;

export function laneDelta(from: Counted, to: Counted, lane: LaneId): CounterDelta {
  const a = from.lanes[lane];
  const b = to.lanes[lane];
  const out = {} as CounterDelta;
  for (const field of FIELDS) out[field] = b[field] - a[field];
  out.wireBytes = out.bytesIn + out.bytesOut;
  return out;
}

export interface PerMessage {
  header: number;
  framing: number;
  payload: number;
  wire: number;
}

/** Bytes per delivered message; undefined when nothing was delivered. */
export function perMessage(d: CounterDelta): PerMessage | undefined {
  if (d.messages === 0) return undefined;
  return {
    header: d.headerBytes / d.messages,
    framing: d.framingBytes / d.messages,
    payload: d.payloadBytes / d.messages,
    wire: d.wireBytes / d.messages,
  };
}

/** Share of the wire that was not message payload: headers, framing, envelopes, handshakes. */
export function overheadPercent(d: CounterDelta): number | undefined {
  return d.wireBytes === 0 ? undefined : (100 * (d.wireBytes - d.payloadBytes)) / d.wireBytes;
}

export interface ServerCost {
  /** CPU time (user + system) the server spent between the two snapshots. */
  cpuMs: number;
  /** The kernel's share: on loopback it includes the TCP work for the receiving side. */
  systemMs: number;
  /** Of one core: 100% = one core busy the whole time. */
  cpuPercent: number;
  /** CPU time per message the lane delivered in that time; undefined when none was. */
  cpuUsPerMessage: number | undefined;
  /**
   * CPU time per request the server answered (poll and long poll; a stream is one request).
   * Unlike per message, it does not fall when a loaded server batches messages into fewer answers.
   */
  cpuUsPerRequest: number | undefined;
  wallMs: number;
}

export function serverCost(from: Counted, to: Counted, lane: LaneId): ServerCost {
  const cpuUs = (to.process.cpuUserUs + to.process.cpuSystemUs) - (from.process.cpuUserUs + from.process.cpuSystemUs);
  const wallMs = to.at - from.at;
  const messages = to.lanes[lane].messages - from.lanes[lane].messages;
  const requests = to.lanes[lane].requests - from.lanes[lane].requests;
  return {
    cpuMs: cpuUs / 1000,
    systemMs: (to.process.cpuSystemUs - from.process.cpuSystemUs) / 1000,
    cpuPercent: wallMs > 0 ? cpuUs / 10 / wallMs : 0,
    cpuUsPerMessage: messages > 0 ? cpuUs / messages : undefined,
    cpuUsPerRequest: requests > 0 ? cpuUs / requests : undefined,
    wallMs,
  };
}
