/**
 * <fallback-run id="no-ws" block="ws" rate="5"></fallback-run>
 *
 * The fallback chain, timed. For the length of one run the lab plays a hostile
 * network (its chaos switches, the same ones the chaos panel flips):
 *
 *   block="ws"       the WebSocket upgrade is refused (403), as by a strict proxy
 *   block="ws,sse"   that, and a proxy that buffers SSE, so its hello never comes
 *
 * then the page's "auto" client (web/src/transports/auto.ts: WebSocket, then
 * SSE, then long polling, then short polling) connects, and the widget times
 * each attempt and the first message. The switches are put back as they were
 * afterwards. They act on the lab, not on this page: every client of the lab
 * meets the same hostile network for those seconds.
 *
 * With `libraries`, the real libraries run beside the chain on the same
 * hostile network (the upgrade is then refused on the `socketio` and `sockjs`
 * lanes too): socket.io-client starts on long polling and its upgrade probe
 * fails, so it stays there; sockjs-client tries its WebSocket, then falls back
 * to xhr-streaming. All three run for LIBRARY_WINDOW_MS after the last first
 * message, and what each cost (requests, header bytes, bytes per message) is
 * read from the lab's wire meter for its own connections (`?page=`).
 *
 * Attributes: `block` (ws | ws,sse; none: a clean network), `timeout` (ms an
 * attempt may take to connect, default the client's ATTEMPT_TIMEOUT_MS),
 * `rate` (feed messages/s during the run, restored afterwards), `libraries`.
 * Measures: attempts, landed (1 = ws … 4 = poll, the place in the chain),
 * failedMs (time spent on attempts that failed), connectMs, firstMessageMs;
 * with `libraries`, per client (lab = the chain, socketio, sockjs): <client>Requests,
 * <client>HeaderBytes, <client>BytesPerMessage, and socketioUpgraded (1 or 0),
 * socketioFirstMessageMs, sockjsAttempts, sockjsLanded (1 = websocket, 2 = xhr-streaming,
 * 3 = eventsource, 4 = xhr-polling, 0 = another), sockjsFirstMessageMs.
 */
import { LANES, type LaneId } from '../../../../src/lanes.ts';
import { autoTransport, ATTEMPT_TIMEOUT_MS, FALLBACK_ORDER, type Attempt, type AutoClient } from '../../transports/auto.ts';
import { setChaos, withFeed } from '../lab-api.ts';
import { labCall } from '../../inspectors/ui.ts';
import type { SwitchesSnapshot } from '../../inspectors/switch-badges.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { libraryCost, LIBRARIES, startLibraryFallback, type LibraryCost, type LibraryRun } from '../../inspectors/library-fallback.ts';
import { tagLaneRequests } from '../../transports/transport.ts';
import { SOCKJS_TRANSPORTS } from '../../transports/sockjs.ts';
import { laneTitle, messageGroup } from '../../i18n/index.ts';

/** What the SSE switch holds back: far more than a hello and a few messages, so none get through. */
const SSE_PROXY_BUFFER_BYTES = 64 * 1024;
/** After the last attempt has had its time, how long to wait for the first message before giving up. */
const FIRST_MESSAGE_GRACE_MS = 5_000;
/** With `libraries`: how long every client keeps receiving after the last one's first message, so their costs cover the same stretch. */
const LIBRARY_WINDOW_MS = 4_000;
/** How long a library may take to its first message (SockJS's own transport timeout is 5 s or more). */
const LIBRARY_FIRST_MESSAGE_MS = 12_000;


