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
import { t } from '../i18n/index.ts';

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
    this.textarea.setAttribute('aria-label', t('pg.rawRequest'));
    this.textarea.addEventListener('input', () => this.showSize());
    this.size = el('p', { className: 'insp-hint', role: 'status' });

    const edit = (label: string, action: string, change: (text: string) => string) =>
      button(label, () => { this.textarea.value = change(this.textarea.value); this.showSize(); }, { dataset: { action } });
    const edits = el('div', { className: 'insp-row', role: 'group' },
      edit(t('pg.valid'), 'valid', () => validUpgrade(host)),
      edit(t('pg.removeKey'), 'remove-key', (t) => withoutHeader(t, 'Sec-WebSocket-Key')),
      edit('Sec-WebSocket-Version: 8', 'version-8', (t) => withHeader(t, 'Sec-WebSocket-Version', '8')),
      edit(`Origin: ${FOREIGN_ORIGIN}`, 'foreign-origin', (t) => withHeader(t, 'Origin', FOREIGN_ORIGIN)),
    );
    edits.setAttribute('aria-label', t('pg.edits'));
    this.originNote = el('span', { className: 'insp-hint' });
    this.originToggle = button(t('pg.originAllowlist', { state: '…' }), () => void this.toggleOrigin(), { dataset: { action: 'origin-check' } });
    this.originToggle.setAttribute('aria-pressed', 'false');

    const send = el('button', { type: 'submit', className: 'primary', dataset: { action: 'send' } }, t('pg.send'));
    const form = el('form', { className: 'pg-form' }, this.textarea, this.size, edits,
      el('p', { className: 'insp-row' }, this.originToggle, this.originNote),
      el('p', { className: 'insp-row' }, send));
    form.addEventListener('submit', (e) => { e.preventDefault(); void this.send(); });
    this.answer = el('div', { className: 'pg-answer', role: 'region' });
    this.answer.setAttribute('aria-label', t('pg.rawAnswer'));
    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, t('pg.title'))),
      el('p', { className: 'insp-detail' },
        t('pg.detail')),
      form, this.answer,
    );
    this.dataset.state = 'idle';
    this.showSize();
  }

  private showSize(): void {
    const problem = requestProblem(this.textarea.value);
    setText(this.size, problem ? problemText(problem) : t('pg.size', { bytes: wireBytes(this.textarea.value).toLocaleString('en-US'), max: PLAYGROUND_MAX_REQUEST_BYTES.toLocaleString('en-US') }));
    this.size.classList.toggle('insp-error', problem !== undefined);
    this.textarea.setAttribute('aria-invalid', String(problem !== undefined));
  }

  async send(): Promise<PlaygroundAnswer | undefined> {
    const problem = requestProblem(this.textarea.value);
    if (problem) {
      this.showError(t('pg.notSent', { problem: problemText(problem) }));
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
    const note = answer.status === null ? t('pg.noHttpAnswer') : annotateHead('response', head)[0]?.note ?? '';
    const parts: Node[] = [
      el('p', { className: 'pg-status', dataset: { status: String(answer.status ?? '') } },
        el('strong', { className: 'mono' }, statusLine || t('pg.nothingBack')), ' — ', note),
      el('p', { className: 'insp-hint' },
        t(answer.closedBy === 'lab' ? 'pg.summaryLab' : 'pg.summaryServer', {
          head: answer.headBytes.toLocaleString('en-US'), after: (answer.received.length - answer.headBytes).toLocaleString('en-US'), ms: answer.durationMs,
        })),
      headPre(head, 'pg-head'),
    ];
    if (answer.status === 101 && answer.headBytes > 0) {
      const after = base64ToBytes(answer.receivedBase64).subarray(answer.headBytes);
      const frame = firstFrame(after);
      parts.push(frame
        ? el('div', { className: 'pg-frame' },
          el('h3', {}, t('pg.firstFrame')),
          el('p', {}, el('code', { className: 'mono hex', dataset: { part: 'frame-header' } }, frame.headerHex), ' ',
            el('code', { className: 'mono hex payload', dataset: { part: 'frame-payload' } }, frame.payloadHex)),
          el('p', { className: 'insp-hint' }, t('pg.frameSummary', {
            opcode: frame.opcode, fin: Number(frame.fin), masked: frame.masked ? t('pg.masked') : t('pg.notMasked'),
            bytes: frame.payloadLength, incomplete: frame.complete ? '' : t('pg.incomplete'),
          })),
          el('pre', { className: 'mono pg-frame-text' }, frame.text))
        : el('p', { className: 'insp-hint' }, t('pg.noFrame')));
    } else if (answer.received.length > answer.headBytes && answer.headBytes > 0) {
      // The head is latin1 (RFC 9112 §2.2); the lab's error bodies are UTF-8 JSON ("RFC 9112 §3.2" has a two-byte §).
      const body = new TextDecoder().decode(base64ToBytes(answer.receivedBase64).subarray(answer.headBytes));
      parts.push(el('h3', {}, t('pg.body')), el('pre', { className: 'mono pg-body' }, body));
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
      setText(this.originNote, t('pg.switchesUnavailable', { error: errorText(err) }));
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
    setText(this.originToggle, t('pg.originAllowlist', { state: on ? t('insp.on') : t('insp.off') }));
    this.originToggle.setAttribute('aria-pressed', String(on));
    setText(this.originNote, on
      ? t('pg.originOn')
      : t('pg.originOff'));
  }
}

define('handshake-playground', HandshakePlaygroundElement);
