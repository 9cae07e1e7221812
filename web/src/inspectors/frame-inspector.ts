/**
 * <frame-inspector></frame-inspector>
 *
 * WebSocket frames, both ways, byte by byte. The widget opens the lab's echo
 * socket (/inspect/echo, or ?deflate=1 to let permessage-deflate be
 * negotiated), sends what the student asks for, and after each action reads
 * the frames the server captured from its socket (GET /api/inspect/frames/:id):
 * the header in hex with every field labelled, and the payload as it crossed
 * (masked, for the browser's frames) and unmasked.
 *
 * A page cannot send a ping, a fragment or a custom frame itself (the browser
 * builds every frame), so for those the widget asks the server with a small
 * text command, and shows the frames both ways.
 *
 * Attributes: `base` (the lab's URL), `deflate` (present: start with it on).
 * For tests: `data-state` (closed | connecting | open), `data-session` (the id),
 * `.fi-frame[data-dir][data-opcode]` with `[data-part="frame-start-hex"]`.
 */
import { labelFrameHeader } from '../wire-bytes.ts';
import {
  closeProblem, direction, fragmentsCommand, frameStartHex, frameSummary, lengthForm, payloadShown, pingProblem, PRESETS, sendProblem, utf8Bytes,
  INSPECT_MAX_FRAGMENTS, INSPECT_PREVIEW_BYTES, type InspectedFrame,
} from './frame-format.ts';
import { problemText } from './problems.ts';
import { addInspectorStyles } from './style.ts';
import { button, define, el, errorText, labBase, labCall, labUrl, pause, setText, table } from './ui.ts';
import { t } from '../i18n/index.ts';

/** After a ping, how long to look for the browser's pong in the capture, and how often. */
const PONG_WAIT_MS = 2_000;
const REFRESH_POLL_MS = 100;
/** How long an action may wait for its answer (the echo, the close) before the frames are read anyway. */
const ACTION_WAIT_MS = 3_000;

interface FramesAnswer {
  id: number;
  open: boolean;
  deflate: boolean;
  frames: InspectedFrame[];
}

export class FrameInspectorElement extends HTMLElement {
  private socket: WebSocket | undefined;
  private session: number | undefined;
  private waiters: ((event: MessageEvent | CloseEvent) => void)[] = [];
  private lastJson = '';

