/**
 * <chaos-panel></chaos-panel>
 *
 * The lab's switches, per lane, all off by default: an added one-way delay,
 * a buffering proxy (stream, sse), refused WebSocket upgrades (ws), dropping
 * the lane's connections now; and the Origin allowlist and CORS. Each switch
 * that is on shows as a badge, from the `switches` of the lab's stats
 * snapshots (GET /api/live), so the panel shows what the server really does,
 * whoever flipped it. "Reset all" turns everything off.
 *
 * Attributes: `base` (the lab's URL), `lanes` (comma-separated subset).
 * For tests: `.cp-lane[data-lane]` with `.cp-badge[data-key]`, `data-active`
 * on the element ("true" while any switch is on).
 */
import { LANE_IDS, LANES, isLaneId, type LaneId } from '../../../src/lanes.ts';
import { DEFAULTS } from '../../../src/config.ts';
import { SWITCHES_FOR } from '../../../src/chaos/switches.ts';
import { LiveStats, liveStats } from '../live-stats.ts';
import { anySwitchOn, laneBadges, securityBadges, type SwitchesSnapshot } from './switch-badges.ts';
import { showBadges } from './badge-view.ts';
import { addInspectorStyles } from './style.ts';
import { button, define, el, errorText, labBase, labCall, setText } from './ui.ts';
import { laneTitle, t } from '../i18n/index.ts';

interface LaneRow {
  lane: LaneId;
  row: HTMLElement;
  badges: HTMLElement;
  delay: HTMLInputElement;
  buffer: HTMLInputElement | undefined;
  refuse: HTMLInputElement | undefined;
}

export class ChaosPanelElement extends HTMLElement {
  private rows: LaneRow[] = [];
  private summary!: HTMLElement;
  private message!: HTMLElement;
  private originCheck!: HTMLInputElement;
  private cors!: HTMLInputElement;
  private securityBadges!: HTMLElement;
  private stats: LiveStats | undefined;
  private unsubscribe: (() => void) | undefined;
  private shown = '';

  connectedCallback(): void {
    if (this.childElementCount === 0) {
      addInspectorStyles();
      this.classList.add('inspector', 'chaos-panel');
      this.build();
    }
    const base = this.getAttribute('base');
    this.stats = base ? new LiveStats(base) : liveStats();
    if (base) this.stats.connect();
    this.unsubscribe = this.stats.subscribe((s) => this.show(s.switches));
    if (this.stats.snapshot) this.show(this.stats.snapshot.switches);
    void this.refresh();
  }

  disconnectedCallback(): void {
    this.unsubscribe?.();
    if (this.getAttribute('base')) this.stats?.close();
  }

  private lanes(): LaneId[] {
    const asked = this.getAttribute('lanes')?.split(',').map((s) => s.trim()).filter(isLaneId);
    return asked && asked.length > 0 ? asked : [...LANE_IDS];
  }

