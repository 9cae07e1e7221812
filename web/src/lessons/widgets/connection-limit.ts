/**
 * <connection-limit id="six" streams="7"></connection-limit>
 * <connection-limit id="seven" streams="7" release></connection-limit>
 *
 * The six-connection limit, live. The page opens `streams` EventSources to
 * the lab's SSE lane at once. Over HTTP/1.1 a browser keeps at most six
 * connections per origin, and each held response keeps one busy: the first
 * six streams say hello, the seventh waits with no error at all. Over HTTP/2
 * (the https port) they are streams on one connection, up to the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §5.1.2), and all say hello at once.
 * The server's count of held SSE responses comes over /api/live, a WebSocket,
 * which is outside the six (an HTTP request would wait in the same queue).
 *
 * With `release`, the first stream is then closed, and the widget waits for
 * the others: over HTTP/1.1 the seventh says hello only now, on the connection
 * that was freed. The order of events is written to `data-events`
 * (`open:1 … open:6 close:1 open:7`), each stream's time to its first event to
 * its box (`data-first-event-ms`).
 *
 * Measures: streams, opened, stalled, serverHeld (most SSE responses the
 * server held at once during the run, minus those held before it), and with
 * `release` openedAfterClose. Everything is closed at the end; nothing else on
 * the page can reach the lab over HTTP/1.1 while the six are held, so the run
 * is short. A page with HTTP traffic of its own (the dashboard's lanes) sets
 * `prepare` to pause it for the run.
 */
import { LiveStats } from '../../live-stats.ts';
import { pageProtocol } from '../../h2/protocol.ts';
import { HTTP1_CONNECTIONS_PER_ORIGIN } from '../../widgets/lane-card.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { messageGroup } from '../../i18n/index.ts';

/**
 * The streams are counted once every one is open, or once none has opened for this long
 * (over HTTP/1.1 the seventh never will while the six are held).
 */
export const HOLD_MS = 3_000;
/** With `release`: how long the waiting streams get to open after the first one is closed. */
export const RELEASE_WAIT_MS = 5_000;
const DEFAULT_STREAMS = 7;

