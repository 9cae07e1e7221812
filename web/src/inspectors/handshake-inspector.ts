/**
 * <handshake-inspector></handshake-inspector>
 *
 * Opens a real WebSocket to the lab's /feed/ws, then shows the exact request
 * and response heads of that handshake as the server's socket saw them
 * (GET /api/wire/ws), every line explained, and computes Sec-WebSocket-Accept
 * in this browser with WebCrypto, step by step, to compare with the server's.
 * A student can also type any key and see its accept.
 *
 * The URL carries a tag (?inspector=…) so the widget can tell its own
 * handshake from another client's: the page itself never sees the key its
 * browser sent, only the server's capture does.
 *
 * Attributes: `base` (the lab's URL; default this page's origin).
 * For tests: `data-state` on the element (idle | connecting | captured | failed),
 * `[data-part="accept-browser"]`, `[data-part="accept-server"]`, `[data-match]`.
 */
import type { Exchange } from '../../../src/wire/meter.ts';
import { computeAccept, WEBSOCKET_GUID, type AcceptSteps } from './accept.ts';
import { annotateHead, headerValue } from './header-notes.ts';
import { SAMPLE_KEY } from './playground-request.ts';
import { addInspectorStyles } from './style.ts';
import { button, define, el, errorText, labBase, labCall, labUrl, pause, setText, table } from './ui.ts';
import { formatNumber, t } from '../i18n/index.ts';

/** The accept RFC 6455 §1.3 prints for its sample key. */
const SAMPLE_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';
/** How long to look for this handshake in the server's capture, and how often. */
const CAPTURE_WAIT_MS = 2_000;
const CAPTURE_POLL_MS = 100;