  private status!: HTMLElement;
  private deflate!: HTMLInputElement;
  private text!: HTMLTextAreaElement;
  private problem!: HTMLElement;
  private list!: HTMLOListElement;
  private controls!: HTMLElement;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    addInspectorStyles();
    this.classList.add('inspector', 'frame-inspector');
    this.build();
    this.setState('closed', t('insp.notConnected'));
  }

  disconnectedCallback(): void {
    this.disconnect();
  }

  private build(): void {
    this.status = el('span', { className: 'insp-status', role: 'status' });
    this.deflate = el('input', { type: 'checkbox', name: 'deflate', checked: this.hasAttribute('deflate') });
    this.deflate.addEventListener('change', () => { if (this.socket) void this.connect(); });
    const head = el('header', { className: 'insp-head' },
      el('h2', {}, t('fi.title')),
      button(t('insp.connect'), () => void this.connect(), { className: 'primary', dataset: { action: 'connect' } }),
      button(t('insp.disconnect'), () => this.disconnect(), { dataset: { action: 'disconnect' } }),
      el('label', { className: 'insp-toggle' }, this.deflate, ' permessage-deflate'),
      this.status);

    this.text = el('textarea', { name: 'message', rows: 2, className: 'mono', value: 'Hello', spellcheck: false });
    this.text.setAttribute('aria-label', t('fi.messageToSend'));
    this.problem = el('p', { className: 'insp-hint', role: 'status' });
    const sendForm = el('form', { className: 'fi-send' },
      el('label', { className: 'insp-field wide' }, el('span', {}, t('fi.message')), this.text),
      el('div', { className: 'insp-row' },
        el('button', { type: 'submit', className: 'primary', dataset: { action: 'send-text' } }, t('fi.sendText')),
        button(t('fi.sendBinary'), () => void this.sendMessage(true), { dataset: { action: 'send-binary' } }),
        el('span', { className: 'insp-hint' }, t('fi.presets')),
        ...PRESETS.map((p) => button(t(p.label), () => { this.text.value = p.text; void this.sendMessage(false); }, { title: t(p.shows), dataset: { action: `preset-${p.id}` } }))),
    );
    sendForm.addEventListener('submit', (e) => { e.preventDefault(); void this.sendMessage(false); });

    const pingData = el('input', { type: 'text', name: 'ping-data', value: 'hi', size: 8, maxLength: 125 });
    const fragText = el('input', { type: 'text', name: 'fragments-text', value: 'Hello', size: 10 });
    const fragParts = el('input', { type: 'number', name: 'fragments-parts', value: '2', min: '1', max: String(INSPECT_MAX_FRAGMENTS), step: '1' });
    const closeCode = el('input', { type: 'number', name: 'close-code', value: '4000', min: '1000', max: '4999', step: '1' });
    const closeReason = el('input', { type: 'text', name: 'close-reason', value: 'bye', size: 10 });
    const commands = el('div', { className: 'fi-commands' },
      el('p', { className: 'insp-row' },
        button(t('fi.serverPings'), () => void this.ping(pingData.value), { dataset: { action: 'ping' } }),
        el('label', { className: 'insp-field' }, el('span', {}, t('fi.data')), pingData),
        el('span', { className: 'insp-hint' }, t('fi.pongHint'))),
      el('p', { className: 'insp-row' },
        button(t('fi.serverFragments'), () => void this.fragments(fragText.value, Number(fragParts.value)), { dataset: { action: 'fragments' } }),
        el('label', { className: 'insp-field' }, el('span', {}, t('fi.text')), fragText),
        el('label', { className: 'insp-field' }, el('span', {}, t('fi.parts')), fragParts)),
      el('p', { className: 'insp-row' },
        button(t('fi.closeBrowser'), () => void this.close(Number(closeCode.value), closeReason.value, 'browser'), { dataset: { action: 'close' } }),
        button(t('fi.closeServer'), () => void this.close(Number(closeCode.value), closeReason.value, 'server'), { dataset: { action: 'server-close' } }),
        el('label', { className: 'insp-field' }, el('span', {}, t('fi.code')), closeCode),
        el('label', { className: 'insp-field' }, el('span', {}, t('fi.reason')), closeReason)),
    );
    this.controls = el('div', { className: 'fi-controls' }, sendForm, commands, this.problem);
    this.list = el('ol', { className: 'fi-frames' });
    this.list.setAttribute('aria-label', t('fi.framesAria'));
    this.append(head,
      el('p', { className: 'insp-detail' },
        t('fi.detail')),
      this.controls,
      el('h3', {}, t('fi.framesTitle')),
      this.list);
  }

  /** Open the echo socket (again), with permessage-deflate if ticked. */
  async connect(): Promise<void> {
    this.disconnect();
    const url = labUrl(labBase(this), this.deflate.checked ? '/inspect/echo?deflate=1' : '/inspect/echo', true);
    this.setState('connecting', t('insp.connectingTo', { url }));
    const ws = (this.socket = new WebSocket(url));
    ws.binaryType = 'arraybuffer';
    this.lastJson = '';
    this.list.replaceChildren();
    const welcome = this.next();
    ws.onmessage = (event) => this.settle(event);
    ws.onclose = (event) => {
      this.settle(event);
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.setState('closed', t('fi.closed', { code: event.code, reason: event.reason ? t('fi.closedReason', { reason: event.reason }) : '', unclean: event.wasClean ? '' : t('fi.unclean') }));
      void this.refresh();
    };
    const first = await welcome;
    if (!(first instanceof MessageEvent) || typeof first.data !== 'string') return;
    const hello = JSON.parse(first.data) as { type?: string; id?: number; deflate?: boolean };
    if (hello.type !== 'welcome' || typeof hello.id !== 'number') return;
    this.session = hello.id;
    this.dataset.session = String(hello.id);
    this.setState('open', t('fi.connected', { id: hello.id, deflate: hello.deflate ? t('fi.deflateOn') : t('fi.deflateOff') }));
    await this.refresh();
  }

  disconnect(): void {
    const ws = this.socket;
    this.socket = undefined;
    if (ws?.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(1000, 'disconnect');
    else ws?.close(1000, 'disconnect');
    this.settleAll();
    if (ws) this.setState('closed', 'disconnected');
  }

  async sendMessage(binary: boolean): Promise<void> {
    const text = this.text.value;
    const bytes = utf8Bytes(text);
    const problem = sendProblem(bytes);
    if (problem) return this.say(t('pg.notSent', { problem: problemText(problem) }));
    await this.act(() => {
      this.socket!.send(binary ? new TextEncoder().encode(text) : text);
      return t(binary ? 'fi.sentBinary' : 'fi.sentText', { bytes: bytes.toLocaleString('en-US') });
    });
  }

  async ping(data: string): Promise<void> {
    const problem = pingProblem(data);
    if (problem) return this.say(t('pg.notSent', { problem: problemText(problem) }));
    const before = this.maxN();
    await this.act(() => {
      this.socket!.send(JSON.stringify({ cmd: 'ping', data }));
      return t('fi.askedPing');
    }, false);
    // The pong goes out from the browser with no event in the page: look for it in the capture.
    const deadline = performance.now() + PONG_WAIT_MS;
    while (performance.now() < deadline) {
      const frames = await this.refresh();
      if (!frames || frames.some((f) => f.n > before && f.dir === 'in' && f.opcode === 'pong')) return;
      await pause(REFRESH_POLL_MS);
    }
  }

  async fragments(text: string, parts: number): Promise<void> {
    const command = fragmentsCommand(text, parts);
    if ('problem' in command) return this.say(t('pg.notSent', { problem: problemText(command.problem) }));
    await this.act(() => {
      this.socket!.send(command.command);
      return t('fi.askedFragments', { text, parts });
    });
  }

  async close(code: number, reason: string, who: 'browser' | 'server'): Promise<void> {
    const problem = closeProblem(code, reason);
    if (problem) return this.say(t('fi.notClosed', { problem: problemText(problem) }));
    await this.act(() => {
      if (who === 'browser') this.socket!.close(code, reason);
      else this.socket!.send(JSON.stringify({ cmd: 'close', code, reason }));
      return t(who === 'browser' ? 'fi.browserCloses' : 'fi.serverCloses', { code, reason });
    });
  }

  /** Do one action, wait for its answer (a message or the close), then read the frames. */
  private async act(action: () => string, waitForAnswer = true): Promise<void> {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      await this.connect();
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return this.say(t('insp.notConnected'));
    }
    const answered = this.next();
    try {
      this.say(action(), false);
    } catch (err) {
      return this.say(errorText(err)); // e.g. the browser's own refusal of a close code
    }
    if (waitForAnswer) await Promise.race([answered, pause(ACTION_WAIT_MS)]);
    await this.refresh();
  }

  /** The next message or close on the socket. */
  private next(): Promise<MessageEvent | CloseEvent> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private settle(event: MessageEvent | CloseEvent): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w(event));
  }

  private settleAll(): void {
    this.settle(new CloseEvent('close', { code: 1000 }));
  }

  private maxN(): number {
    return Number(this.list.lastElementChild?.getAttribute('data-n') ?? 0);
  }

  /** Read the server's capture for this session and draw it. */
  async refresh(): Promise<InspectedFrame[] | undefined> {
    if (this.session === undefined) return undefined;
    try {
      const answer = await labCall<FramesAnswer>(labBase(this), 'GET', `/api/inspect/frames/${this.session}`);
      const json = JSON.stringify(answer.frames);
      if (json !== this.lastJson) {
        this.lastJson = json;
        this.list.replaceChildren(...answer.frames.map((f) => this.frameItem(f)));
        this.list.scrollTop = this.list.scrollHeight; // the newest frame in view, without moving the page
      }
      return answer.frames;
    } catch (err) {
      this.say(t('fi.readFailed', { error: errorText(err) }));
      return undefined;
    }
  }

  private frameItem(f: InspectedFrame): HTMLLIElement {
    let bytes: HTMLElement;
    try {
      const labels = labelFrameHeader(f.headerHex);
      const tbl = table('fi-bytes', [t('fi.colByte'), 'hex', t('fi.colBits'), t('fi.colMeaning')], labels.map((b) => [
        String(b.index), el('code', { className: 'mono hex' }, b.hex), el('code', { className: 'mono bits' }, b.bits), b.label,
      ]), t('fi.headerCaption'));
      [...tbl.tBodies[0]!.rows].forEach((row, i) => { row.className = `part-${labels[i]!.part}`; });
      bytes = tbl;
    } catch (err) {
      bytes = el('p', { className: 'insp-error' }, errorText(err));
    }
    const form = lengthForm(f.payloadLength);
    const masked = f.masked;
    const payloadRows: HTMLElement[] = f.payloadLength === 0 ? [el('p', { className: 'insp-hint' }, t('fi.noPayload'))] : [
      el('p', {}, el('span', { className: 'fi-label' }, masked ? t('fi.payloadMasked') : t('fi.payload')),
        el('code', { className: 'mono hex', dataset: { part: 'wire-hex' } }, f.wireHex), ' ', el('span', { className: 'insp-hint' }, `(${payloadShown(f)})`)),
      masked
        ? el('p', {}, el('span', { className: 'fi-label' }, t('fi.unmasked')), el('code', { className: 'mono hex', dataset: { part: 'unmasked-hex' } }, f.unmaskedHex))
        : el('p', { className: 'insp-hint' }, t('fi.notMasked')),
      ...(f.rsv1 ? [el('p', { className: 'insp-hint' }, t('fi.rsv1'))] : []),
      ...(f.text !== null && f.text !== '' ? [el('p', {}, el('span', { className: 'fi-label' }, f.opcode === 'close' ? t('fi.closeCodeReason') : t('fi.asText')),
        el('code', { className: 'mono fi-text', dataset: { part: 'text' } }, f.text.length > INSPECT_PREVIEW_BYTES ? `${f.text.slice(0, INSPECT_PREVIEW_BYTES)}…` : f.text))] : []),
    ];
    const key = f.fields.find((x) => x.field === 'masking key');
    return el('li', { className: 'fi-frame', dataset: { n: String(f.n), dir: f.dir, opcode: f.opcode, masked: String(f.masked), fin: String(f.fin) } },
      el('p', { className: 'fi-title' }, el('strong', {}, `#${f.n} ${direction(f)}`), ` · ${frameSummary(f).split(' · ').slice(1).join(' · ')}`),
      el('p', {}, el('span', { className: 'fi-label' }, t('fi.onTheWire')),
        el('code', { className: 'mono hex fi-start', dataset: { part: 'frame-start-hex' } }, frameStartHex(f)),
        f.payloadLength > INSPECT_PREVIEW_BYTES ? el('span', { className: 'insp-hint' }, ' …') : ''),
      el('p', { className: 'insp-hint' }, t('fi.lengthForm', { bits: form.bits, where: form.where }) + (key ? ` · ${t('fi.maskingKey', { value: key.value, at: key.at })}` : '')),
      bytes,
      ...payloadRows);
  }

  private say(text: string, error = true): void {
    setText(this.problem, text);
    this.problem.classList.toggle('insp-error', error);
    this.problem.classList.toggle('insp-hint', !error);
  }

  private setState(state: 'closed' | 'connecting' | 'open', text: string): void {
    this.dataset.state = state;
    setText(this.status, text);
  }
}

define('frame-inspector', FrameInspectorElement);
