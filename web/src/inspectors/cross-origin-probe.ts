/**
 * <cross-origin-probe></cross-origin-probe>, the heart of web/cross-origin.html.
 *
 * This page is served from a second origin (npm start: http://localhost:3001),
 * so to the browser it is another origin than the lab (http://localhost:3000), though the same site: a site ignores the port.
 * From here it tries what any website could try against the lab:
 *
 *   new WebSocket('ws://localhost:3000/feed/ws')  WebSockets are not covered by CORS: it opens,
 *                                                  unless the server checks Origin (RFC 6455 §10.2)
 *   fetch('http://localhost:3000/feed/poll')       a simple request: sent, answered, but the page
 *                                                  may read the answer only if CORS allows it
 *   fetch(…, { headers: { 'X-Lab-Client': … } })   not simple: the browser first asks with OPTIONS
 *                                                  (a preflight), and sends the GET only if allowed
 *
 * It shows only what this page can see, which is the point: a blocked answer
 * and a refused handshake look alike from here. The lab's side of the story
 * is shown by <origin-cors-demo>, which frames this page.
 *
 * The lab's origin comes from /config.json on this page's own origin.
 * For tests: `data-state` (loading | ready | error), `.xo-result[data-experiment][data-outcome]`.
 */
// First: this page's language (from ?lang=, set by the framing page) before the element builds itself.
import '../i18n/page-lang.ts';
import { t } from '../i18n/index.ts';
import {
  EXPERIMENTS, EXPERIMENT_TITLES, OUTCOME_WORDS, PREFLIGHT_HEADER, isLabOrigin,
  type Experiment, type ExperimentResult, type FromFrame, type ToFrame,
} from './cross-origin-protocol.ts';
import { addInspectorStyles } from './style.ts';
import { button, define, el, errorText, setText } from './ui.ts';

/** How long the WebSocket attempt may take before it counts as refused. */
const WS_WAIT_MS = 3_000;

export class CrossOriginProbeElement extends HTMLElement {
  private labOrigin: string | undefined;
  private status!: HTMLElement;
  private results = new Map<Experiment, HTMLElement>();
  private readonly onMessage = (event: MessageEvent) => void this.fromParent(event);

  connectedCallback(): void {
    if (this.childElementCount === 0) {
      addInspectorStyles();
      this.classList.add('inspector', 'cross-origin-probe');
      this.build();
    }
    window.addEventListener('message', this.onMessage);
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
  }

