/**
 * <stomp-session id="stomp" body="안녕하세요" sends="5"></stomp-session>
 *
 * One whole STOMP 1.2 conversation with the lab's /stomp endpoint, frame by
 * frame, from a plain browser WebSocket: no STOMP library, so every byte the
 * page sends is one the lesson can show. The frames are built and read with
 * the lab's own codec (src/stomp/frame.ts), the one the server uses.
 *
 *   CONNECT → CONNECTED · SUBSCRIBE (receipt) → RECEIPT
 *   SEND × `sends` → MESSAGE × `sends` (the page subscribed to its own topic)
 *   DISCONNECT (receipt) → RECEIPT, then the server closes with 1000
 *
 * The topic is the page's own (`/topic/chat-` and four hex digits), so other
 * clients of the lab neither see these messages nor add to them. The server's
 * wire meter (GET /api/stats, `other.stomp`) counts what crossed the socket
 * while the SENDs and MESSAGEs flowed: WebSocket frame headers included.
 *
 * Attributes: `body` (the text each SEND carries, default 안녕하세요),
 * `sends` (1–20, default 5).
 * Measures: bodyBytes, sendFrameBytes, messageFrameBytes, sendOverheadBytes,
 * wireBytesPerMessage, frames, sessionBytes.
 */
import type { StatsSnapshot } from '../../../../src/api/stats.ts';
import { encodeFrame, FrameDecoder, header, withContentLength, type Header, type StompFrame } from '../../../../src/stomp/frame.ts';
import { frameHeaderLength } from '../../../../src/framing/ws-frame.ts';
import { stats } from '../../api.ts';
import { labUrl } from '../../inspectors/ui.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { messageGroup, t } from '../../i18n/index.ts';

/** The sub-protocol the lab's /stomp endpoint speaks (src/stomp/server.ts). */
const SUBPROTOCOL = 'v12.stomp';
const DEFAULT_BODY = '안녕하세요';
const DEFAULT_SENDS = 5;
const MAX_SENDS = 20;
/** One step (an answer from the server) may take this long before the run gives up. */
const STEP_TIMEOUT_MS = 5_000;
/** The decoder's caps on what the page reads: far above anything this conversation carries. */
const READ_LIMITS = { maxFrameBytes: 64 * 1024, maxHeaders: 64 };

const utf8 = new TextEncoder();
const text = new TextDecoder();


interface Logged {
  dir: 'in' | 'out';
  command: string;
  bytes: Uint8Array;
}

