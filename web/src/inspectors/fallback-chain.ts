/**
 * <fallback-chain></fallback-chain>
 *
 * The "auto" client (web/src/transports/auto.ts) at work: WebSocket first,
 * then SSE, then long polling, then short polling, each attempt shown with how
 * it failed and how long it took, and the time to the first message. Beside
 * it, the switch that makes the lab refuse WebSocket upgrades (a strict proxy)
 * and, for SSE, a buffering proxy, so the chain can be watched falling back.
 *
 * Beside the chain, the real libraries do their own fallback on the lab's
 * `socketio` and `sockjs` lanes (./library-fallback.ts): socket.io-client
 * starts on long polling and probes a WebSocket upgrade, sockjs-client tries
 * its transports best first. What each client cost so far (requests, header
 * bytes, bytes per message) is read every second from the wire meter for its
 * own connections (`?page=`); the chain's lane requests carry a page id of
 * their own while it runs. The upgrade switch refuses upgrades on all three
 * lanes that upgrade (ws, socketio, sockjs), as one strict proxy would.
 *
 * Attributes: `base` (the lab's URL), `timeout` (ms per attempt).
 * For tests: `data-state` (idle | trying | connected | gave-up) and
 * `data-lane` (the transport it landed on) on the element;
 * `.fc-attempt[data-lane][data-outcome]`; `[data-part="first-message"][data-ms]`;
 * `.fc-libraries tr[data-client][data-transport]` (chain, socketio, sockjs) with
 * `data-requests` and `data-bytes-per-message` once counted.
 */
import { LANES, type LaneId } from '../../../src/lanes.ts';
import { autoTransport, ATTEMPT_TIMEOUT_MS, FALLBACK_ORDER, type Attempt, type AutoClient } from '../transports/auto.ts';
import { addInspectorStyles } from './style.ts';
import { libraryCost, LIBRARIES, startLibraryFallback, type LibraryCost, type LibraryRun } from './library-fallback.ts';
import { tagLaneRequests } from '../transports/transport.ts';
import { button, define, el, errorText, labBase, labCall, setText, table } from './ui.ts';
import { laneTitle, t, type MessageKey } from '../i18n/index.ts';
import { retryText } from '../i18n/problems.ts';

/** The buffer the SSE switch sets: more than a hello and a few messages, so they are held back. */
const SSE_PROXY_BUFFER_BYTES = 64 * 1024;
/** How often the clients' costs are read again while they run. */
const COST_REFRESH_MS = 1_000;
/** The lanes a strict proxy's refusal of `Upgrade: websocket` hits. */
const UPGRADING_LANES = ['ws', ...LIBRARIES] as const;

interface Switches {
  chaos: Record<LaneId, { delayMs: number; bufferBytes: number; refuseUpgrade: boolean }>;
}

const ms = (n: number | undefined) => (n === undefined ? '…' : `${Math.round(n).toLocaleString('en-US')} ms`);

const OUTCOME_WORDS: Record<Attempt['outcome'], MessageKey> = {
  trying: 'fc.outcomeTrying', connected: 'fc.outcomeConnected', failed: 'fc.outcomeFailed', 'timed out': 'fc.outcomeTimedOut',
};

