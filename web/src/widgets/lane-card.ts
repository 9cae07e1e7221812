/**
 * One lane's card: connection state, the last few messages, the browser's own
 * counts beside the server's, and what the lane costs on the wire.
 *
 *   setupLaneCard(element, { runner, stats, onWire })
 *
 * Every number sits in an element with `data-stat="browser.…"` or
 * `data-stat="server.…"` and its raw value in `data-value`, for tests and lessons.
 */
import { laneBadges } from '../inspectors/switch-badges.ts';
import { showBadges } from '../inspectors/badge-view.ts';
import { LANES } from '../../../src/lanes.ts';
import { BROWSER_LANES } from '../transports/index.ts';
import { pageProtocol, type PageProtocol } from '../h2/protocol.ts';
import { laneSummary, laneTitle, t, type MessageKey } from '../i18n/index.ts';
import type { LaneRunner } from '../lane-runner.ts';
import type { StatsSnapshot } from '../live-stats.ts';
import type { StatsSource } from '../page-run.ts';
import { Agreement, type AgreementView } from '../agreement.ts';
import { bytesPerMessage, overheadPercent } from '../derived.ts';
import { formatBytes, formatBytesPerMessage, formatCount, formatMs, formatPercent } from '../format.ts';
import { escapeHtml, must, setData, setStat, setText } from '../dom.ts';
import { onTick } from '../ticker.ts';
import { retryText } from '../i18n/problems.ts';

export interface LaneCardOptions {
  runner: LaneRunner;
  stats?: StatsSource;
  /** Called when the user asks for the lane's wire view (button or click on the card). */
  onWire?: (lane: LaneRunner['lane']) => void;
}

export interface LaneCard {
  render(): void;
  /** Forget agreement history (after a reset). */
  reset(): void;
  destroy(): void;
}

const STATE_TEXT: Record<LaneRunner['state'], MessageKey> = { off: 'laneCard.stateOff', connecting: 'laneCard.stateConnecting', open: 'laneCard.stateOpen', reconnecting: 'laneCard.stateReconnecting', unavailable: 'laneCard.stateUnavailable' };

/** The browser's HTTP/1.1 connections per origin (Chromium, Firefox, Safari all use six). */
export const HTTP1_CONNECTIONS_PER_ORIGIN = 6;

export function connectionsText(lane: LaneRunner['lane'], on: boolean, protocol: PageProtocol = pageProtocol()): string {
  if (!on) return t('laneCard.offConn');
  // Over HTTP/2 there is no six: every HTTP lane is streams on the page's one connection (RFC 9113 §5).
  if (protocol === 'h2') {
    if (lane === 'ws') return t('laneCard.h2Ws');
    if (BROWSER_LANES[lane].picker) return t('laneCard.h2Library'); // Socket.IO, SockJS: their HTTP transports (transport.ts isHttp2Only)
    return t(LANES[lane].holdsHttpConnection ? 'laneCard.h2Holds' : 'laneCard.h2Borrows');
  }
  const note = BROWSER_LANES[lane].connections;
  if (note) return t(note);
  if (lane === 'ws') return t('laneCard.wsConn', { n: HTTP1_CONNECTIONS_PER_ORIGIN });
  if (LANES[lane].holdsHttpConnection) return t('laneCard.holdsConn', { n: HTTP1_CONNECTIONS_PER_ORIGIN });
  return t('laneCard.borrowsConn', { n: HTTP1_CONNECTIONS_PER_ORIGIN });
}

/**
 * The column titles of the lane cards when they are laid out as the rows of one table
 * (projector mode, style.css): one title per figure a card shows there, in the card's order.
 * Only a picture of the titles: each card keeps its own labels for screen readers.
 */