export class StompSessionElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('stompSession');
  private rows!: HTMLTableSectionElement;
  private figures!: HTMLElement;
  private note!: HTMLElement;
  /** This widget's own topic: fixed length, so every run's frames have the same size. */
  private readonly destination = `/topic/chat-${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`;

  get body(): string {
    return this.getAttribute('body') ?? DEFAULT_BODY;
  }

  get sends(): number {
    const n = Number(this.getAttribute('sends'));
    return Number.isInteger(n) && n >= 1 && n <= MAX_SENDS ? n : DEFAULT_SENDS;
  }

  protected build(): void {
    const w = this.words;
    this.frame('stomp-session', 'var(--lane-ws)', `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong>STOMP 1.2</strong> <code>/stomp</code> <span class="widget-settings"></span></p>
      ${controls()}
      <dl class="exchange-figures" data-field="figures"></dl>
      <p class="run-note" hidden></p>
      <table class="run-figures stomp-session-log"><caption style="caption-side: bottom; text-align: left; color: var(--muted); font-size: 0.85rem">${w.frame}</caption><thead><tr><th scope="col">${w.n}</th><th scope="col">${w.dir}</th><th scope="col">${w.command}</th><th scope="col">${w.bytes}</th></tr></thead><tbody></tbody></table>`);
    this.querySelector('.widget-settings')!.textContent =
      `${w.topic} ${this.destination} · ${w.body} “${this.body}” · ${w.sends} ${this.sends}`;
    this.button.textContent = w.run!;
    this.rows = this.querySelector('tbody')!;
    this.rows.parentElement!.hidden = true; // no empty table before the first run (on screen or on paper)
    this.figures = this.querySelector('[data-field="figures"]')!;
    this.note = this.querySelector('.run-note')!;
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    this.showStatus(w.running!);
    this.rows.replaceChildren();
    this.figures.replaceChildren();
    this.note.hidden = true;
    const log: Logged[] = [];
    let socket: WebSocket | undefined;
    try {
      const s0 = await stats();
      const ws = (socket = new WebSocket(labUrl(location.href, '/stomp', true), [SUBPROTOCOL]));
      ws.binaryType = 'arraybuffer';
      const inbox = new Inbox(ws, (frame, bytes) => this.logFrame(log, 'in', frame.command, bytes));
      const send = (command: string, headers: Header[], body?: string) => {
        const bytes = encodeFrame({ command, headers, ...(body !== undefined && { body }) });
        this.logFrame(log, 'out', command, bytes);
        ws.send(bytes);
        return bytes;
      };
      await inbox.opened();

      // #region conversation
      // A STOMP frame: a command line, header lines, a blank line, the body, NUL.
      send('CONNECT', [['accept-version', '1.2'], ['host', location.hostname], ['heart-beat', '0,0']]);
      await inbox.next('CONNECTED');

      send('SUBSCRIBE', [['id', '0'], ['destination', this.destination], ['receipt', 'sub-0']]);
      await inbox.next('RECEIPT');
      const s1 = await stats();

      let sendFrame: Uint8Array = new Uint8Array(0);
      let messageFrame: Uint8Array = new Uint8Array(0);
      for (let i = 0; i < this.sends; i++) {
        // content-length tells the reader where the body ends, whatever bytes it holds.
        sendFrame = send('SEND', withContentLength([['destination', this.destination]], this.body), this.body);
        messageFrame = (await inbox.next('MESSAGE')).bytes; // the broker's copy, for subscription 0
      }
      const s2 = await stats();

      send('DISCONNECT', [['receipt', 'bye']]);
      await inbox.next('RECEIPT');
      await inbox.closed(); // the server closes with 1000 once the RECEIPT is out
      // #endregion
      const s3 = await stats();

      const bodyBytes = utf8.encode(this.body).length;
      const during = delta(s1, s2);
      const pageWire = sendFrame.length + frameHeaderLength(sendFrame.length, true) + messageFrame.length + frameHeaderLength(messageFrame.length, false);
      const measurement: Measurement = {
        bodyBytes,
        sendFrameBytes: sendFrame.length,
        messageFrameBytes: messageFrame.length,
        sendOverheadBytes: sendFrame.length - bodyBytes,
        wireBytesPerMessage: during / this.sends,
        frames: log.length,
        sessionBytes: delta(s0, s3),
      };
      this.renderFigures(measurement, pageWire);
      // The page knows its own frames exactly: more on the server means another STOMP client.
      this.note.hidden = during <= pageWire * this.sends;
      this.note.textContent = w.shared!;
      return measurement;
    } finally {
      if (socket && socket.readyState === WebSocket.OPEN) socket.close(1000, 'done');
    }
  }

  /** Two rows per frame: what it is (number, direction, command, size), then its bytes as text, full width. */
  private logFrame(log: Logged[], dir: 'in' | 'out', command: string, bytes: Uint8Array): void {
    log.push({ dir, command, bytes });
    const w = this.words;
    const tr = document.createElement('tr');
    tr.dataset.dir = dir;
    tr.dataset.command = command;
    tr.dataset.bytes = String(bytes.length);
    const cells = [String(log.length), dir === 'out' ? w.out! : w.in!, command, formatNumber(bytes.length, 0)];
    for (const [i, content] of cells.entries()) {
      const td = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) td.setAttribute('scope', 'row');
      if (i === 2) td.style.fontWeight = '700';
      td.style.borderBottom = '0';
      td.append(content);
      tr.append(td);
    }
    const frame = document.createElement('td');
    frame.colSpan = cells.length;
    frame.style.textAlign = 'left';
    const code = document.createElement('code');
    code.style.cssText = 'display: block; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.8rem; padding-left: 2em';
    showFrame(text.decode(bytes), code);
    frame.append(code);
    const second = document.createElement('tr');
    second.append(frame);
    this.rows.append(tr, second);
    this.rows.parentElement!.hidden = false;
  }


  private renderFigures(m: Measurement, pageWire: number): void {
    const w = this.words;
    const b = (v: number | undefined, decimals = 0) => `${formatNumber(v ?? 0, decimals)} B`;
    const rows: [string, string, string][] = [
      ['bodyBytes', w.bodyBytes!, b(m.bodyBytes)],
      ['sendFrameBytes', w.sendFrameBytes!, b(m.sendFrameBytes)],
      ['sendOverheadBytes', w.sendOverheadBytes!, b(m.sendOverheadBytes)],
      ['messageFrameBytes', w.messageFrameBytes!, b(m.messageFrameBytes)],
      ['wireBytesPerMessage', w.wireBytesPerMessage!, b(m.wireBytesPerMessage, 1)],
      ['pageArithmetic', w.pageArithmetic!, b(pageWire)],
      ['frames', w.frames!, formatNumber(m.frames ?? 0, 0)],
      ['sessionBytes', w.sessionBytes!, b(m.sessionBytes)],
    ];
    showFigures(this.figures, m, rows);
  }
}