  private build(): void {
    this.status = el('p', { className: 'xo-origins', role: 'status' }, t('xo.readingConfig'));
    const list = el('div', { className: 'xo-experiments' });
    for (const experiment of EXPERIMENTS) {
      const result = el('p', { className: 'xo-result', dataset: { experiment, outcome: 'not-run' } }, t('xo.notRun'));
      this.results.set(experiment, result);
      list.append(el('div', { className: 'xo-experiment' },
        button(t(EXPERIMENT_TITLES[experiment]), () => void this.run(experiment), { dataset: { action: experiment } }),
        result));
    }
    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, t('xo.title')),
        button(t('xo.runAll'), () => void this.runAll(), { className: 'primary', dataset: { action: 'run-all' } })),
      this.status, list,
      el('p', { className: 'insp-detail' }, t('xo.detail')),
    );
    this.dataset.state = 'loading';
  }

  private async load(): Promise<void> {
    try {
      const response = await fetch('/config.json', { cache: 'no-store' });
      if (!response.ok) throw new Error(t('xo.configAnswered', { status: response.status }));
      const config = (await response.json()) as { labOrigin?: unknown };
      if (typeof config.labOrigin !== 'string') throw new Error('/config.json has no labOrigin');
      this.labOrigin = new URL(config.labOrigin).origin;
    } catch (err) {
      this.dataset.state = 'error';
      setText(this.status, t('xo.noLab', { error: errorText(err) }));
      return;
    }
    this.dataset.state = 'ready';
    this.status.replaceChildren(t('xo.thisPage'), ' ', el('code', {}, location.origin), ` · ${t('xo.theLab')} `, el('code', {}, this.labOrigin),
      location.origin === this.labOrigin ? ' (the same origin: open this page from the second origin to see the difference)' : ' (another origin)');
    this.tell({ type: 'transport-lab:ready', pageOrigin: location.origin, labOrigin: this.labOrigin });
  }

  /** Only the lab's own pages may ask this page to run an experiment. */
  private async fromParent(event: MessageEvent): Promise<void> {
    const data = event.data as Partial<ToFrame> | null;
    if (!this.labOrigin || !isLabOrigin(event.origin, this.labOrigin) || data?.type !== 'transport-lab:run') return;
    if (!data.experiment || !(EXPERIMENTS as readonly string[]).includes(data.experiment)) return;
    await this.run(data.experiment, event.origin);
  }

  private tell(message: FromFrame, origin?: string): void {
    if (window.parent === window || !this.labOrigin) return;
    // Post only to the lab: the parent's origin was checked when it asked, or is the lab's.
    window.parent.postMessage(message, origin ?? '*');
  }

  async runAll(): Promise<void> {
    for (const experiment of EXPERIMENTS) await this.run(experiment);
  }

  async run(experiment: Experiment, replyTo?: string): Promise<ExperimentResult | undefined> {
    if (!this.labOrigin) return undefined;
    const out = this.results.get(experiment)!;
    out.dataset.outcome = 'running';
    setText(out, 'running…');
    const started = performance.now();
    const partial = experiment === 'websocket' ? await this.tryWebSocket(this.labOrigin) : await this.tryFetch(this.labOrigin, experiment === 'preflighted-fetch');
    const result: ExperimentResult = { experiment, ...partial, durationMs: Math.round(performance.now() - started) };
    out.dataset.outcome = result.outcome;
    out.replaceChildren(el('strong', {}, t(OUTCOME_WORDS[result.outcome])), `: ${result.seen}`);
    if (replyTo) this.tell({ type: 'transport-lab:result', result }, replyTo);
    return result;
  }

  private tryWebSocket(labOrigin: string): Promise<Pick<ExperimentResult, 'outcome' | 'seen'>> {
    const url = new URL('/feed/ws', labOrigin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return new Promise((resolve) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => {
        ws.close();
        resolve({ outcome: 'refused', seen: t('fc.noAnswer', { ms: WS_WAIT_MS }) });
      }, WS_WAIT_MS);
      ws.onmessage = (event: MessageEvent<string>) => {
        clearTimeout(timer);
        ws.close(1000, 'seen');
        resolve({ outcome: 'opened', seen: t('xo.wsOpened', { frame: String(event.data).slice(0, 90) }) });
      };
      ws.onclose = (event) => {
        clearTimeout(timer);
        resolve({ outcome: 'refused', seen: t('xo.wsRefused', { code: event.code, reason: event.reason ? ` "${event.reason}"` : '' }) });
      };
    });
  }

  private async tryFetch(labOrigin: string, preflighted: boolean): Promise<Pick<ExperimentResult, 'outcome' | 'seen'>> {
    const init: RequestInit = { cache: 'no-store', ...(preflighted && { headers: { [PREFLIGHT_HEADER]: 'cross-origin-page' } }) };
    try {
      const response = await fetch(new URL('/feed/poll', labOrigin), init);
      const body = await response.text();
      const readable = [...response.headers.keys()].join(', ');
      return {
        outcome: 'readable',
        seen: t('xo.readable', { status: response.status, type: response.type, bytes: body.length, body: body.slice(0, 60), headers: readable || t('xo.none') }),
      };
    } catch (err) {
      return {
        outcome: 'blocked',
        seen: t(preflighted ? 'xo.blockedPreflighted' : 'xo.blockedSimple', { error: errorText(err) }),
      };
    }
  }
}

define('cross-origin-probe', CrossOriginProbeElement);
