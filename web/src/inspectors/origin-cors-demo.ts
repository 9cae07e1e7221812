/**
 * <origin-cors-demo></origin-cors-demo>
 *
 * Origin and CORS, from both sides. The switches (Origin allowlist, CORS) are
 * flipped here, on the lab's own origin; the experiment runs in the
 * cross-origin page (web/cross-origin.html), framed from the lab's second
 * origin, which tries a WebSocket, a simple fetch and a preflighted fetch.
 * For each, this widget puts what that page could see beside what the lab saw
 * on its sockets (GET /api/wire/:lane, GET /api/timeline/:lane): the Origin
 * header it received, the preflight, the status it answered.
 *
 * Attributes: `base` (the lab's URL), `frame` (the cross-origin page's URL;
 * default: the lab's second origin from GET /api/switches).
 * For tests: `data-state` (loading | ready | running | done | unavailable),
 * `.oc-result[data-experiment][data-outcome]`, the iframe `.oc-frame`.
 */
import type { Exchange } from '../../../src/wire/meter.ts';
import type { TimelineRequest } from '../../../src/wire/timeline.ts';
import {
  EXPERIMENTS, EXPERIMENT_TITLES, OUTCOME_WORDS, type Experiment, type ExperimentResult, type FromFrame, type ToFrame,
} from './cross-origin-protocol.ts';
import { headerValue } from './header-notes.ts';
import { addInspectorStyles } from './style.ts';
import { button, define, el, errorText, labBase, labCall, setText, table } from './ui.ts';
import { currentLang, t } from '../i18n/index.ts';

interface SwitchesAnswer {
  security: { originCheck: boolean; cors: boolean; allowedOrigins: string[] };
  secondOrigin: string | null;
}

/** How long one experiment in the frame may take (its WebSocket waits up to 3 s). */
const EXPERIMENT_WAIT_MS = 6_000;
/** Margin after an experiment's end when picking its requests from the timeline (one clock, ms resolution). */
const TIMELINE_MARGIN_MS = 5;

function withLang(src: string): string {
  const url = new URL(src, location.href);
  url.searchParams.set('lang', currentLang());
  return url.href;
}

export class OriginCorsDemoElement extends HTMLElement {
  private frame!: HTMLIFrameElement;
  private frameOrigin: string | undefined;
  private status!: HTMLElement;
  private originCheck!: HTMLInputElement;
  private cors!: HTMLInputElement;
  private rows!: HTMLTableSectionElement;
  private pending: ((result: ExperimentResult | undefined) => void) | undefined;
  private ready = false;
  private readonly onMessage = (event: MessageEvent) => this.fromFrame(event);

  connectedCallback(): void {
    if (this.childElementCount === 0) {
      addInspectorStyles();
      this.classList.add('inspector', 'origin-cors-demo');
      this.build();
    }
    window.addEventListener('message', this.onMessage);
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
  }

