/**
 * <handshake-playground></handshake-playground>
 *
 * A raw upgrade request in a textarea, sent as it stands over a real TCP
 * socket to the lab (POST /api/playground/handshake), and the raw answer:
 * the head as text, and after a 101 the first WebSocket frame in hex.
 * Buttons apply the classic edits and the server answers for real:
 *
 *   valid request                   → 101 Switching Protocols
 *   no Sec-WebSocket-Key            → 400 (RFC 6455 §4.2.1)
 *   Sec-WebSocket-Version: 8        → 426, with Sec-WebSocket-Version: 13 (§4.4)
 *   foreign Origin, allowlist on    → 403 (§10.2); with it off, 101
 *
 * Attributes: `base` (the lab's URL). For tests: `data-state` (idle | sending |
 * answered | error) and `data-status` on the element, `.pg-status`, `.pg-head`,
 * `.pg-frame`.
 */
import { firstFrame, FOREIGN_ORIGIN, PLAYGROUND_MAX_REQUEST_BYTES, requestProblem, base64ToBytes, validUpgrade, wireBytes, withHeader, withoutHeader } from './playground-request.ts';
import { annotateHead } from './header-notes.ts';
import { problemText } from './problems.ts';
import { addInspectorStyles } from './style.ts';
import { button, define, el, errorText, headPre, labBase, labCall, setText } from './ui.ts';

interface PlaygroundAnswer {
  sent: string;
  received: string;
  receivedBase64: string;
  status: number | null;
  headBytes: number;
  durationMs: number;
  closedBy: 'server' | 'lab';
}

interface SecurityState {
  security: { originCheck: boolean; cors: boolean };
}

