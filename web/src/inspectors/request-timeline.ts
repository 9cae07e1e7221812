/**
 * <request-timeline lane="poll"></request-timeline>   (no `lane`: every lane)
 *
 * A waterfall of a lane's HTTP requests and TCP connections over the last
 * seconds, like a browser's network panel but measured on the server's
 * sockets (GET /api/timeline/:lane). One row per request; the pale part is
 * waiting for the response head, the solid part is receiving the body (held
 * open while a stream, SSE response or WebSocket lives); rows of one TCP
 * connection share a colour. So short polling is many short bars, long polling
 * long bars back to back, a stream one bar that never ends.
 *
 * The widget can run a client of the lane in this page (the dashboard's own
 * lane clients), so it works alone inside a lesson.
 *
 * Attributes: `lane` (poll | longpoll | stream | sse | ws; absent = all),
 * `window` (seconds shown, default 10), `rows` (most rows per lane, default 24),
 * `run` (present: start the page's client at once), `poll-interval`, `wait`
 * (ms, for the page's poll and long-poll clients), `base`.
 * For tests: `.tl-lane[data-lane]`, `.tl-row[data-method][data-status][data-conn][data-open]`.
 */
import { LANE_IDS, LANES, isLaneId, type LaneId } from '../../../src/lanes.ts';
import { createTransport, type Transport } from '../transports/index.ts';
import { layoutTimeline, rowTitle, type TimelineData } from './timeline-layout.ts';
import { addInspectorStyles } from './style.ts';
import { button, define, el, errorText, labBase, labCall, setText } from './ui.ts';
import { laneTitle, t } from '../i18n/index.ts';

/** Refresh period with one lane shown, and with every lane (one request per lane per refresh). */
const REFRESH_ONE_MS = 250;
const REFRESH_ALL_MS = 500;
const DEFAULT_WINDOW_S = 10;
const MAX_WINDOW_S = 120;
const DEFAULT_ROWS = 24;
const MAX_ROWS = 200;

interface LaneView {
  lane: LaneId;
  section: HTMLElement;
  chart: HTMLElement;
  axis: HTMLElement;
  summary: HTMLElement;
  toggle: HTMLButtonElement;
  client: Transport | undefined;
  lastJson: string;
}