export class FallbackRunElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('fallbackRun');
  private rows!: HTMLTableSectionElement;
  private figures!: HTMLElement;
  private libraryRows: HTMLTableSectionElement | undefined;

  private get withLibraries(): boolean {
    return this.hasAttribute('libraries');
  }

  private get blocked(): LaneId[] {
    return (this.getAttribute('block') ?? '').split(',').filter((l): l is LaneId => l === 'ws' || l === 'sse');
  }

  private get timeoutMs(): number {
    const n = Number(this.getAttribute('timeout'));
    return this.hasAttribute('timeout') && Number.isFinite(n) && n > 0 ? n : ATTEMPT_TIMEOUT_MS;
  }

  protected build(): void {
    const w = this.words;
    this.frame('fallback-run', this.blocked.length ? 'var(--lane-longpoll)' : 'var(--lane-ws)', `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong></strong> <span class="widget-settings"></span></p>
      ${controls()}
      <table class="run-figures"><thead><tr><th scope="col">${w.n}</th><th scope="col">${w.transport}</th><th scope="col">${w.outcome}</th><th scope="col">${w.took}</th><th scope="col">${w.why}</th></tr></thead><tbody></tbody></table>
      <dl class="exchange-figures" data-field="figures"></dl>
      ${this.withLibraries ? `<table class="run-figures library-fallback" hidden><thead><tr><th scope="col">${w.client}</th><th scope="col">${w.tried}</th><th scope="col">${w.landedOn}</th><th scope="col">${w.first}</th><th scope="col">${w.requests}</th><th scope="col">${w.headers}</th><th scope="col">${w.perMessage}</th></tr></thead><tbody></tbody></table>` : ''}`);
    const network = this.blocked.length === 0 ? w.clean! : [
      this.blocked.includes('ws') ? w.refused! : '',
      this.blocked.includes('sse') ? w.buffered! : '',
    ].filter(Boolean).join(' + ');
    this.querySelector('strong')!.textContent = FALLBACK_ORDER.join(' → ');
    const rate = this.getAttribute('rate');
    this.querySelector('.widget-settings')!.textContent =
      `${network} · ${w.timeout} ${formatNumber(this.timeoutMs, 0)} ms${rate ? ` · ${rate} msg/s` : ''}`;
    this.button.textContent = w.run!;
    this.rows = this.querySelector('tbody')!;
    this.rows.parentElement!.hidden = true; // no empty table before the first attempt
    this.figures = this.querySelector('[data-field="figures"]')!;
    this.libraryRows = this.querySelector<HTMLTableElement>('.library-fallback')?.tBodies[0];
  }

  protected override schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    const rate = this.hasAttribute('rate') ? Number(this.getAttribute('rate')) : undefined;
    return super.schedule(() => withFeed(rate, task));
  }

  protected override doneText(): string {
    return this.blocked.length ? `${this.words.done}. ${this.words.shared}` : this.words.done!;
  }

  /** `failed` is an attempt's outcome here; the run's own failure has its own word. */
  protected override failureText(err: Error): string {
    return `${this.words.failedRun}: ${err.message}`;
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    this.showStatus(w.running!);
    this.rows.replaceChildren();
    this.figures.replaceChildren();
    let client: AutoClient | undefined;
    let before: SwitchesSnapshot['chaos'] | undefined;
    const libraries: LibraryRun[] = [];
    const chainPage = `fallback-chain-${Math.random().toString(36).slice(2, 10)}`;
    this.libraryRows?.replaceChildren();
    try {
      before = (await labCall<SwitchesSnapshot>(location.href, 'GET', '/api/switches')).chaos;
      // #region hostile-network
      // The lab plays the network: a proxy that refuses `Upgrade: websocket`,
      // and one that sits on SSE responses until it has 64 KiB.
      if (this.blocked.includes('ws')) await setChaos('ws', { refuseUpgrade: true });
      if (this.blocked.includes('sse')) await setChaos('sse', { bufferBytes: SSE_PROXY_BUFFER_BYTES });
      // #endregion
      if (this.withLibraries) {
        // The same proxy stands in front of the libraries' lanes; the chain's lane requests carry their own page id.
        if (this.blocked.includes('ws')) await Promise.all(LIBRARIES.map((lane) => setChaos(lane, { refuseUpgrade: true })));
        tagLaneRequests(chainPage);
        for (const library of LIBRARIES) libraries.push(startLibraryFallback(library, location.href, (run) => this.showLibrary(run)));
      }
      const result = await new Promise<{ attempts: readonly Attempt[]; connectMs: number; firstMessageMs: number; lane: LaneId }>((resolve, reject) => {
        let connectMs: number | undefined;
        const deadline = setTimeout(() => reject(new Error(connectMs === undefined ? w.gaveUp! : w.noMessage!)),
          this.timeoutMs * FALLBACK_ORDER.length + FIRST_MESSAGE_GRACE_MS);
        client = autoTransport({
          attemptTimeoutMs: this.timeoutMs,
          onAttempt: (attempt, all) => this.showAttempt(attempt, all.indexOf(attempt)),
          onConnected: (_lane, afterMs) => { connectMs = afterMs; },
          onMessage: (_message, lane, afterMs) => {
            clearTimeout(deadline);
            resolve({ attempts: [...client!.attempts], connectMs: connectMs ?? afterMs, firstMessageMs: afterMs, lane });
          },
          onGaveUp: () => {
            clearTimeout(deadline);
            reject(new Error(w.gaveUp));
          },
        });
        client.start();
      });
      const costs = this.withLibraries ? await this.runLibraries(libraries, client!, chainPage, result.lane, result.firstMessageMs) : undefined;
      client?.stop();
      const failed = result.attempts.filter((a) => a.outcome === 'failed' || a.outcome === 'timed out');
      const measurement: Measurement = {
        attempts: result.attempts.length,
        landed: FALLBACK_ORDER.indexOf(result.lane) + 1,
        failedMs: Math.round(failed.reduce((sum, a) => sum + (a.durationMs ?? 0), 0)),
        connectMs: Math.round(result.connectMs),
        firstMessageMs: Math.round(result.firstMessageMs),
        ...costs,
      };
      this.renderFigures(measurement, result.lane);
      this.dataset.lane = result.lane;
      return measurement;
    } finally {
      client?.stop();
      for (const run of libraries) run.stop();
      if (this.withLibraries) tagLaneRequests(undefined);
      if (before) {
        await Promise.all([
          setChaos('ws', { refuseUpgrade: before.ws.refuseUpgrade }),
          setChaos('sse', { bufferBytes: before.sse.bufferBytes }),
          ...(this.withLibraries ? LIBRARIES.map((lane) => setChaos(lane, { refuseUpgrade: before![lane].refuseUpgrade })) : []),
        ]).catch(() => undefined);
      }
    }
  }

  /**
   * Wait for each library's first message, let all three clients receive for
   * the same stretch, stop them, and read what the wire meter counted for each.
   */
  private async runLibraries(runs: LibraryRun[], chain: AutoClient, chainPage: string, chainLane: LaneId, chainFirstMs: number): Promise<Measurement> {
    const w = this.words;
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const missing = runs.find((r) => r.firstMessageMs === undefined);
        if (!missing) return resolve();
        if (performance.now() - started > LIBRARY_FIRST_MESSAGE_MS) return reject(new Error(w.noLibraryMessage!.replace('{lib}', w[missing.library]!)));
        setTimeout(check, 100);
      };
      check();
    });
    await new Promise((resolve) => setTimeout(resolve, LIBRARY_WINDOW_MS));
    chain.stop();
    for (const run of runs) run.stop();
    const base = location.href;
    const [chainCost, ...libraryCosts] = await Promise.all([
      chainCostOf(base, chainPage),
      ...runs.map((run) => libraryCost(base, run.library, run.page)),
    ]);
    const perMessage = (c: LibraryCost) => (c.messages > 0 ? c.bytes / c.messages : 0);
    const m: Measurement = {
      labRequests: chainCost.requests, labHeaderBytes: chainCost.headerBytes, labBytesPerMessage: perMessage(chainCost),
    };
    runs.forEach((run, i) => {
      const c = libraryCosts[i]!;
      m[`${run.library}Requests`] = c.requests;
      m[`${run.library}HeaderBytes`] = c.headerBytes;
      m[`${run.library}BytesPerMessage`] = perMessage(c);
      m[`${run.library}FirstMessageMs`] = Math.round(run.firstMessageMs ?? 0);
      if (run.library === 'socketio') m.socketioUpgraded = run.transport === 'websocket' ? 1 : 0;
      if (run.library === 'sockjs') {
        m.sockjsAttempts = run.attempts.length;
        m.sockjsLanded = Math.max(0, (SOCKJS_TRANSPORTS as readonly string[]).indexOf(run.transport ?? ''));
      }
      this.showLibrary(run, c);
    });
    this.showChainCost(chainLane, chainFirstMs, chainCost);
    return m;
  }

  private libraryRow(key: string): HTMLTableRowElement {
    const body = this.libraryRows!;
    body.parentElement!.hidden = false;
    let row = body.querySelector<HTMLTableRowElement>(`tr[data-client="${key}"]`);
    if (!row) {
      row = body.insertRow();
      row.dataset.client = key;
      for (let i = 0; i < 7; i++) row.insertCell();
      row.cells[0]!.textContent = this.words[key] ?? key;
      row.cells[1]!.style.textAlign = 'left';
    }
    return row;
  }

  private showLibrary(run: LibraryRun, cost?: LibraryCost): void {
    if (!this.libraryRows) return;
    const row = this.libraryRow(run.library);
    const mark = { trying: '…', connected: '✓', failed: '✗' } as const;
    row.cells[1]!.textContent = run.attempts.map((a) => `${a.transport} ${mark[a.outcome]}${a.durationMs === undefined ? '' : ` ${formatNumber(a.durationMs, 0)} ms`}`).join(' → ');
    row.cells[1]!.title = run.attempts.map((a) => `${a.transport}: ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`).join('\n');
    row.cells[2]!.textContent = run.transport ?? '';
    row.dataset.transport = run.transport ?? '';
    row.cells[3]!.textContent = run.firstMessageMs === undefined ? '' : `${formatNumber(run.firstMessageMs, 0)} ms`;
    if (cost) this.showCost(row, cost);
  }

  private showChainCost(lane: LaneId, firstMs: number, cost: LibraryCost): void {
    const row = this.libraryRow('chain');
    row.cells[1]!.textContent = FALLBACK_ORDER.slice(0, FALLBACK_ORDER.indexOf(lane) + 1).join(' → ');
    row.cells[2]!.textContent = lane;
    row.cells[3]!.textContent = `${formatNumber(firstMs, 0)} ms`;
    row.dataset.transport = lane;
    this.libraryRows!.prepend(row);
    this.showCost(row, cost);
  }

  private showCost(row: HTMLTableRowElement, c: LibraryCost): void {
    row.cells[4]!.textContent = formatNumber(c.requests, 0);
    row.cells[5]!.textContent = formatNumber(c.headerBytes, 0);
    row.cells[6]!.textContent = c.messages > 0 ? formatNumber(c.bytes / c.messages, 1) : '–';
  }

  private showAttempt(attempt: Attempt, index: number): void {
    const w = this.words;
    const took = attempt.durationMs === undefined ? '…' : `${formatNumber(attempt.durationMs, 0)} ms`;
    const cells = [String(index + 1), `${attempt.lane} (${laneTitle(attempt.lane)})`, w[attempt.outcome === 'timed out' ? 'timedOut' : attempt.outcome] ?? attempt.outcome, took, attempt.reason ?? ''];
    let row = this.rows.rows[index];
    if (!row) {
      row = this.rows.insertRow();
      cells.forEach(() => row!.insertCell());
      this.rows.parentElement!.hidden = false;
    }
    row.dataset.lane = attempt.lane;
    row.dataset.outcome = attempt.outcome;
    cells.forEach((value, i) => { row!.cells[i]!.textContent = value; });
    row.cells[4]!.style.textAlign = 'left';
  }

  private renderFigures(m: Measurement, lane: LaneId): void {
    const w = this.words;
    const ms = (v: number | undefined) => `${formatNumber(v ?? 0, 0)} ms`;
    const rows: [string, string, string][] = [
      ['attempts', w.attempts!, formatNumber(m.attempts ?? 0, 0)],
      ['landed', w.landed!, `${m.landed}. ${lane}`],
      ['failedMs', w.failedMs!, ms(m.failedMs)],
      ['connectMs', w.connectMs!, ms(m.connectMs)],
      ['firstMessageMs', w.firstMessageMs!, ms(m.firstMessageMs)],
    ];
    showFigures(this.figures, m, rows);
  }
}

/** The chain's cost: every lane its attempts used, for its own page id. */
async function chainCostOf(base: string, page: string): Promise<LibraryCost> {
  const costs = await Promise.all(FALLBACK_ORDER.map((lane) => libraryCost(base, lane, page)));
  return costs.reduce((sum, c) => ({
    requests: sum.requests + c.requests, headerBytes: sum.headerBytes + c.headerBytes, framingBytes: sum.framingBytes + c.framingBytes,
    bytes: sum.bytes + c.bytes, messages: sum.messages + c.messages,
  }));
}

if (!customElements.get('fallback-run')) customElements.define('fallback-run', FallbackRunElement);
