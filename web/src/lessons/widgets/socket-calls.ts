/**
 * <socket-calls id="socket-calls" message="안녕하세요"></socket-calls>
 *
 * The socket API, live (lesson 1): the lab runs one small TCP exchange on
 * node:net (GET /api/lessons/socket-exchange, src/lessons/socket-exchange.ts):
 * a server socket listens on a free loopback port, a client connects and
 * writes `message` and a newline, the server reads it and writes back
 * `echo: message`, both close. The page lists every call in the order it
 * happened, with its time since the server's listen(), its side, the Node
 * call, the C socket call underneath (the seed notes' names) and the bytes
 * the socket counted.
 *
 * Measures: calls, requestBytes, replyBytes, serverSockets, connectMs, totalMs.
 * It changes nothing in the lab and takes no lane, so it runs at once.
 */
import type { SocketCall, SocketExchange, SocketStep } from '../../../../src/lessons/socket-exchange.ts';
import { LabCallError } from '../../inspectors/ui.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import { fill, messageGroup } from '../../i18n/index.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { addProbeStyles, setColumnHeads } from './probe-style.ts';

const DEFAULT_MESSAGE = '안녕하세요';

/** The widget's words, from the message catalogue (its `socketCalls.*` keys). */
const WORDS = messageGroup('socketCalls');

export class SocketCallsElement extends MeasuredWidget {
  protected readonly dictionary = WORDS;
  private table!: HTMLTableElement;
  private figures!: HTMLElement;

  get message(): string {
    return this.getAttribute('message') || DEFAULT_MESSAGE;
  }

  protected build(): void {
    addProbeStyles();
    const w = this.words;
    this.frame('socket-calls', undefined, `
      <p class="widget-head"><strong>node:net</strong> <code class="socket-message"></code></p>
      ${controls()}
      <table class="probe-table socket-log" hidden><thead><tr></tr></thead><tbody></tbody></table>
      <dl class="socket-figures" data-field="figures"></dl>`);
    this.querySelector('.socket-message')!.textContent = `write(${JSON.stringify(`${this.message}\n`)})`;
    this.button.textContent = w.run!;
    this.table = this.querySelector('table')!;
    this.figures = this.querySelector('[data-field="figures"]')!;
    setColumnHeads(this.table, [w.time!, w.side!, w.c!, w.bytes!, w.what!]);
  }

  // Its own sockets on its own port: no feed, no lane, nothing another widget's run could count.
  protected override schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    return task();
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    this.showStatus(w.running!);
    const response = await fetch(`/api/lessons/socket-exchange?message=${encodeURIComponent(this.message)}`);
    const answer = await response.json() as SocketExchange & { error?: string; message?: string };
    if (!response.ok) throw new LabCallError(answer.error ?? `HTTP_${response.status}`, answer.message ?? response.statusText, response.status);
    this.table.tBodies[0]!.replaceChildren(...answer.calls.map((call) => this.row(call)));
    this.table.hidden = false;
    const at = (step: SocketStep, side: SocketCall['side']) => answer.calls.find((c) => c.step === step && c.side === side)?.atMs ?? 0;
    const measurement: Measurement = {
      calls: answer.calls.length,
      requestBytes: answer.client.bytesWritten,
      replyBytes: answer.server.bytesWritten,
      serverSockets: answer.serverSockets,
      // Both offsets have µs resolution: keep it, without float tails.
      connectMs: Math.round((at('connected', 'client') - at('connect', 'client')) * 1000) / 1000,
      totalMs: answer.totalMs,
    };
    showFigures(this.figures, measurement, [
      ['requestBytes', w.requestBytes!, `${formatNumber(measurement.requestBytes!, 0)} B`],
      ['replyBytes', w.replyBytes!, `${formatNumber(measurement.replyBytes!, 0)} B`],
      ['serverSockets', w.serverSockets!, formatNumber(measurement.serverSockets!, 0)],
      ['calls', w.calls!, formatNumber(measurement.calls!, 0)],
      ['connectMs', w.connectMs!, `${formatNumber(measurement.connectMs!, 3)} ms`],
      ['totalMs', w.totalMs!, `${formatNumber(measurement.totalMs!, 3)} ms`],
    ]);
    return measurement;
  }

  private row(call: SocketCall): HTMLTableRowElement {
    const w = this.words;
    const tr = document.createElement('tr');
    tr.dataset.side = call.side;
    tr.dataset.step = call.step;
    const what = fill(w[call.step]!, { local: call.local ?? '', remote: call.remote ?? '', data: (call.data ?? '').replace(/\n/g, '\\n') });
    const cells: [string, string][] = [
      [formatNumber(call.atMs, 3), 'num'],
      [w[call.side]!, 'side'],
      [call.c.join(' '), 'c'],
      [call.bytes === undefined ? '' : formatNumber(call.bytes, 0), 'num'],
      [what, 'what'],
    ];
    for (const [text, className] of cells) {
      const td = tr.insertCell();
      td.className = className;
      if (className === 'c') {
        // The C call, and under it what the Node program called (or the event Node raised).
        td.append(Object.assign(document.createElement('code'), { textContent: text }), document.createElement('br'),
          Object.assign(document.createElement('code'), { className: 'node', textContent: call.node }));
      } else {
        td.textContent = text;
      }
    }
    if (call.bytes !== undefined) tr.dataset.bytes = String(call.bytes);
    return tr;
  }
}

if (!customElements.get('socket-calls')) customElements.define('socket-calls', SocketCallsElement);