export class HandshakeInspectorElement extends HTMLElement {
  private socket: WebSocket | undefined;
  private status!: HTMLElement;
  private heads!: HTMLElement;
  private keyInput!: HTMLInputElement;
  private steps!: HTMLOListElement;
  private compare!: HTMLElement;
  private captured: { key: string | undefined; accept: string | undefined } = { key: undefined, accept: undefined };
  private computeRun = 0;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    addInspectorStyles();
    this.classList.add('inspector', 'handshake-inspector');
    this.build();
    void this.compute();
  }

  disconnectedCallback(): void {
    this.closeSocket();
  }

  private build(): void {
    this.status = el('span', { className: 'insp-status', role: 'status' }, t('insp.notConnected'));
    const connect = button(t('hsi.connect'), () => void this.connect(), { className: 'primary', dataset: { action: 'connect' } });
    this.heads = el('div', { className: 'hs-heads' },
      el('p', { className: 'insp-hint' }, t('hsi.hint')));

    this.keyInput = el('input', { type: 'text', name: 'key', value: SAMPLE_KEY, spellcheck: false, autocomplete: 'off', className: 'mono', size: 30 });
    this.keyInput.setAttribute('aria-label', 'Sec-WebSocket-Key');
    this.keyInput.addEventListener('input', () => void this.compute());
    const form = el('form', { className: 'insp-row' },
      el('label', { className: 'insp-field' }, el('span', {}, 'Sec-WebSocket-Key'), this.keyInput),
      button(t('hsi.sampleKey'), () => { this.keyInput.value = SAMPLE_KEY; void this.compute(); }, { dataset: { action: 'sample-key' } }),
    );
    form.addEventListener('submit', (e) => { e.preventDefault(); void this.compute(); });
    this.steps = el('ol', { className: 'hs-steps' });
    this.compare = el('p', { className: 'hs-compare', role: 'status' });

    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, t('hsi.title')), connect, this.status),
      el('p', { className: 'insp-detail' },
        t('hsi.detail')),
      this.heads,
      el('section', { className: 'hs-accept', dataset: { part: 'accept' } },
        el('h3', {}, t('hsi.acceptTitle')),
        el('p', { className: 'insp-detail' }, t('hsi.acceptDetail')),
        form, this.steps, this.compare),
    );
    this.dataset.state = 'idle';
  }

  /** Open a real WebSocket, find its handshake in the server's capture, show it, then close. */
  async connect(): Promise<void> {
    this.closeSocket();
    const base = labBase(this);
    const tag = Math.random().toString(36).slice(2, 10);
    const url = labUrl(base, `/feed/ws?inspector=${tag}`, true);
    this.setState('connecting', t('insp.connectingTo', { url }));
    const ws = (this.socket = new WebSocket(url));
    const outcome = await new Promise<{ opened: boolean; code?: number }>((resolve) => {
      ws.onopen = () => resolve({ opened: true });
      ws.onclose = (e) => resolve({ opened: false, code: e.code });
    });
    if (this.socket !== ws) return;
    const exchange = await this.findExchange(base, tag);
    if (outcome.opened) ws.close(1000, 'inspected');
    this.socket = undefined;
    if (!exchange) {
      this.setState('failed', outcome.opened
        ? t('hsi.replaced')
        : t('hsi.noRecord', { code: outcome.code ?? '?' }));
      return;
    }
    this.render(exchange);
    const status = exchange.responseHead.split('\r\n')[0] ?? '';
    this.setState(outcome.opened ? 'captured' : 'failed', outcome.opened
      ? t('hsi.connected', { status })
      : t('hsi.refused', { status, code: outcome.code ?? '?' }));
    this.captured = { key: headerValue(exchange.requestHead, 'Sec-WebSocket-Key'), accept: headerValue(exchange.responseHead, 'Sec-WebSocket-Accept') };
    if (this.captured.key !== undefined) this.keyInput.value = this.captured.key;
    await this.compute();
  }

  private async findExchange(base: string, tag: string): Promise<Exchange | undefined> {
    const deadline = performance.now() + CAPTURE_WAIT_MS;
    while (performance.now() < deadline) {
      try {
        const { exchange } = await labCall<{ exchange: Exchange | null }>(base, 'GET', '/api/wire/ws');
        if (exchange && exchange.requestHead.startsWith('GET /feed/ws?inspector=' + tag) && exchange.responseHead !== '') return exchange;
      } catch (err) {
        this.setState('failed', t('hsi.captureFailed', { error: errorText(err) }));
        return undefined;
      }
      await pause(CAPTURE_POLL_MS);
    }
    return undefined;
  }

  private render(exchange: Exchange): void {
    const block = (part: 'request' | 'response', title: string, head: string, measured: number) => {
      const lines = annotateHead(part, head);
      const sum = lines.reduce((n, l) => n + l.bytes, 0);
      const rows = lines.map((l) => {
        const line = el('td', { className: 'mono hs-line' }, l.kind === 'end' ? t('hsi.blankLine') : l.text, el('span', { className: 'crlf' }, '\\r\\n'));
        if (l.kind === 'start' && part === 'response') line.classList.add('hs-status-line');
        const row = [line, el('td', { className: 'num' }, String(l.bytes)), el('td', { className: 'hs-note' }, l.note)];
        return row;
      });
      const tbl = table('hs-table', [t('hsi.colLine'), t('insp.bytes'), t('hsi.colWhat')], rows);
      lines.forEach((l, i) => {
        const tr = tbl.tBodies[0]!.rows[i]!;
        tr.dataset.kind = l.kind;
        if (l.name) tr.dataset.header = l.name;
      });
      const check = sum === measured
        ? el('p', { className: 'insp-ok' }, `✓ ${t('hsi.sumOk', { bytes: formatNumber(measured, 0) })}`)
        : el('p', { className: 'insp-warn' }, t('hsi.sumWrong', { sum: formatNumber(sum, 0), bytes: formatNumber(measured, 0) }));
      return el('section', { className: 'hs-head', dataset: { part } },
        el('h3', {}, `${title}: `, el('span', { dataset: { part: `${part}-bytes`, value: String(measured) } }, formatNumber(measured, 0)), ` ${t('insp.bytesUnit')}`),
        tbl, check);
    };
    const offered = headerValue(exchange.requestHead, 'Sec-WebSocket-Extensions');
    const accepted = headerValue(exchange.responseHead, 'Sec-WebSocket-Extensions');
    this.heads.replaceChildren(
      block('request', t('hsi.requestHead'), exchange.requestHead, exchange.requestHeadBytes),
      block('response', t('hsi.responseHead'), exchange.responseHead, exchange.responseHeadBytes),
      ...(offered && !accepted && exchange.responseHead.startsWith('HTTP/1.1 101')
        ? [el('p', { className: 'insp-hint' }, t('hsi.declined', { offer: offered.split(';')[0] ?? '' }))]
        : []),
    );
  }

  /** The accept of the key in the field, step by step, compared with what the server sent. */
  async compute(): Promise<AcceptSteps | undefined> {
    const run = ++this.computeRun;
    const key = this.keyInput.value.trim();
    let steps: AcceptSteps;
    try {
      steps = await computeAccept(key);
    } catch (err) {
      if (run !== this.computeRun) return undefined;
      this.steps.replaceChildren(el('li', { className: 'insp-error' }, errorText(err)));
      setText(this.compare, '');
      return undefined;
    }
    if (run !== this.computeRun) return undefined;
    const step = (label: string, value: string, part: string, note?: string) =>
      el('li', {}, el('span', { className: 'hs-step-label' }, label), ' ', el('code', { className: 'mono hs-value', dataset: { part } }, value),
        ...(note ? [' ', el('span', { className: 'insp-hint' }, note)] : []));
    this.steps.replaceChildren(
      step(t('hsi.stepKey'), steps.key || t('hsi.empty'), 'accept-key', steps.keyProblem),
      step('+ GUID:', steps.concatenated, 'accept-concatenated', t('hsi.guidNote', { n: WEBSOCKET_GUID.length })),
      step(t('hsi.stepSha1'), steps.sha1Hex, 'accept-sha1'),
      step(t('hsi.stepBase64'), steps.accept, 'accept-browser'),
    );
    const parts: (Node | string)[] = [];
    delete this.compare.dataset.match;
    if (this.captured.accept !== undefined && key === this.captured.key) {
      const match = steps.accept === this.captured.accept;
      this.compare.dataset.match = String(match);
      parts.push(match ? '✓ ' : '✗ ', t('hsi.serverSent'), ' ', el('code', { className: 'mono', dataset: { part: 'accept-server' } }, this.captured.accept),
        match ? t('hsi.same') : t('hsi.different'));
    } else if (key === SAMPLE_KEY) {
      const match = steps.accept === SAMPLE_ACCEPT;
      this.compare.dataset.match = String(match);
      parts.push(match ? '✓ ' : '✗ ', t('hsi.rfcPrints'), ' ', el('code', { className: 'mono' }, SAMPLE_ACCEPT), t('hsi.forThisKey'));
    } else {
      parts.push(t('hsi.connectToCompare'));
    }
    this.compare.replaceChildren(...parts);
    return steps;
  }

  private setState(state: string, text: string): void {
    this.dataset.state = state;
    setText(this.status, text);
  }

  private closeSocket(): void {
    const ws = this.socket;
    this.socket = undefined;
    if (ws?.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(1000, 'inspected');
    else ws?.close(1000, 'inspected');
  }
}

define('handshake-inspector', HandshakeInspectorElement);