export class FallbackChainElement extends HTMLElement {
  private client: AutoClient | undefined;
  private status!: HTMLElement;
  private rows!: HTMLTableSectionElement;
  private firstMessage!: HTMLElement;
  private refuse!: HTMLButtonElement;
  private buffer!: HTMLButtonElement;
  private switchNote!: HTMLElement;
  private switches: Switches | undefined;
  private libraries: LibraryRun[] = [];
  private libraryRows!: HTMLTableSectionElement;
  private chainPage: string | undefined;
  private costTimer: ReturnType<typeof setInterval> | undefined;

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
    this.stopLibraries();
  }

  private build(): void {
    this.status = el('span', { className: 'insp-status', role: 'status' }, t('fc.notStarted'));
    this.refuse = button(t('fc.refuse', { state: '…' }), () => void this.flip('ws'), { dataset: { action: 'refuse-upgrade' } });
    this.buffer = button(t('fc.buffer', { state: '…' }), () => void this.flip('sse'), { dataset: { action: 'sse-buffer' } });
    this.switchNote = el('span', { className: 'insp-hint' });
    const attempts = table('fc-attempts', ['#', t('fc.colTransport'), t('fc.colOutcome'), t('fc.colTook'), t('fc.colWhy')], [], t('fc.caption'));
    this.rows = attempts.tBodies[0]!;
    this.firstMessage = el('p', { className: 'fc-first', dataset: { part: 'first-message' } });
    this.append(
      el('header', { className: 'insp-head' }, el('h2', {}, t('fc.title')),
        button(t('fc.connect'), () => this.start(), { className: 'primary', dataset: { action: 'start' } }),
        button(t('fc.stop'), () => this.stop(), { dataset: { action: 'stop' } }),
        this.status),
      el('p', { className: 'insp-detail' },
        t('fc.detail', { order: FALLBACK_ORDER.join(' → ') })),
      el('p', { className: 'insp-row' }, this.refuse, this.buffer, this.switchNote),
      attempts, this.firstMessage,
      this.librariesSection(),
    );
    this.dataset.state = 'idle';
  }

  start(): void {
    this.client?.stop();
    this.startLibraries();
    this.rows.replaceChildren();
    setText(this.firstMessage, '');
    delete this.firstMessage.dataset.ms;
    delete this.dataset.lane;
    this.setState('trying', t('fc.trying'));
    const timeout = Number(this.getAttribute('timeout'));
    const base = this.getAttribute('base') ?? undefined;
    this.client = autoTransport({
      ...(base && { base }),
      attemptTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : ATTEMPT_TIMEOUT_MS,
      onAttempt: (attempt, all) => this.showAttempt(attempt, all.indexOf(attempt)),
      onConnected: (lane, afterMs) => {
        this.dataset.lane = lane;
        this.setState('connected', t('fc.connectedAfter', { lane, title: laneTitle(lane), ms: ms(afterMs) }));
      },
      onMessage: (message, lane, afterMs) => {
        if (this.firstMessage.dataset.ms) return;
        this.firstMessage.dataset.ms = String(Math.round(afterMs));
        this.firstMessage.dataset.lane = lane;
        setText(this.firstMessage, t('fc.firstMessage', { seq: message.seq, lane, ms: ms(afterMs) }));
        setText(this.status, t('fc.receiving', { lane, title: laneTitle(lane) }));
      },
      onGaveUp: () => this.setState('gave-up', t('fc.gaveUp')),
    });
    this.client.start();
  }

  stop(): void {
    this.client?.stop();
    this.client = undefined;
    this.stopLibraries();
    this.setState('idle', t('fc.stopped'));
  }

  private showAttempt(attempt: Attempt, index: number): void {
    const cells = [String(index + 1), attempt.lane, t(OUTCOME_WORDS[attempt.outcome]), ms(attempt.durationMs), attempt.reason === undefined ? '' : retryText(attempt.reason)];
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
      setText(this.switchNote, t('pg.switchesUnavailable', { error: errorText(err) }));
    }
  }

  private async flip(lane: 'ws' | 'sse'): Promise<void> {
    if (!this.switches) return this.readSwitches();
    const refuse = !this.switches.chaos.ws.refuseUpgrade;
    try {
      if (lane === 'ws') {
        await Promise.all(UPGRADING_LANES.map((l) => labCall(labBase(this), 'POST', '/api/chaos', { lane: l, refuseUpgrade: refuse })));
      } else {
        await labCall(labBase(this), 'POST', '/api/chaos', { lane, bufferBytes: this.switches.chaos.sse.bufferBytes > 0 ? 0 : SSE_PROXY_BUFFER_BYTES });
      }
      await this.readSwitches();
    } catch (err) {
      setText(this.switchNote, errorText(err));
    }
  }

  private showSwitches(switches: Switches): void {
    this.switches = switches;
    const refusing = switches.chaos.ws.refuseUpgrade;
    const buffering = switches.chaos.sse.bufferBytes;
    setText(this.refuse, t('fc.refuse', { state: refusing ? t('insp.on') : t('insp.off') }));
    this.refuse.setAttribute('aria-pressed', String(refusing));
    setText(this.buffer, t('fc.buffer', { state: buffering > 0 ? `${t('insp.on')} (${buffering.toLocaleString('en-US')} B)` : t('insp.off') }));
    this.buffer.setAttribute('aria-pressed', String(buffering > 0));
    setText(this.switchNote, refusing || buffering > 0 ? t('fc.switchNote') : '');
  }

  private librariesSection(): HTMLElement {
    const libraries = table('fc-libraries', [t('fc.libClient'), t('fc.libTried'), t('fc.libNowOn'), t('fc.libFirst'), t('fc.libRequests'), t('fc.libHeaders'), t('fc.libPerMessage')], [], t('fc.libCaption'));
    this.libraryRows = libraries.tBodies[0]!;
    for (const [client, label] of [['chain', t('fc.libChain')], ['socketio', 'socket.io-client'], ['sockjs', 'sockjs-client']] as const) {
      const row = this.libraryRows.insertRow();
      row.dataset.client = client;
      row.append(el('th', { scope: 'row' }, label));
      for (let i = 1; i < 7; i++) row.insertCell();
    }
    return el('section', { className: 'fc-library-section' },
      el('p', { className: 'insp-detail' },
        t('fc.libDetail')),
      libraries);
  }

  private startLibraries(): void {
    this.stopLibraries();
    const base = labBase(this);
    // The chain's lane clients tag their requests while it runs, so its cost can be read apart.
    for (const row of this.libraryRows.rows) {
      for (const cell of [...row.cells].slice(1)) setText(cell, '');
      for (const key of ['transport', 'requests', 'bytesPerMessage']) delete row.dataset[key];
    }
    this.chainPage = `fallback-chain-${Math.random().toString(36).slice(2, 10)}`;
    tagLaneRequests(this.chainPage);
    this.libraries = LIBRARIES.map((library) => startLibraryFallback(library, base, (run) => this.showLibrary(run)));
    this.costTimer = setInterval(() => void this.refreshCosts(), COST_REFRESH_MS);
  }

  private stopLibraries(): void {
    if (this.costTimer === undefined) return;
    clearInterval(this.costTimer);
    this.costTimer = undefined;
    for (const run of this.libraries) run.stop();
    tagLaneRequests(undefined);
    void this.refreshCosts(); // what they cost in all, closes included
  }

  private showLibrary(run: LibraryRun): void {
    const row = this.libraryRows.querySelector<HTMLTableRowElement>(`tr[data-client="${run.library}"]`)!;
    const mark = { trying: '…', connected: '✓', failed: '✗' } as const;
    setText(row.cells[1]!, run.attempts.map((a) => `${a.transport} ${mark[a.outcome]}${a.durationMs === undefined ? '' : ` ${ms(a.durationMs)}`}`).join(' → '));
    row.cells[1]!.title = run.attempts.map((a) => `${a.transport}: ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`).join('\n');
    setText(row.cells[2]!, run.transport ?? '');
    row.dataset.transport = run.transport ?? '';
    setText(row.cells[3]!, run.firstMessageMs === undefined ? '' : ms(run.firstMessageMs));
  }

  private async refreshCosts(): Promise<void> {
    const base = labBase(this);
    const chainPage = this.chainPage;
    try {
      const costs: [string, Promise<LibraryCost>][] = this.libraries.map((run) => [run.library, libraryCost(base, run.library, run.page)]);
      if (chainPage) {
        costs.push(['chain', Promise.all(FALLBACK_ORDER.map((lane) => libraryCost(base, lane, chainPage))).then((all) => all.reduce((a, c) => ({
          requests: a.requests + c.requests, headerBytes: a.headerBytes + c.headerBytes, framingBytes: a.framingBytes + c.framingBytes, bytes: a.bytes + c.bytes, messages: a.messages + c.messages,
        })))]);
      }
      for (const [client, cost] of costs) {
        const c = await cost;
        const row = this.libraryRows.querySelector<HTMLTableRowElement>(`tr[data-client="${client}"]`)!;
        row.dataset.requests = String(c.requests);
        setText(row.cells[4]!, c.requests.toLocaleString('en-US'));
        setText(row.cells[5]!, c.headerBytes.toLocaleString('en-US'));
        if (c.messages > 0) row.dataset.bytesPerMessage = String(c.bytes / c.messages);
        setText(row.cells[6]!, c.messages > 0 ? (c.bytes / c.messages).toFixed(1) : '–');
      }
      const chain = this.libraryRows.querySelector<HTMLTableRowElement>('tr[data-client="chain"]')!;
      if (this.dataset.lane) {
        setText(chain.cells[2]!, this.dataset.lane);
        chain.dataset.transport = this.dataset.lane;
      }
      setText(chain.cells[1]!, [...this.rows.rows].map((r) => `${r.dataset.lane} ${r.dataset.outcome === 'connected' ? '✓' : r.dataset.outcome === 'trying' ? '…' : '✗'}`).join(' → '));
      if (this.firstMessage.dataset.ms) setText(chain.cells[3]!, ms(Number(this.firstMessage.dataset.ms)));
    } catch (err) {
      setText(this.switchNote, `costs unavailable: ${errorText(err)}`);
    }
  }

  private setState(state: string, text: string): void {
    this.dataset.state = state;
    setText(this.status, text);
  }
}

define('fallback-chain', FallbackChainElement);
