/**
 * <sse-resume id="resume"></sse-resume>
 *
 * Server-Sent Events surviving a dropped connection. The page's EventSource
 * (web/src/transports/sse.ts) reads the feed; then the lab cuts every SSE
 * connection (POST /api/chaos/drop, as a network failure would: no goodbye).
 * EventSource waits the server's `retry:` delay, reconnects by itself, and
 * sends `Last-Event-ID: <the last id it saw>`; the server goes on from the
 * next message. The widget shows the reconnect request's head as the server
 * captured it, and counts what was lost or repeated.
 *
 * Measures: lost, duplicates, reconnectMs, lastEventId, received.
 * The drop cuts every SSE client of the lab (a classroom's dashboards too).
 */
import { fetchWire, stats } from '../../api.ts';
import { LaneCounter } from '../../counting.ts';
import { sseTransport } from '../../transports/sse.ts';
import type { TransportEvent } from '../../transports/transport.ts';
import { dropLane, withFeed } from '../lab-api.ts';
import { delay, type Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { Waiter } from './waiter.ts';
import { messageGroup, t } from '../../i18n/index.ts';

/** Messages to receive before the cut, and after the resume, before the run ends. */
const BEFORE_CUT = 5;
const AFTER_RESUME = 5;
/** Give up if a step takes longer than this. */
const STEP_TIMEOUT_MS = 15_000;
const SHOWN = 12;


export class SseResumeElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('sseResume');
  private seqs!: HTMLOListElement;
  private figures!: HTMLElement;
  private head!: HTMLElement;

  protected build(): void {
    this.frame('sse-resume', 'var(--lane-sse)', `
      ${controls()}
      <ol class="seq-strip" aria-label="seq"></ol>
      <dl class="resume-figures" data-field="figures"></dl>
      <div class="resume-head" hidden><p></p><pre data-field="head"></pre></div>`);
    this.button.textContent = this.words.run!;
    this.seqs = this.querySelector('.seq-strip')!;
    this.figures = this.querySelector('[data-field="figures"]')!;
    this.head = this.querySelector('[data-field="head"]')!;
    this.querySelector('.resume-head p')!.textContent = this.words.header!;
  }

  protected override schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    return super.schedule(() => withFeed(undefined, task));
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    this.seqs.replaceChildren();
    this.figures.replaceChildren();
    this.head.parentElement!.hidden = true;
    const counter = new LaneCounter();
    let opens = 0;
    const waiter = new Waiter(STEP_TIMEOUT_MS, w.timeout!);
    const before = await stats();
    const transport = sseTransport({ since: before.feed.head, epoch: before.epoch });
    const onEvent = (event: TransportEvent) => {
      if (event.type === 'epoch') counter.onEpoch(event.epoch, event.since);
      if (event.type === 'open') opens++;
      waiter.wake();
    };
    this.showStatus(w.receiving!);
    transport.start((message) => {
      counter.record(message);
      this.showSeq(message.seq);
      waiter.wake();
    }, onEvent);
    try {
      await waiter.until(t('wait.messages'), () => counter.received >= BEFORE_CUT);
      this.showStatus(w.cutting!);
      const cutAt = performance.now();
      this.markCut();
      await dropLane('sse');
      this.showStatus(w.waiting!);
      await waiter.until(t('wait.reconnect'), () => opens >= 2);
      const reconnectMs = performance.now() - cutAt;
      this.showStatus(w.resumed!);
      const resumedWith = counter.received;
      await waiter.until(t('wait.afterReconnect'), () => counter.received >= resumedWith + AFTER_RESUME);
      transport.stop();
      await delay(0);
      const { exchange } = await fetchWire('sse');
      const head = exchange?.requestHead ?? '';
      const id = /^last-event-id:\s*(\d+)\s*$/im.exec(head)?.[1];
      const measurement: Measurement = {
        lost: counter.missing,
        duplicates: counter.duplicates,
        reconnectMs: Math.round(reconnectMs),
        lastEventId: id === undefined ? -1 : Number(id),
        received: counter.received,
      };
      this.head.textContent = head.trimEnd();
      this.head.parentElement!.hidden = head === '';
      this.renderFigures(measurement);
      return measurement;
    } finally {
      transport.stop();
    }
  }

  private showSeq(seq: number): void {
    this.seqs.append(Object.assign(document.createElement('li'), { textContent: String(seq) }));
    while (this.seqs.children.length > SHOWN) this.seqs.firstElementChild!.remove();
  }

  private markCut(): void {
    const li = document.createElement('li');
    li.className = 'cut';
    li.textContent = `✂ ${this.words.cut}`;
    this.seqs.append(li);
  }

  private renderFigures(m: Measurement): void {
    const w = this.words;
    const rows: [string, string, string][] = [
      ['lost', w.lost!, formatNumber(m.lost!, 0)],
      ['duplicates', w.duplicates!, formatNumber(m.duplicates!, 0)],
      ['reconnectMs', w.reconnect!, `${formatNumber(m.reconnectMs!, 0)} ms`],
      ['lastEventId', w.lastEventId!, m.lastEventId! >= 0 ? String(m.lastEventId) : '–'],
      ['received', w.received!, formatNumber(m.received!, 0)],
    ];
    showFigures(this.figures, m, rows);
  }
}

if (!customElements.get('sse-resume')) customElements.define('sse-resume', SseResumeElement);
