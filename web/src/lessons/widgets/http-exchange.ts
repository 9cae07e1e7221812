/**
 * <http-exchange id="one-request"></http-exchange>
 *
 * One HTTP request and its response, nothing else: the page asks the poll
 * lane once (`GET /feed/poll?since=N`), then shows the request and response
 * heads exactly as the server's socket saw them (GET /api/wire/poll) and the
 * body that came back. Everything the server needs is in the request itself
 * (`since=N`): it remembers nothing between requests.
 *
 * `run()` measures: requestHeadBytes, responseHeadBytes, headerBytes, bodyBytes, messages.
 */
import { fetchWire, stats } from '../../api.ts';
import { setupWireView } from '../../widgets/wire-view.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { messageGroup } from '../../i18n/index.ts';

/** How many recent messages the request asks for, so the body is not empty. */
const ASK_BACK = 2;


export class HttpExchangeElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('httpExchange');
  private requestLine!: HTMLElement;
  private figures!: HTMLElement;
  private bodyText!: HTMLElement;
  private wire: ReturnType<typeof setupWireView> | undefined;

  protected build(): void {
    this.frame('http-exchange', 'var(--lane-poll)', `
      ${controls('send')}
      <p class="exchange-request"><code data-field="request-line"></code></p>
      <dl class="exchange-figures" data-field="figures"></dl>
      <div class="exchange-wire"></div>
      <details class="exchange-body"><summary></summary><pre data-field="body"></pre></details>`);
    this.button.textContent = this.words.send!;
    this.requestLine = this.querySelector('[data-field="request-line"]')!;
    this.figures = this.querySelector('[data-field="figures"]')!;
    this.bodyText = this.querySelector('[data-field="body"]')!;
    this.querySelector('.exchange-body summary')!.textContent = this.words.body!;
  }

  protected override doneText(): string {
    return this.words.sent!;
  }

  protected async experiment(): Promise<Measurement> {
    this.showStatus(this.words.sending!);
    const { feed } = await stats();
    const path = `/feed/poll?since=${Math.max(0, feed.head - ASK_BACK)}`;
    this.requestLine.textContent = `GET ${path} HTTP/1.1`;
    const response = await fetch(path);
    const body = await response.text();
    const { exchange } = await fetchWire('poll');
    if (!exchange) throw new Error('the server captured no exchange on the poll lane');
    const messages = (JSON.parse(body) as { messages?: unknown[] }).messages?.length ?? 0;
    const measurement: Measurement = {
      requestHeadBytes: exchange.requestHeadBytes,
      responseHeadBytes: exchange.responseHeadBytes,
      headerBytes: exchange.requestHeadBytes + exchange.responseHeadBytes,
      bodyBytes: new TextEncoder().encode(body).length,
      messages,
    };
    this.bodyText.textContent = JSON.stringify(JSON.parse(body), null, 2);
    this.renderFigures(measurement);
    this.wire ??= setupWireView(this.querySelector('.exchange-wire')!);
    await this.wire.show('poll');
    this.wire.pause();
    return measurement;
  }

  private renderFigures(m: Measurement): void {
    const w = this.words;
    showFigures(this.figures, m, [
      ['requestHeadBytes', w.request!, `${formatNumber(m.requestHeadBytes!, 0)} B`],
      ['responseHeadBytes', w.response!, `${formatNumber(m.responseHeadBytes!, 0)} B`],
      ['headerBytes', w.total!, `${formatNumber(m.headerBytes!, 0)} B`],
      ['bodyBytes', w.body!, `${formatNumber(m.bodyBytes!, 0)} B`],
      ['messages', w.messages!, formatNumber(m.messages!, 0)],
    ]);
  }
}

if (!customElements.get('http-exchange')) customElements.define('http-exchange', HttpExchangeElement);
