/**
 * The projection formula, checked against the published numbers it is meant
 * to redo: Kaazing's "HTML5 Web Sockets: A Quantum Leap in Scalability for the
 * Web" (2010): 871 header bytes per poll, one poll a second, and "Mbps" that
 * divide by 2^20 (FIELD-NOTES.md).
 */
import { describe, expect, it } from 'vitest';
import { MBIT, bitsPerSecond, project, projectionFormula, toMbps } from '../src/bench/projection.ts';

describe('bandwidth projection', () => {
  it('bits/s = clients × messages/s × bytes/message × 8', () => {
    expect(bitsPerSecond(1_000, 1, 871)).toBe(6_968_000);
    expect(bitsPerSecond(10, 10, 78)).toBe(62_400);
  });

  it("reproduces Kaazing's polling figures in binary megabits: 6.6, 66 and 665 Mbps", () => {
    const mbps = [1_000, 10_000, 100_000].map((n) => toMbps(bitsPerSecond(n, 1, 871), 'binary'));
    expect(mbps[0]).toBeCloseTo(6.645, 3);
    expect(mbps[1]).toBeCloseTo(66.45, 2);
    expect(mbps[2]).toBeCloseTo(664.5, 1);
  });

  it("reproduces Kaazing's WebSocket figures (2 bytes per frame): 0.015, 0.153 and 1.526 Mbps", () => {
    const mbps = [1_000, 10_000, 100_000].map((n) => toMbps(bitsPerSecond(n, 1, 2), 'binary'));
    expect(mbps[0]).toBeCloseTo(0.0153, 4);
    expect(mbps[1]).toBeCloseTo(0.153, 3);
    expect(mbps[2]).toBeCloseTo(1.526, 3);
  });

  it('SI megabits are 10^6 bits, so the same traffic reads about 4.9% larger', () => {
    expect(MBIT.si).toBe(1_000_000);
    expect(MBIT.binary).toBe(1_048_576);
    expect(toMbps(6_968_000, 'si')).toBe(6.968);
  });

  it('states its formula and which megabit it uses', () => {
    expect(projectionFormula('si')).toContain('clients × messages/s × wire bytes/message × 8 ÷ 10^6');
    expect(projectionFormula('binary')).toContain('÷ 2^20');
  });

  it('projects each lane at each client count, and leaves lanes without byte counts empty', () => {
    const p = project([
      { lane: 'poll', bytesPerMessage: 871, connectBytesPerClient: 0 },
      { lane: 'ws', bytesPerMessage: undefined, connectBytesPerClient: undefined },
    ], [1_000, 100_000], 1, 'binary');
    expect(p).toMatchObject({ unit: 'binary', rate: 1, clients: [1_000, 100_000] });
    expect(p.rows[0]!.cells!.map((c) => c.bitsPerSecond)).toEqual([6_968_000, 696_800_000]);
    expect(p.rows[0]!.cells![1]!.mbps).toBeCloseTo(664.5, 1);
    expect(p.rows[1]!.cells).toBeUndefined();
  });
});
