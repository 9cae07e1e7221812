/**
 * Numbers the page derives from the server's counters for one lane. Kept in
 * one place so the cards, the export and the tests compute them the same way.
 */
import type { Counters } from '../../src/wire/meter.ts';

type Wire = Pick<Counters, 'bytesIn' | 'bytesOut' | 'headerBytes' | 'framingBytes' | 'payloadBytes' | 'messages'>;

/** Every byte the lane moved, both directions, divided by the messages it delivered. */
export function bytesPerMessage(c: Wire): number | undefined {
  return c.messages > 0 ? (c.bytesIn + c.bytesOut) / c.messages : undefined;
}

/** The share of the lane's wire bytes that is not payload: heads plus framing. */
export function overheadPercent(c: Wire): number | undefined {
  const total = c.bytesIn + c.bytesOut;
  return total > 0 ? ((c.headerBytes + c.framingBytes) / total) * 100 : undefined;
}
