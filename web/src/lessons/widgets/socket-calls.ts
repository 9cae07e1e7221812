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
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import type { SocketCall, SocketExchange, SocketStep } from '../../../../src/lessons/socket-exchange.ts';
import { LabCallError } from '../../inspectors/ui.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { addProbeStyles, setColumnHeads } from './probe-style.ts';

const DEFAULT_MESSAGE = '안녕하세요';

const WORDS: Record<LessonLang, Record<string, string>> = {
  en: {
    run: 'Run one TCP exchange', running: 'running…', failed: 'The exchange failed',
    done: 'Done: three sockets, one conversation, all closed.',
    time: 'ms', side: 'side', c: 'C call (and the Node call or event)', bytes: 'bytes', what: 'what happened',
    client: 'client', server: 'server',
    listen: 'the listening socket on {local} (port 0: the system picked a free one)',
    connect: 'the client socket asks {remote} for a connection (TCP SYN)',
    accept: 'a new socket for this client ({local} ↔ {remote}); the listening socket keeps listening',
    connected: 'connect() returns: connected from {local}, the TCP handshake is done',
    write: 'wrote “{data}”', read: 'read “{data}”',
    end: 'FIN: nothing more to send', eof: 'the other side sent FIN: read() returns 0',
    close: 'this connection’s socket is closed', closeListener: 'the listening socket {local} is closed',
    requestBytes: 'request, written by the client', replyBytes: 'reply, written by the server', calls: 'calls and events',
    serverSockets: 'sockets on the server side', connectMs: 'connect() to connected', totalMs: 'whole exchange',
  },
  ko: {
    run: 'TCP 교환 한 번 실행', running: '실행 중…', failed: '교환에 실패했습니다',
    done: '완료: 소켓 세 개, 대화 한 번, 모두 닫혔습니다.',
    time: 'ms', side: '쪽', c: 'C 호출 (그리고 Node 호출이나 이벤트)', bytes: '바이트', what: '일어난 일',
    client: '클라이언트', server: '서버',
    listen: '{local}에서 기다리는 리스닝 소켓 (포트 0: 시스템이 빈 포트를 골랐습니다)',
    connect: '클라이언트 소켓이 {remote}에 연결을 요청합니다 (TCP SYN)',
    accept: '이 클라이언트를 위한 새 소켓 ({local} ↔ {remote}). 리스닝 소켓은 계속 기다립니다',
    connected: 'connect()가 돌아옴: {local}에서 연결됨, TCP 핸드셰이크 완료',
    write: '“{data}” 씀', read: '“{data}” 읽음',
    end: 'FIN: 더 보낼 것이 없습니다', eof: '상대가 FIN을 보냄: read()가 0을 돌려줍니다',
    close: '이 연결의 소켓이 닫혔습니다', closeListener: '리스닝 소켓 {local}이 닫혔습니다',
    requestBytes: '요청 (클라이언트가 씀)', replyBytes: '응답 (서버가 씀)', calls: '호출과 이벤트',
    serverSockets: '서버 쪽 소켓 수', connectMs: 'connect()부터 연결까지', totalMs: '교환 전체',
  },
};

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
    const what = w[call.step]!
      .replace('{local}', call.local ?? '')
      .replace('{remote}', call.remote ?? '')
      .replace('{data}', (call.data ?? '').replace(/\n/g, '\\n'));
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