function numberAttribute(element: Element, name: string, fallback: number, min: number, max: number): number {
  const raw = element.getAttribute(name);
  const value = Number(raw);
  return raw !== null && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

export class RequestTimelineElement extends HTMLElement {
  private views: LaneView[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private status!: HTMLElement;
  private running = false;

  connectedCallback(): void {
    if (this.childElementCount === 0) {
      addInspectorStyles();
      this.classList.add('inspector', 'request-timeline');
      this.build();
    }
    this.running = true;
    void this.tick();
    if (this.hasAttribute('run')) this.views.forEach((v) => this.setClient(v, true));
  }

  disconnectedCallback(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.views.forEach((v) => this.setClient(v, false));
  }

  private lanes(): LaneId[] {
    const lane = this.getAttribute('lane');
    return isLaneId(lane) ? [lane] : [...LANE_IDS];
  }

  private build(): void {
    this.status = el('span', { className: 'insp-status', role: 'status' });
    const windowS = numberAttribute(this, 'window', DEFAULT_WINDOW_S, 1, MAX_WINDOW_S);
    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, t('rt.title')), this.status),
      el('p', { className: 'insp-detail' },
        t('rt.detailWindow', { s: windowS }), ' ',
        el('span', { className: 'tl-key tl-key-wait', ariaHidden: 'true' }), t('rt.detailWait'),
        el('span', { className: 'tl-key tl-key-recv', ariaHidden: 'true' }), t('rt.detailRecv')),
    );
    for (const lane of this.lanes()) {
      const toggle = button(t('rt.run', { lane }), () => {}, { dataset: { action: 'run', lane } });
      toggle.setAttribute('aria-pressed', 'false');
      const summary = el('p', { className: 'tl-summary', role: 'status' });
      const axis = el('div', { className: 'tl-axis', ariaHidden: 'true' });
      const chart = el('div', { className: 'tl-chart', role: 'list' });
      chart.setAttribute('aria-label', t('rt.chartAria', { lane }));
      const section = el('section', { className: 'tl-lane', dataset: { lane } },
        el('h3', {}, el('span', { className: 'tl-swatch' }), `${laneTitle(lane)} `, el('code', {}, lane)),
        el('div', { className: 'insp-row' }, toggle, summary),
        chart, axis);
      section.style.setProperty('--lane', `var(--lane-${lane}, #555)`);
      const view: LaneView = { lane, section, chart, axis, summary, toggle, client: undefined, lastJson: '' };
      toggle.addEventListener('click', () => this.setClient(view, !view.client));
      this.views.push(view);
      this.append(section);
    }
  }

  /** Start or stop a client of the lane in this page. */
  private setClient(view: LaneView, on: boolean): void {
    if (on && !view.client) {
      const base = this.getAttribute('base') ?? undefined;
      const settings = {
        pollIntervalMs: numberAttribute(this, 'poll-interval', 1_000, 100, 60_000),
        longpollWaitMs: numberAttribute(this, 'wait', 25_000, 0, 60_000),
      };
      view.client = createTransport(view.lane, base ? { base } : {}, settings);
      view.client.start(() => {}, () => {});
    } else if (!on && view.client) {
      view.client.stop();
      view.client = undefined;
    }
    view.toggle.setAttribute('aria-pressed', String(Boolean(view.client)));
    setText(view.toggle, view.client ? t('rt.stop', { lane: view.lane }) : t('rt.run', { lane: view.lane }));
  }

  private async tick(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.running) return;
    try {
      await Promise.all(this.views.map(async (view) => {
        const data = await labCall<TimelineData>(labBase(this), 'GET', `/api/timeline/${view.lane}`);
        this.render(view, data);
      }));
      setText(this.status, t('rt.live'));
      this.dataset.state = 'live';
    } catch (err) {
      setText(this.status, t('rt.readFailed', { error: errorText(err) }));
      this.dataset.state = 'error';
    }
    if (this.running) this.timer = setTimeout(() => void this.tick(), this.views.length > 1 ? REFRESH_ALL_MS : REFRESH_ONE_MS);
  }

  private render(view: LaneView, data: TimelineData): void {
    const windowMs = numberAttribute(this, 'window', DEFAULT_WINDOW_S, 1, MAX_WINDOW_S) * 1000;
    const layout = layoutTimeline(data, windowMs, numberAttribute(this, 'rows', DEFAULT_ROWS, 1, MAX_ROWS));
    const json = JSON.stringify(layout);
    if (json === view.lastJson) return;
    view.lastJson = json;
    setText(view.summary, t(layout.requestsInWindow === 1 ? 'rt.summaryOne' : 'rt.summary', { requests: layout.requestsInWindow, connections: layout.connectionsInWindow, s: windowMs / 1000, open: layout.openNow }));
    view.section.dataset.requests = String(layout.requestsInWindow);
    view.section.dataset.connections = String(layout.connectionsInWindow);
    view.chart.replaceChildren(...(layout.rows.length === 0
      ? [el('p', { className: 'insp-hint tl-empty' }, t('rt.empty'))]
      : layout.rows.map((row) => {
        const track = el('span', { className: 'tl-track' },
          el('span', { className: 'tl-wait' }), el('span', { className: 'tl-recv' }));
        const [wait, recv] = [track.children[0] as HTMLElement, track.children[1] as HTMLElement];
        wait.style.left = `${row.left}%`;
        wait.style.width = `${row.waitWidth}%`;
        recv.style.left = `${row.left + row.waitWidth}%`;
        recv.style.width = `${row.receiveWidth}%`;
        const item = el('div', {
          className: 'tl-row', role: 'listitem', title: rowTitle(row),
          dataset: { id: String(row.id), conn: String(row.conn), method: row.method, status: String(row.status ?? ''), open: String(row.open) },
        },
        el('span', { className: 'tl-label mono' }, el('span', { className: 'tl-conn' }, `#${row.conn}`), ` ${row.method} ${row.status ?? '…'}`),
        track);
        item.style.setProperty('--c', `var(--conn-${row.colour})`);
        return item;
      })));
    view.axis.replaceChildren(...layout.ticks.map((tk) => {
      const tick = el('span', { className: 'tl-tick' }, tk.label);
      tick.style.left = `${tk.left}%`;
      return tick;
    }));
  }
}

define('request-timeline', RequestTimelineElement);
