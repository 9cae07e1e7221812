/**
 * <connection-limit id="six" streams="7"></connection-limit>
 *
 * The six-connection limit, live. The page opens `streams` EventSources to
 * the lab's SSE lane at once. Over HTTP/1.1 a browser keeps at most six
 * connections per origin, and each held response keeps one busy: the first
 * six streams say hello, the seventh waits with no error at all. The server's
 * count of held SSE responses comes over /api/live, a WebSocket, which is
 * outside the six (an HTTP request would wait in the same queue).
 *
 * Measures: streams, opened, stalled, serverHeld (most SSE responses the
 * server held at once during the run, minus those held before it).
 * Everything is closed at the end; nothing else on the page can reach the lab
 * over HTTP while the six are held, so the run is short.
 */
import { LiveStats } from '../../live-stats.ts';
import { HTTP1_CONNECTIONS_PER_ORIGIN } from '../../widgets/lane-card.ts';
import { delay, type Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';

/** How long the streams are held open before the widget counts and closes them. */
export const HOLD_MS = 3_000;
const DEFAULT_STREAMS = 7;

const WORDS: Record<LessonLang, Record<string, string>> = {
  en: {
    run: 'Open {n} SSE streams at once', stream: 'stream', open: 'open after', waiting: 'waiting: no free connection, and no error',
    opened: 'streams that opened', stalled: 'streams left waiting', held: 'SSE responses the server held at once',
    done: 'Closed them all.', running: 'holding the streams for {s} s…', limit: 'The browser\'s limit: {n} HTTP/1.1 connections per origin.',
  },
  ko: {
    run: 'SSE 스트림 {n}개 한꺼번에 열기', stream: '스트림', open: '열림', waiting: '대기 중: 빈 연결이 없고, 오류도 없음',
    opened: '열린 스트림', stalled: '기다리기만 한 스트림', held: '서버가 동시에 붙잡고 있던 SSE 응답',
    done: '모두 닫았습니다.', running: '{s}초 동안 스트림을 붙잡는 중…', limit: '브라우저 한도: 출처(origin)당 HTTP/1.1 연결 {n}개.',
  },
};

export class ConnectionLimitElement extends MeasuredWidget {
  protected readonly dictionary = WORDS;
  private boxes!: HTMLOListElement;
  private figures!: HTMLElement;

  get streams(): number {
    const n = Number(this.getAttribute('streams'));
    return Number.isInteger(n) && n >= 1 && n <= 12 ? n : DEFAULT_STREAMS;
  }

  protected build(): void {
    this.frame('connection-limit', 'var(--lane-sse)', `
      ${controls()}
      <p class="detail"></p>
      <ol class="stream-boxes"></ol>
      <dl class="limit-figures" data-field="figures"></dl>`);
    this.button.textContent = this.words.run!.replace('{n}', String(this.streams));
    this.querySelector('.detail')!.textContent = this.words.limit!.replace('{n}', String(HTTP1_CONNECTIONS_PER_ORIGIN));
    this.boxes = this.querySelector('.stream-boxes')!;
    this.figures = this.querySelector('[data-field="figures"]')!;
  }

  protected override failureText(err: Error): string {
    return err.message;
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    const n = this.streams;
    this.figures.replaceChildren();
    // A stats channel of its own, opened before the streams: it is a WebSocket, outside the six.
    const live = new LiveStats();
    live.connect();
    const sources: EventSource[] = [];
    try {
      const baseline = (await live.first()).lanes.sse.held;
      let maxHeld = baseline;
      const off = live.subscribe((s) => { maxHeld = Math.max(maxHeld, s.lanes.sse.held); });
      const openedAt: (number | undefined)[] = new Array(n).fill(undefined);
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
          openedAt[i] = performance.now() - t0;
          const li = this.boxes.children[i] as HTMLElement;
          li.dataset.state = 'open';
          li.textContent = `${w.stream} ${i + 1}: ${w.open} ${formatNumber(openedAt[i]!, 0)} ms`;
        });
      }
      await delay(HOLD_MS);
      // Read the server's count once more over the WebSocket before anything closes.
      await new Promise<void>((resolve) => {
        const stop = live.subscribe(() => { stop(); resolve(); });
      });
      off();
      const opened = openedAt.filter((t) => t !== undefined).length;
      const measurement: Measurement = { streams: n, opened, stalled: n - opened, serverHeld: maxHeld - baseline };
      this.renderFigures(measurement);
      return measurement;
    } finally {
      for (const es of sources) es.close();
      live.close();
    }
  }

  private renderFigures(m: Measurement): void {
    const w = this.words;
    const rows: [string, string][] = [['opened', w.opened!], ['stalled', w.stalled!], ['serverHeld', w.held!]];
    showFigures(this.figures, m, rows.map(([name, label]) => [name, label, formatNumber(m[name]!, 0)] as const));
  }
}

if (!customElements.get('connection-limit')) customElements.define('connection-limit', ConnectionLimitElement);
