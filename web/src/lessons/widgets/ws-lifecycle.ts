/**
 * <ws-lifecycle id="life" bytes="1000"></ws-lifecycle>
 *
 * The browser's WebSocket API, one call and one event at a time, on the lab's
 * `ws` lane (GET /feed/ws): `new WebSocket(url)`, `onopen`, the hello in
 * `onmessage`, `send()` of a `{"data": …}` message of exactly `bytes` bytes
 * (the lane publishes it to the feed, so it comes back in `onmessage` like
 * every other message), `bufferedAmount` read on the line after `send()`, then
 * `send("hello")`, which is not JSON: the lab closes with 1007 and `onclose`
 * reports the code and the reason. Every line of the log shows `readyState`.
 *
 * Measures: openMs, helloMs, sentBytes, bufferedAfterSend, echoMs, closeCode,
 * wasClean (1 or 0), messages (onmessage calls).
 * It publishes one message to the shared feed: every client of the lab sees it.
 */
import { DEFAULTS } from '../../../../src/config.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { labUrl } from '../../inspectors/ui.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import { controls, MeasuredWidget } from './measured-widget.ts';
import { addProbeStyles, setColumnHeads } from './probe-style.ts';
import { Waiter } from './waiter.ts';
import { messageGroup, t } from '../../i18n/index.ts';

const DEFAULT_BYTES = 1_000;
/** `{"data":""}`: what the envelope adds around the data string. */
const ENVELOPE_BYTES = 11;
/** The largest message the lane takes (it closes with 1009 beyond, RFC 6455 §7.4.1). */
const MAX_BYTES = DEFAULTS.maxWsMessageBytes;
const STEP_TIMEOUT_MS = 5_000;
/** Feed messages shown one by one in the log; the rest are counted on one line. */
const SHOWN_FEED_MESSAGES = 2;
const STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const;


interface LogLine {
  at: number;
  kind: 'call' | 'event' | 'close' | 'error';
  what: string;
  state: number;
  detail: string;
}

