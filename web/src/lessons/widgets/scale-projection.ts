/**
 * <scale-projection id="scale" seconds="10" rate="1"></scale-projection>
 *
 * The classic polling-versus-WebSocket comparison (Kaazing, "HTML5 Web
 * Sockets: A Quantum Leap in Scalability for the Web", 2010), redone with
 * numbers measured on this lab. The page runs its own short-polling client
 * (one poll a second) and then its WebSocket client, each for `seconds`, with
 * the feed at `rate` messages a second. The server's wire meter says what
 * crossed the socket once each client was connected (steady state: the
 * WebSocket handshake is paid once per connection and shown apart), and the
 * overhead per message (every byte that is not the message itself: HTTP
 * heads, envelopes, frame headers) goes into the projection the bench uses
 * (src/bench/projection.ts):
 *
 *   bits/s = clients × messages/s × bytes/message × 8,  Mbit/s = bits/s ÷ 10^6
 *
 * for 1,000, 10,000 and 100,000 clients, beside Kaazing's published inputs
 * (871 header bytes per poll, 2 per frame) pushed through the same function.
 *
 * Attributes: `seconds` (per lane, default 10), `rate` (default 1).
 * Measures: pollOverheadBytes, pollHeaderBytes, wsOverheadBytes, payloadBytes,
 * wsConnectBytes, pollMbps1k, pollMbps10k, pollMbps100k, wsMbps1k, wsMbps10k,
 * wsMbps100k, ratio. The runs use the lab's lanes like any client: another
 * client on the same lane during a run is counted too (the widget says so).
 */
