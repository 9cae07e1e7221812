/**
 * <cafe-buzzer id="cafe-sync" mode="sync"></cafe-buzzer>
 * <cafe-buzzer id="cafe-async" mode="async"></cafe-buzzer>
 *
 * The seed notes' café: 신동엽 orders coffee, bread and a smoothie and gets
 * buzzer 3; 강호동 orders a coffee and gets buzzer 4.
 *
 *  - sync: the counter makes each order completely before taking the next,
 *    and it does so on this page's only JavaScript thread, for real: a busy
 *    loop. Nothing else on the page runs meanwhile; the clock stops.
 *  - async: both orders are taken at once, each item is awaited (a timer
 *    stands for the kitchen), and the page stays alive; buzzer 4 rings first.
 *
 * The clock ticks every TICK_MS; `run()` counts the ticks that happened while
 * the orders were made. Measures: ticks, expectedTicks, waitMs (강호동's wait),
 * totalMs. The two regions below are what lesson 2 shows as code.
 */
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { MeasuredWidget, showFigures } from './measured-widget.ts';
import { messageGroup } from '../../i18n/index.ts';

export const TICK_MS = 100;

/** How long each item takes to make, in ms. */
export const MENU = { coffee: 600, bread: 900, smoothie: 1200 } as const;
type Item = keyof typeof MENU;

interface Order {
  customer: 'shin' | 'kang';
  buzzer: number;
  items: Item[];
}

const ORDERS: Order[] = [
  { customer: 'shin', buzzer: 3, items: ['coffee', 'bread', 'smoothie'] },
  { customer: 'kang', buzzer: 4, items: ['coffee'] },
];


export class CafeBuzzerElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('cafeBuzzer');
  private clock!: HTMLOutputElement;
  private log!: HTMLOListElement;
  private figures!: HTMLElement;
  private ticks = 0;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private t0 = 0;

  get mode(): 'sync' | 'async' {
    return this.getAttribute('mode') === 'async' ? 'async' : 'sync';
  }

  protected build(): void {
    const w = this.words;
    this.frame('cafe-buzzer', undefined, `
      <p class="widget-head"><strong></strong></p>
      <p class="widget-controls"><button type="button" class="primary" data-action="open"></button>
        <span class="cafe-clock" aria-live="off">${w.clock} <output data-field="clock">0.0 s</output></span></p>
      <ul class="cafe-orders"></ul>
      <ol class="cafe-log" aria-label="${w.orders}"></ol>
      <dl class="cafe-figures" data-field="figures"></dl>`);
    this.dataset.mode = this.mode;
    this.querySelector('strong')!.textContent = this.mode === 'sync' ? w.sync! : w.async!;
    this.button.textContent = w.open!;
    this.clock = this.querySelector('[data-field="clock"]')!;
    this.log = this.querySelector('.cafe-log')!;
    this.figures = this.querySelector('[data-field="figures"]')!;
    this.querySelector('.cafe-orders')!.replaceChildren(...ORDERS.map((o) => Object.assign(document.createElement('li'), {
      textContent: `${w[o.customer]}: ${o.items.map((i) => w[i]).join(', ')} → ${w.buzzer} ${o.buzzer}`,
    })));
  }

  disconnectedCallback(): void {
    clearInterval(this.tickTimer);
  }

  /** The café uses neither the feed nor a lane: it opens at once. */
  protected override schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    return task();
  }

  protected async experiment(): Promise<Measurement> {
    this.log.replaceChildren();
    this.figures.replaceChildren();
    // The clock: a timer that ticks on the same thread as everything else on this page.
    this.ticks = 0;
    this.t0 = performance.now();
    clearInterval(this.tickTimer);
    this.tickTimer = setInterval(() => {
      this.ticks++;
      this.clock.value = `${((performance.now() - this.t0) / 1000).toFixed(1)} s`;
    }, TICK_MS);
    // Let the page paint the empty log before the café opens.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

    const start = performance.now();
    const ticksBefore = this.ticks;
    const ready = this.mode === 'sync' ? this.serveSync(start) : await this.serveAsync(start);
    const end = performance.now();
    const ticks = this.ticks - ticksBefore; // read before yielding: a blocked page ticked 0 times
    clearInterval(this.tickTimer);
    this.clock.value = `${((end - this.t0) / 1000).toFixed(1)} s`;

    const measurement: Measurement = {
      ticks,
      expectedTicks: Math.floor((end - start) / TICK_MS),
      waitMs: Math.round(ready.get(4)! - start),
      totalMs: Math.round(end - start),
    };
    this.renderFigures(measurement);
    return measurement;
  }

  // #region blocking
  /** The synchronous café: each order is made completely, on this thread, before the next is taken. */
  private serveSync(start: number): Map<number, number> {
    const ready = new Map<number, number>(); // buzzer -> when it rang
    for (const order of ORDERS) {
      this.say(start, `${this.words[order.customer]}: ${this.words.took} (${this.words.buzzer} ${order.buzzer})`);
      for (const item of order.items) {
        const until = performance.now() + MENU[item];
        while (performance.now() < until) {
          // Busy: the counter does nothing else. No timer, no click, no repaint can run now.
        }
        this.say(start, `${this.words[item]} ${this.words.ready} (${this.words.buzzer} ${order.buzzer})`);
      }
      ready.set(order.buzzer, performance.now());
      this.say(start, `🔔 ${this.words.buzzer} ${order.buzzer} ${this.words.rings}: ${this.words[order.customer]}`);
    }
    return ready;
  }
  // #endregion

  // #region awaiting
  /** The asynchronous café: take every order at once, hand out buzzers, await the kitchen. */
  private async serveAsync(start: number): Promise<Map<number, number>> {
    const ready = new Map<number, number>();
    const kitchen = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await Promise.all(ORDERS.map(async (order) => {
      this.say(start, `${this.words[order.customer]}: ${this.words.took} (${this.words.buzzer} ${order.buzzer})`);
      await Promise.all(order.items.map(async (item) => {
        await kitchen(MENU[item]); // the page is free while it waits: the clock keeps ticking
        this.say(start, `${this.words[item]} ${this.words.ready} (${this.words.buzzer} ${order.buzzer})`);
      }));
      ready.set(order.buzzer, performance.now());
      this.say(start, `🔔 ${this.words.buzzer} ${order.buzzer} ${this.words.rings}: ${this.words[order.customer]}`);
    }));
    return ready;
  }
  // #endregion

  private say(start: number, text: string): void {
    const li = document.createElement('li');
    li.textContent = `${((performance.now() - start) / 1000).toFixed(2)} s · ${text}`;
    if (text.startsWith('🔔')) li.dataset.buzzer = text.match(/\d+/)?.[0] ?? '';
    this.log.append(li);
  }

  private renderFigures(m: Measurement): void {
    const w = this.words;
    const rows: [string, string, string][] = [
      ['ticks', w.ticks!, formatNumber(m.ticks!, 0)],
      ['expectedTicks', w.expected!, formatNumber(m.expectedTicks!, 0)],
      ['waitMs', `${w.kang} · ${w.waited}`, `${formatNumber(m.waitMs!, 0)} ms`],
      ['totalMs', w.total!, `${formatNumber(m.totalMs!, 0)} ms`],
    ];
    showFigures(this.figures, m, rows);
  }
}

if (!customElements.get('cafe-buzzer')) customElements.define('cafe-buzzer', CafeBuzzerElement);