  private build(): void {
    this.summary = el('p', { className: 'cp-summary', role: 'status' });
    this.message = el('p', { className: 'insp-hint', role: 'status' });
    const body = el('div', { className: 'cp-lanes' });
    for (const lane of this.lanes()) {
      const has = SWITCHES_FOR[lane];
      const delay = el('input', { type: 'number', name: 'delayMs', min: '0', max: String(DEFAULTS.maxChaosDelayMs), step: '50', value: '0' });
      const buffer = has.includes('bufferBytes')
        ? el('input', { type: 'number', name: 'bufferBytes', min: '0', max: String(DEFAULTS.maxChaosBufferBytes), step: '1024', value: '0' })
        : undefined;
      const refuse = has.includes('refuseUpgrade') ? el('input', { type: 'checkbox', name: 'refuseUpgrade' }) : undefined;
      const badges = el('span', { className: 'cp-badges' });
      // noValidate: a value past the cap goes to the server, which refuses it in its own words.
      const form = el('form', { className: 'cp-form', noValidate: true },
        el('label', { className: 'insp-field' }, el('span', {}, t('cp.delay')), delay, el('span', { className: 'unit' }, 'ms')),
        ...(buffer ? [el('label', { className: 'insp-field' }, el('span', {}, t('cp.proxyBuffer')), buffer, el('span', { className: 'unit' }, 'B'))] : []),
        ...(refuse ? [el('label', { className: 'insp-toggle' }, refuse, ` ${t('cp.refuseUpgrades')}`)] : []),
        el('button', { type: 'submit', dataset: { action: 'apply' } }, t('cp.apply')),
        button(t('cp.drop'), () => void this.drop(lane), { dataset: { action: 'drop' } }));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        void this.apply(lane, {
          delayMs: Number(delay.value),
          ...(buffer && { bufferBytes: Number(buffer.value) }),
          ...(refuse && { refuseUpgrade: refuse.checked }),
        });
      });
      refuse?.addEventListener('change', () => void this.apply(lane, { refuseUpgrade: refuse.checked }));
      const row = el('div', { className: 'cp-lane', dataset: { lane } },
        el('h3', {}, el('span', { className: 'tl-swatch' }), laneTitle(lane), ' ', el('code', {}, lane)), form, badges);
      row.style.setProperty('--lane', `var(--lane-${lane}, #555)`);
      body.append(row);
      this.rows.push({ lane, row, badges, delay, buffer, refuse });
    }
    this.originCheck = el('input', { type: 'checkbox', name: 'originCheck' });
    this.cors = el('input', { type: 'checkbox', name: 'cors' });
    this.originCheck.addEventListener('change', () => void this.security({ originCheck: this.originCheck.checked }));
    this.cors.addEventListener('change', () => void this.security({ cors: this.cors.checked }));
    this.securityBadges = el('span', { className: 'cp-badges' });
    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, t('cp.title')),
        button(t('cp.reset'), () => void this.reset(), { dataset: { action: 'reset' } }), this.summary),
      el('p', { className: 'insp-detail' }, t('cp.detail')),
      body,
      el('div', { className: 'cp-lane cp-security', dataset: { lane: 'security' } },
        el('h3', {}, t('oc.title')),
        el('p', { className: 'insp-row' },
          el('label', { className: 'insp-toggle' }, this.originCheck, ` ${t('cp.originToggle')}`),
          el('label', { className: 'insp-toggle' }, this.cors, ` ${t('cp.corsToggle')}`)),
        this.securityBadges),
      this.message,
    );
  }

  private async apply(lane: LaneId, change: Record<string, number | boolean>): Promise<void> {
    try {
      await labCall(labBase(this), 'POST', '/api/chaos', { lane, ...change });
      setText(this.message, t('cp.applied', { lane }));
      this.message.className = 'insp-hint';
    } catch (err) {
      this.fail(err); // e.g. LAB_ERR_BODY_INVALID for a delay past the cap: the server's own words
    }
    await this.refresh();
  }

  private async drop(lane: LaneId): Promise<void> {
    try {
      const { dropped } = await labCall<{ dropped: number }>(labBase(this), 'POST', '/api/chaos/drop', { lane });
      setText(this.message, t('cp.dropped', { lane, dropped }));
      this.message.className = 'insp-hint';
    } catch (err) {
      this.fail(err);
    }
  }

  private async security(change: { originCheck?: boolean; cors?: boolean }): Promise<void> {
    try {
      await labCall(labBase(this), 'POST', '/api/security', change);
    } catch (err) {
      this.fail(err);
    }
    await this.refresh();
  }

  private async reset(): Promise<void> {
    try {
      this.show(await labCall<SwitchesSnapshot>(labBase(this), 'POST', '/api/switches/reset', {}), true);
      setText(this.message, t('cp.allOff'));
      this.message.className = 'insp-hint';
    } catch (err) {
      this.fail(err);
    }
  }

  private async refresh(): Promise<void> {
    try {
      this.show(await labCall<SwitchesSnapshot>(labBase(this), 'GET', '/api/switches'), true);
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    setText(this.message, errorText(err));
    this.message.className = 'insp-error';
  }

  /** Draw the server's switches; inputs being edited keep what the user typed unless `force`. */
  private show(switches: SwitchesSnapshot, force = false): void {
    const json = JSON.stringify(switches);
    if (json === this.shown && !force) return;
    this.shown = json;
    const sync = (input: HTMLInputElement | undefined, value: number) => {
      if (input && (force || document.activeElement !== input)) input.value = String(value);
    };
    for (const r of this.rows) {
      const s = switches.chaos[r.lane];
      sync(r.delay, s.delayMs);
      sync(r.buffer, s.bufferBytes);
      if (r.refuse) r.refuse.checked = s.refuseUpgrade;
      const badges = laneBadges(r.lane, switches);
      showBadges(r.badges, badges);
      r.row.dataset.active = String(badges.length > 0);
    }
    this.originCheck.checked = switches.security.originCheck;
    this.cors.checked = switches.security.cors;
    const sec = securityBadges(switches);
    showBadges(this.securityBadges, sec);
    const active = anySwitchOn(switches);
    this.dataset.active = String(active);
    const count = this.rows.reduce((n, r) => n + laneBadges(r.lane, switches).length, 0) + sec.length;
    setText(this.summary, active ? t(count === 1 ? 'cp.oneOn' : 'cp.countOn', { count }) : t('cp.allOff'));
  }
}

define('chaos-panel', ChaosPanelElement);
