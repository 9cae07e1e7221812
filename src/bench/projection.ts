/**
 * Bandwidth projection: what a lane would need at many more clients, from the
 * bytes per message the bench measured.
 *
 *   bits/s = clients × messages/s per client × wire bytes per message × 8
 *
 * This is the arithmetic of Kaazing's "HTML5 Web Sockets: A Quantum Leap in
 * Scalability for the Web" (2010): 871 header bytes per poll, one poll per second,
 * 1,000 clients -> 6,968,000 bit/s, which they printed as "6.6 Mbps" because
 * their megabit was 2^20 bits. We print 10^6 unless asked for `binary`.
 *
 * It assumes the per-message cost stays what was measured: true for the push
 * lanes (stream, sse, ws) at any rate, but a short poll's header bytes are per
 * request, not per message, so a poll figure only holds at the rate and poll
 * interval it was measured with.
 */
import type { LaneId } from '../lanes.ts';
import type { MbpsUnit } from './options.ts';

export const MBIT: Record<MbpsUnit, number> = { si: 1_000_000, binary: 2 ** 20 };

export function bitsPerSecond(clients: number, messagesPerSecond: number, bytesPerMessage: number): number {
  return clients * messagesPerSecond * bytesPerMessage * 8;
}

export function toMbps(bits: number, unit: MbpsUnit): number {
  return bits / MBIT[unit];
}

export function projectionFormula(unit: MbpsUnit): string {
  return unit === 'si'
    ? 'Mbit/s = clients × messages/s × wire bytes/message × 8 ÷ 10^6 (SI megabits; Kaazing 2010 divided by 2^20: --mbps binary)'
    : 'Mbps = clients × messages/s × wire bytes/message × 8 ÷ 2^20 (binary megabits, as Kaazing 2010; SI: --mbps si)';
}

export interface ProjectionCell {
  clients: number;
  bitsPerSecond: number;
  mbps: number;
}

export interface ProjectionRow {
  lane: LaneId;
  /** The run it comes from (`sse`, `sse/h2`, `sockjs/xhr-polling`). */
  label: string;
  /** Steady-state wire bytes (both directions) per delivered message; undefined when bytes were not counted. */
  bytesPerMessage: number | undefined;
  /** Bytes one client cost to connect before any message (handshake, hello, first poll). */
  connectBytesPerClient: number | undefined;
  cells: ProjectionCell[] | undefined;
}

export interface Projection {
  unit: MbpsUnit;
  rate: number;
  clients: number[];
  formula: string;
  rows: ProjectionRow[];
}

export function project(
  measured: { lane: LaneId; label?: string; bytesPerMessage: number | undefined; connectBytesPerClient: number | undefined }[],
  clients: readonly number[],
  rate: number,
  unit: MbpsUnit,
): Projection {
  return {
    unit,
    rate,
    clients: [...clients],
    formula: projectionFormula(unit),
    rows: measured.map(({ lane, label, bytesPerMessage, connectBytesPerClient }) => ({
      lane,
      label: label ?? lane,
      bytesPerMessage,
      connectBytesPerClient,
      cells: bytesPerMessage === undefined ? undefined : clients.map((n) => {
        const bits = bitsPerSecond(n, rate, bytesPerMessage);
        return { clients: n, bitsPerSecond: bits, mbps: toMbps(bits, unit) };
      }),
    })),
  };
}