/** Both directions of STOMP traffic the lab counted, in bytes, between two snapshots. */
function delta(a: StatsSnapshot, b: StatsSnapshot): number {
  return b.other.stomp.bytesIn + b.other.stomp.bytesOut - (a.other.stomp.bytesIn + a.other.stomp.bytesOut);
}

/** A frame's text on one line, each LF drawn as ↵ (a line may wrap after it) and the closing NUL as a boxed word. */
function showFrame(frame: string, into: HTMLElement): void {
  for (const part of frame.split(/(\n|\0)/)) {
    if (part === '\n') into.append(Object.assign(document.createElement('span'), { textContent: '↵', title: 'LF (0x0a)' }), '\u200b');
    else if (part === '\0') {
      const nul = Object.assign(document.createElement('span'), { textContent: 'NUL', title: t('stompSession.nulTitle') });
      nul.style.cssText = 'border: 1px solid currentColor; border-radius: 3px; padding: 0 2px; font-size: 0.75em';
      into.append(nul);
    } else if (part) into.append(part);
  }
}

/**
 * The frames the server sends, one at a time, as the conversation asks for
 * them. An ERROR frame or a close before the expected frame fails the step
 * with the server's own words.
 */
class Inbox {
  private readonly decoder = new FrameDecoder(READ_LIMITS);
  private readonly queue: { frame: StompFrame; bytes: Uint8Array }[] = [];
  private wake: (() => void) | undefined;
  private closeEvent: CloseEvent | undefined;
  private isOpen = false;

  constructor(ws: WebSocket, onFrame: (frame: StompFrame, bytes: Uint8Array) => void) {
    ws.addEventListener('open', () => { this.isOpen = true; this.poke(); });
    ws.addEventListener('message', (event: MessageEvent<string | ArrayBuffer>) => {
      const bytes = typeof event.data === 'string' ? utf8.encode(event.data) : new Uint8Array(event.data);
      for (const item of this.decoder.push(bytes)) {
        if (item.type !== 'frame') continue; // a heart-beat: none were asked for, but one would be harmless
        onFrame(item.frame, bytes);
        this.queue.push({ frame: item.frame, bytes });
      }
      this.poke();
    });
    ws.addEventListener('close', (event) => { this.closeEvent = event; this.poke(); });
  }

  async opened(): Promise<void> {
    await this.until('open', () => (this.isOpen ? true : undefined));
  }

  closed(): Promise<CloseEvent> {
    return this.until('close', () => this.closeEvent);
  }

  /** The next frame from the server, which must be `command`. */
  next(command: string): Promise<{ frame: StompFrame; bytes: Uint8Array }> {
    return this.until(command, () => {
      const item = this.queue.shift();
      if (!item) return undefined;
      if (item.frame.command === 'ERROR') throw new Error(`ERROR ${header(item.frame, 'message') ?? ''}`);
      if (item.frame.command !== command) throw new Error(t('wait.expectedFrame', { expected: command, got: item.frame.command }));
      return item;
    });
  }

  private async until<T>(what: string, ready: () => T | undefined): Promise<T> {
    const deadline = performance.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      if (this.closeEvent && what !== 'close') {
        throw new Error(`${what}: closed ${this.closeEvent.code} ${this.closeEvent.reason}`.trim());
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(t('wait.noneWithin', { what, seconds: STEP_TIMEOUT_MS / 1000 }));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
    }
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

if (!customElements.get('stomp-session')) customElements.define('stomp-session', StompSessionElement);