import type { LaneId } from '../../../../src/lanes.ts';
import type { StatsSnapshot } from '../../../../src/api/stats.ts';
import { bitsPerSecond, toMbps } from '../../../../src/bench/projection.ts';
import { stats } from '../../api.ts';
import { createTransport, type TransportEvent } from '../../transports/index.ts';
import { withFeed } from '../lab-api.ts';
import { delay, type Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { controls, MeasuredWidget } from './measured-widget.ts';
import { Waiter } from './waiter.ts';
import { messageGroup } from '../../i18n/index.ts';

/** The client counts of the classic comparison. */
export const CLIENTS = [1_000, 10_000, 100_000] as const;
/** Kaazing (2010): request + response header bytes of one poll, and of one WebSocket frame (FIELD-NOTES.md). */
export const KAAZING_POLL_BYTES = 871;
export const KAAZING_WS_BYTES = 2;
const POLL_INTERVAL_MS = 1_000;
/** How long to wait for a lane to connect, and for the poll that ends the window. */
const STEP_TIMEOUT_MS = 5_000;
const PROGRESS_MS = 200;


interface LaneCost {
  /** Bytes per delivered message that were not the message: heads, envelopes, frame headers. */
  overhead: number;
  header: number;
  payload: number;
  /** Bytes the client cost before steady state (the handshake, or the first poll). */
  connect: number;
  /** Requests the server counted beyond this page's own. */
  foreignRequests: number;
}

export class ScaleProjectionElement extends MeasuredWidget {
  protected readonly dictionary = messageGroup('scaleProjection');
  private progress!: HTMLProgressElement;
  private table!: HTMLTableElement;
  private notes!: HTMLElement;

  private number(name: string, fallback: number): number {
    const value = Number(this.getAttribute(name));
    return this.hasAttribute(name) && Number.isFinite(value) && value > 0 ? value : fallback;
  }

  private get seconds(): number {
    return this.number('seconds', 10);
  }

  private get rate(): number {
    return this.number('rate', 1);
  }

  protected build(): void {
    const w = this.words;
    this.frame('scale-projection', undefined, `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong>poll ↔ ws</strong> <span class="widget-settings"></span></p>
      ${controls('run', '<progress max="1" value="0"></progress>')}
      <table class="run-figures"><caption></caption><thead><tr><th scope="col">${w.lane}</th><th scope="col">${w.perMessage}</th>${
        CLIENTS.map((n) => `<th scope="col">${w.clients!.replace('{n}', formatNumber(n, 0))}</th>`).join('')}</tr></thead><tbody></tbody></table>
      <div class="projection-notes"></div>`);
    this.querySelector('.widget-settings')!.textContent = `${this.seconds} s + ${this.seconds} s · ${formatNumber(this.rate, 2)} msg/s`;
    this.button.textContent = `${w.run} (${this.seconds * 2} s)`;
    this.progress = this.querySelector('progress')!;
    this.table = this.querySelector('table')!;
    this.table.caption!.textContent = w.unit!.replace('{rate}', formatNumber(this.rate, 2));
    this.table.caption!.style.cssText = 'caption-side: bottom; text-align: left; color: var(--muted); font-size: 0.85rem';
    this.notes = this.querySelector('.projection-notes')!;
    this.renderTable(undefined, undefined);
  }

  protected override schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    return super.schedule(() => withFeed(this.rate, task));
  }

  protected async experiment(): Promise<Measurement> {
    this.notes.replaceChildren();
    this.renderTable(undefined, undefined);
    const poll = await this.measureLane('poll', 0);
    this.renderTable(poll, undefined);
    const ws = await this.measureLane('ws', 0.5);
    this.progress.value = 1;
    const mbps = (bytes: number, clients: number) => toMbps(bitsPerSecond(clients, this.rate, bytes), 'si');
    const [k1, k10, k100] = CLIENTS;
    const measurement: Measurement = {
      pollOverheadBytes: poll.overhead,
      pollHeaderBytes: poll.header,
      wsOverheadBytes: ws.overhead,
      payloadBytes: poll.payload,
      wsConnectBytes: ws.connect,
      pollMbps1k: mbps(poll.overhead, k1),
      pollMbps10k: mbps(poll.overhead, k10),
      pollMbps100k: mbps(poll.overhead, k100),
      wsMbps1k: mbps(ws.overhead, k1),
      wsMbps10k: mbps(ws.overhead, k10),
      wsMbps100k: mbps(ws.overhead, k100),
      ratio: poll.overhead / ws.overhead,
    };
    this.renderTable(poll, ws);
    this.renderNotes(poll, ws);
    return measurement;
  }

  // #region steady-state
  /**
   * One lane's cost per message once the client is connected: the server's
   * counters from the first `open` (the WebSocket's hello, the first poll
   * answer) to the end of the window, so a handshake paid once is not spread
   * over a few seconds of messages.
   */
  private async measureLane(lane: LaneId, progressFrom: number): Promise<LaneCost> {
    this.showStatus(this.words.running!.replace('{lane}', lane));
    const s0 = await stats();
    let requests = 0;
    let opens = 0;
    const waiter = new Waiter(STEP_TIMEOUT_MS, this.words.timeout!.replace('{s}', String(STEP_TIMEOUT_MS / 1000)));
    const transport = createTransport(lane, { since: s0.feed.head, epoch: s0.epoch }, { pollIntervalMs: POLL_INTERVAL_MS, longpollWaitMs: 25_000 });
    const onEvent = (event: TransportEvent) => {
      if (event.type === 'request') requests++;
      if (event.type === 'open') opens++;
      waiter.wake();
    };
    const nextOpen = (after: number) => waiter.until(lane, () => opens > after);
    transport.start(() => {}, onEvent);
    try {
      await nextOpen(0);
      const s1 = await stats();
      const requestsAtS1 = requests;
      const t0 = performance.now();
      const ticker = setInterval(() => {
        this.progress.value = progressFrom + Math.min(0.5, (performance.now() - t0) / 2000 / this.seconds);
      }, PROGRESS_MS);
      try {
        await delay(this.seconds * 1000);
        // A poll window ends on a whole exchange: wait for the next answer.
        if (lane === 'poll') await nextOpen(opens);
      } finally {
        clearInterval(ticker);
      }
      const s2 = await stats();
      const d = laneDelta(s1, s2, lane);
      if (d.messages === 0) throw new Error(`no messages on ${lane}`);
      return {
        overhead: (d.wire - d.payloadBytes) / d.messages,
        header: d.headerBytes / d.messages,
        payload: d.payloadBytes / d.messages,
        connect: laneDelta(s0, s1, lane).wire,
        foreignRequests: Math.max(0, d.requests - (requests - requestsAtS1)),
      };
    } finally {
      transport.stop();
    }
  }
  // #endregion

  private renderTable(poll: LaneCost | undefined, ws: LaneCost | undefined): void {
    const w = this.words;
    const cells = (bytes: number | undefined) => CLIENTS.map((n) =>
      (bytes === undefined ? '…' : formatNumber(toMbps(bitsPerSecond(n, this.rate, bytes), 'si'), 3)));
    const rows: [string, string, number | undefined][] = [
      ['poll', w.poll!, poll?.overhead],
      ['poll-heads', w.pollHeads!, poll?.header],
      ['ws', w.ws!, ws?.overhead],
      ['kaazing-poll', w.kaazingPoll!, KAAZING_POLL_BYTES],
      ['kaazing-ws', w.kaazingWs!, KAAZING_WS_BYTES],
    ];
    const body = this.table.tBodies[0]!;
    body.replaceChildren(...rows.map(([name, label, bytes]) => {
      const tr = document.createElement('tr');
      tr.dataset.row = name;
      if (bytes !== undefined) tr.dataset.bytes = String(bytes);
      const th = Object.assign(document.createElement('th'), { scope: 'row', textContent: label });
      tr.append(th, ...[bytes === undefined ? '…' : `${formatNumber(bytes, 1)} B`, ...cells(bytes)]
        .map((text) => Object.assign(document.createElement('td'), { textContent: text })));
      if (name.startsWith('kaazing')) tr.style.color = 'var(--muted)';
      return tr;
    }));
  }

  private renderNotes(poll: LaneCost, ws: LaneCost): void {
    const w = this.words;
    const binary = CLIENTS.map((n) => formatNumber(toMbps(bitsPerSecond(n, 1, KAAZING_POLL_BYTES), 'binary'), 1)).join(' / ');
    const lines = [
      w.detail!.replace('{header}', formatNumber(poll.header, 1)).replace('{overhead}', formatNumber(poll.overhead, 1))
        .replace('{payload}', formatNumber(poll.payload, 1)).replace('{connect}', formatNumber(ws.connect, 0)),
      w.kaazingNote!.replace('{binary}', binary),
    ];
    const shared = poll.foreignRequests > 0 || ws.foreignRequests > 0;
    this.notes.replaceChildren(...lines.map((text) => Object.assign(document.createElement('p'), { textContent: text })));
    if (shared) this.notes.append(Object.assign(document.createElement('p'), { className: 'run-note', textContent: w.shared }));
  }
}

function laneDelta(a: StatsSnapshot, b: StatsSnapshot, lane: LaneId) {
  const x = a.lanes[lane];
  const y = b.lanes[lane];
  return {
    requests: y.requests - x.requests,
    messages: y.messages - x.messages,
    headerBytes: y.headerBytes - x.headerBytes,
    payloadBytes: y.payloadBytes - x.payloadBytes,
    wire: y.bytesIn + y.bytesOut - (x.bytesIn + x.bytesOut),
  };
}

if (!customElements.get('scale-projection')) customElements.define('scale-projection', ScaleProjectionElement);