export class WsLifecycleElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('wsLifecycle');
  private table!: HTMLTableElement;

  get bytes(): number {
    const n = Number(this.getAttribute('bytes') ?? DEFAULT_BYTES);
    return Number.isInteger(n) ? n : DEFAULT_BYTES;
  }

  protected build(): void {
    addProbeStyles();
    const w = this.words;
    this.frame('ws-lifecycle', 'var(--lane-ws)', `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong>new WebSocket()</strong> <code>/feed/ws</code> <span class="widget-settings"></span></p>
      ${controls()}
      <table class="probe-table life-log" hidden><thead><tr></tr></thead><tbody></tbody></table>`);
    this.querySelector('.widget-settings')!.textContent = `send(): ${formatNumber(this.bytes, 0)} B`;
    this.button.textContent = w.run!;
    this.table = this.querySelector('table')!;
    setColumnHeads(this.table, [w.time!, w.what!, w.state!, w.detail!]);
  }

  // One run at a time with the other widgets (MeasuredWidget.schedule): the message it publishes would count in their runs.
  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    const bytes = this.bytes;
    this.showStatus(w.running!);
    this.table.tBodies[0]!.replaceChildren();
    this.table.hidden = false;
    let ws: WebSocket | undefined;
    try {
      if (bytes < ENVELOPE_BYTES + 8 || bytes > MAX_BYTES) {
        throw new Error(w.tooSmall!.replace('{min}', String(ENVELOPE_BYTES + 8)).replace('{max}', formatNumber(MAX_BYTES, 0)));
      }
      // A tag that no other message in the feed carries, padded so the whole text is `bytes` long (ASCII).
      const tag = `lesson-${Math.random().toString(36).slice(2, 8)} `;
      const data = (tag + '.'.repeat(bytes)).slice(0, bytes - ENVELOPE_BYTES);
      const text = JSON.stringify({ data });

      const t0 = performance.now();
      const socket = (ws = new WebSocket(labUrl(location.href, '/feed/ws', true)));
      const log = (kind: LogLine['kind'], what: string, detail: string) =>
        this.line({ at: performance.now() - t0, kind, what, state: socket.readyState, detail });
      log('call', 'new WebSocket(url)', w.created!);

      let openAt = 0;
      let helloAt = 0;
      let echoAt = 0;
      let sentAt = 0;
      let messages = 0;
      let feedMessages = 0;
      let echoSeq = 0;
      let closeEvent: CloseEvent | undefined;
      const waiter = new Waiter(STEP_TIMEOUT_MS, w.timeout!);
      // Handlers first, before anything can arrive (the same rule as on the server).
      socket.onopen = () => {
        openAt = performance.now();
        log('event', 'onopen', w.opened!);
        waiter.wake();
      };
      socket.onmessage = (event: MessageEvent<string>) => {
        messages++;
        const value = JSON.parse(event.data) as { type?: string; seq?: number; data?: unknown };
        if (value.type === 'hello') {
          helloAt = performance.now();
          log('event', 'onmessage', `${w.hello}: ${event.data}`);
        } else if (value.data === data) {
          echoAt = performance.now();
          echoSeq = value.seq ?? 0;
          log('event', 'onmessage', w.echo!.replace('{seq}', String(echoSeq)));
          log('call', 'ws.bufferedAmount', w.drained!.replace('{b}', String(socket.bufferedAmount)));
        } else if (++feedMessages <= SHOWN_FEED_MESSAGES) {
          log('event', 'onmessage', `${w.feed}: ${event.data.length > 90 ? `${event.data.slice(0, 90)}…` : event.data}`);
        }
        waiter.wake();
      };
      socket.onerror = () => {
        log('error', 'onerror', w.error!);
      };
      socket.onclose = (event) => {
        closeEvent = event;
        if (feedMessages > SHOWN_FEED_MESSAGES) log('event', 'onmessage …', w.more!.replace('{n}', String(feedMessages - SHOWN_FEED_MESSAGES)));
        log('close', 'onclose', w.closed!.replace('{code}', String(event.code)).replace('{reason}', event.reason).replace('{clean}', String(event.wasClean)));
        waiter.wake();
      };
      const until = (what: string, test: () => boolean) => waiter.until(what, () => {
        if (test()) return true;
        if (closeEvent && what !== 'onclose') throw new Error(`closed ${closeEvent.code} ${closeEvent.reason}`.trim());
        return false;
      });

      await until('onopen', () => openAt > 0);
      await until('hello', () => helloAt > 0);
      sentAt = performance.now();
      // #region send
      socket.send(text);
      // Read on the very next line: send() only queued the bytes (WHATWG WebSockets, "bufferedAmount").
      const bufferedAfterSend = socket.bufferedAmount;
      // #endregion
      log('call', `ws.send('{"data":"…"}')`, w.sent!.replace('{n}', formatNumber(new TextEncoder().encode(text).length, 0)).replace('{b}', String(bufferedAfterSend)));
      await until(t('wait.echo'), () => echoAt > 0);
      socket.send('hello'); // not JSON: the lane answers with a close frame, 1007
      log('call', `ws.send('hello')`, w.bad!);
      await until('onclose', () => closeEvent !== undefined);

      const measurement: Measurement = {
        openMs: openAt - t0,
        helloMs: helloAt - t0,
        sentBytes: new TextEncoder().encode(text).length,
        bufferedAfterSend,
        echoMs: echoAt - sentAt,
        closeCode: closeEvent!.code,
        wasClean: closeEvent!.wasClean ? 1 : 0,
        messages,
      };
      return measurement;
    } catch (err) {
      if (ws && ws.readyState === WebSocket.OPEN) ws.close(1000, 'stopped');
      throw err;
    }
  }

  private line(l: LogLine): void {
    const tr = this.table.tBodies[0]!.insertRow();
    tr.dataset.kind = l.kind;
    tr.dataset.what = l.what;
    const state = `${l.state} ${STATES[l.state] ?? ''}`.trim();
    const cells = [formatNumber(l.at, 1), l.what, state, l.detail];
    cells.forEach((text, i) => {
      const td = tr.insertCell();
      if (i === 1) td.append(Object.assign(document.createElement('code'), { textContent: text }));
      else td.textContent = text;
      if (i === 0) td.className = 'num';
    });
  }
}

if (!customElements.get('ws-lifecycle')) customElements.define('ws-lifecycle', WsLifecycleElement);
