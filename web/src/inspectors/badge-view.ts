/**
 * Switch badges into an element: the one DOM step between a stats snapshot
 * and the words of switch-badges.ts. The chaos panel uses it, and so can the
 * dashboard's lane cards:
 *
 *   stats.subscribe((s) => showBadges(badgesEl, laneBadges(lane, s.switches)));
 */
import type { Badge } from './switch-badges.ts';
import { addInspectorStyles } from './style.ts';
import { el } from './ui.ts';

/** Replace `container`'s badges (only when they changed: snapshots arrive 4 times a second). */
export function showBadges(container: HTMLElement, badges: readonly Badge[]): void {
  addInspectorStyles();
  const shown = badges.map((b) => `${b.key}=${b.text}`).join('|');
  if (container.dataset.badges === shown && container.childElementCount === badges.length) return;
  container.dataset.badges = shown;
  container.replaceChildren(...badges.map((b) => el('span', { className: 'cp-badge', title: b.title, dataset: { key: b.key } }, b.text)));
}
