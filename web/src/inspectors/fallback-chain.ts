/**
 * <fallback-chain></fallback-chain>
 *
 * The "auto" client (web/src/transports/auto.ts) at work: WebSocket first,
 * then SSE, then long polling, then short polling, each attempt shown with how
 * it failed and how long it took, and the time to the first message. Beside
 * it, the switch that makes the lab refuse WebSocket upgrades (a strict proxy)
 * and, for SSE, a buffering proxy, so the chain can be watched falling back.
 *
 * Attributes: `base` (the lab's URL), `timeout` (ms per attempt).
 * For tests: `data-state` (idle | trying | connected | gave-up) and
 * `data-lane` (the transport it landed on) on the element;
 * `.fc-attempt[data-lane][data-outcome]`; `[data-part="first-message"][data-ms]`.
 */
import { LANES, type LaneId } from '../../../src/lanes.ts';
import { autoTransport, ATTEMPT_TIMEOUT_MS, FALLBACK_ORDER, type Attempt, type AutoClient } from '../transports/auto.ts';
import { addInspectorStyles } from './style.ts';
import { button, define, el, errorText, labBase, labCall, setText, table } from './ui.ts';

/** The buffer the SSE switch sets: more than a hello and a few messages, so they are held back. */
const SSE_PROXY_BUFFER_BYTES = 64 * 1024;

interface Switches {
  chaos: Record<LaneId, { delayMs: number; bufferBytes: number; refuseUpgrade: boolean }>;
}

const ms = (n: number | undefined) => (n === undefined ? '…' : `${Math.round(n).toLocaleString('en-US')} ms`);

export class FallbackChainElement extends HTMLElement {
  private client: AutoClient | undefined;
  private status!: HTMLElement;
  private rows!: HTMLTableSectionElement;
  private firstMessage!: HTMLElement;
  private refuse!: HTMLButtonElement;
  private buffer!: HTMLButtonElement;
  private switchNote!: HTMLElement;
  private switches: Switches | undefined;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    addInspectorStyles();
    this.classList.add('inspector', 'fallback-chain');
    this.build();
    void this.readSwitches();
  }

  disconnectedCallback(): void {
    this.client?.stop();
    this.client = undefined;
  }

  private build(): void {
    this.status = el('span', { className: 'insp-status', role: 'status' }, 'not started');
    this.refuse = button('Refuse WebSocket upgrades: …', () => void this.flip('ws'), { dataset: { action: 'refuse-upgrade' } });
    this.buffer = button('Buffering proxy on SSE: …', () => void this.flip('sse'), { dataset: { action: 'sse-buffer' } });
    this.switchNote = el('span', { className: 'insp-hint' });
    const t = table('fc-attempts', ['#', 'transport', 'outcome', 'took', 'why'], [], 'Attempts, in order');
    this.rows = t.tBodies[0]!;
    this.firstMessage = el('p', { className: 'fc-first', dataset: { part: 'first-message' } });
    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, 'Fallback chain'),
        button('Connect (auto)', () => this.start(), { className: 'primary', dataset: { action: 'start' } }),
        button('Stop', () => this.stop(), { dataset: { action: 'stop' } }),
        this.status),
      el('p', { className: 'insp-detail' },
        `Try ${FALLBACK_ORDER.join(' → ')}: the first that connects wins. `,
        'This is what SockJS does, and why Socket.IO exists: some networks refuse the WebSocket upgrade or buffer streams. ',
        'A refused upgrade fails fast; a proxy that holds the answer back costs the whole timeout.'),
      el('p', { className: 'insp-row' }, this.refuse, this.buffer, this.switchNote),
      t, this.firstMessage,
    );
    this.dataset.state = 'idle';
  }

  start(): void {
    this.client?.stop();
    this.rows.replaceChildren();
    setText(this.firstMessage, '');
    delete this.firstMessage.dataset.ms;
    delete this.dataset.lane;
    this.setState('trying', 'trying…');
    const timeout = Number(this.getAttribute('timeout'));
    const base = this.getAttribute('base') ?? undefined;
    this.client = autoTransport({
      ...(base && { base }),
      attemptTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : ATTEMPT_TIMEOUT_MS,
      onAttempt: (attempt, all) => this.showAttempt(attempt, all.indexOf(attempt)),
      onConnected: (lane, afterMs) => {
        this.dataset.lane = lane;
        this.setState('connected', `connected over ${lane} (${LANES[lane].title}) after ${ms(afterMs)}; waiting for the first message…`);
      },
      onMessage: (message, lane, afterMs) => {
        if (this.firstMessage.dataset.ms) return;
        this.firstMessage.dataset.ms = String(Math.round(afterMs));
        this.firstMessage.dataset.lane = lane;
        setText(this.firstMessage, `First message (seq ${message.seq}) over ${lane}, ${ms(afterMs)} after Connect.`);
        setText(this.status, `connected over ${lane} (${LANES[lane].title}); receiving`);
      },
      onGaveUp: () => this.setState('gave-up', 'every transport failed: is the lab running?'),
    });
    this.client.start();
  }

  stop(): void {
    this.client?.stop();
    this.client = undefined;
    this.setState('idle', 'stopped');
  }

  private showAttempt(attempt: Attempt, index: number): void {
    const cells = [String(index + 1), attempt.lane, attempt.outcome, ms(attempt.durationMs), attempt.reason ?? ''];
    let row = this.rows.rows[index];
    if (!row) {
      row = this.rows.insertRow();
      row.className = 'fc-attempt';
      cells.forEach(() => row!.insertCell());
    }
    row.dataset.lane = attempt.lane;
    row.dataset.outcome = attempt.outcome;
    cells.forEach((text, i) => setText(row!.cells[i]!, text));
  }

  private async readSwitches(): Promise<void> {
    try {
      this.showSwitches(await labCall<Switches>(labBase(this), 'GET', '/api/switches'));
    } catch (err) {
      setText(this.switchNote, `switches unavailable: ${errorText(err)}`);
    }
  }

  private async flip(lane: 'ws' | 'sse'): Promise<void> {
    if (!this.switches) return this.readSwitches();
    const body = lane === 'ws'
      ? { lane, refuseUpgrade: !this.switches.chaos.ws.refuseUpgrade }
      : { lane, bufferBytes: this.switches.chaos.sse.bufferBytes > 0 ? 0 : SSE_PROXY_BUFFER_BYTES };
    try {
      await labCall(labBase(this), 'POST', '/api/chaos', body);
      await this.readSwitches();
    } catch (err) {
      setText(this.switchNote, errorText(err));
    }
  }

  private showSwitches(switches: Switches): void {
    this.switches = switches;
    const refusing = switches.chaos.ws.refuseUpgrade;
    const buffering = switches.chaos.sse.bufferBytes;
    setText(this.refuse, `Refuse WebSocket upgrades: ${refusing ? 'on' : 'off'}`);
    this.refuse.setAttribute('aria-pressed', String(refusing));
    setText(this.buffer, `Buffering proxy on SSE: ${buffering > 0 ? `on (${buffering.toLocaleString('en-US')} B)` : 'off'}`);
    this.buffer.setAttribute('aria-pressed', String(buffering > 0));
    setText(this.switchNote, refusing || buffering > 0 ? 'These switches affect every client of the lab, the dashboard\'s too.' : '');
  }

  private setState(state: string, text: string): void {
    this.dataset.state = state;
    setText(this.status, text);
  }
}

define('fallback-chain', FallbackChainElement);
