/**
 * What a switch that is on looks like as a badge: one short label per switch,
 * with a longer title saying what it does. Pure, so the chaos panel and the
 * dashboard's lane cards can show the same words from the same snapshot
 * (`switches` in every stats snapshot, or GET /api/switches).
 */
import type { LaneId } from '../../../src/lanes.ts';
import type { StatsSnapshot } from '../../../src/api/stats.ts';

export type SwitchesSnapshot = StatsSnapshot['switches'];

export interface Badge {
  /** Stable id for tests and styling: delay, buffer, refuse-upgrade, origin-check, cors. */
  key: string;
  text: string;
  title: string;
}

const bytes = (n: number) => `${n.toLocaleString('en-US')} B`;

/** The badges of one lane: empty when all its switches are off. */
export function laneBadges(lane: LaneId, switches: SwitchesSnapshot): Badge[] {
  const s = switches.chaos[lane];
  const out: Badge[] = [];
  if (s.delayMs > 0) {
    out.push({ key: 'delay', text: `+${s.delayMs.toLocaleString('en-US')} ms delay`, title: `everything the server sends on ${lane} leaves ${s.delayMs} ms late (a one-way delay)` });
  }
  if (s.bufferBytes > 0) {
    out.push({ key: 'buffer', text: `proxy buffers ${bytes(s.bufferBytes)}`, title: `writes are held until ${bytes(s.bufferBytes)} wait, like a buffering proxy` });
  }
  if (s.refuseUpgrade) {
    out.push({ key: 'refuse-upgrade', text: 'upgrades refused', title: 'WebSocket handshakes get 403, like a proxy that strips Upgrade' });
  }
  return out;
}

/** The Origin allowlist and CORS, when on. */
export function securityBadges(switches: SwitchesSnapshot): Badge[] {
  const out: Badge[] = [];
  if (switches.security.originCheck) {
    out.push({ key: 'origin-check', text: 'Origin allowlist on', title: `WebSocket handshakes from other origins get 403 (allowed: ${switches.security.allowedOrigins.join(', ')})` });
  }
  if (switches.security.cors) {
    out.push({ key: 'cors', text: 'CORS on', title: 'the HTTP endpoints answer cross-origin requests and preflights' });
  }
  return out;
}

/** True when any switch at all is on. */
export function anySwitchOn(switches: SwitchesSnapshot): boolean {
  return securityBadges(switches).length > 0 ||
    (Object.keys(switches.chaos) as LaneId[]).some((lane) => laneBadges(lane, switches).length > 0);
}