export class HandshakePlaygroundElement extends HTMLElement {
  private textarea!: HTMLTextAreaElement;
  private size!: HTMLElement;
  private answer!: HTMLElement;
  private originNote!: HTMLElement;
  private originToggle!: HTMLButtonElement;
  private originCheck: boolean | undefined;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    addInspectorStyles();
    this.classList.add('inspector', 'handshake-playground');
    this.build();
    void this.readSecurity();
  }

  private build(): void {
    const host = new URL(labBase(this)).host;
    this.textarea = el('textarea', { name: 'request', className: 'mono pg-request', rows: 9, spellcheck: false, value: validUpgrade(host) });
    this.textarea.setAttribute('aria-label', 'raw HTTP request');
    this.textarea.addEventListener('input', () => this.showSize());
    this.size = el('p', { className: 'insp-hint', role: 'status' });

    const edit = (label: string, action: string, change: (text: string) => string) =>
      button(label, () => { this.textarea.value = change(this.textarea.value); this.showSize(); }, { dataset: { action } });
    const edits = el('div', { className: 'insp-row', role: 'group' },
      edit('Valid upgrade', 'valid', () => validUpgrade(host)),
      edit('Remove Sec-WebSocket-Key', 'remove-key', (t) => withoutHeader(t, 'Sec-WebSocket-Key')),
      edit('Sec-WebSocket-Version: 8', 'version-8', (t) => withHeader(t, 'Sec-WebSocket-Version', '8')),
      edit(`Origin: ${FOREIGN_ORIGIN}`, 'foreign-origin', (t) => withHeader(t, 'Origin', FOREIGN_ORIGIN)),
    );
    edits.setAttribute('aria-label', 'classic edits');
    this.originNote = el('span', { className: 'insp-hint' });
    this.originToggle = button('Origin allowlist: …', () => void this.toggleOrigin(), { dataset: { action: 'origin-check' } });
    this.originToggle.setAttribute('aria-pressed', 'false');

    const send = el('button', { type: 'submit', className: 'primary', dataset: { action: 'send' } }, 'Send over TCP');
    const form = el('form', { className: 'pg-form' }, this.textarea, this.size, edits,
      el('p', { className: 'insp-row' }, this.originToggle, this.originNote),
      el('p', { className: 'insp-row' }, send));
    form.addEventListener('submit', (e) => { e.preventDefault(); void this.send(); });
    this.answer = el('div', { className: 'pg-answer', role: 'region' });
    this.answer.setAttribute('aria-label', 'the raw answer');
    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, 'Handshake playground')),
      el('p', { className: 'insp-detail' },
        'Edit the request and send it: the lab writes exactly these bytes (line ends made CRLF, a blank line added) ',
        'to its own port over a real TCP socket, and shows what came back.'),
      form, this.answer,
    );
    this.dataset.state = 'idle';
    this.showSize();
  }

  private showSize(): void {
    const problem = requestProblem(this.textarea.value);
    setText(this.size, problem ? problemText(problem) : `${wireBytes(this.textarea.value).toLocaleString('en-US')} bytes on the wire (at most ${PLAYGROUND_MAX_REQUEST_BYTES.toLocaleString('en-US')})`);
    this.size.classList.toggle('insp-error', problem !== undefined);
    this.textarea.setAttribute('aria-invalid', String(problem !== undefined));
  }

  async send(): Promise<PlaygroundAnswer | undefined> {
    const problem = requestProblem(this.textarea.value);
    if (problem) {
      this.showError(`not sent: ${problemText(problem)}`);
      return undefined;
    }
    this.dataset.state = 'sending';
    try {
      const answer = await labCall<PlaygroundAnswer>(labBase(this), 'POST', '/api/playground/handshake', { request: this.textarea.value });
      this.render(answer);
      return answer;
    } catch (err) {
      // The lab's own refusal (LAB_ERR_PLAYGROUND_TARGET, 413 …), shown as it is.
      this.showError(errorText(err));
      return undefined;
    }
  }

  private render(answer: PlaygroundAnswer): void {
    this.dataset.state = 'answered';
    this.dataset.status = String(answer.status ?? '');
    const head = answer.headBytes > 0 ? answer.received.slice(0, answer.headBytes) : answer.received;
    const statusLine = head.split('\r\n')[0] ?? '';
    const note = answer.status === null ? 'no HTTP answer' : annotateHead('response', head)[0]?.note ?? '';
    const parts: Node[] = [
      el('p', { className: 'pg-status', dataset: { status: String(answer.status ?? '') } },
        el('strong', { className: 'mono' }, statusLine || '(nothing came back)'), ' — ', note),
      el('p', { className: 'insp-hint' },
        `${answer.headBytes.toLocaleString('en-US')} bytes of head, ${(answer.received.length - answer.headBytes).toLocaleString('en-US')} bytes after it, ` +
        `in ${answer.durationMs} ms; the connection was closed by ${answer.closedBy === 'lab' ? 'the lab (a 101 connection stays open, so it hung up after waiting)' : 'the server'}.`),
      headPre(head, 'pg-head'),
    ];
    if (answer.status === 101 && answer.headBytes > 0) {
      const after = base64ToBytes(answer.receivedBase64).subarray(answer.headBytes);
      const frame = firstFrame(after);
      parts.push(frame
        ? el('div', { className: 'pg-frame' },
          el('h3', {}, 'The first frame after the head (server → client)'),
          el('p', {}, el('code', { className: 'mono hex', dataset: { part: 'frame-header' } }, frame.headerHex), ' ',
            el('code', { className: 'mono hex payload', dataset: { part: 'frame-payload' } }, frame.payloadHex)),
          el('p', { className: 'insp-hint' }, `${frame.opcode} frame, FIN=${Number(frame.fin)}, ${frame.masked ? 'masked' : 'not masked (server to client, RFC 6455 §5.1)'}, ` +
            `${frame.payloadLength} payload bytes${frame.complete ? '' : ' (not all arrived before the lab hung up)'}:`),
          el('pre', { className: 'mono pg-frame-text' }, frame.text))
        : el('p', { className: 'insp-hint' }, 'No complete frame arrived after the head.'));
    } else if (answer.received.length > answer.headBytes && answer.headBytes > 0) {
      parts.push(el('h3', {}, 'Body'), el('pre', { className: 'mono pg-body' }, answer.received.slice(answer.headBytes)));
    }
    this.answer.replaceChildren(...parts);
  }

  private showError(text: string): void {
    this.dataset.state = 'error';
    this.dataset.status = '';
    this.answer.replaceChildren(el('p', { className: 'insp-error pg-error', role: 'alert' }, text));
  }

  private async readSecurity(): Promise<void> {
    try {
      const state = await labCall<SecurityState>(labBase(this), 'GET', '/api/switches');
      this.showOrigin(state.security.originCheck);
    } catch (err) {
      setText(this.originNote, `switches unavailable: ${errorText(err)}`);
    }
  }

  private async toggleOrigin(): Promise<void> {
    try {
      const now = await labCall<{ originCheck: boolean }>(labBase(this), 'POST', '/api/security', { originCheck: !this.originCheck });
      this.showOrigin(now.originCheck);
    } catch (err) {
      setText(this.originNote, errorText(err));
    }
  }

  private showOrigin(on: boolean): void {
    this.originCheck = on;
    setText(this.originToggle, `Origin allowlist: ${on ? 'on' : 'off'}`);
    this.originToggle.setAttribute('aria-pressed', String(on));
    setText(this.originNote, on
      ? 'On: a foreign Origin gets 403. Clients that send no Origin (not browsers) still get in.'
      : 'Off (the default): a foreign Origin is let in, so any website could open this socket. Turn it on to see the 403.');
  }
}

define('handshake-playground', HandshakePlaygroundElement);
