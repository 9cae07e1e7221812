/**
 * What a switch that is on looks like as a badge: one short label per switch,
 * with a longer title saying what it does. Pure, so the chaos panel and the
 * dashboard's lane cards can show the same words from the same snapshot
 * (`switches` in every stats snapshot, or GET /api/switches).
 */
import type { LaneId } from '../../../src/lanes.ts';
import type { StatsSnapshot } from '../../../src/api/stats.ts';
import { t } from '../i18n/index.ts';

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
    out.push({ key: 'delay', text: t('badge.delay', { ms: s.delayMs.toLocaleString('en-US') }), title: t('badge.delayTitle', { lane, ms: s.delayMs }) });
  }
  if (s.bufferBytes > 0) {
    out.push({ key: 'buffer', text: t('badge.buffer', { bytes: bytes(s.bufferBytes) }), title: t('badge.bufferTitle', { bytes: bytes(s.bufferBytes) }) });
  }
  if (s.refuseUpgrade) {
    out.push({ key: 'refuse-upgrade', text: t('badge.refuseUpgrade'), title: t('badge.refuseUpgradeTitle') });
  }
  return out;
}

/** The Origin allowlist and CORS, when on. */
export function securityBadges(switches: SwitchesSnapshot): Badge[] {
  const out: Badge[] = [];
  if (switches.security.originCheck) {
    out.push({ key: 'origin-check', text: t('badge.originCheck'), title: t('badge.originCheckTitle', { allowed: switches.security.allowedOrigins.join(', ') }) });
  }
  if (switches.security.cors) {
    out.push({ key: 'cors', text: t('badge.cors'), title: t('badge.corsTitle') });
  }
  return out;
}

/** True when any switch at all is on. */
export function anySwitchOn(switches: SwitchesSnapshot): boolean {
  return securityBadges(switches).length > 0 ||
    (Object.keys(switches.chaos) as LaneId[]).some((lane) => laneBadges(lane, switches).length > 0);
}