export class ConnectionLimitElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('connectionLimit');
  /**
   * Run before the streams open; returns what undoes it, run after they are all closed.
   * The dashboard pauses its own lanes here: they hold some of the six connections.
   */
  prepare: (() => Promise<() => void>) | undefined;
  private boxes!: HTMLOListElement;
  private figures!: HTMLElement;

  get streams(): number {
    const n = Number(this.getAttribute('streams'));
    return Number.isInteger(n) && n >= 1 && n <= 12 ? n : DEFAULT_STREAMS;
  }

  get release(): boolean {
    return this.hasAttribute('release');
  }

  protected build(): void {
    this.frame('connection-limit', 'var(--lane-sse)', `
      ${controls()}
      <p class="detail"></p>
      <ol class="stream-boxes"></ol>
      <dl class="limit-figures" data-field="figures"></dl>`);
    this.button.textContent = this.words.run!.replace('{n}', String(this.streams));
    this.showLimit();
    this.boxes = this.querySelector('.stream-boxes')!;
    this.figures = this.querySelector('[data-field="figures"]')!;
  }

  /** The limit that applies to this page: six connections over HTTP/1.1, the server's stream limit over HTTP/2. */
  private showLimit(maxStreams?: number): void {
    this.querySelector('.detail')!.textContent = pageProtocol() === 'h2'
      ? this.words.limitH2!.replace('{n}', maxStreams ? ` (${maxStreams})` : '')
      : this.words.limit!.replace('{n}', String(HTTP1_CONNECTIONS_PER_ORIGIN));
  }

  protected override failureText(err: Error): string {
    return err.message;
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    const n = this.streams;
    this.figures.replaceChildren();
    delete this.dataset.events;
    const resume = await this.prepare?.();
    // A stats channel of its own, opened before the streams: it is a WebSocket, outside the six.
    const live = new LiveStats();
    live.connect();
    const sources: EventSource[] = [];
    try {
      const start = await live.first();
      this.showLimit(start.h2?.connection.maxConcurrentStreams);
      const baseline = start.lanes.sse.held;
      let maxHeld = baseline;
      const off = live.subscribe((s) => { maxHeld = Math.max(maxHeld, s.lanes.sse.held); });
      const openedAt: (number | undefined)[] = new Array(n).fill(undefined);
      // What happened, in order: `open:i` at a stream's first event, `close:i` when the page closes one.
      const events: string[] = [];
      let closedAt: number | undefined;
      let onOpen = () => {};
      const t0 = performance.now();
      this.boxes.replaceChildren(...Array.from({ length: n }, (_, i) => {
        const li = document.createElement('li');
        li.dataset.stream = String(i + 1);
        li.dataset.state = 'waiting';
        li.textContent = `${w.stream} ${i + 1}: ${w.waiting}`;
        return li;
      }));
      this.showStatus(w.running!.replace('{s}', String(HOLD_MS / 1000)));
      for (let i = 0; i < n; i++) {
        const es = new EventSource('/feed/sse');
        sources.push(es);
        es.addEventListener('hello', () => {
          if (openedAt[i] !== undefined) return;
          const ms = (openedAt[i] = performance.now() - t0);
          events.push(`open:${i + 1}`);
          const li = this.boxes.children[i] as HTMLElement;
          li.dataset.state = 'open';
          li.dataset.firstEventMs = ms.toFixed(1);
          li.textContent = `${w.stream} ${i + 1}: ${w.open} ${formatNumber(ms, 0)} ms${closedAt !== undefined ? ` (${w.afterClose})` : ''}`;
          onOpen();
        });
      }
      const openCount = () => openedAt.filter((t) => t !== undefined).length;
      // Hold until every stream is open, or until none has opened for HOLD_MS.
      await new Promise<void>((resolve) => {
        let timer: ReturnType<typeof setTimeout>;
        const settle = () => {
          clearTimeout(timer);
          if (openCount() === n) resolve();
          else timer = setTimeout(resolve, HOLD_MS);
        };
        onOpen = settle;
        settle();
      }).finally(() => { onOpen = () => {}; });
      // Read the server's count once more over the WebSocket before anything closes.
      await new Promise<void>((resolve) => {
        const stop = live.subscribe(() => { stop(); resolve(); });
      });
      off();
      const opened = openCount();
      const measurement: Measurement = { streams: n, opened, stalled: n - opened, serverHeld: maxHeld - baseline };
      if (this.release) {
        // Free one: over HTTP/1.1 its connection goes to the stream that waited for it.
        this.showStatus(w.releasing!);
        sources[0]!.close();
        closedAt = performance.now() - t0;
        events.push('close:1');
        const first = this.boxes.children[0] as HTMLElement;
        first.dataset.state = 'closed';
        first.textContent = `${first.textContent}; ${w.closed} ${formatNumber(closedAt, 0)} ms`;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RELEASE_WAIT_MS);
          onOpen = () => {
            if (openCount() < n) return;
            clearTimeout(timer);
            resolve();
          };
          onOpen();
        }).finally(() => { onOpen = () => {}; });
        measurement.openedAfterClose = openCount() - opened;
      }
      this.dataset.events = events.join(' ');
      this.renderFigures(measurement);
      return measurement;
    } finally {
      for (const es of sources) es.close();
      live.close();
      resume?.();
    }
  }

  private renderFigures(m: Measurement): void {
    const w = this.words;
    const rows: [string, string][] = [['opened', w.opened!], ['stalled', w.stalled!], ['serverHeld', w.held!]];
    if (m.openedAfterClose !== undefined) rows.push(['openedAfterClose', w.openedAfterClose!]);
    showFigures(this.figures, m, rows.map(([name, label]) => [name, label, formatNumber(m[name]!, 0)] as const));
  }
}

if (!customElements.get('connection-limit')) customElements.define('connection-limit', ConnectionLimitElement);