  private build(): void {
    this.status = el('span', { className: 'insp-status', role: 'status' }, t('oc.loading'));
    this.originCheck = el('input', { type: 'checkbox', name: 'originCheck' });
    this.cors = el('input', { type: 'checkbox', name: 'cors' });
    this.originCheck.addEventListener('change', () => void this.flip({ originCheck: this.originCheck.checked }));
    this.cors.addEventListener('change', () => void this.flip({ cors: this.cors.checked }));
    this.frame = el('iframe', { className: 'oc-frame', title: t('oc.frameTitle') });
    const results = table('oc-results', [t('oc.colExperiment'), t('oc.colPageSaw'), t('oc.colLabSaw')],
      EXPERIMENTS.map((e) => [t(EXPERIMENT_TITLES[e]), '–', '–']));
    this.rows = results.tBodies[0]!;
    EXPERIMENTS.forEach((e, i) => {
      const row = this.rows.rows[i]!;
      row.className = 'oc-result';
      row.dataset.experiment = e;
      row.dataset.outcome = 'not-run';
    });
    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, t('oc.title')),
        button(t('oc.run'), () => void this.runAll(), { className: 'primary', dataset: { action: 'run' } }),
        this.status),
      el('p', { className: 'insp-detail' },
        t('oc.detail')),
      el('p', { className: 'insp-row' },
        el('label', { className: 'insp-toggle' }, this.originCheck, ` ${t('oc.originToggle')}`),
        el('label', { className: 'insp-toggle' }, this.cors, ` ${t('oc.corsToggle')}`)),
      this.frame, results,
    );
    this.dataset.state = 'loading';
  }

  private async load(): Promise<void> {
    let switches: SwitchesAnswer;
    try {
      switches = await labCall<SwitchesAnswer>(labBase(this), 'GET', '/api/switches');
    } catch (err) {
      return this.unavailable(t('oc.switchesFailed', { error: errorText(err) }));
    }
    this.showSwitches(switches);
    const asked = this.getAttribute('frame') ?? (switches.secondOrigin ? `${switches.secondOrigin}/` : undefined);
    // The framed page has its own storage: tell it this page's language.
    const src = asked === undefined ? undefined : withLang(asked);
    if (!src) return this.unavailable(t('oc.noSecondOrigin'));
    this.frameOrigin = new URL(src).origin;
    if (this.frame.src !== src) this.frame.src = src;
    setText(this.status, t('oc.framing', { src }));
  }

  private unavailable(text: string): void {
    this.dataset.state = 'unavailable';
    setText(this.status, text);
    this.frame.hidden = true;
  }

  private fromFrame(event: MessageEvent): void {
    if (event.origin !== this.frameOrigin || event.source !== this.frame.contentWindow) return;
    const data = event.data as FromFrame;
    if (data?.type === 'transport-lab:ready') {
      this.ready = true;
      this.dataset.state = 'ready';
      setText(this.status, t('oc.ready', { page: data.pageOrigin, lab: data.labOrigin }));
    } else if (data?.type === 'transport-lab:result') {
      const resolve = this.pending;
      this.pending = undefined;
      resolve?.(data.result);
    }
  }

  private async flip(change: { originCheck?: boolean; cors?: boolean }): Promise<void> {
    try {
      await labCall(labBase(this), 'POST', '/api/security', change);
      this.showSwitches(await labCall<SwitchesAnswer>(labBase(this), 'GET', '/api/switches'));
    } catch (err) {
      setText(this.status, errorText(err));
    }
  }

  private showSwitches(s: SwitchesAnswer): void {
    this.originCheck.checked = s.security.originCheck;
    this.cors.checked = s.security.cors;
    this.dataset.originCheck = String(s.security.originCheck);
    this.dataset.cors = String(s.security.cors);
  }

  async runAll(): Promise<void> {
    if (!this.ready) {
      setText(this.status, t('oc.notReady'));
      return;
    }
    this.dataset.state = 'running';
    // The switches may have been flipped elsewhere (the chaos panel, another tab): show the ones in force.
    try {
      this.showSwitches(await labCall<SwitchesAnswer>(labBase(this), 'GET', '/api/switches'));
    } catch (err) {
      setText(this.status, errorText(err));
    }
    for (const experiment of EXPERIMENTS) await this.run(experiment);
    this.dataset.state = 'done';
    setText(this.status, t('oc.done', { origin: this.originCheck.checked ? t('insp.on') : t('insp.off'), cors: this.cors.checked ? t('insp.on') : t('insp.off') }));
  }

  /** One experiment in the frame, then the lab's record of it. */
  private async run(experiment: Experiment): Promise<void> {
    const row = this.rows.rows[EXPERIMENTS.indexOf(experiment)]!;
    row.dataset.outcome = 'running';
    setText(row.cells[1]!, t('oc.running'));
    setText(row.cells[2]!, '');
    const from = Date.now();
    const result = await new Promise<ExperimentResult | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), EXPERIMENT_WAIT_MS);
      this.pending = (r) => { clearTimeout(timer); resolve(r); };
      const message: ToFrame = { type: 'transport-lab:run', experiment };
      this.frame.contentWindow?.postMessage(message, this.frameOrigin!);
    });
    const to = Date.now();
    if (!result) {
      row.dataset.outcome = 'no-answer';
      setText(row.cells[1]!, t('oc.noAnswer'));
      return;
    }
    row.dataset.outcome = result.outcome;
    row.cells[1]!.replaceChildren(el('strong', {}, t(OUTCOME_WORDS[result.outcome])), `: ${result.seen}`);
    row.cells[2]!.replaceChildren(...await this.labSide(experiment, from, to));
  }

  /** What the lab's sockets recorded: the requests that arrived, the Origin it read, the status it answered. */
  private async labSide(experiment: Experiment, from: number, to: number): Promise<(Node | string)[]> {
    const lane = experiment === 'websocket' ? 'ws' : 'poll';
    try {
      const [{ exchange }, timeline] = await Promise.all([
        labCall<{ exchange: Exchange | null }>(labBase(this), 'GET', `/api/wire/${lane}`),
        labCall<{ requests: TimelineRequest[] }>(labBase(this), 'GET', `/api/timeline/${lane}`),
      ]);
      const during = timeline.requests.filter((r) => r.start >= from && r.start <= to + TIMELINE_MARGIN_MS);
      if (during.length === 0) return [t('oc.noRequest')];
      const items: HTMLLIElement[] = [
        el('li', { className: 'oc-requests', dataset: { requests: during.map((r) => `${r.method} ${r.status ?? ''}`.trim()).join(',') } },
          during.map((r) => `${r.method} ${r.path} → ${r.status ?? '…'}`).join(t('oc.then'))),
      ];
      const origin = exchange ? headerValue(exchange.requestHead, 'Origin') : undefined;
      if (exchange && origin === this.frameOrigin) {
        const allow = headerValue(exchange.responseHead, 'Access-Control-Allow-Origin');
        items.push(
          el('li', {}, t('oc.itRead'), ' ', el('code', {}, `Origin: ${origin}`)),
          el('li', {}, t('oc.itAnswered'), ' ', el('code', { className: 'oc-status' }, exchange.responseHead.split('\r\n')[0] ?? '')));
        if (lane === 'poll') {
          items.push(el('li', {}, allow
            ? el('code', {}, `Access-Control-Allow-Origin: ${allow}`)
            : t('oc.noAcao')));
        }
      }
      if (experiment === 'preflighted-fetch' && during.every((r) => r.method === 'OPTIONS')) {
        items.push(el('li', {}, t('oc.stoppedAfterPreflight')));
      }
      return [el('ul', { className: 'oc-lab' }, ...items)];
    } catch (err) {
      return [t('oc.recordFailed', { error: errorText(err) })];
    }
  }
}

define('origin-cors-demo', OriginCorsDemoElement);