export function setupLaneColumns(element: HTMLElement): void {
  element.classList.add('lane-columns');
  element.setAttribute('aria-hidden', 'true');
  const title = (key: MessageKey, sub: MessageKey, pair = false) =>
    `<span${pair ? ' class="pair"' : ''}>${escapeHtml(t(key))}<small>${escapeHtml(t(sub))}</small></span>`;
  element.innerHTML = `<span class="lane-col">${escapeHtml(t('laneColumns.lane'))}</span>` +
    title('laneColumns.requests', 'laneColumns.pageServer', true) +
    title('laneColumns.messages', 'laneColumns.pageServer', true) +
    title('laneColumns.missing', 'laneColumns.missingSub') +
    `<span>${escapeHtml(t('laneColumns.latency'))}<small>p50</small></span>` +
    `<span>${escapeHtml(t('laneColumns.latency'))}<small>p95</small></span>` +
    title('laneColumns.headerBytes', 'laneColumns.headerBytesSub') +
    title('laneColumns.bytesPerMessage', 'laneColumns.bytesPerMessageSub');
}

export function setupLaneCard(element: HTMLElement, options: LaneCardOptions): LaneCard {
  const { runner, stats, onWire } = options;
  const { lane } = runner;
  const info = LANES[lane];
  const picker = BROWSER_LANES[lane].picker;
  // Over https a library lane has no WebSocket to pick (the port speaks only HTTP/2, no RFC 8441).
  const noWebSocket = pageProtocol() === 'h2';
  const agreements = { requests: new Agreement(), messages: new Agreement() };
  let snapshot: StatsSnapshot | undefined;

  element.classList.add('lane-card');
  element.dataset.lane = lane;
  element.style.setProperty('--lane', `var(--lane-${lane})`);
  element.innerHTML = `
    <header class="lane-head">
      <h2><span class="swatch" aria-hidden="true"></span>${escapeHtml(laneTitle(lane))}</h2>
      <p class="lane-id"><code>${lane}</code> <span class="state" data-field="state" role="status"></span> <span class="lane-badges" data-field="switches"></span></p>
    </header>
    <p class="summary detail">${escapeHtml(laneSummary(lane))}</p>
    <p class="conns" data-field="connections"></p>
    <table class="agreement">
      <thead title="${t('laneCard.sameInstant')}"><tr><th scope="col"><span class="sr-only">${t('laneCard.count')}</span></th><th scope="col">${t('laneCard.page')}</th><th scope="col">${t('laneCard.server')}</th><th scope="col"><span class="sr-only">${t('laneCard.agreement')}</span></th></tr></thead>
      <tbody>
        <tr><th scope="row">${t('laneCard.requests')}</th><td data-stat="browser.requests"></td><td data-stat="server.requests"></td><td class="delta" data-agreement="requests"></td></tr>
        <tr><th scope="row">${t('laneCard.messages')}</th><td data-stat="browser.received"></td><td data-stat="server.messages"></td><td class="delta" data-agreement="messages"></td></tr>
      </tbody>
    </table>
    <dl class="stats">
      <div class="group">${t('laneCard.browser')}</div>
      <div><dt>${t('laneCard.missingDup')}</dt><dd><span data-stat="browser.missing"></span> / <span data-stat="browser.duplicates"></span></dd></div>
      <div><dt>${t('laneCard.latencyP50')}</dt><dd data-stat="browser.latencyP50"></dd></div>
      <div><dt>${t('laneCard.latencyP95')}</dt><dd data-stat="browser.latencyP95"></dd></div>
      <div class="detail"><dt>${t('laneCard.latencyMax')}</dt><dd data-stat="browser.latencyMax"></dd></div>
      <div class="group">${t('laneCard.serverWire')}</div>
      <div><dt>${t('fc.libHeaders')}</dt><dd data-stat="server.headerBytes"></dd></div>
      <div class="detail sub"><dt>${t('laneCard.requestHeads')}</dt><dd data-stat="server.requestHeadBytes"></dd></div>
      <div class="detail sub"><dt>${t('laneCard.responseHeads')}</dt><dd data-stat="server.responseHeadBytes"></dd></div>
      <div class="detail"><dt>${t('wire.payload')}</dt><dd data-stat="server.payloadBytes"></dd></div>
      <div class="detail"><dt>${t('laneCard.framing')}</dt><dd data-stat="server.framingBytes"></dd></div>
      <div><dt>${t('laneCard.bytesPerMsg')}</dt><dd data-stat="server.bytesPerMessage"></dd></div>
      <div><dt>${t('laneCard.overhead')}</dt><dd data-stat="server.overheadPercent"></dd></div>
    </dl>
    <ol class="recent detail" data-field="recent" aria-label="${t('laneCard.lastMessages')}"></ol>
    <p class="problem" data-field="problem" hidden></p>
    <footer class="lane-foot">
      ${picker ? `<label class="lane-picker">${escapeHtml(t(picker.setting === 'sockjsTransport' ? 'laneCard.pickerTransport' : 'laneCard.pickerTransports'))} <select data-field="picker">${picker.choices.map((c) => `<option value="${escapeHtml(c)}"${runner.settings[picker.setting] === c ? ' selected' : ''}${noWebSocket && c === 'websocket' ? ` disabled title="${escapeHtml(t('laneCard.h2NoWebSocket'))}"` : ''}>${escapeHtml(c)}</option>`).join('')}</select></label>` : ''}
      <button type="button" data-action="wire" aria-haspopup="dialog">${t('wire.title')}</button>
    </footer>`;

  const stat = (name: string) => must<HTMLElement>(element, `[data-stat="${name}"]`);
  const field = (name: string) => must<HTMLElement>(element, `[data-field="${name}"]`);
  const cells = {
    state: field('state'), connections: field('connections'), recent: field('recent'), problem: field('problem'),
    requests: stat('browser.requests'), received: stat('browser.received'),
    missing: stat('browser.missing'), duplicates: stat('browser.duplicates'),
    p50: stat('browser.latencyP50'), p95: stat('browser.latencyP95'), max: stat('browser.latencyMax'),
    serverRequests: stat('server.requests'), serverMessages: stat('server.messages'),
    headerBytes: stat('server.headerBytes'), requestHeadBytes: stat('server.requestHeadBytes'),
    responseHeadBytes: stat('server.responseHeadBytes'), payloadBytes: stat('server.payloadBytes'),
    framingBytes: stat('server.framingBytes'), bytesPerMessage: stat('server.bytesPerMessage'),
    overheadPercent: stat('server.overheadPercent'),
    agreeRequests: must<HTMLElement>(element, '[data-agreement="requests"]'),
    agreeMessages: must<HTMLElement>(element, '[data-agreement="messages"]'),
  };

  // A library lane's transport choice: the lane reconnects with it at once (and resumes).
  element.querySelector<HTMLSelectElement>('[data-field="picker"]')?.addEventListener('change', (event) => {
    if (picker) runner.configure({ [picker.setting]: (event.target as HTMLSelectElement).value });
  });
  const wire = () => onWire?.(lane);
  must<HTMLButtonElement>(element, '[data-action="wire"]').addEventListener('click', wire);
  element.addEventListener('click', (event) => {
    // A click anywhere on the card opens the wire view, except on its own controls.
    if (!(event.target as Element).closest('button, a, input, select, label')) wire();
  });

  // Compare at the moment a snapshot arrives, and show the page's counts as they
  // were at that moment: both columns then describe the same instant.
  const unsubscribe = stats?.subscribe((s) => {
    snapshot = s;
    // A chaos switch on this lane shows on the card while it is on.
    showBadges(field('switches'), laneBadges(lane, s.switches));
    const server = s.lanes[lane];
    agreements.requests.observe(runner.counter.requests, server.requests, Date.now());
    agreements.messages.observe(runner.counter.received, server.messages, Date.now());
  });
  // Without a stats channel there is nothing to compare with: show the live counts.
  const pageCount = (agreement: Agreement, live: number) => (stats ? agreement.view?.browser : live);

  function renderAgreement(cell: HTMLElement, view: AgreementView | undefined): void {
    setData(cell, 'status', view?.status ?? 'unknown');
    setStat(cell, view?.delta, view === undefined ? '' : view.delta === 0 ? '✓' : `${view.delta > 0 ? '+' : '−'}${formatCount(Math.abs(view.delta))}`);
    cell.title = view === undefined ? '' : view.status === 'agree' ? t('laneCard.agree')
      : view.status === 'settling' ? t('laneCard.settling')
      : t('laneCard.disagree');
  }

  function render(): void {
    const c = runner.counter;
    setData(element, 'state', runner.state);
    setData(element, 'epoch', c.epoch ?? '');
    setData(element, 'startSeq', c.startSeq === undefined ? '' : String(c.startSeq));
    setData(element, 'lastSeq', c.lastSeq === undefined ? '' : String(c.lastSeq));
    setText(cells.state, t(STATE_TEXT[runner.state]));
    setText(cells.connections, connectionsText(lane, runner.running && runner.state !== 'unavailable'));
    setText(cells.problem, runner.lastProblem === undefined ? '' : runner.state === 'unavailable' ? runner.lastProblem : retryText(runner.lastProblem));
    cells.problem.hidden = runner.lastProblem === undefined;

    const requests = pageCount(agreements.requests, c.requests);
    const received = pageCount(agreements.messages, c.received);
    setStat(cells.requests, requests, formatCount(requests));
    setStat(cells.received, received, formatCount(received));
    setStat(cells.missing, c.missing, formatCount(c.missing));
    setStat(cells.duplicates, c.duplicates, formatCount(c.duplicates));
    const latency = c.latency();
    setStat(cells.p50, latency.p50, formatMs(latency.p50));
    setStat(cells.p95, latency.p95, formatMs(latency.p95));
    setStat(cells.max, latency.max, formatMs(latency.max));

    const recent = c.recent.map((m) => `#${m.seq} · ${formatMs(m.latencyMs)} · ${m.preview}`);
    if (cells.recent.dataset.text !== recent.join('\n')) {
      cells.recent.dataset.text = recent.join('\n');
      cells.recent.replaceChildren(...recent.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
    }

    const server = snapshot?.lanes[lane];
    setData(element, 'snapshotAt', snapshot ? String(snapshot.at) : '');
    setStat(cells.serverRequests, server?.requests, formatCount(server?.requests));
    setStat(cells.serverMessages, server?.messages, formatCount(server?.messages));
    setStat(cells.headerBytes, server?.headerBytes, formatBytes(server?.headerBytes));
    setStat(cells.requestHeadBytes, server?.requestHeadBytes, formatBytes(server?.requestHeadBytes));
    setStat(cells.responseHeadBytes, server?.responseHeadBytes, formatBytes(server?.responseHeadBytes));
    setStat(cells.payloadBytes, server?.payloadBytes, formatBytes(server?.payloadBytes));
    setStat(cells.framingBytes, server?.framingBytes, formatBytes(server?.framingBytes));
    const perMessage = server && bytesPerMessage(server);
    const overhead = server && overheadPercent(server);
    setStat(cells.bytesPerMessage, perMessage, formatBytesPerMessage(perMessage));
    setStat(cells.overheadPercent, overhead, formatPercent(overhead));
    renderAgreement(cells.agreeRequests, agreements.requests.view);
    renderAgreement(cells.agreeMessages, agreements.messages.view);
  }

  const stopTicking = onTick(render);
  render();

  return {
    render,
    reset() {
      agreements.requests.reset();
      agreements.messages.reset();
      render();
    },
    destroy() {
      stopTicking();
      unsubscribe?.();
    },
  };
}
